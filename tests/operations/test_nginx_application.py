"""The application behind the shipped nginx configuration: HTTPS, HTTP/2, security headers, the
static files, a staff page never cached, a changed public page visible after the shared cache's
seconds.

gunicorn runs with production settings on the test database, so this runs in CI's PostgreSQL
pass; on SQLite the test database lives in this process's memory, where gunicorn cannot reach it.
"""

import re
import secrets
import time

import pytest
from django.conf import settings
from django.db import connection

from measures.models import Measure
from tests.operations import nginx as nginx_module
from tests.operations.conftest import database_url
from tests.operations.nginx import Nginx
from tests.operations.servers import Server, Visitor

pytestmark = [
    pytest.mark.skipif(not nginx_module.available(), reason="nginx und openssl fehlen (.ci/run installiert sie)"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="gunicorn braucht eine Datenbank, die es mit dem Test teilt: läuft mit DATABASE_URL=postgres://… "
        "(in der CI im PostgreSQL-Durchlauf).",
    ),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "ein-sicheres-Passwort-123"
SHARED_CACHE_SECONDS = 2


@pytest.fixture
def fast_password_hasher():
    """Keep the production hasher: gunicorn, in another process, checks the password."""


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, static_root, tmp_path_factory):
    """gunicorn with production settings and the shipped nginx in front of it."""
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
    application = Server(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": f"{nginx_module.HOST},127.0.0.1",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto:https",
            "DJANGO_STATIC_ROOT": str(static_root),
            "DATABASE_URL": database_url(name),
            "CACHE_URL": "db",
            "TRUSTED_PROXIES": "127.0.0.1",
            "PUBLIC_SHARED_CACHE_SECONDS": str(SHARED_CACHE_SECONDS),
            "WEB_CONCURRENCY": "2",
        },
        tmp_path_factory.mktemp("logs") / "gunicorn.log",
    )
    proxy = Nginx(f"127.0.0.1:{application.port}", static_root=static_root)
    try:
        yield proxy.start()
    finally:
        proxy.stop()
        application.stop()


def test_public_page_over_https_and_http2_with_every_security_header(site, measure):
    assert site.negotiated_protocol() == "h2"
    response = Visitor().get(site, f"/{measure.concept.slug}/")
    assert response.status == 200
    assert measure.concept.title in response.text
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "Set-Cookie" not in headers
    assert "nginx" not in (headers.get("Server") or "").split("/")[1:]  # no version number


def test_static_files_named_by_the_page_come_from_nginx_immutable(site, measure):
    page = Visitor().get(site, f"/{measure.concept.slug}/")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, page.text[:2000]
    response = Visitor().get(site, stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    # nginx's own header (WhiteNoise would say max-age=315360000), from the precompressed file.
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"


def test_staff_pages_are_never_cached_and_never_leak_to_anonymous_visitors(site, buero_user, measure):
    buero = Visitor()
    buero.log_in(site, buero_user.username, PASSWORD)
    signed_in = ">Abmelden</button>"  # the staff navigation, on every page a signed-in person sees
    for path in ("/admin/", "/meine-massnahmen/", f"/{measure.concept.slug}/"):
        for _ in range(2):
            response = buero.get(site, path)
            assert response.status == 200, path
            assert response.headers["X-Cache-Status"] == "BYPASS", path
            assert "Abmelden" in response.text, path
    assert "no-cache" in buero.get(site, "/admin/").headers["Cache-Control"]

    for _ in range(2):
        anonymous = Visitor().get(site, f"/{measure.concept.slug}/")
        assert anonymous.status == 200
        assert signed_in not in anonymous.text
        assert anonymous.headers["X-Cache-Status"] != "BYPASS"
    for _ in range(2):
        login_redirect = Visitor().get(site, "/admin/")
        assert login_redirect.status == 302
        assert login_redirect.headers["X-Cache-Status"] != "HIT"


def test_changed_public_page_is_visible_after_the_shared_cache_seconds(site, measure):
    path = f"/{measure.concept.slug}/massnahmen/{measure.code}/"
    resident = Visitor()
    stored_at = time.monotonic()
    first = resident.get(site, path)
    assert first.status == 200 and measure.title in first.text
    assert first.headers["Cache-Control"] == f"public, max-age=0, must-revalidate, s-maxage={SHARED_CACHE_SECONDS}"
    assert resident.get(site, path).headers["X-Cache-Status"] == "HIT"

    Measure.objects.filter(pk=measure.pk).update(title="Neuer Titel der Maßnahme")
    Measure.objects.get(pk=measure.pk).save()  # through the model, as the admin does: the data version moves on
    changed_at = time.monotonic()
    meanwhile = resident.get(site, path)
    if time.monotonic() - stored_at < SHARED_CACHE_SECONDS:  # on a slow machine the page may have expired already
        assert meanwhile.headers["X-Cache-Status"] == "HIT" and measure.title in meanwhile.text

    # nginx counts a stored page's lifetime in whole seconds of its clock: a page stored at
    # 12:00:00.9 with s-maxage=2 is fresh until 12:00:02.999, so the change shows within
    # s-maxage + 1 seconds.
    time.sleep(max(0.0, SHARED_CACHE_SECONDS + 1.2 - (time.monotonic() - changed_at)))
    after = resident.get(site, path)
    assert after.status == 200
    assert after.headers["X-Cache-Status"] in ("EXPIRED", "REVALIDATED", "MISS"), after.headers["X-Cache-Status"]
    assert "Neuer Titel der Maßnahme" in after.text


def test_forged_forwarded_addresses_do_not_escape_the_login_lockout(site, buero_user, settings):
    """Each wrong password comes with another made-up X-Forwarded-For; nginx replaces the header with
    the real address, so the attempts add up and the right password is refused afterwards."""
    attacker = Visitor()
    attacker.get(site, "/anmelden/")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = attacker.request(
            site,
            "POST",
            "/anmelden/",
            data={"csrfmiddlewaretoken": attacker.cookies["csrftoken"], "username": buero_user.username,
                  "password": f"falsch-{attempt}", "next": "/admin/"},
            headers={"X-Forwarded-For": f"198.51.100.{attempt + 1}"},
        )  # fmt: skip
        assert response.status in (200, 429), response.status
    response = attacker.request(
        site,
        "POST",
        "/anmelden/",
        data={"csrfmiddlewaretoken": attacker.cookies["csrftoken"], "username": buero_user.username,
              "password": PASSWORD, "next": "/admin/"},
        headers={"X-Forwarded-For": "198.51.100.200"},
    )  # fmt: skip
    assert response.status == 429
    assert "gesperrt" in response.text
    assert "sessionid" not in attacker.cookies
