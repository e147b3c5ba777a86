"""Real files in every supported dialect, read the German way whatever the user's language."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from measures.exchange.export import blank_template, export_catalogue
from measures.exchange.importing import run_import
from measures.exchange.measure_resource import MeasureResource
from measures.models import Measure
from measures.spreadsheets import neutralise_formula

from .conftest import csv_file, ods_file, xlsx_file

HEADER = ["Nr.", "Titel", "Handlungsfeld", "Beginn", "Ende", "Budget (EUR)", "Federführung", "Finanzierung"]
ROW = ["1.2", "Sprachmittlung für Ämter", "1", "31.12.2025", "30.06.2026", "1.234,50", "Stelle A", "gesichert"]


def _imported(data, file_name, concept, user):
    outcome = run_import(data, file_name, concept=concept, user=user, dry_run=False)
    assert outcome.ok, [str(problem) for problem in outcome.problems]
    return Measure.objects.get(concept=concept, code="1.2")


def _assert_row_values(measure):
    assert measure.title == "Sprachmittlung für Ämter"
    assert measure.planned_start == date(2025, 12, 31)
    assert measure.planned_end == date(2026, 6, 30)
    assert measure.budget == Decimal("1234.50")
    assert measure.funding_status == "gesichert"
    assert [r.unit.name for r in measure.responsibilities.all()] == ["Stelle A"]


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "cp1252"), (";", "utf-8-sig"), (",", "utf-8"), ("\t", "utf-8")],
    ids=["excel-windows-1252", "excel-utf8-bom", "comma-utf8", "tab-utf8"],
)
def test_csv_dialects_written_by_hand(measure, buero_user, delimiter, encoding):
    data = csv_file([HEADER, ROW], delimiter=delimiter, encoding=encoding)
    _assert_row_values(_imported(data, "katalog.csv", measure.concept, buero_user))


def test_german_values_are_read_the_same_with_english_as_the_users_language(measure, buero_user):
    data = csv_file([HEADER, ROW])
    with translation.override("en"):
        measure_12 = _imported(data, "katalog.csv", measure.concept, buero_user)
    _assert_row_values(measure_12)


def test_xlsx_with_real_date_and_number_cells(measure, buero_user):
    row = ["1.2", "Sprachmittlung für Ämter", 1, datetime(2025, 12, 31), date(2026, 6, 30), 1234.5, "A", "gesichert"]
    _assert_row_values(_imported(xlsx_file([HEADER, row]), "katalog.xlsx", measure.concept, buero_user))


def test_xlsx_reads_the_sheet_named_massnahmen_or_else_the_first(measure, buero_user):
    _assert_row_values(_imported(xlsx_file([HEADER, ROW], title="Tabelle1"), "k.xlsx", measure.concept, buero_user))


def test_ods_written_by_tablib(measure, buero_user):
    _assert_row_values(_imported(ods_file([HEADER, ROW]), "katalog.ods", measure.concept, buero_user))


def test_ods_with_empty_cells_compressed_the_libreoffice_way(measure, buero_user):
    """LibreOffice writes consecutive empty cells as one repeated cell; columns must not shift."""
    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Maßnahmen")
    document.spreadsheet.addElement(sheet)

    def text_cell(value):
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=value))
        return cell

    header = ["Nr.", "Titel", "Handlungsfeld", "Kurzbeschreibung", "Beschreibung", "Federführung"]
    rows = [
        [text_cell(value) for value in header],
        [text_cell("1.2"), text_cell("Titel"), text_cell("1"), TableCell(numbercolumnsrepeated=2), text_cell("A")],
    ]
    for cells in rows:
        row = TableRow()
        for cell in cells:
            row.addElement(cell)
        sheet.addElement(row)
    buffer = io.BytesIO()
    document.save(buffer)

    measure_12 = _imported(buffer.getvalue(), "libreoffice.ods", measure.concept, buero_user)

    assert (measure_12.summary, measure_12.description) == ("", "")
    assert [r.unit.name for r in measure_12.responsibilities.all()] == ["Stelle A"]


def test_units_by_short_name_and_goals_by_number(measure, goal, goal_2, unit_b, buero_user):
    rows = [["Nr.", "Titel", "Handlungsfeld", "Ziele", "Federführung", "Beteiligt"], ["1.1", "T", "1", "2;1", "B", "A"]]
    run_import(csv_file(rows), "k.csv", concept=measure.concept, user=buero_user, dry_run=False)
    assert sorted(goal.number for goal in measure.goals.all()) == [1, 2]
    assert {(r.unit.short_name, r.role) for r in measure.responsibilities.all()} == {
        ("B", "federfuehrung"),
        ("A", "beteiligt"),
    }


def test_exports_neutralise_formulas_and_read_them_back_unchanged(measure, buero_user):
    Measure.objects.filter(pk=measure.pk).update(title='=HYPERLINK("http://x")', summary="-weniger Bürokratie")
    for file_format in ("csv", "xlsx", "ods"):
        data = export_catalogue(measure.concept, file_format, include_internal=True)
        if file_format == "csv":
            text = data.decode("utf-8-sig")
            assert ';\'=HYPERLINK(""http://x"")";' in text or "'=HYPERLINK" in text
            assert "'-weniger Bürokratie" in text
        if file_format == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            assert sheet["B2"].value == neutralise_formula('=HYPERLINK("http://x")')
            assert sheet["B2"].data_type == "s"
        outcome = run_import(data, f"k.{file_format}", concept=measure.concept, user=buero_user, dry_run=True)
        assert outcome.counts["unchanged"] == 1, file_format


def test_xlsx_export_has_real_dates_and_numbers(measure):
    Measure.objects.filter(pk=measure.pk).update(planned_start=date(2025, 1, 31), budget=Decimal("1234.5"))
    sheet = openpyxl.load_workbook(io.BytesIO(export_catalogue(measure.concept, "xlsx", include_internal=True)))[
        "Maßnahmen"
    ]
    headers = [cell.value for cell in sheet[1]]
    start = sheet.cell(row=2, column=headers.index("Beginn") + 1)
    budget = sheet.cell(row=2, column=headers.index("Budget (EUR)") + 1)
    assert (start.value, start.number_format) == (datetime(2025, 1, 31), "DD.MM.YYYY")
    assert (budget.value, budget.number_format) == (1234.5, "#,##0.00")


def test_csv_export_is_german_excel_csv(measure):
    Measure.objects.filter(pk=measure.pk).update(budget=Decimal("1234.5"))
    data = export_catalogue(measure.concept, "csv", include_internal=True)
    assert data.startswith(b"\xef\xbb\xbfNr.;Titel;Handlungsfeld;Ziele;")
    assert ";1.234,50;" in data.decode("utf-8-sig")


def test_the_blank_template_has_exactly_the_import_columns_and_an_example_row(db):
    workbook = openpyxl.load_workbook(io.BytesIO(blank_template("xlsx")))
    sheet = workbook["Maßnahmen"]
    assert [cell.value for cell in sheet[1]] == MeasureResource.column_names()
    assert sheet.max_row == 2
    assert sheet["A2"].value == "Beispiel"


def test_json_export(measure):
    import json

    rows = json.loads(export_catalogue(measure.concept, "json", include_internal=True))
    assert rows[0]["Nr."] == "1.1"
    assert rows[0]["Federführung"] == "Stelle A"
