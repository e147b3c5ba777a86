"""Single sign-on in real Chromium: Rita from unit A clicks „Mit dem Verwaltungskonto anmelden“, logs in
at the city's provider (a real oidc-provider), reports, and logs out here and there."""

import pytest
from django.core.cache import cache

from accounts.models import Membership, User
from tests.accounts.openid_provider import PASSWORD, OpenIDProvider, configure
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def single_sign_on(settings, live_server, tmp_path):
    provider = OpenIDProvider(live_server.url, tmp_path / "provider.log")
    configure(settings, provider.issuer)
    # As integration.settings does for a configured issuer: the logout form continues at the provider.
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], provider.issuer]}
    }
    cache.clear()
    yield provider
    provider.stop()


@pytest.mark.parametrize("width", [320, 390])
def test_login_page_with_both_ways_is_accessible(page, single_sign_on, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/anmelden/")
    assert page.get_by_role("heading", name="Mitarbeitende der Stadtverwaltung").is_visible()
    assert page.get_by_role("heading", name="Mit Benutzername und Passwort").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []


def test_rita_logs_in_with_her_administration_account_and_out_again(page, single_sign_on, measure, live_server):
    rita = User.objects.create_user(username="bericht.sso", password=None)
    Membership.objects.create(user=rita, unit=measure.responsibilities.get().unit)
    page.goto("/anmelden/")
    page.get_by_role("link", name="Mit dem Verwaltungskonto anmelden").click()
    assert page.url.startswith(single_sign_on.issuer)
    page.get_by_label("Benutzername").fill("bericht.sso")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("button", name="Zustimmen").click()
    page.wait_for_url("**/meine-massnahmen/")
    assert page.get_by_role("link", name="Testmaßnahme").is_visible()

    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(f"{single_sign_on.issuer}/session/end**")
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(f"{live_server.url}/")  # via /oidc/abgemeldet/ back to the start page
    page.goto("/meine-massnahmen/")
    assert "/anmelden/" in page.url, "the local session has ended"
    page.goto("/oidc/anmelden/")
    assert page.get_by_label("Passwort").is_visible(), "the provider asks for the password again"
