"""Browser tests: real Chromium (Debian's package) driven by Playwright, checked with axe-core.

They skip with a reason where Chromium is missing; with REQUIRE_BROWSER=1 (set by CI) a
missing browser fails the run instead.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the test
# itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium fehlt ({CHROMIUM}); installieren mit: apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page):
    """axe-core's violations on the current page (WCAG 2.0/2.1 A and AA rules)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    return [
        f"{violation['id']}: {violation['help']} – {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
    ]


def log_in(page, user, password="ein-sicheres-Passwort-123", next_url="/meine-massnahmen/"):  # noqa: S107
    """Sign ``user`` in through the login form (the named people share one password), with the code
    of their authenticator app where they have one (the Büro always does)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.second_factor import current_code

    page.goto(f"/anmelden/?next={next_url}")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    if "/anmelden/bestaetigen/" in page.url:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        page.get_by_label("Bestätigungscode").fill(current_code(device))
        page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(f"**{next_url}")


def admin_login(page, user, password="ein-sicheres-Passwort-123"):  # noqa: S107 - test accounts
    """Sign ``user`` in on the way to the admin."""
    log_in(page, user, password, next_url="/admin/")


@pytest.fixture
def logged_in_page(page, buero_user, measure):
    """A page signed in as the Büro, with the shared ``measure`` in the database."""
    admin_login(page, buero_user)
    return page
