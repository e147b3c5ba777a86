"""Settings of the Umsetzungsmonitor.

Every value that differs between machines comes from the environment. Without any
variable set, the project runs locally on a SQLite file in the checkout; with
DJANGO_DEBUG=false it refuses to start without a real secret key and host names.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from integration.client_address import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

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

# Login protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that combination is locked for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock lasts AXES_COOLOFF_HOURS from the last counted failure, as the lockout page says;
# attempts during the lock do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# The Büro's admin shows these records under German names (accounts.login_admin).
AXES_ENABLE_ADMIN = False
# Every failure with time, user name and address, for the Büro's list in the admin.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_STR_CALLABLE = "accounts.security_log.axes_client_str"
# Per account, over all addresses (accounts.guessing): from this many wrong passwords on, one
# attempt per waiting time, doubling from LOGIN_ACCOUNT_DELAY_SECONDS up to the maximum; a valid
# code of the second factor skips the wait.
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
LOGIN_ACCOUNT_DELAY_SECONDS = env_int("LOGIN_ACCOUNT_DELAY_SECONDS", 30)
LOGIN_ACCOUNT_MAX_DELAY_SECONDS = env_int("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", 15 * 60)
# User names and client addresses in security and access logs: "hashed" (keyed hash, the same
# for the same value) or "plain".
SECURITY_LOG_IDENTITIES = env_str("SECURITY_LOG_IDENTITIES", "hashed")
if SECURITY_LOG_IDENTITIES not in ("hashed", "plain"):
    raise ImproperlyConfigured(f"SECURITY_LOG_IDENTITIES must be 'hashed' or 'plain', not {SECURITY_LOG_IDENTITIES!r}.")

# Second factor (django-otp): the name the authenticator app shows; six digits every 30 seconds.
OTP_TOTP_ISSUER = "Umsetzungsmonitor Potsdam"
# The Büro may reset a person's second factor, but never sees anyone's secret key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Behind a reverse proxy the client's address is the right-most X-Forwarded-For entry that no proxy
# of ours wrote (integration.client_address). Name the proxies (TRUSTED_PROXIES, preferred) or
# their number (TRUSTED_PROXY_COUNT; AXES_PROXY_COUNT is its earlier name); without either the
# header is ignored, as anyone can send it.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    parse_networks(TRUSTED_PROXIES)
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES must list IP addresses or networks: {error}") from None
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("AXES_PROXY_COUNT", 0))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must not be negative.")
AXES_CLIENT_IP_CALLABLE = "integration.client_address.client_address_of"

# --- Single sign-on for city staff (OpenID Connect, mozilla-django-oidc) ---------------------------
# City staff log in with their administration account; everyone else keeps a local account. The
# endpoints come from the provider's discovery document (accounts.oidc.provider). See docs/betrieb.md.
OIDC_ISSUER = env_str("OIDC_ISSUER").strip()
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID").strip()
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
_oidc_values = {
    "OIDC_ISSUER": OIDC_ISSUER,
    "OIDC_CLIENT_ID": OIDC_RP_CLIENT_ID,
    "OIDC_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
}
if any(_oidc_values.values()) and not all(_oidc_values.values()):
    _missing = ", ".join(name for name, value in _oidc_values.items() if not value)
    raise ImproperlyConfigured(f"Single sign-on needs {', '.join(_oidc_values)}; missing: {_missing}.")
if OIDC_ISSUER and not DEBUG and not OIDC_ISSUER.startswith("https://"):
    raise ImproperlyConfigured(f"OIDC_ISSUER must be an https:// address when DJANGO_DEBUG is false: {OIDC_ISSUER!r}.")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
if "openid" not in OIDC_RP_SCOPES.split():
    raise ImproperlyConfigured(f"OIDC_SCOPES must contain 'openid', not {OIDC_RP_SCOPES!r}.")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
if OIDC_RP_SIGN_ALGO[:2] not in ("RS", "ES", "PS"):
    # HS256 would verify ID tokens with the client secret; only the provider's public keys count.
    raise ImproperlyConfigured(f"OIDC_SIGN_ALGO must be an RS, PS or ES algorithm, not {OIDC_RP_SIGN_ALGO!r}.")
_oidc_auth_method = env_str("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic")
if _oidc_auth_method not in ("client_secret_basic", "client_secret_post"):
    raise ImproperlyConfigured(
        f"OIDC_TOKEN_AUTH_METHOD must be client_secret_basic or client_secret_post, not {_oidc_auth_method!r}."
    )
OIDC_TOKEN_USE_BASIC_AUTH = _oidc_auth_method == "client_secret_basic"
# The claim whose value becomes the user name; by it the Büro prepares an account before the first login.
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
# Which values of which claim give a role. A role with values is managed by the provider (granted and
# withdrawn at every login); a role without is assigned by the Büro in the admin.
OIDC_ROLE_CLAIM = env_str("OIDC_ROLE_CLAIM", "groups")
OIDC_BUERO_GROUPS = env_list("OIDC_BUERO_GROUPS")
OIDC_REPORTING_GROUPS = env_list("OIDC_REPORTING_GROUPS")
# Unknown people: an account is created (true) or the login refused (false).
OIDC_CREATE_USERS = env_bool("OIDC_CREATE_USERS", False)
# A login that ends without any role is refused (true) or let in to wait for the Büro (false).
OIDC_REQUIRE_ROLE = env_bool("OIDC_REQUIRE_ROLE", True)
# Whether the provider's multi-factor login replaces the Büro's TOTP (accounts.oidc.mfa): only if the
# operator says so AND the ID token proves it by one of these amr or acr values.
OIDC_PROVIDER_MFA_SUFFICES = env_bool("OIDC_PROVIDER_MFA_SUFFICES", False)
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES", "mfa")
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"

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
