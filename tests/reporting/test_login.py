"""The staff login: German, protected against guessing, sessions that expire, pages not cached."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from tests.reporting.conftest import PASSWORD


@pytest.fixture(autouse=True)
def small_failure_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _login(client, username, password, url="/anmelden/"):
    return client.post(url, {"username": username, "password": password})


def test_login_page_is_german_and_labelled(client):
    response = client.get("/anmelden/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Anmelden</h1>" in content
    assert '<label for="id_username">Benutzername</label>' in content
    assert '<label for="id_password">Passwort</label>' in content


def test_reporter_logs_in_and_lands_on_their_measures(client, reporter_a, measure_a):
    response = _login(client, "reporter-a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/meine-massnahmen/"
    assert "Testmaßnahme" in client.get("/meine-massnahmen/").content.decode()


def test_anonymous_is_sent_to_login_and_back(client, reporter_a, measure_a):
    response = client.get(f"/meine-massnahmen/{measure_a.pk}/")
    assert response["Location"] == f"/anmelden/?next=/meine-massnahmen/{measure_a.pk}/"
    response = client.post(
        "/anmelden/", {"username": "reporter-a", "password": PASSWORD, "next": f"/meine-massnahmen/{measure_a.pk}/"}
    )
    assert response["Location"] == f"/meine-massnahmen/{measure_a.pk}/"


def test_wrong_password_gives_a_german_message(client, reporter_a):
    response = _login(client, "reporter-a", "falsch")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Benutzername und Passwort passen nicht zusammen." in content
    assert "Bitte Benutzername und Passwort eingeben" not in content, "both were entered"


def test_admin_login_is_the_one_login_page(client):
    response = client.get("/admin/login/?next=/admin/measures/")
    assert response.status_code == 302
    assert response["Location"] == "/anmelden/?next=%2Fadmin%2Fmeasures%2F"


def test_lockout_after_repeated_failures(client, reporter_a):
    for _attempt in range(3):
        _login(client, "reporter-a", "falsch")
    response = _login(client, "reporter-a", PASSWORD)
    content = response.content.decode()
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in content
    assert "3-mal falsch eingegeben" in content
    assert "für 1 Stunde gesperrt" in content
    assert "Die Sperre endet am" in content
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_name(client, reporter_a, reporter_b):
    for _attempt in range(3):
        _login(client, "reporter-a", "falsch")
    assert _login(client, "reporter-b", PASSWORD).status_code == 302


def test_logout_ends_the_session(client, reporter_a):
    client.force_login(reporter_a)
    assert client.post("/abmelden/").status_code == 302
    assert client.get("/meine-massnahmen/").status_code == 302


def test_staff_pages_are_not_cached(client, reporter_a):
    client.force_login(reporter_a)
    response = client.get("/meine-massnahmen/")
    assert "no-store" in response["Cache-Control"]


def test_sessions_expire_by_default_and_by_environment():
    assert django_settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    environment = {**os.environ, "SESSION_COOKIE_AGE": "900", "AXES_FAILURE_LIMIT": "10"}
    result = subprocess.run(
        [sys.executable, "-c", "import integration.settings as s; print(s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT)"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    assert result.stdout.strip() == "900 10"


def test_reporter_changes_password_with_djangos_validators(client, reporter_a):
    client.force_login(reporter_a)
    response = client.post(
        "/passwort/", {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dieses Passwort ist zu kurz" in content
    assert "Dieses Passwort ist zu üblich" in content or "Dieses Passwort ist vollständig numerisch" in content
    new = "Sommer-im-Park-Sanssouci-2026"
    response = client.post("/passwort/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == "/meine-massnahmen/"
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(new)
    assert client.get("/meine-massnahmen/").status_code == 200, "the session survives the change"
