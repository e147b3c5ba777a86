"""The Sachstandsbericht lists the indicators as known at its cut-off date."""

from datetime import date

import pytest

from measures.choices import OnTrack
from measures.indicators.report import indicator_report_rows
from measures.models import Indicator, ReportRound

from .conftest import add_value

pytestmark = pytest.mark.django_db


def test_rows_hold_the_latest_value_up_to_the_cut_off_and_its_state(indicator, counted, concept, goal):
    add_value(indicator, date(2024, 12, 31), "4.8")  # on track: the path is at 4.67 there
    add_value(indicator, date(2025, 12, 31), "5.0")  # after the cut-off; behind the plan
    draft = Indicator.objects.create(concept=concept, number=3, name="Noch nicht veröffentlicht", unit="%")
    draft.goals.add(goal)
    rows = {row.indicator.number: row for row in indicator_report_rows(concept, date(2025, 6, 30))}
    assert str(rows[1].state.latest_value) == "4.8000" and rows[1].state.state == OnTrack.ON_TRACK
    assert rows[1].state.next_target.target_date == date(2026, 12, 31)
    assert rows[2].state.state == OnTrack.NO_VALUE and rows[2].breakdown == []  # its values are from December
    assert rows[3].state.state == OnTrack.NO_VALUE and not rows[3].indicator.published
    later = {row.indicator.number: row for row in indicator_report_rows(concept, date(2026, 3, 31))}
    assert later[1].state.state == OnTrack.OFF_TRACK
    assert [cell.category for cell in later[2].breakdown] == ["weiblich", "männlich", "divers"]
    assert [cell.amount for cell in later[2].breakdown] == [4691, None, None]


def test_the_report_page_shows_the_indicators_and_marks_unpublished_ones(buero_client, indicator, concept, goal):
    add_value(indicator, date(2024, 12, 31), "4.8")
    draft = Indicator.objects.create(concept=concept, number=3, name="Entwurf eines Indikators", unit="%")
    draft.goals.add(goal)
    report_round = ReportRound.objects.create(
        concept=concept, title="Bericht 2025", cut_off_date=date(2025, 6, 30), deadline=date(2025, 7, 31)
    )
    content = buero_client.get(f"/berichtsrunden/{report_round.pk}/bericht/").content.decode()
    section = content[content.index("Indikatoren zum Stichtag") : content.index("Maßnahmen ohne Meldung zum Stichtag")]
    assert "Anteil der Beschäftigten" in section and "4,8 %" in section and "im Plan" in section
    assert "Entwurf eines Indikators" in section and "nicht veröffentlicht" in section
    assert "noch kein Wert" in section
