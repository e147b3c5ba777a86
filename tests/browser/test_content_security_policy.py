"""The strict Content-Security-Policy in a real browser: nothing on the public pages or in the
Büro's admin is blocked, and the admin's JavaScript (inlines, calendar, autocomplete) still works."""

import pytest

from measures.choices import Status, UpdateState
from measures.models import SitePage, StatusUpdate
from tests.browser.conftest import admin_login

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any page script (Playwright injects it past the policy) and records every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} in ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def watched_page(page):
    """The browser page, recording CSP violations from events and from the console."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )

    def violations():
        return page.evaluate("window.__cspViolations") + console

    page.csp_violations = violations
    return page


def test_violations_are_detected(watched_page, db):
    """The recorder itself works: an inline style attribute is reported."""
    watched_page.goto("/")
    watched_page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">rot</p>')")
    watched_page.wait_for_function("window.__cspViolations.length > 0")
    assert any("style-src" in violation for violation in watched_page.csp_violations())


@pytest.mark.parametrize("path", ["/", "/en/", "/impressum/", "/datenschutz/", "/admin/login/"])
def test_public_pages_load_without_violations(watched_page, concept, path):
    SitePage.objects.create(kind="impressum", title="Impressum", body="## Herausgeberin\nLandeshauptstadt Potsdam")
    response = watched_page.goto(path)
    assert response.status == 200
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    # The stylesheet applied: the skip link (or the admin's header) is styled, not the browser default.
    assert watched_page.evaluate("document.styleSheets.length") >= 1
    assert watched_page.csp_violations() == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/", "Verwaltung des Integrationskonzepts"),
        ("/admin/measures/measure/", "Testmaßnahme"),
        ("/admin/measures/measure/{measure}/change/", "Zuständigkeiten"),
        ("/admin/measures/measure/{measure}/history/", "Sachstandsmeldungen"),
        ("/admin/measures/statusupdate/add/", "Sachstandsmeldung hinzufügen"),
        ("/admin/measures/concept/add/", "Handlungsfelder"),
        ("/admin/accounts/user/{user}/change/", "Stellen, für die diese Person berichtet"),
    ],
)
def test_admin_pages_load_without_violations(watched_page, buero_user, measure, path, expected):
    StatusUpdate.objects.create(measure=measure, reporting_date="2025-03-31", status=Status.IN_PROGRESS)
    admin_login(watched_page, buero_user)
    response = watched_page.goto(path.format(measure=measure.pk, user=buero_user.pk))
    assert response.status == 200
    assert expected in watched_page.content()
    assert watched_page.csp_violations() == []


def test_inline_status_update_is_added_with_the_admins_javascript(watched_page, buero_user, measure):
    admin_login(watched_page, buero_user)
    watched_page.goto(f"/admin/measures/measure/{measure.pk}/change/")
    watched_page.get_by_role("button", name="Sachstandsmeldung hinzufügen").click()
    # The calendar shortcut ("Heute") is the admin's JavaScript as well.
    watched_page.locator("#id_status_updates-0-reporting_date").fill("")
    watched_page.locator("#status_updates-0 .datetimeshortcuts a").first.click()
    assert watched_page.locator("#id_status_updates-0-reporting_date").input_value() != ""
    watched_page.locator("#id_status_updates-0-status").select_option(Status.IN_PROGRESS.value)
    watched_page.locator("#id_status_updates-0-state").select_option(UpdateState.PUBLISHED.value)
    watched_page.locator("#id_status_updates-0-public_text").fill("Erste Schulungen haben stattgefunden.")
    # Autocomplete (select2) asks the server for goals: connect-src 'self' must allow it.
    watched_page.locator("#id_goals").locator("xpath=following-sibling::span[1]").click()
    watched_page.locator(".select2-results__option").first.wait_for()
    watched_page.keyboard.press("Escape")
    watched_page.get_by_role("button", name="Sichern", exact=True).click()
    watched_page.wait_for_url("**/admin/measures/measure/")
    assert "erfolgreich geändert" in watched_page.content()
    update = StatusUpdate.objects.get(measure=measure)
    assert update.public_text == "Erste Schulungen haben stattgefunden."
    assert update.state == UpdateState.PUBLISHED
    measure.refresh_from_db()
    assert measure.status == Status.IN_PROGRESS
    assert watched_page.csp_violations() == []
