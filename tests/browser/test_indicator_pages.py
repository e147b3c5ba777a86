"""Indicator, milestone and currency pages in real Chromium: axe-core clean and no sideways
scrolling of the page at 320 and 390 px (tables may scroll inside their own focusable region)."""

import datetime

import pytest

from accounts.models import Membership
from measures.choices import UpdateState
from measures.demo import generate_demo
from measures.models import Indicator, IndicatorValueProposal, Measure, Milestone, ReportRound, StatusUpdate
from tests.browser.conftest import admin_login, axe_violations

AXE_RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}

pytestmark = pytest.mark.django_db(transaction=True)

# (page, the parts of it this feature adds): the whole page where the page is the feature's own.
# On the other pages only these parts are measured; the rest of those pages is issue 13's.
WHOLE_PAGE = None
PUBLIC = [
    ("/demo/", "section:has(#indikatoren), section:has(#aktualitaet)"),
    ("/demo/indikatoren/", WHOLE_PAGE),
    ("/demo/indikatoren/1/", WHOLE_PAGE),  # chart, breakdown of a share with a withheld group
    ("/demo/indikatoren/3/", WHOLE_PAGE),  # counts: a withheld group and the one that would reveal it
    ("/demo/indikatoren/5/", WHOLE_PAGE),  # no value yet
    ("/demo/ziele/1/", "section:has(#indikatoren-des-ziels)"),
    ("/demo/massnahmen/1.1/", "section:has(#aktualitaet-der-meldung), section:has(#meilensteine)"),
    ("/demo/massnahmen/?aktualitaet=veraltet", "#id_aktualitaet"),
    ("/offene-daten/", "section:has(#indikatoren)"),
    ("/en/demo/indikatoren/1/", WHOLE_PAGE),
]
# Sideways scrolling is allowed inside a table's own scroll region, nowhere else.
OVERFLOW = """([selector, width]) => {
  const roots = selector ? [...document.querySelectorAll(selector)] : [document.body];
  if (!roots.length) return ["nothing matches " + selector];
  const wide = [];
  for (const root of roots) {
    for (const el of [root, ...root.querySelectorAll("*")]) {
      if (el.getBoundingClientRect().right <= width + 0.5) continue;
      let parent = el.parentElement, clipped = false;
      while (parent && !clipped) {
        clipped = getComputedStyle(parent).overflowX !== "visible";
        parent = parent.parentElement;
      }
      if (!clipped) wide.push(el.tagName + " " + (el.textContent || "").trim().slice(0, 40));
    }
  }
  return wide;
}"""


@pytest.fixture
def demo(db):
    return generate_demo(measures=20)


def _too_wide(page, width, parts=WHOLE_PAGE):
    """What sticks out sideways at ``width``: elements of ``parts``, or the page's own scroll width."""
    page.set_viewport_size({"width": width, "height": 800})
    wide = page.evaluate(OVERFLOW, [parts, width])
    if parts is WHOLE_PAGE and page.evaluate("document.documentElement.scrollWidth") > width:
        wide.append(f"page {page.evaluate('document.documentElement.scrollWidth')} px wide")
    return wide


def _violations(page, parts=WHOLE_PAGE):
    """axe-core's violations on the page, or only in ``parts`` of another feature's page."""
    if parts is WHOLE_PAGE:
        return axe_violations(page)
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"include": [[part.strip()] for part in parts.split(",")]}, options=AXE_RULES)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]]


def _check(page, path, parts, widths, expected=""):
    """Problems of one page: status, text, sideways scrolling at each width, axe-core at the narrowest."""
    problems = []
    page.set_viewport_size({"width": widths[0], "height": 800})
    response = page.goto(path)
    if response.status != 200:
        return [f"status {response.status}"]
    if expected and expected not in page.locator("main").inner_text():
        problems.append(f"„{expected}“ missing")
    if page.locator("h1").count() != 1:
        problems.append("not exactly one h1")
    for width in widths:
        problems += [f"{width} px: {item}" for item in _too_wide(page, width, parts)]
    page.set_viewport_size({"width": widths[0], "height": 800})
    return problems + _violations(page, parts)


def test_public_pages_are_accessible_and_reflow(page, demo):
    # One browser session for all pages (each test of its own would rebuild the demo data).
    problems = {path: _check(page, path, parts, [320, 390]) for path, parts in PUBLIC}
    assert {path: found for path, found in problems.items() if found} == {}


def test_the_chart_is_an_image_with_a_text_alternative_next_to_its_table(page, demo):
    page.goto("/demo/indikatoren/1/")
    chart = page.get_by_role("img", name="Diagramm: Verlauf von")
    assert chart.count() == 1
    assert page.locator(".chart .chart__point--provisional").count() == 1
    table = page.get_by_role("table", name="Ausgangswert, Werte und Zielwerte (%)")
    assert "vorläufig" in table.inner_text()
    # The tables that may scroll sideways can be reached and scrolled with the keyboard.
    region = page.get_by_role("region", name="Ausgangswert, Werte und Zielwerte (%)")
    assert region.get_attribute("tabindex") == "0"


@pytest.fixture
def staff_world(demo, reporter_a, unit_a, buero_user):
    """Reporter A reports for measure 1.1 of the demo concept, which has indicators and milestones."""
    measure = Measure.objects.get(concept=demo, code="1.1")
    measure.responsibilities.create(unit=unit_a, role="beteiligt")
    indicator = Indicator.objects.get(concept=demo, number=1)
    Milestone.objects.create(measure=measure, title="Beispiel: überfällig", planned_on=datetime.date(2025, 1, 31))
    proposal = IndicatorValueProposal.objects.create(
        indicator=indicator,
        measure=measure,
        reference_date=datetime.date(2025, 6, 30),
        value=5,
        author=reporter_a,
        state=UpdateState.SUBMITTED,
    )
    report_round = ReportRound.objects.create(
        concept=demo, title="Runde", cut_off_date=datetime.date(2025, 12, 31), deadline=datetime.date(2026, 1, 31)
    )
    update = StatusUpdate.objects.create(
        measure=measure,
        author=reporter_a,
        state=UpdateState.SUBMITTED,
        reporting_date=datetime.date(2025, 12, 31),
        status="in_umsetzung",
    )
    assert Membership.objects.filter(user=reporter_a, unit=unit_a).exists()
    return {
        "measure": measure.pk,
        "indicator": indicator.pk,
        "proposal": proposal.pk,
        "round": report_round.pk,
        "update": update.pk,
    }


STAFF = [
    ("/meine-massnahmen/", "Meilenstein überfällig", ".currency, .due--overdue"),
    ("/meine-massnahmen/{measure}/", "Wert vorschlagen", ".staff-indicators"),
    ("/meine-massnahmen/{measure}/meldung/", "Erledigt: Beispiel: überfällig", ".milestone-ticks"),
    ("/meine-massnahmen/{measure}/indikatoren/{indicator}/wert/", "Dem Büro zur Prüfung vorschlagen", WHOLE_PAGE),
    ("/pruefung/", "Vorgeschlagene Indikatorwerte", ".pending-proposals"),
    ("/pruefung/{update}/", "Überfällige Meilensteine der Maßnahme", ".review-milestones"),
    ("/pruefung/indikatorwerte/{proposal}/", "Bisher veröffentlichter und vorgeschlagener Wert", WHOLE_PAGE),
    ("/berichtsrunden/{round}/bericht/", "Indikatoren zum Stichtag", ".report-indicators"),
]


def test_staff_pages_are_accessible_and_reflow(page, staff_world, buero_user):
    admin_login(page, buero_user)
    problems = {}
    for path, expected, parts in STAFF:
        # In „Meine Maßnahmen“ this feature's part sits in the list's table, whose small-screen layout is issue 13's.
        widths = [320, 1024] if path != "/meine-massnahmen/" else [1024]
        problems[path] = _check(page, path.format(**staff_world), parts, widths, expected)
    assert {path: found for path, found in problems.items() if found} == {}


def test_reporter_proposes_a_value_with_the_keyboard(page, staff_world, reporter_a):
    page.goto("/anmelden/")
    page.get_by_label("Benutzername").fill(reporter_a.username)
    page.get_by_label("Passwort").fill("ein-sicheres-Passwort-123")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/meine-massnahmen/")
    page.goto("/meine-massnahmen/{measure}/".format(**staff_world))
    page.get_by_role("link", name="Wert vorschlagen").first.click()
    page.get_by_label("Stichtag").fill("2025-12-31")
    page.get_by_label("Wert:", exact=True).fill("5,3")
    page.get_by_label("Fallzahl (intern)").fill("1450")
    page.get_by_label("vorläufig").check()
    page.get_by_role("button", name="Dem Büro zur Prüfung vorschlagen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Der Wert wurde dem Büro zur Prüfung vorgeschlagen." in page.locator(".messages").inner_text()
    proposal = IndicatorValueProposal.objects.exclude(pk=staff_world["proposal"]).get()
    assert str(proposal.value) == "5.3000" and proposal.provisional and proposal.case_count == 1450
