"""Secure defaults: the deployment check, security headers on every kind of response, no cookies
on public pages, and the health endpoint."""

import json
import secrets
import subprocess
import sys
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from tests.operations.conftest import ROOT, clean_environment, run_manage

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "monitor.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://monitor.example.org",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto:https",
    "DATABASE_URL": "postgres://monitor@db.example.org:5432/monitor",
}


def test_deployment_check_reports_no_issue_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deployment_check_fails_when_a_safeguard_is_switched_off():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_proxy_header_setting_is_read_and_checked():
    probe = "import integration.settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe], cwd=ROOT, env=clean_environment(**PRODUCTION), capture_output=True, text=True
    )
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", result.stderr
    broken = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=clean_environment(**{**PRODUCTION, "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}),
        capture_output=True,
        text=True,
    )
    assert broken.returncode != 0
    assert "DJANGO_SECURE_PROXY_SSL_HEADER must look like" in broken.stderr


@pytest.mark.parametrize(
    ("environment", "expected"),
    [({}, "True True"), ({"DJANGO_SECURE_COOKIES": "false"}, "False False")],
)
def test_secure_cookies_follow_the_one_documented_variable(environment, expected):
    probe = "import integration.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=clean_environment(**PRODUCTION, **environment),
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == expected, result.stderr


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/", "/en/", "/impressum/", "/datenschutz/", "/barrierefreiheit/"])
def test_public_pages_send_security_headers_and_no_cookie(client, db, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert response.cookies == {}
    assert "Set-Cookie" not in str(response.headers)


def test_not_found_page_sends_security_headers_and_no_cookie(client, db):
    response = client.get("/gibt-es-nicht/", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)
    assert response.cookies == {}


def test_server_error_sends_security_headers(db, settings):
    settings.ROOT_URLCONF = "tests.operations.failing_urls"
    response = Client(raise_request_exception=False).get("/kaputt/", secure=True)
    assert response.status_code == 500
    assert_security_headers(response)


def test_admin_login_and_index_send_security_headers(client, buero_user):
    redirect = client.get("/admin/login/", secure=True)
    assert redirect["Location"].startswith("/anmelden/")
    login = client.get(redirect["Location"], secure=True)
    assert login.status_code == 200
    assert_security_headers(login)
    client.force_login(buero_user)
    index = client.get("/admin/", secure=True)
    assert index.status_code == 200
    assert "Verwaltung des Integrationskonzepts" in index.content.decode()
    assert_security_headers(index)


def test_health_endpoint_checks_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert response.cookies == {}


def test_health_endpoint_reports_an_unreachable_database(client, db):
    with mock.patch("operations.views.connection.cursor", side_effect=OperationalError("Verbindung verweigert")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_health_endpoint_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_production_logs_are_json_lines_on_stdout():
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').error('Interner Fehler: %s', '/kaputt/', extra={'status_code': 500})"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean_environment(**PRODUCTION, DJANGO_SETTINGS_MODULE="integration.settings"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Interner Fehler: /kaputt/"
    assert entry["status"] == 500


def test_production_static_files_get_hashed_and_compressed_names(tmp_path):
    result = run_manage(
        "collectstatic", "--no-input", "--verbosity", "0", **PRODUCTION, DJANGO_STATIC_ROOT=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/site.css"]
    assert hashed != "css/site.css" and hashed.startswith("css/site.") and hashed.endswith(".css")
    assert (tmp_path / hashed).is_file()
    assert (tmp_path / f"{hashed}.gz").is_file()


def test_server_errors_are_mailed_to_the_admins_from_the_environment():
    script = (
        "import django, logging; django.setup(); from django.core import mail; "
        "logging.getLogger('django.request').error('Interner Fehler: %s', '/kaputt/', extra={'status_code': 500}); "
        "print(mail.outbox[0].to, mail.outbox[0].subject)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean_environment(
            **PRODUCTION,
            DJANGO_SETTINGS_MODULE="integration.settings",
            DJANGO_ADMINS="betrieb@example.org",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['betrieb@example.org'] [Django] ERROR: Interner Fehler: /kaputt/"


@pytest.mark.parametrize(
    "key",
    ["a" * 60, "abcd" * 15, "django-insecure-" + secrets.token_urlsafe(50), secrets.token_urlsafe(30)],
)
def test_production_refuses_a_secret_key_that_is_no_secret(key):
    """As `check --deploy` (security.W009) judges a key: 50 characters, 5 different, not Django's default."""
    probe = "import integration.settings"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=clean_environment(**{**PRODUCTION, "DJANGO_SECRET_KEY": key}),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a random value" in result.stderr


@pytest.mark.parametrize(
    ("person", "path"),
    [
        ("anonymous", "/anmelden/"),
        ("anonymous", "/passwort/"),
        ("anonymous", "/admin/"),
        ("anonymous", "/healthz"),
        ("reporter", "/meine-massnahmen/"),
        ("buero", "/pruefung/"),
        ("buero", "/berichtsrunden/"),
        ("buero", "/admin/accounts/user/"),
    ],
)
def test_trace_is_refused_on_every_page(client, reporter_a, buero_user, person, path):
    if person != "anonymous":
        client.force_login(reporter_a if person == "reporter" else buero_user)
    response = client.generic("TRACE", path)
    assert response.status_code == 405, path
    assert "TRACE" not in response["Allow"] and "GET" in response["Allow"]
