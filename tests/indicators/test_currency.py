"""How current a status is: the one rule at its edges, the same rule as a filter, and where it shows."""

from datetime import date, timedelta

import pytest

from measures.choices import Currency, Status
from measures.currency import currency_rule, measure_currency
from measures.models import Measure, MeasureResponsibility, ReportRound
from tests.public.conftest import publish_update

TODAY = date(2026, 5, 15)
ROUNDS = [date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31), date(2026, 6, 30)]


def currency(day, cut_offs=ROUNDS, today=TODAY, days=365):
    return measure_currency(day, cut_offs=cut_offs, today=today, stale_after_days=days)


def test_no_report_is_its_own_state():
    assert currency(None) == Currency.NO_REPORT


def test_current_means_reported_in_the_current_or_the_last_round():
    # Today (15.05.2026) lies in the round ending 30.06.2026; the last round ended 31.12.2025 and
    # began after 30.06.2025. A report counts for a round from the day after the previous cut-off.
    assert currency(date(2026, 5, 1)) == Currency.CURRENT  # current round
    assert currency(date(2025, 12, 31)) == Currency.CURRENT  # last day of the last round
    assert currency(date(2025, 7, 1)) == Currency.CURRENT  # first day of the last round
    assert currency(date(2025, 6, 30)) == Currency.OLDER  # cut-off day of the round before
    assert currency(date(2025, 6, 1)) == Currency.OLDER


def test_a_round_whose_cut_off_is_today_is_still_the_current_round():
    today = date(2026, 6, 30)
    assert currency(date(2025, 7, 1), today=today) == Currency.CURRENT
    assert currency(date(2025, 7, 1), today=today + timedelta(days=1)) == Currency.OLDER


def test_after_the_last_cut_off_the_latest_round_is_the_last_round():
    today = date(2026, 9, 1)  # after every cut-off
    assert currency(date(2026, 1, 1), today=today) == Currency.CURRENT
    assert currency(date(2025, 12, 31), today=today) == Currency.OLDER


@pytest.mark.parametrize("cut_offs", [[], [date(2025, 12, 31)], [date(2027, 1, 1)]], ids=["none", "one", "future"])
def test_with_fewer_than_two_past_rounds_every_fresh_report_is_current(cut_offs):
    assert currency(date(2025, 6, 1), cut_offs=cut_offs) == Currency.CURRENT


def test_stale_after_the_bueros_threshold_whatever_the_rounds_say():
    threshold = TODAY - timedelta(days=365)
    assert currency(threshold, cut_offs=[]) == Currency.CURRENT  # exactly the threshold: not yet stale
    assert currency(threshold - timedelta(days=1), cut_offs=[]) == Currency.STALE
    assert currency(date(2026, 5, 1), days=10) == Currency.STALE  # even in the current round


def test_the_filter_condition_is_the_same_rule(concept, field):
    """Every day of three years, counted through the database and through ``of()``: the same result."""
    start = date(2024, 1, 1)
    days = [start + timedelta(days=offset) for offset in range(0, 3 * 365, 3)]
    Measure.objects.bulk_create(
        Measure(concept=concept, field_of_action=field, code=f"9.{i}", sort_key=f"{i:08}", title="M", status_date=day)
        for i, day in enumerate([*days, None])
    )
    rule = currency_rule(ROUNDS, today=TODAY, stale_after_days=365)
    expected = dict.fromkeys(Currency, 0)
    for day in [*days, None]:
        expected[rule.of(day)] += 1
    counted = {choice: Measure.objects.filter(rule.condition(choice)).count() for choice in Currency}
    assert counted == expected
    assert all(expected.values())  # every state occurs, so the comparison means something


@pytest.fixture
def dated_measures(concept, field, unit_a, measure):
    """1.1 reported recently, 1.2 long ago, 1.3 never; one round a month ago and one before."""
    today = date.today()
    ReportRound.objects.create(concept=concept, title="R1", cut_off_date=today - timedelta(days=400), deadline=today)
    ReportRound.objects.create(concept=concept, title="R2", cut_off_date=today - timedelta(days=30), deadline=today)
    publish_update(measure, day=today - timedelta(days=10), status=Status.IN_PROGRESS)
    old = Measure.objects.create(
        concept=concept, field_of_action=field, code="1.2", title="Alte Meldung", published=True
    )
    MeasureResponsibility.objects.create(measure=old, unit=unit_a)
    publish_update(old, day=today - timedelta(days=500), status=Status.PREPARATION)
    never = Measure.objects.create(
        concept=concept, field_of_action=field, code="1.3", title="Ohne Meldung", published=True
    )
    MeasureResponsibility.objects.create(measure=never, unit=unit_a)
    return measure, old, never


@pytest.mark.django_db
def test_the_public_list_filters_by_currency(client, dated_measures):
    for value, expected, absent in (
        ("aktuell", "Testmaßnahme", "Alte Meldung"),
        ("veraltet", "Alte Meldung", "Testmaßnahme"),
        ("keine_meldung", "Ohne Meldung", "Testmaßnahme"),
    ):
        content = client.get("/testkonzept/massnahmen/", {"aktualitaet": value}).content.decode()
        assert "1 Maßnahme" in content
        assert expected in content and absent not in content
    response = client.get("/testkonzept/massnahmen/", {"aktualitaet": "uralt"})
    assert response.status_code == 200
    assert "Diese Filter aus der Adresse sind ungültig und wurden nicht angewendet:" in response.content.decode()


@pytest.mark.django_db
def test_dashboard_counts_measures_by_currency_and_links_to_the_list(client, dated_measures):
    content = client.get("/testkonzept/").content.decode()
    assert "Wie aktuell sind die Meldungen?" in content
    for value in ("aktuell", "veraltet", "keine_meldung", "aelter"):
        assert f'href="/testkonzept/massnahmen/?aktualitaet={value}"' in content
    section = " ".join(content[content.index('id="aktualitaet"') :].split())
    assert "aktuell</span>: <strong>1</strong>" in section
    assert "veraltet</span>: <strong>1</strong>" in section
    assert "älter</span>: <strong>0</strong>" in section


@pytest.mark.django_db
def test_measure_pages_say_how_current_the_status_is(client, dated_measures, buero_client):
    assert "veraltet" in client.get("/testkonzept/massnahmen/1.2/").content.decode()
    staff_page = buero_client.get(f"/meine-massnahmen/{dated_measures[1].pk}/").content.decode()
    assert "Aktualität des veröffentlichten Stands" in staff_page and "veraltet" in staff_page
    my_measures = buero_client.get("/meine-massnahmen/").content.decode()
    assert my_measures.count("currency--veraltet") == 1
    assert my_measures.count("currency--aktuell") == 1
