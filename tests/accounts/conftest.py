"""Single sign-on: a real OpenID provider for the whole test session, and the settings that point to it."""

import pytest
from django.core.cache import cache

from tests.accounts.openid_provider import (
    BUERO_GROUP,
    CLIENT_ID,
    CLIENT_SECRET,
    REPORTING_GROUP,
    CityStaffBrowser,
    OpenIDProvider,
)


@pytest.fixture(scope="session")
def openid_provider(tmp_path_factory):
    provider = OpenIDProvider(CityStaffBrowser.SITE, tmp_path_factory.mktemp("oidc") / "provider.log")
    yield provider
    provider.stop()


@pytest.fixture
def oidc(db, settings, openid_provider):
    """Single sign-on configured as the city would: roles from groups, unknown people refused."""
    settings.OIDC_ISSUER = openid_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_BUERO_GROUPS = [BUERO_GROUP]
    settings.OIDC_REPORTING_GROUPS = [REPORTING_GROUP]
    settings.OIDC_CREATE_USERS = False
    settings.OIDC_REQUIRE_ROLE = True
    settings.OIDC_PROVIDER_MFA_SUFFICES = False
    settings.AXES_FAILURE_LIMIT = 3
    cache.clear()
    return settings


@pytest.fixture
def person(client, oidc):
    """A member of the city's staff at their browser, single sign-on configured."""
    return CityStaffBrowser(client)
