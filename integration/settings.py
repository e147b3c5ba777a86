"""Settings of the Umsetzungsmonitor.

Every value that differs between machines comes from the environment. Without any
variable set, the project runs locally on a SQLite file in the checkout; with
DJANGO_DEBUG=false it refuses to start without a real secret key and host names.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from integration.environment import debug_enabled, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = debug_enabled()

# Only for local development; never valid in production (see the check below).
_INSECURE_KEY = "django-insecure-local-development-only"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _INSECURE_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")

if not DEBUG:
    # As Django's deployment check (security.W009) asks: 50 characters, at least 5 different ones,
    # not Django's generated insecure key. "a" * 60 is long, but no secret.
    if (
        not SECRET_KEY
        or SECRET_KEY == _INSECURE_KEY
        or SECRET_KEY.startswith("django-insecure-")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters (at least 5 of them "
            "different) when DJANGO_DEBUG is false."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "integration.errors.csrf_failure"

INSTALLED_APPS = [
    "integration.admin.MonitorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "measures",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "integration.http_methods.RefuseTraceMiddleware",
    # Right after Security: compresses what every middleware below produced, public pages only.
    "integration.middleware.PublicCompressionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that concerns a person: a kept public page for a visitor without cookies
    # is answered here (measures/public/cache.py), with the headers the middleware below gave it.
    "measures.public.cache.PublicPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The Büro, and everyone who set up an authenticator app, confirm a code before staff pages.
    "accounts.middleware.SecondFactorMiddleware",
    # Below the user and the language: the German error page for a 405 (or any bare 400/403).
    "integration.middleware.ErrorPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into the German lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "integration.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "integration.context_processors.language_links",
                "integration.context_processors.content_language",
            ],
        },
    },
]

WSGI_APPLICATION = "integration.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}


# Shared by every application process: the database by default, Redis when CACHE_URL says so.
# Two caches, so that visitors' pages never push sessions or import previews out:
# "default" (sessions, import previews, summaries, the public data version) and "pages" (kept
# public pages, one per address and language; measures/public/cache.py).
def _cache(url: str, *, table: str, max_entries: int, key_prefix: str = "") -> dict:
    if url == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            # Django's default of 300 entries would evict constantly.
            "OPTIONS": {"MAX_ENTRIES": max_entries},
        }
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": key_prefix}
    if url == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": table}
    raise ImproperlyConfigured(f"Cache URLs must be 'db', 'locmem' or a redis:// URL, not {url!r}.")


CACHE_URL = env_str("CACHE_URL", "db")
CACHES = {
    "default": _cache(CACHE_URL, table="django_cache", max_entries=env_int("CACHE_MAX_ENTRIES", 20_000)),
    "pages": _cache(
        env_str("PAGE_CACHE_URL", CACHE_URL),
        table="django_cache_pages",
        max_entries=env_int("PAGE_CACHE_MAX_ENTRIES", 20_000),
        key_prefix="pages",
    ),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "staff:my_measures"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out person is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on for city staff; inert unless OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set.
    "accounts.oidc.backend.CityStaffBackend",
]

# Login protection, the second factor, the client address behind a proxy and single sign-on.
from integration.login_settings import *  # noqa: E402, F403
from integration.login_settings import OIDC_ISSUER  # noqa: E402 - read again below

# Staff sessions end after SESSION_COOKIE_AGE seconds (default 8 hours) and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_SAMESITE = "Lax"

# Report rounds: reporters are reminded this many days before the deadline, on it and weekly after.
REPORT_REMINDER_DAYS_BEFORE = env_int("REPORT_REMINDER_DAYS_BEFORE", 7)
# Absolute address of the site for links in e-mails, e.g. https://monitor.potsdam.de
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.LocalCommonPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# E-mail: console output locally, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "umsetzungsmonitor@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Betrieb", address) for address in env_list("DJANGO_ADMINS")]

# django-import-export: record who imported, inside one transaction per import.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# Public pages for visitors without cookies: a reverse proxy may keep them this many seconds
# (Cache-Control s-maxage); browsers always revalidate with the ETag (max-age=0).
PUBLIC_SHARED_CACHE_SECONDS = env_int("PUBLIC_SHARED_CACHE_SECONDS", 10)
# A page a process has just read from the shared page cache is answered from that process's
# memory for this many seconds, without a query (measures/public/cache.py); 0 turns this off.
# What it saves is measured in bench/README.md („Öffentliche Seiten“).
PAGE_CACHE_LOCAL_SECONDS = env_int("PAGE_CACHE_LOCAL_SECONDS", 1)

# --- Security ------------------------------------------------------------------------------------
# Secure by default; `manage.py check --deploy` reports no issue with DJANGO_DEBUG=false.
# Behind a TLS-terminating reverse proxy, name the header it sets, e.g. "X-Forwarded-Proto:https".
_proxy_ssl_header = env_str("DJANGO_SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    _header, _sep, _value = _proxy_ssl_header.partition(":")
    if not (_sep and _header.strip() and _value.strip()):
        raise ImproperlyConfigured(
            f"DJANGO_SECURE_PROXY_SSL_HEADER must look like 'X-Forwarded-Proto:https', not {_proxy_ssl_header!r}."
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _header.strip().upper().replace("-", "_"), _value.strip())

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
# Browsers only accept HSTS over HTTPS, so the header never reaches a local http:// setup.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True

# Everything from this site only: no inline script or style, no third parties (django-csp 4 format).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}
if OIDC_ISSUER:
    # Logging out (a form) ends at the provider's end-session page; browsers check that redirect
    # against form-action.
    _issuer = urlsplit(OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_issuer.scheme}://{_issuer.netloc}")
# The site uses none of these browser features; deny them to every frame (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# --- Production ----------------------------------------------------------------------------------
# Stateless application processes: sessions live in the database, read through the shared cache.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Hashed, compressed static files served by WhiteNoise (needs `collectstatic`); plain files while
# developing and in the test suite, which the production-settings tests cover with collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Logs go to stdout, one JSON object a line in production; errors also by e-mail to DJANGO_ADMINS.
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "integration.log_format.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {
            "handlers": ["stdout", *(["mail_admins"] if ADMINS else [])],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        # The PDF of the Sachstandsbericht: WeasyPrint reports every rendering step at INFO, fontTools
        # every embedded font; only their warnings (an unsupported CSS rule, a missing glyph) matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
# Background tasks (django-tasks, the backport of Django 6's django.tasks): the spreadsheet
# import's preview and confirm run there, not in the web worker. The database backend keeps the
# queue in the application's own database; `manage.py db_worker` runs it (`make run` starts one).
# `immediate` runs each task at once in the request (tests, or a site without a worker).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND not in ("database", "immediate"):
    raise ImproperlyConfigured("TASKS_BACKEND must be 'database' or 'immediate'.")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}
# Spreadsheet import (measures.exchange): the uploaded file waits between preview and confirm
# in the database (measures.ImportJob), never on local disk, so every process can reach it.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_DECOMPRESSED_BYTES = env_int("IMPORT_MAX_DECOMPRESSED_BYTES", 60 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 10_000)
# Reading a file (not checking or writing it) stops after this many seconds: a small file
# with millions of formatted empty cells is refused instead of occupying a worker.
IMPORT_MAX_READ_SECONDS = env_int("IMPORT_MAX_READ_SECONDS", 20)

# --- City website integration (embeds) -----------------------------------------------------------
# Origins that may show the embeddable views (…/einbetten/) in a frame, e.g.
# "https://www.potsdam.de,https://*.potsdam.de". Empty (the default): no site may, and every page
# keeps X-Frame-Options: DENY and frame-ancestors 'none'.
EMBED_FRAME_ANCESTORS = env_list("EMBED_FRAME_ANCESTORS")
for _origin in EMBED_FRAME_ANCESTORS:
    if not re.fullmatch(r"https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]+)?", _origin):
        raise ImproperlyConfigured(
            f"EMBED_FRAME_ANCESTORS must list origins such as 'https://www.potsdam.de', not {_origin!r}."
        )
