"""The public site in real Chromium: axe-core, keyboard use of the filter form, no cookies, no third parties."""

from urllib.parse import urlsplit

import pytest

from measures.demo import generate_demo
from measures.models import Measure
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_TYPES = [
    "/",
    "/demo/",
    "/demo/massnahmen/",
    "/demo/massnahmen/?stand=in_umsetzung&sortierung=aktualisiert",
    "/demo/massnahmen/?stand=quatsch",  # with a form error
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
    "/en/demo/",
]


@pytest.fixture
def demo(db):
    return generate_demo(measures=40)


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_public_page_has_no_axe_violations(page, demo, path):
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("a.skip-link").count() == 1
    assert axe_violations(page) == []


def test_not_found_page_has_no_axe_violations(page, demo):
    response = page.goto("/demo/massnahmen/9.99/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Diese Seite gibt es nicht"
    assert axe_violations(page) == []


def test_demo_pages_show_the_demonstration_banner(page, demo):
    page.goto("/demo/massnahmen/1.2/")
    assert "Demonstration" in page.locator(".banner--demo").inner_text()


def test_filter_form_works_with_the_keyboard_alone(page, demo):
    page.goto("/demo/massnahmen/")
    total = Measure.objects.filter(concept=demo).count()
    assert f"{total} Maßnahmen" in page.locator(".result-count").inner_text()
    # From the skip link into the form: every field is reachable by Tab, in order.
    page.locator("#id_q").focus()
    page.keyboard.type("Leitfaden")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_handlungsfeld"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_ziel"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_stand"
    # The focus is visible.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    for _field in ("ampel", "aktualitaet", "stelle", "rolle", "sortierung"):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_sortierung"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Anzeigen"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=Leitfaden" in page.url
    expected = Measure.objects.filter(concept=demo, title__icontains="Leitfaden").count()
    assert expected > 0
    assert f"{expected} Maßnahme" in page.locator(".result-count").inner_text()
    assert page.locator("#id_q").input_value() == "Leitfaden"


def test_select_filter_can_be_changed_with_arrow_keys(page, demo):
    page.goto("/demo/massnahmen/")
    page.locator("#id_handlungsfeld").focus()
    page.keyboard.press("ArrowDown")  # first field of action
    assert page.locator("#id_handlungsfeld").input_value() == "1"
    for _field in ("ziel", "stand", "ampel", "aktualitaet", "stelle", "rolle", "sortierung", "button"):
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "handlungsfeld=1" in page.url
    codes = page.locator(".measure-table tbody tr td:first-child").all_inner_texts()
    assert codes and all(code.startswith("1.") for code in codes)


def test_public_pages_set_no_cookies_and_load_nothing_from_third_parties(page, demo, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in PAGE_TYPES:
        page.goto(path)
    assert page.context.cookies() == []
    own_host = urlsplit(live_server.url).netloc
    assert requested
    assert {urlsplit(url).netloc for url in requested} == {own_host}
    # The stylesheet was among them: the check covers more than the HTML.
    assert any(url.endswith("site.css") for url in requested)


def test_print_stylesheet_keeps_content_and_drops_navigation(page, demo):
    page.goto("/demo/massnahmen/")
    page.emulate_media(media="print")
    assert not page.locator("form.filter-form").is_visible()
    assert not page.locator("nav.site-nav").is_visible()
    assert page.locator("table.measure-table").is_visible()
    assert page.locator(".banner--demo").is_visible()
    page.goto("/demo/")
    page.emulate_media(media="print")
    assert page.locator("table.chart-table").is_visible()
