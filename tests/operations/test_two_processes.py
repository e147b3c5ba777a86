"""Stateless application servers: two gunicorn processes on one PostgreSQL database share
sessions, cache and data, as several servers behind the city's load balancer would.

Runs in CI's PostgreSQL pass; on SQLite it is skipped, because a SQLite file is not the
database that several servers share.
"""

import os
import re
import secrets
import socket
import time
from datetime import date

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection

from measures.choices import Ampel, Status, UpdateState
from tests.operations.conftest import database_url
from tests.operations.servers import Server, Visitor, changelist_status

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="Zwei Anwendungsserver teilen sich eine PostgreSQL-Datenbank; läuft mit "
        "DATABASE_URL=postgres://… (in der CI im PostgreSQL-Durchlauf).",
    ),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "ein-sicheres-Passwort-123"


@pytest.fixture
def fast_password_hasher():
    """Keep the production hasher: the servers, in other processes, check the password."""


# A Redis database of its own; several checkouts on one machine each set another number.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(
    scope="module",
    params=[
        "db",
        pytest.param(
            TEST_REDIS_URL,
            marks=pytest.mark.skipif(not redis_reachable(), reason="Redis läuft nicht auf 127.0.0.1:6379"),
        ),
    ],
)
def servers(request, django_db_setup, django_db_blocker, static_root, tmp_path_factory):
    """Two gunicorn servers with production settings on the test database and one shared cache."""
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
    environment = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto:https",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url(name),
        "CACHE_URL": request.param,
        "WEB_CONCURRENCY": "2",
    }
    if request.param.startswith("redis://"):
        # Redis outlives the test database: pages and the data version cached by an earlier run
        # would describe data that is gone.
        import redis

        redis.Redis.from_url(request.param).flushdb()
    logs = tmp_path_factory.mktemp("logs")
    first = Server(environment, logs / "a.log")
    try:
        second = Server(environment, logs / "b.log")
    except Exception:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


def test_session_started_on_one_server_works_on_the_other(servers, buero_user):
    a, b = servers
    buero = Visitor()
    buero.log_in(a, buero_user.username, PASSWORD)

    index = buero.get(b, "/admin/")
    assert index.status == 200
    assert buero_user.username in index.text

    logout = buero.post(b, "/admin/logout/", {})
    assert logout.status in (200, 302)  # 302 where LOGOUT_REDIRECT_URL sends to the public start page
    assert buero.get(a, "/admin/").status == 302  # the session ended on B is gone on A as well


def test_shared_cache_serves_what_the_other_server_wrote(servers, buero_user):
    """The cached_db session is written to the cache by A and read from it by B: with the
    database rows gone, only a cache that both servers share still knows the session."""
    a, b = servers
    buero = Visitor()
    buero.log_in(a, buero_user.username, PASSWORD)
    Session.objects.all().delete()  # bypasses the cache

    index = buero.get(b, "/admin/")
    assert index.status == 200, "B did not find the session that A put in the shared cache"
    assert buero_user.username in index.text


def test_status_change_through_one_server_is_visible_through_the_other_at_once(servers, buero_user, measure):
    """At once for the Büro (and anyone else a page is rendered for); a visitor without cookies,
    whom server B answers from its own memory for PAGE_CACHE_LOCAL_SECONDS (1 s), within that."""
    a, b = servers
    buero = Visitor()
    buero.log_in(a, buero_user.username, PASSWORD)
    assert changelist_status(buero.get(b, "/admin/measures/measure/"), measure.code) == Status.NO_REPORT.label
    public_page = f"/{measure.concept.slug}/massnahmen/{measure.code}/"
    resident = Visitor()  # no cookies: B answers from its page cache
    for _ in range(2):
        before = resident.get(b, public_page)
        assert before.status == 200 and str(Status.NO_REPORT.label) in before.text

    response = buero.post(
        a,
        "/admin/measures/statusupdate/add/",
        {
            "measure": measure.pk,
            "reporting_date": date(2025, 6, 30).isoformat(),
            "status": Status.IN_PROGRESS,
            "ampel": Ampel.ON_TRACK,
            "progress": "40",
            "public_text": "Die ersten Schulungen haben stattgefunden.",
            "internal_note": "",
            "state": UpdateState.PUBLISHED,
            "_save": "Sichern",
        },
    )
    assert response.status == 302, response.text[:3000]

    published_at = time.monotonic()
    assert changelist_status(buero.get(b, "/admin/measures/measure/"), measure.code) == Status.IN_PROGRESS.label
    assert "Die ersten Schulungen haben stattgefunden." in buero.get(b, public_page).text
    while True:
        after = resident.get(b, public_page)
        assert after.status == 200
        if "Die ersten Schulungen haben stattgefunden." in after.text:
            break
        assert time.monotonic() - published_at < settings.PAGE_CACHE_LOCAL_SECONDS + 1, "still the old page"
        time.sleep(0.1)


def test_static_files_are_served_hashed_and_compressed(servers, db):
    a, b = servers
    page = Visitor().get(b, "/")
    assert page.status == 200
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, page.text[:2000]
    response = Visitor().get(a, stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
