"""Settings of logging in: login protection (django-axes and the per-account limit), the
second factor, the client address behind a reverse proxy, and single sign-on for city staff.

Star-imported by integration/settings.py; read from the environment like the rest.
"""

from django.core.exceptions import ImproperlyConfigured

from integration.client_address import parse_networks
from integration.environment import debug_enabled, env_bool, env_int, env_list, env_str

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
if OIDC_ISSUER and not debug_enabled() and not OIDC_ISSUER.startswith("https://"):
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
