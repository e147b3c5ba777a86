"""Security logs name who and from where, hashed or plain as the operator configures."""

import json
import logging

import pytest
from django.core.management import call_command

from integration.log_format import JsonFormatter, log_identity

ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


def _fail(client):
    client.post(
        "/anmelden/",
        {"username": "reporter-a", "password": "falsch"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=ATTACKER,
    )


def test_failed_login_is_logged_with_hashed_user_and_address_by_default(client, reporter_a, caplog, capsys):
    with caplog.at_level(logging.WARNING, logger="axes"):
        _fail(client)
    line = next(record.getMessage() for record in caplog.records if "login failure" in record.getMessage())
    assert "********" not in line, "no longer masked away"
    assert "reporter-a" not in line and ATTACKER not in line
    assert log_identity("reporter-a") in line and log_identity(ATTACKER) in line
    assert log_identity(ATTACKER) == log_identity(ATTACKER), "the same address gives the same entry"

    call_command("log_identity", ATTACKER)
    assert capsys.readouterr().out.strip() == f"{ATTACKER}\t{log_identity(ATTACKER)}"


def test_plain_identities_when_the_operator_says_so(client, reporter_a, caplog, settings):
    settings.SECURITY_LOG_IDENTITIES = "plain"
    with caplog.at_level(logging.WARNING, logger="axes"):
        _fail(client)
    assert f'username: "reporter-a", ip_address: "{ATTACKER}"' in caplog.text


def test_security_events_carry_fields_in_the_json_log(client, reporter_a, caplog, settings):
    settings.SECURITY_LOG_IDENTITIES = "plain"
    settings.AXES_FAILURE_LIMIT = 1
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        _fail(client)
    record = next(record for record in caplog.records if record.name == "accounts.security")
    entry = json.loads(JsonFormatter().format(record))
    assert entry["event"] == "login_locked"
    assert entry["username"] == "reporter-a" and entry["client"] == ATTACKER


def test_access_log_names_the_client_behind_the_proxy(settings):
    """gunicorn's access log line, as the JSON log writes it, with the address nginx appended."""
    from types import SimpleNamespace

    from gunicorn.config import Config

    from integration.log_format import AccessLogger

    settings.SECURITY_LOG_IDENTITIES = "plain"
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": f"198.51.100.20, {ATTACKER}",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/anmelden/",
        "PATH_INFO": "/anmelden/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", environ["HTTP_X_FORWARDED_FOR"])])
    atoms = AccessLogger(Config()).atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1500))
    assert atoms["client"] == ATTACKER
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(client)s", (), None)
    record.args = atoms
    entry = json.loads(JsonFormatter().format(record))
    assert entry["client"] == ATTACKER and entry["path"] == "/anmelden/"

    settings.SECURITY_LOG_IDENTITIES = "hashed"
    hashed = AccessLogger(Config()).atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1500))
    assert hashed["client"] == log_identity(ATTACKER) != ATTACKER
