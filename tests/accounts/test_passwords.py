"""Password rules with German and local words, and a password change that stops guessers."""

import logging

import pytest

from accounts.password_validation import is_guessable

PASSWORD = "ein-sicheres-Passwort-123"


def _change(client, old, new):
    return client.post("/passwort/", {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(
    "guessable",
    ["Passwort1234", "Sommer2024!!", "potsdam-2024", "qwertyuiopas", "Winter-Potsdam-2025", "Frühling2026?!"],
)
def test_local_common_passwords_are_refused_on_the_change_form(client, reporter_a, guessable):
    client.force_login(reporter_a)
    response = _change(client, PASSWORD, guessable)
    assert response.status_code == 200
    assert "Dieses Passwort ist zu leicht zu erraten" in response.content.decode()
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(PASSWORD)


@pytest.mark.parametrize("strong", ["Sommer-im-Park-Sanssouci-2026", "XB3lsRbDAq8KAfEK", "Uebernahme-2026!x"])
def test_passwords_with_more_than_local_words_pass(strong):
    assert not is_guessable(strong)


def test_wrong_old_passwords_are_counted_and_stop_the_change(client, reporter_a, settings, caplog):
    settings.SECURITY_LOG_IDENTITIES = "plain"
    client.force_login(reporter_a)
    new = "Ganz-neues-Kennwort-7391"
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            response = _change(client, "geraten", new)
            assert "Das alte Passwort war falsch." in response.content.decode()
    assert "reporter-a" in caplog.text and "Falsches bisheriges Passwort" in caplog.text

    # Now even the right old password is refused for a while.
    response = _change(client, PASSWORD, new)
    assert response.status_code == 200
    assert "zu oft falsch eingegeben" in response.content.decode()
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(PASSWORD)
