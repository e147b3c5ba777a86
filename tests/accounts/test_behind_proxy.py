"""The login protection through a real gunicorn with production settings, reached the way the
city's nginx reaches it: from 127.0.0.1, with the client's address appended to X-Forwarded-For.

Also shows what the logs of such a server say: the access log names the client, the security log
the user name and address. Runs in CI's PostgreSQL pass, where the server shares the test database
(as in tests/operations/test_two_processes.py); the same attack on SQLite, without a server
process, is in test_client_address.py.
"""

import json
import secrets

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from accounts import roles
from accounts.models import User
from tests.operations.conftest import database_url
from tests.operations.servers import Server, Visitor

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="Der Server teilt sich die Testdatenbank; läuft mit DATABASE_URL=postgres://… (in der CI).",
    ),
    pytest.mark.django_db(transaction=True),
]

ATTACKER = "203.0.113.66"
BUERO = "198.51.100.20"
PASSWORD = "Kein-Geheimnis-fuer-Tests-4711"


@pytest.fixture
def fast_password_hasher():
    """Keep the production hasher: the server, in another process, checks the password."""


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    directory = tmp_path_factory.mktemp("behind-proxy")
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
    environment = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto:https",
        "DJANGO_STATIC_MANIFEST": "false",  # no collectstatic needed for these pages
        "DATABASE_URL": database_url(name),
        "CACHE_URL": "db",
        "TRUSTED_PROXIES": "127.0.0.1",
        "SECURITY_LOG_IDENTITIES": "plain",
        "WEB_CONCURRENCY": "1",
    }
    running = Server(environment, directory / "gunicorn.log")
    yield running
    running.stop()


def _login(visitor, server, password, address):
    visitor.get(server, "/anmelden/", headers={"X-Forwarded-For": address})
    return visitor.post_from(server, address, {"username": "buero", "password": password, "next": "/admin/"})


class ProxiedVisitor(Visitor):
    def post_from(self, server, address, data):
        data = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **data}
        return self.request(server, "POST", "/anmelden/", data=data, headers={"X-Forwarded-For": address})


@pytest.fixture
def buero(db):
    user = User.objects.create_user(username="buero", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.BUERO))
    return user


def test_attacker_behind_nginx_locks_only_their_own_address(server, buero):
    attacker = ProxiedVisitor()
    statuses = [_login(attacker, server, "falsch", ATTACKER).status for _attempt in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert _login(attacker, server, PASSWORD, ATTACKER).status == 429
    assert "Anmeldung vorübergehend gesperrt" in _login(attacker, server, PASSWORD, f"{BUERO}, {ATTACKER}").text

    person = ProxiedVisitor()
    response = _login(person, server, PASSWORD, BUERO)
    assert response.status == 302, response.text[:1000]
    assert response.headers["Location"].startswith("/zweiter-faktor/"), "on to set up the second factor"

    log = [json.loads(line) for line in server.log_path.read_text().splitlines() if line.startswith("{")]
    access = [entry for entry in log if entry["logger"] == "gunicorn.access" and entry["path"] == "/anmelden/"]
    assert {entry["client"] for entry in access} == {ATTACKER, BUERO}
    security = [entry for entry in log if entry.get("event") == "login_locked"]
    assert security and security[0]["username"] == "buero" and security[0]["client"] == ATTACKER


def test_trace_is_refused_by_the_running_server(server):
    visitor = Visitor()
    for path in ("/anmelden/", "/admin/", "/meine-massnahmen/"):
        response = visitor.request(server, "TRACE", path)
        assert response.status == 405, path
