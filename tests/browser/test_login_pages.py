"""The login's second step in real Chromium: setup page with server-drawn QR code, confirmation
page and the recovery codes; axe-core clean at 320 and 390 pixels, nothing wider than the screen."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import axe_violations
from tests.second_factor import current_code

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "ein-sicheres-Passwort-123"


def _password_step(page, username):
    page.goto("/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [320, 390])
def test_buero_sets_up_the_app_at_first_login(page, buero_user, width):
    TOTPDevice.objects.filter(user=buero_user).delete()
    page.set_viewport_size({"width": width, "height": 800})
    _password_step(page, buero_user.username)
    assert "/zweiter-faktor/" in page.url
    assert page.get_by_role("img", name="QR-Code zum Einrichten der Authenticator-App").is_visible()
    assert _fits(page)
    assert axe_violations(page) == []

    device = TOTPDevice.objects.get(user=buero_user, confirmed=False)
    page.get_by_label("Code aus der App").fill(current_code(device))
    page.get_by_role("button", name="App einrichten").click()
    assert page.get_by_role("heading", name="Ihre Codes für den Notfall").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert _fits(page)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Codes notiert – weiter").click()
    page.wait_for_url("**/meine-massnahmen/")


def test_confirmation_page_and_its_error_are_accessible(page, buero_user):
    page.set_viewport_size({"width": 320, "height": 800})
    _password_step(page, buero_user.username)
    assert "/anmelden/bestaetigen/" in page.url
    assert axe_violations(page) == []
    page.get_by_label("Bestätigungscode").fill("123456")
    page.get_by_role("button", name="Bestätigen").click()
    assert page.get_by_role("alert").is_visible()
    assert "Der Code stimmt nicht" in page.content()
    assert _fits(page)
    assert axe_violations(page) == []
