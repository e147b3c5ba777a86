"""The second factor: set up at the first login, required for the Büro, optional for reporters.

Walks the login form, the confirmation page and the setup page as a person does.
"""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.second_factor import current_code, give_app

PASSWORD = "ein-sicheres-Passwort-123"


def _password_step(client, username, next_url="/meine-massnahmen/"):
    return client.post("/anmelden/", {"username": username, "password": PASSWORD, "next": next_url})


def _set_up_app(client, user, location):
    page = client.get(location)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(location, {"action": "confirm", "code": current_code(device)})
    return page, response


def test_buero_without_app_is_sent_to_setup_and_reaches_nothing_before(client, buero_user):
    TOTPDevice.objects.filter(user=buero_user).delete()
    response = _password_step(client, "buero-admin", "/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/zweiter-faktor/?next=%2Fadmin%2F"
    for url in ("/admin/", "/admin/accounts/user/", "/pruefung/", "/meine-massnahmen/", "/passwort/"):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"].startswith("/zweiter-faktor/?next="), url

    page, response = _set_up_app(client, buero_user, "/zweiter-faktor/?next=/admin/")
    content = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR-Code zum Einrichten der Authenticator-App"' in content
    assert "<script" not in content.split("<main", 1)[1], "no JavaScript on the setup page"
    assert re.search(r'<code class="secret" lang="en">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', content)

    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=buero_user).count() == 10
    assert "Diese Codes werden nur jetzt angezeigt." in response.content.decode()
    assert client.get("/admin/").status_code == 200
    assert client.get("/pruefung/").status_code == 200
    # Shown once: the page only shows how many are left.
    again = client.get("/zweiter-faktor/").content.decode()
    assert codes[0] not in again and "noch 10 unbenutzte Wiederherstellungscodes" in again


def test_setup_with_a_wrong_code_says_so(client, buero_user):
    TOTPDevice.objects.filter(user=buero_user).delete()
    _password_step(client, "buero-admin")
    client.get("/zweiter-faktor/")
    response = client.post("/zweiter-faktor/", {"action": "confirm", "code": "000000"})
    assert "Der Code stimmt nicht" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=buero_user, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_buero_logs_in_with_password_and_code(client, buero_user):
    response = _password_step(client, "buero-admin", "/admin/")
    assert response["Location"] == "/anmelden/bestaetigen/?next=%2Fadmin%2F"
    assert client.get("/admin/").status_code == 302, "the password alone opens nothing"
    page = client.get(response["Location"])
    assert "Anmeldung bestätigen" in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()

    wrong = client.post(response["Location"], {"code": "123456", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "Der Code stimmt nicht." in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    device = TOTPDevice.objects.get(user=buero_user)
    device.throttle_reset()  # a person waits a moment after a wrong code
    right = client.post(response["Location"], {"code": current_code(device), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_make_the_next_try_wait(client, buero_user):
    _password_step(client, "buero-admin")
    for _attempt in range(3):
        client.post("/anmelden/bestaetigen/", {"code": "123456"})
    device = TOTPDevice.objects.get(user=buero_user)
    response = client.post("/anmelden/bestaetigen/", {"code": current_code(device)})
    assert response.status_code == 200, "even the right code waits after wrong ones"
    assert "bitte bis" in response.content.decode()


def test_recovery_code_works_once(client, buero_user):
    from accounts.second_factor import new_recovery_codes

    code = new_recovery_codes(buero_user)[0]
    _password_step(client, "buero-admin")
    response = client.post("/anmelden/bestaetigen/", {"code": code.upper(), "next": "/pruefung/"})
    assert response.status_code == 302 and response["Location"] == "/pruefung/"
    assert "noch übrig" in client.get("/pruefung/").content.decode()
    client.post("/abmelden/")

    _password_step(client, "buero-admin")
    again = client.post("/anmelden/bestaetigen/", {"code": code, "next": "/pruefung/"})
    assert again.status_code == 200
    assert "Der Code stimmt nicht." in again.content.decode()
    assert client.get("/pruefung/").status_code == 302


def test_reporter_needs_no_app_but_may_set_one_up(client, reporter_a):
    response = _password_step(client, "reporter-a")
    assert response["Location"] == "/meine-massnahmen/"
    assert client.get("/meine-massnahmen/").status_code == 200
    page = client.get("/zweiter-faktor/")
    assert "Freiwillig" in page.content.decode()
    _page, done = _set_up_app(client, reporter_a, "/zweiter-faktor/")
    assert "Ihre Codes für den Notfall" in done.content.decode()
    client.post("/abmelden/")

    response = _password_step(client, "reporter-a")
    assert response["Location"].startswith("/anmelden/bestaetigen/"), "from now on with the code"
    assert client.get("/meine-massnahmen/").status_code == 302


def test_password_alone_cannot_replace_the_app(client, buero_user):
    """Someone who knows the Büro's password must not set up their own phone instead."""
    _password_step(client, "buero-admin")
    response = client.get("/zweiter-faktor/")
    assert response.status_code == 302 and response["Location"].startswith("/anmelden/bestaetigen/")
    client.post("/zweiter-faktor/", {"action": "confirm", "code": "000000"})
    assert TOTPDevice.objects.filter(user=buero_user).count() == 1


def test_buero_resets_a_lost_second_factor_in_the_admin(client, buero_client, reporter_a):
    give_app(reporter_a)
    response = buero_client.post(
        "/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [reporter_a.pk]}, follow=True
    )
    assert "Zweiter Faktor von 1 Person zurückgesetzt" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reporter_a).exists()
    assert _password_step(client, "reporter-a")["Location"] == "/meine-massnahmen/"


@pytest.mark.parametrize("url", ["/anmelden/bestaetigen/", "/zweiter-faktor/"])
def test_second_factor_pages_need_the_password_first(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/anmelden/")
