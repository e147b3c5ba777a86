"""The reporting pages in real Chromium: axe-core clean, usable with the keyboard, printable."""

import datetime

import pytest

from accounts.models import User
from measures.choices import UpdateState
from measures.models import Measure, StatusUpdate
from tests.browser.conftest import axe_violations, log_in
from tests.conftest import round_with_returned_and_submitted

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "ein-sicheres-Passwort-123"


def _log_in(page, username):
    log_in(page, User.objects.get(username=username))
    return page


@pytest.fixture
def reporting_data(measure, reporter_a, concept):
    return round_with_returned_and_submitted(measure, reporter_a, progress=30)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/meine-massnahmen/", "Rückmeldung des Büros – bitte überarbeiten"),
        ("/meine-massnahmen/{measure}/", "Bitte den Fortschritt begründen."),
        ("/meine-massnahmen/{measure}/meldung/", "Zur Prüfung einreichen"),
        ("/meldungen/{returned}/bearbeiten/", "Rückmeldung des Büros"),
        ("/meldungen/{returned}/loeschen/", "Soll die Meldung"),
        ("/meine-massnahmen/{measure}/verlauf/", "Sachstandsmeldungen"),
        ("/passwort/", "Passwort ändern"),
    ],
)
def test_reporter_pages_have_no_axe_violations(page, reporter_a, reporting_data, path, expected):
    _log_in(page, reporter_a.username)
    response = page.goto(path.format(**reporting_data))
    assert response.status == 200
    assert expected in page.content()
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/pruefung/", "Eingereichte Meldungen prüfen"),
        ("/pruefung/{submitted}/", "Was sich mit der Veröffentlichung ändert"),
        ("/berichtsrunden/", "Sachstandsbericht 2026"),
        ("/berichtsrunden/{round}/", "eingereicht, wartet auf Prüfung"),
        ("/berichtsrunden/{round}/bericht/", "noch keine Meldung"),
        ("/berichtsrunden/{round}/bericht/?unveroeffentlichte=ja", "Nur veröffentlichte Maßnahmen zeigen"),
    ],
)
def test_buero_pages_have_no_axe_violations(page, buero_user, reporting_data, path, expected):
    _log_in(page, buero_user.username)
    response = page.goto(path.format(**reporting_data))
    assert response.status == 200
    assert expected in page.content()
    assert axe_violations(page) == []


def test_login_page_and_error_have_no_axe_violations(page, reporter_a):
    page.goto("/anmelden/")
    assert axe_violations(page) == []
    page.get_by_label("Benutzername").fill(reporter_a.username)
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []


def test_form_errors_are_accessible(page, reporter_a, reporting_data):
    _log_in(page, reporter_a.username)
    page.goto(f"/meine-massnahmen/{reporting_data['measure']}/meldung/")
    page.get_by_label("zurückgestellt").check()
    page.get_by_label("Sachstand (öffentlich)").fill("")
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    assert "öffentliche Begründung erforderlich" in page.content()
    assert axe_violations(page) == []


def test_report_with_the_keyboard_only(page, reporter_a, reporting_data):
    _log_in(page, reporter_a.username)
    page.goto(f"/meine-massnahmen/{reporting_data['measure']}/meldung/")
    # The first status radio, then the arrow key moves the choice within the group.
    page.get_by_label("nicht begonnen").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("in Umsetzung").is_checked()
    page.get_by_label("Fortschritt (%)").focus()
    page.keyboard.type("25")
    page.get_by_label("Sachstand (öffentlich)").focus()
    page.keyboard.type("Mit der Tastatur gemeldet.")
    page.get_by_role("button", name="Zur Prüfung einreichen").focus()
    page.keyboard.press("Enter")
    # The confirmation step (a page of its own, no JavaScript): nothing is stored yet.
    page.get_by_role("heading", name="Meldung zur Prüfung einreichen?").wait_for()
    assert not StatusUpdate.objects.filter(public_text="Mit der Tastatur gemeldet.").exists()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ja, zur Prüfung einreichen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/meine-massnahmen/{reporting_data['measure']}/")
    assert "Die Meldung wurde zur Prüfung an das Büro eingereicht." in page.content()
    update = StatusUpdate.objects.get(public_text="Mit der Tastatur gemeldet.")
    assert (update.state, update.status, update.progress) == (UpdateState.SUBMITTED, "in_umsetzung", 25)


def test_status_definitions_are_announced_with_the_choice(page, reporter_a, reporting_data):
    _log_in(page, reporter_a.username)
    page.goto(f"/meine-massnahmen/{reporting_data['measure']}/meldung/")
    radio = page.get_by_label("in Umsetzung")
    description_id = radio.get_attribute("aria-describedby")
    assert page.locator(f"#{description_id}").inner_text() == "Die Maßnahme wird durchgeführt."


def test_report_prints_without_navigation(page, buero_user, reporting_data):
    _log_in(page, buero_user.username)
    page.goto(f"/berichtsrunden/{reporting_data['round']}/bericht/")
    assert page.locator(".site-nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".site-footer nav").is_visible()
    assert page.get_by_role("heading", name="Sachstandsbericht: Sachstandsbericht 2026").is_visible()
    # The printable width of A4 (210 mm less 2 × 12 mm margins, at 96 px per inch): no table wider.
    page.set_viewport_size({"width": 703, "height": 1000})
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right - innerWidth)"
    )
    assert overflow and max(overflow) <= 0.5, overflow
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_lockout_page_is_german_and_accessible(page, reporter_a, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(3):
        page.goto("/anmelden/")
        page.get_by_label("Benutzername").fill(reporter_a.username)
        page.get_by_label("Passwort").fill("falsch")
        page.get_by_role("button", name="Anmelden").click()
    assert page.get_by_role("heading", name="Anmeldung vorübergehend gesperrt").is_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [320, 390])
def test_confirmation_and_review_flags_reflow_at_small_widths(page, reporter_a, buero_user, reporting_data, width):
    page.set_viewport_size({"width": width, "height": 800})
    _log_in(page, reporter_a.username)
    page.goto(f"/meldungen/{reporting_data['returned']}/bearbeiten/")
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    page.get_by_role("heading", name="Meldung zur Prüfung einreichen?").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Abmelden").click()
    _log_in(page, buero_user.username)
    # The submitted report (28.02.2026) lies before the measure's planned start: a flag.
    Measure.objects.filter(pk=reporting_data["measure"]).update(planned_start=datetime.date(2026, 3, 15))
    page.goto(f"/pruefung/{reporting_data['submitted']}/")
    assert "liegt vor dem geplanten Beginn der Maßnahme (15.03.2026)" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
