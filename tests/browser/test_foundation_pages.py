import pytest

from measures.models import SitePage
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def concept_with_page(concept):
    SitePage.objects.update_or_create(
        kind="impressum", defaults={"title": "Impressum", "body": "## Herausgeberin\nLandeshauptstadt Potsdam"}
    )
    return concept


@pytest.mark.parametrize("path", ["/", "/impressum/", "/barrierefreiheit/", "/en/", "/admin/login/"])
def test_page_has_no_axe_violations(page, concept_with_page, path):
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("h1").count() == 1, page.content()[:3000]
    assert axe_violations(page) == []


def test_skip_link_is_first_and_moves_focus_to_main(page, concept_with_page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_public_pages_set_no_cookies(page, concept_with_page):
    page.goto("/")
    page.goto("/impressum/")
    assert page.context.cookies() == []
