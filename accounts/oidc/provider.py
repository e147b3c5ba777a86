"""The configured OpenID provider: whether there is one, and its discovery document.

The endpoints are not configured one by one: they come from the provider's
``/.well-known/openid-configuration`` (OpenID Connect Discovery), read on first use and kept for an
hour in the shared cache, so that a provider that is down does not stop the application from starting.
"""

import hashlib
import logging

import requests
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

DISCOVERY_CACHE_SECONDS = 60 * 60
BACKEND_PATH = "accounts.oidc.backend.CityStaffBackend"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not belong to the issuer."""


def is_configured() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET)


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def configuration() -> dict:
    """The provider's discovery document (endpoints, keys address, supported features)."""
    issuer = settings.OIDC_ISSUER
    key = "oidc-discovery:" + hashlib.sha256(issuer.encode()).hexdigest()
    document = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(
            discovery_url(issuer), timeout=settings.OIDC_TIMEOUT, verify=getattr(settings, "OIDC_VERIFY_SSL", True)
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        log.warning("OpenID provider %s: discovery failed: %s", issuer, error)
        raise ProviderUnavailable(str(error)) from error
    # OpenID Connect Discovery 1.0, section 4.3: the document must name exactly the issuer asked for.
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        found = document.get("issuer") if isinstance(document, dict) else None
        log.error("OpenID provider %s: discovery names issuer %r", issuer, found)
        raise ProviderUnavailable(f"discovery document names issuer {found!r}")
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(endpoint):
            raise ProviderUnavailable(f"discovery document has no {endpoint}")
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document
