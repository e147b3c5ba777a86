"""Password guessing from many addresses: the per-account limit (accounts.guessing).

An attacker rotating 25 addresses stays under the per-address lock (five failures); the
per-account limit slows the guessing down without letting the attacker keep the Büro out.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.second_factor import current_code

PASSWORD = "ein-sicheres-Passwort-123"


@pytest.fixture(autouse=True)
def behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


def _login(client, username, password, address, **extra):
    return client.post(
        "/anmelden/",
        {"username": username, "password": password, **extra},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=address,
    )


def _guess_from_25_addresses(client, username, guesses=100):
    statuses = [_login(client, username, f"Rate-{n}", f"203.0.113.{n % 25}").status_code for n in range(guesses)]
    return statuses


def test_distributed_guessing_is_slowed_down_and_the_right_password_waits(client, reporter_a):
    statuses = _guess_from_25_addresses(client, "reporter-a")
    assert statuses[:20] == [200] * 20, "the first 20 wrong passwords are checked"
    assert set(statuses[20:]) == {429}, "then one attempt per waiting time"
    failures = sum(AccessAttempt.objects.filter(username="reporter-a").values_list("failures_since_start", flat=True))
    assert failures == 20, "refused attempts are not even checked, so flooding gains nothing"

    # The right password now, from an address never used before: refused too, with the time.
    response = _login(client, "reporter-a", PASSWORD, "198.51.100.20")
    assert response.status_code == 429
    content = response.content.decode()
    assert "viele falsche Passwörter" in content and "Uhr geprüft" in content
    assert 'name="code"' in content, "the page offers the code of the second factor"
    assert "_auth_user_id" not in client.session

    # After the waiting time the right password is checked and works.
    AccessAttempt.objects.filter(username="reporter-a").update(attempt_time=timezone.now() - timedelta(seconds=31))
    response = _login(client, "reporter-a", PASSWORD, "198.51.100.20")
    assert response.status_code == 302 and response["Location"] == "/meine-massnahmen/"


def test_waiting_time_doubles_up_to_the_maximum(settings):
    from accounts.guessing import delay_after

    assert delay_after(19) is None
    assert [delay_after(n).total_seconds() for n in (20, 21, 22)] == [30, 60, 120]
    assert delay_after(100).total_seconds() == settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS == 900


def test_attacker_cannot_keep_the_buero_out(client, buero_user):
    """The Büro always has its app: with the code, the right password is checked at once."""
    _guess_from_25_addresses(client, "buero-admin")
    assert _login(client, "buero-admin", PASSWORD, "198.51.100.20").status_code == 429

    device = buero_user.totpdevice_set.get()
    response = _login(client, "buero-admin", PASSWORD, "198.51.100.20", code=current_code(device), next="/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200, "password and code together: no second step"


def test_a_guessed_password_with_a_wrong_code_tells_nothing(client, buero_user):
    _guess_from_25_addresses(client, "buero-admin", guesses=20)
    response = _login(client, "buero-admin", PASSWORD, "203.0.113.1", code="123456")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Benutzername, Passwort und Bestätigungscode passen nicht zusammen." in content
    assert "_auth_user_id" not in client.session
    wrong_password = _login(client, "buero-admin", "Rate-x", "203.0.113.2", code="123456").content.decode()
    assert "Benutzername, Passwort und Bestätigungscode passen nicht zusammen." in wrong_password


def test_buero_lifts_the_waiting_time_in_the_admin(buero_client, reporter_a):
    attacker = Client()
    _guess_from_25_addresses(attacker, "reporter-a", guesses=25)
    assert _login(Client(), "reporter-a", PASSWORD, "198.51.100.20").status_code == 429
    ids = list(AccessAttempt.objects.filter(username="reporter-a").values_list("pk", flat=True)[:1])
    response = buero_client.post(
        "/admin/accounts/loginattempt/", {"action": "lift", "_selected_action": ids}, follow=True
    )
    assert "die Anmeldung ist wieder frei" in response.content.decode()
    assert _login(Client(), "reporter-a", PASSWORD, "198.51.100.20").status_code == 302
