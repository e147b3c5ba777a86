"""What the login says on the way to a lockout, the lockout page, and the Büro lifting a lock."""

import pytest
from django.test import Client

PASSWORD = "ein-sicheres-Passwort-123"


def _login(client, username, password):
    return client.post("/anmelden/", {"username": username, "password": password})


def test_login_warns_before_the_last_attempt_and_says_how_long(client, reporter_a, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(3):
        content = _login(client, "reporter-a", "falsch").content.decode()
        assert "Benutzername und Passwort passen nicht zusammen." in content
        assert "Achtung" not in content
    fourth = _login(client, "reporter-a", "falsch").content.decode()
    assert (
        "Achtung: Nach einem weiteren falschen Versuch wird die Anmeldung für diesen Benutzernamen von diesem "
        "Gerät aus für 1 Stunde gesperrt." in fourth
    )
    locked = _login(client, "reporter-a", "falsch")
    assert locked.status_code == 429
    content = locked.content.decode()
    assert "für 1 Stunde gesperrt" in content
    assert "Die Sperre endet am" in content and "Uhr" in content


def test_lock_ends_after_the_time_it_announced(client, reporter_a, settings):
    settings.AXES_COOLOFF_TIME = 0.5  # hours
    for _attempt in range(5):
        response = _login(client, "reporter-a", "falsch")
    assert "für 30 Minuten gesperrt" in response.content.decode()


def test_buero_sees_the_lockouts_in_german_and_lifts_one(buero_client, reporter_a, reporter_b):
    attacker = Client()
    for _attempt in range(5):
        _login(attacker, "reporter-a", "falsch")
    _login(attacker, "reporter-b", "falsch")
    assert _login(Client(), "reporter-a", PASSWORD).status_code == 429

    index = buero_client.get("/admin/").content.decode()
    assert "Gesperrte Anmeldungen und Fehlversuche" in index
    listing = buero_client.get("/admin/accounts/loginattempt/")
    content = listing.content.decode()
    assert listing.status_code == 200
    assert "gesperrt bis" in content and "noch 4 Versuche" in content
    assert "Sperre aufheben" in content

    from axes.models import AccessAttempt

    locked = AccessAttempt.objects.get(username="reporter-a")
    response = buero_client.post(
        "/admin/accounts/loginattempt/", {"action": "lift", "_selected_action": [locked.pk]}, follow=True
    )
    assert "1 Eintrag entfernt; die Anmeldung ist wieder frei." in response.content.decode()
    assert _login(Client(), "reporter-a", PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(username="reporter-b").exists(), "other people's records stay"

    failures = buero_client.get("/admin/accounts/loginfailure/").content.decode()
    assert "reporter-a" in failures and "Protokoll: fehlgeschlagene Anmeldungen" in failures


def test_buero_lifts_a_lockout_from_the_person_list(buero_client, reporter_a):
    for _attempt in range(5):
        _login(Client(), "reporter-a", "falsch")
    response = buero_client.post(
        "/admin/accounts/user/", {"action": "lift_login_lockout", "_selected_action": [reporter_a.pk]}, follow=True
    )
    assert "1 gesperrte Anmeldung aufgehoben." in response.content.decode()
    assert _login(Client(), "reporter-a", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "url", ["/admin/accounts/loginattempt/", "/admin/accounts/loginfailure/", "/admin/accounts/login/"]
)
def test_lockout_lists_are_for_the_buero_only(client, reporter_a, url):
    reporter_a.is_staff = True
    reporter_a.save()
    client.force_login(reporter_a)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
