"""The Büro's admin is a staff-facing web workflow and in scope of BbgBITV as well."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/", "Verwaltung des Integrationskonzepts"),
        ("/admin/measures/measure/", "Testmaßnahme"),
        ("/admin/measures/measure/{pk}/change/", "Testmaßnahme"),
        ("/admin/measures/measure/{pk}/history/", "Zuständigkeiten"),
        ("/admin/measures/concept/add/", "Handlungsfelder"),
        ("/admin/accounts/user/{user_pk}/change/", "Stellen, für die diese Person berichtet"),
    ],
)
def test_admin_pages_have_no_axe_violations(logged_in_page, buero_user, measure, path, expected):
    response = logged_in_page.goto(path.format(pk=measure.pk, user_pk=buero_user.pk))
    assert response.status == 200
    assert expected in logged_in_page.content()
    assert axe_violations(logged_in_page) == []


def test_inline_can_be_added_with_the_keyboard_and_script(logged_in_page, measure):
    logged_in_page.goto(f"/admin/measures/measure/{measure.pk}/change/")
    add_link = logged_in_page.get_by_role("button", name="Sachstandsmeldung hinzufügen")
    add_link.focus()
    logged_in_page.keyboard.press("Enter")
    assert logged_in_page.locator("#id_status_updates-0-reporting_date").is_visible()
    assert logged_in_page.locator(".select2-search__field").first.get_attribute("aria-label") == "Ziele"
