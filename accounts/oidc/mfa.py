"""When a Büro member's single sign-on counts as two factors.

The rule: the Büro reaches the admin only with two factors. After a single sign-on, TOTP is still
required, unless BOTH
  1. the operator has declared the provider's multi-factor login sufficient
     (OIDC_PROVIDER_MFA_SUFFICES=true), and
  2. the ID token of this very login proves it: its ``amr`` (RFC 8176 authentication methods)
     contains one of OIDC_MFA_AMR_VALUES (default ``mfa``), or its ``acr`` is one of
     OIDC_MFA_ACR_VALUES.
A provider that only says ``pwd`` never replaces TOTP, whatever the operator set.

``provider_mfa_counts(request)`` is the one check the TOTP requirement asks.
"""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY

from .provider import BACKEND_PATH

# What the ID token of the current login proved; written at login, ended with the session.
SESSION_KEY = "oidc_id_token_proves_mfa"


def id_token_proves_mfa(claims: dict) -> bool:
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.OIDC_MFA_AMR_VALUES):
        return True
    acr = claims.get("acr")
    return bool(acr) and acr in settings.OIDC_MFA_ACR_VALUES


def provider_mfa_counts(request) -> bool:
    """True if this session's login counts as two factors by the rule above."""
    session = request.session
    return (
        settings.OIDC_PROVIDER_MFA_SUFFICES
        and session.get(BACKEND_SESSION_KEY) == BACKEND_PATH
        and session.get(SESSION_KEY) is True
    )
