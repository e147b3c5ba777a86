"""At a glance on every screen (WCAG 1.4.10 Reflow): no page wider than a 320 or 390 px viewport,
every row of a measure table shows status, Ampel and progress, and the dashboard's first screen
answers „how far is it?“ at 1280×800 and 390×844."""

import pytest

from accounts.models import Membership
from measures.demo import generate_demo
from measures.models import Measure
from tests.browser.conftest import axe_violations
from tests.conftest import round_with_returned_and_submitted

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "ein-sicheres-Passwort-123"

PUBLIC_PAGES = [
    "/",
    "/demo/",
    "/demo/massnahmen/",
    "/demo/massnahmen/?stand=quatsch",
    "/demo/massnahmen/1.2/",
    "/demo/handlungsfelder/2/",
    "/demo/ziele/3/",
    "/demo/aktuelles/",
    "/stellen/",
    "/stellen/beispiel-fb-personal/",
    "/offene-daten/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/en/demo/massnahmen/",
    "/gibt-es-nicht/",
]
REPORTER_PAGES = [
    "/meine-massnahmen/",
    "/meine-massnahmen/{measure}/",
    "/meine-massnahmen/{measure}/meldung/",
    "/meldungen/{returned}/bearbeiten/",
    "/meine-massnahmen/{measure}/verlauf/",
    "/passwort/",
]
MEASURE_TABLES = ["/demo/massnahmen/", "/demo/handlungsfelder/2/", "/demo/ziele/3/"]

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  });
  return {scroll: document.documentElement.scrollWidth, width,
          wide: wide.slice(0, 3).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))};
}"""


@pytest.fixture
def demo(db):
    return generate_demo(measures=40)


def _assert_fits(page, path):
    result = page.evaluate(OVERFLOW)
    assert result["scroll"] <= result["width"], (path, result)


@pytest.mark.parametrize("width", [320, 390])
def test_public_pages_fit_a_narrow_screen(page, demo, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in PUBLIC_PAGES:
        page.goto(path)
        _assert_fits(page, path)


@pytest.mark.parametrize("width", [320, 390])
def test_every_row_of_a_measure_table_shows_status_ampel_and_progress(page, demo, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in MEASURE_TABLES:
        page.goto(path)
        rows = page.locator(".measure-table tbody tr")
        assert rows.count() > 0, path
        for index in range(rows.count()):
            row = rows.nth(index)
            for cell in (".cell-status .status", ".cell-ampel .ampel", ".cell-progress"):
                element = row.locator(cell)
                assert element.is_visible(), (path, index, cell)
                box = element.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (path, index, cell, box)
            # Each value is named on screen (generated from its data-label), not by a header far above.
            for cell, label in (
                (".cell-status", "Umsetzungsstand"),
                (".cell-ampel", "Ampel"),
                (".cell-progress", "Fortschritt"),
            ):
                shown = row.locator(cell).evaluate("e => getComputedStyle(e, '::before').content")
                assert shown == f'"{label}: "', (path, index, shown)


def test_measure_table_stays_a_table_with_headers_for_screen_readers(page, demo):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/demo/massnahmen/")
    assert page.get_by_role("columnheader", name="Umsetzungsstand").count() == 1
    assert (
        page.locator(".measure-table thead").is_hidden()
        or page.locator(".measure-table thead").bounding_box()["height"] <= 1
    )
    assert axe_violations(page) == []


@pytest.fixture
def reporter_world(demo, reporter_a):
    measure = Measure.objects.filter(concept=demo, code="1.2").get()
    Membership.objects.create(user=reporter_a, unit=measure.responsibilities.first().unit)
    # Long German words and an e-mail address, which must wrap at 320 px.
    return round_with_returned_and_submitted(
        measure,
        reporter_a,
        public_text="Integrationskonzeptumsetzungsberichterstattung mit Migrantenselbstorganisationen.",
        return_comment="Bitte den Fortschritt begründen: chancengleichheit@rathaus.potsdam.de",
    )


def _log_in(page, username):
    page.goto("/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/meine-massnahmen/")


@pytest.mark.parametrize("width", [320, 390])
def test_reporters_pages_fit_a_narrow_screen(page, reporter_a, reporter_world, width):
    page.set_viewport_size({"width": width, "height": 800})
    _log_in(page, reporter_a.username)
    for path in REPORTER_PAGES:
        page.goto(path.format(**reporter_world))
        _assert_fits(page, path)


def _in_first_screen(page, locator, height):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_dashboard_first_screen_shows_how_far_the_concept_is(page, demo, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/demo/")
    _assert_fits(page, "/demo/")
    overall = page.locator(".overview .stackbar--large")
    assert _in_first_screen(page, overall, height)
    legend = page.locator(".overview .stackbar-legend")
    assert _in_first_screen(page, legend, height)
    # The legend names every status with its count: the meaning is text, not colour.
    summary = Measure.objects.filter(concept=demo).values_list("status", flat=True)
    assert legend.locator("li").count() == len(set(summary))
    assert "noch keine Meldung:" in legend.inner_text() or "noch keine Meldung" not in set(summary)
    # Counts sit in the segments' labels.
    labels = page.locator(".overview .stackbar--large .sl").all()
    visible_labels = [label for label in labels if label.is_visible()]
    assert visible_labels
    fields = page.locator(".overview .progress-list__item")
    assert fields.count() == 5
    if width >= 1280:
        # On a desktop screen every field of action's bar is in the first screen too.
        for index in range(5):
            assert _in_first_screen(page, fields.nth(index).locator("svg.stackbar"), height), index
    else:
        assert _in_first_screen(page, page.locator(".overview__subheading"), height)
    # The full tables follow as the table equivalent, fitting their width.
    table = page.locator(".group-table").first
    table.scroll_into_view_if_needed()
    assert table.bounding_box()["width"] <= width
    # No JavaScript: the page has no script at all.
    assert page.locator("script").count() == 0


def test_password_rules_are_announced_and_errors_take_the_focus(page, reporter_a, reporter_world):
    _log_in(page, reporter_a.username)
    page.goto("/passwort/")
    new_password = page.locator("#id_new_password1")
    described_by = new_password.get_attribute("aria-describedby")
    rules = page.locator(f"#{described_by}")
    assert "mindestens 12 Zeichen" in rules.inner_text()
    assert rules.locator("li").count() >= 3  # the rules themselves, not an empty paragraph
    page.locator("#id_old_password").fill("falsch")
    new_password.fill("kurz")
    page.locator("#id_new_password2").fill("kurz")
    page.get_by_role("button", name="Passwort ändern").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "fehler"
    assert "Bitte prüfen Sie Ihre Eingaben" in page.evaluate("document.activeElement.textContent")
    assert axe_violations(page) == []
