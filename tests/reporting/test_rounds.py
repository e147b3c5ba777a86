"""Report rounds: the per-unit overview and the Sachstandsbericht's figures (page and XLSX)."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from measures.choices import Role, Status, UpdateState
from measures.models import FieldOfAction, Goal, Measure, MeasureResponsibility, ReportRound
from measures.reporting.rounds import report_for
from tests.reporting.conftest import make_update


def _published(measure, author, date, status, progress, text="", report_round=None):
    from django.utils import timezone

    return make_update(
        measure,
        author,
        state=UpdateState.PUBLISHED,
        published_at=timezone.now(),
        reporting_date=date,
        status=status,
        progress=progress,
        public_text=text,
        report_round=report_round,
    )


@pytest.fixture
def scenario(concept, field, goal, measure_a, measure_b, unit_b, reporter_a, reporter_b, report_round):
    """Two rounds; measure 1.1 progressed, 1.2 never reported, 2.1 reported for the first time."""
    previous = ReportRound.objects.create(
        concept=concept,
        title="Sachstandsbericht 2025",
        cut_off_date=datetime.date(2025, 3, 31),
        deadline=datetime.date(2025, 4, 30),
        closed=True,
    )
    field_2 = FieldOfAction.objects.create(concept=concept, number=2, title="Bildung", slug="bildung")
    goal_2 = Goal.objects.create(concept=concept, number=2, title="Zweites Testziel")
    measure_c = Measure.objects.create(
        concept=concept, field_of_action=field_2, code="2.1", title="Maßnahme im Feld Bildung", published=True
    )
    MeasureResponsibility.objects.create(measure=measure_c, unit=unit_b, role=Role.LEAD)
    measure_a.goals.add(goal)
    measure_c.goals.add(goal, goal_2)

    _published(measure_a, reporter_a, datetime.date(2025, 3, 1), Status.PREPARATION, 10, report_round=previous)
    _published(measure_a, reporter_a, datetime.date(2026, 3, 15), Status.IN_PROGRESS, 50, "=SUMME(A1)", report_round)
    # Reported after the cut-off date: not part of this round's figures.
    _published(measure_a, reporter_a, datetime.date(2026, 5, 1), Status.DONE, 100)
    make_update(measure_b, reporter_b, state=UpdateState.SUBMITTED, report_round=report_round)
    _published(measure_c, reporter_b, datetime.date(2026, 1, 10), Status.DONE, None, report_round=report_round)
    return {"previous": previous, "measure_c": measure_c}


def test_report_figures(scenario, report_round):
    report = report_for(report_round)
    assert report.previous_round == scenario["previous"]
    rows = {row["measure"].code: row for row in report.rows}
    assert (rows["1.1"]["now"].status, rows["1.1"]["now"].progress) == (Status.IN_PROGRESS, 50)
    assert rows["1.1"]["change"] == "in Vorbereitung → in Umsetzung; Fortschritt 10 % → 50 %"
    assert rows["1.2"]["now"].status == Status.NO_REPORT
    assert rows["1.2"]["now"].progress is None
    assert rows["1.2"]["change"] == "noch keine Meldung"
    assert rows["2.1"]["change"] == "erstmals gemeldet"
    assert [row["measure"].code for row in report.without_report] == ["1.2"]

    totals = {t.label: dict(zip(Status.values, t.cells(), strict=True)) for t in report.by_field + report.by_goal}
    field_1 = totals["1. Arbeit"]
    assert (field_1[Status.IN_PROGRESS], field_1[Status.NO_REPORT], field_1[Status.DONE]) == (1, 1, 0)
    assert totals["2. Bildung"][Status.DONE] == 1
    assert totals["Ziel 1: Testziel"][Status.IN_PROGRESS] == 1
    assert totals["Ziel 1: Testziel"][Status.DONE] == 1
    assert totals["Ziel 2: Zweites Testziel"][Status.DONE] == 1
    assert report.overall.total == 3
    assert report.overall.counts[Status.NO_REPORT] == 1


def test_first_round_has_no_change(concept, measure_a, report_round):
    report = report_for(report_round)
    assert report.previous_round is None
    assert report.rows[0]["change"] == "erste Berichtsrunde"


def test_report_page_is_printable_and_never_shows_zero_for_missing(client, buero_user, scenario, report_round):
    client.force_login(buero_user)
    response = client.get(f"/berichtsrunden/{report_round.pk}/bericht/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Stichtag 31.03.2026" in content
    assert "Sachstandsbericht 2025" in content
    assert 'href="/static/css/print.css" media="print"' in content
    assert "1.2 Maßnahme der Stelle B (Federführung: B): noch keine Meldung" in content
    assert re.search(r"(?<![\d.])0 %", content) is None
    assert "in Vorbereitung → in Umsetzung; Fortschritt 10 % → 50 %" in content


def test_report_xlsx(client, buero_user, scenario, report_round):
    client.force_login(buero_user)
    response = client.get(f"/berichtsrunden/{report_round.pk}/bericht.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "sachstandsbericht-2026-03-31.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Sachstand", "Summen", "noch keine Meldung"]
    sheet = workbook["Sachstand"]
    # Above the table: which report, which cut-off date (a real date cell, shown as 31.03.2026).
    preamble = {row[0]: row[1] for row in sheet.iter_rows(max_row=6, max_col=2, values_only=True) if row[0]}
    assert preamble["Sachstandsbericht"] == "Sachstandsbericht 2026"
    assert preamble["Stichtag"] == datetime.datetime(2026, 3, 31)
    assert sheet["B3"].number_format == "DD.MM.YYYY"
    assert preamble["Vorige Berichtsrunde"] == "Sachstandsbericht 2025 (31.03.2025)"
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Nr.")
    header = [cell.value for cell in sheet[header_row]]
    assert header == [
        "Nr.",
        "Titel",
        "Handlungsfeld",
        "Federführung",
        "Umsetzungsstand am Stichtag",
        "Ampel",
        "Fortschritt (%)",
        "Stand vom",
        "in dieser Runde gemeldet",
        "Sachstand",
        "Stand in der Vorrunde",
        "Veränderung",
    ]
    rows = {
        row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=header_row + 1, values_only=True)
    }
    assert rows["1.1"]["Umsetzungsstand am Stichtag"] == "in Umsetzung"
    assert rows["1.1"]["Ampel"] == "keine Angabe"
    assert rows["1.1"]["Fortschritt (%)"] == 50
    assert rows["1.1"]["Stand vom"] == datetime.datetime(2026, 3, 15)
    assert rows["1.1"]["in dieser Runde gemeldet"] == "ja"
    assert rows["1.1"]["Sachstand"] == "'=SUMME(A1)"
    assert rows["1.2"]["Umsetzungsstand am Stichtag"] == "noch keine Meldung"
    assert rows["1.2"]["Fortschritt (%)"] is None  # empty, never 0
    assert rows["1.2"]["Stand vom"] is None
    assert rows["1.2"]["Veränderung"] == "noch keine Meldung"
    date_column = header.index("Stand vom") + 1
    date_cells = [sheet.cell(row=row, column=date_column) for row in range(header_row + 1, sheet.max_row + 1)]
    assert {cell.number_format for cell in date_cells if cell.value} == {"DD.MM.YYYY"}
    assert sheet.freeze_panes == f"A{header_row + 1}"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDJ"}
    assert widths["A"] < widths["B"] and widths["B"] >= len("Maßnahme der Stelle B")
    assert all(width <= 60 for width in widths.values())
    totals = {row[0]: row for row in workbook["Summen"].iter_rows(values_only=True)}
    header = totals["Bereich"]
    assert totals["Alle Maßnahmen"][header.index("noch keine Meldung")] == 1
    assert totals["Alle Maßnahmen"][-1] == 3
    missing = list(workbook["noch keine Meldung"].iter_rows(min_row=2, values_only=True))
    assert missing == [("1.2", "Maßnahme der Stelle B", "B")]


def test_report_marks_a_measure_reported_in_an_earlier_round(client, buero_user, scenario, report_round):
    """1.1's status at the cut-off date comes from this round; a measure whose latest report is from
    an earlier round is shown with that report's date and marked as not updated."""
    measure_d = Measure.objects.create(
        concept=report_round.concept, field_of_action=scenario["measure_c"].field_of_action, code="2.2", title="Alt"
    )
    _published(measure_d, None, datetime.date(2025, 1, 10), Status.IN_PROGRESS, 30)
    measure_d.published = True
    measure_d.save()
    report = report_for(report_round)
    rows = {row["measure"].code: row for row in report.rows}
    assert rows["1.1"]["reported_in_round"] and not rows["2.2"]["reported_in_round"]
    assert [row["measure"].code for row in report.not_updated] == ["2.2"]
    client.force_login(buero_user)
    content = client.get(f"/berichtsrunden/{report_round.pk}/bericht/").content.decode()
    assert "gemeldet zum 10.01.2025, keine neue Meldung in dieser Runde" in content


def test_round_overview_per_unit(client, buero_user, scenario, report_round):
    client.force_login(buero_user)
    content = client.get(f"/berichtsrunden/{report_round.pk}/").content.decode()
    section_a = content[content.index("Stelle A") : content.index("Stelle B")]
    section_b = content[content.index("Stelle B") :]
    assert "0 Meldungen fehlen" in section_a and "veröffentlicht" in section_a
    assert "0 Meldungen fehlen" in section_b
    assert "eingereicht, wartet auf Prüfung" in section_b


def test_round_overview_lists_missing_reports(client, buero_user, measure_a, measure_b, draft_b, report_round):
    client.force_login(buero_user)
    content = client.get(f"/berichtsrunden/{report_round.pk}/").content.decode()
    assert content.count("1 Meldung fehlt") == 2
    assert "fehlt" in content


def test_round_overview_names_a_returned_report_as_being_revised(
    client, buero_user, measure_a, reporter_a, report_round
):
    make_update(measure_a, reporter_a, state=UpdateState.RETURNED, report_round=report_round)
    client.force_login(buero_user)
    content = client.get(f"/berichtsrunden/{report_round.pk}/").content.decode()
    section_a = content[content.index("Stelle A") :]
    assert "zurückgegeben, wird überarbeitet" in section_a
    assert "1 Meldung fehlt" in section_a  # a returned report does not count as reported


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_measures(concept, field, goal, unit, author, start, count):
    for number in range(start, start + count):
        measure = Measure.objects.create(concept=concept, field_of_action=field, code=f"9.{number}", title="x")
        measure.goals.add(goal)
        MeasureResponsibility.objects.create(measure=measure, unit=unit, role=Role.LEAD)
        make_update(measure, author)
        _published(measure, author, datetime.date(2026, 1, 1), Status.IN_PROGRESS, 20)


@pytest.mark.parametrize(
    ("person", "url"),
    [
        ("buero_user", "/berichtsrunden/{round}/"),
        ("buero_user", "/berichtsrunden/{round}/bericht/"),
        ("buero_user", "/pruefung/"),
        ("buero_user", "/meine-massnahmen/"),
        ("reporter_a", "/meine-massnahmen/"),
    ],
)
def test_query_count_does_not_grow_with_measures(
    request, client, concept, field, goal, unit_a, reporter_a, report_round, person, url
):
    client.force_login(request.getfixturevalue(person))
    url = url.format(round=report_round.pk)
    _add_measures(concept, field, goal, unit_a, reporter_a, 1, 3)
    few = _count_queries(client, url)
    _add_measures(concept, field, goal, unit_a, reporter_a, 10, 12)
    assert _count_queries(client, url) == few
