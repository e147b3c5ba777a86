"""Single sign-on: a real OpenID provider for the whole test session, and the settings that point to it."""

import pytest
from django.core.cache import cache

from tests.accounts.openid_provider import CityStaffBrowser, OpenIDProvider, configure


@pytest.fixture(scope="session")
def openid_provider(tmp_path_factory):
    provider = OpenIDProvider(CityStaffBrowser.SITE, tmp_path_factory.mktemp("oidc") / "provider.log")
    yield provider
    provider.stop()


@pytest.fixture
def oidc(db, settings, openid_provider):
    """Single sign-on configured as the city would: roles from groups, unknown people refused."""
    configure(settings, openid_provider.issuer)
    settings.AXES_FAILURE_LIMIT = 3
    cache.clear()
    return settings


@pytest.fixture
def person(client, oidc):
    """A member of the city's staff at their browser, single sign-on configured."""
    return CityStaffBrowser(client)
