"""The catalogue as one workbook: fields of action, goals, units and measures in one file.

The Büro's first task is to bring the real catalogue in: goals and units that do not exist yet
come with the measures that name them, in one preview and one confirm, all or nothing.
"""

import io
from datetime import date

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures.choices import UnitKind
from measures.exchange.export import export_catalogue
from measures.exchange.importing import run_import
from measures.models import FieldOfAction, Goal, ImportRecord, Measure, ResponsibleUnit

from .conftest import database_state

IMPORT_URL = reverse("admin:measures_measure_import")
MEASURE_HEADERS = ["Nr.", "Titel", "Handlungsfeld", "Ziele", "Federführung", "Beteiligt"]


def workbook(sheets: dict) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def onboarding_sheets(**overrides):
    sheets = {
        "Ziele": [["Nr.", "Titel", "Beschreibung"], [1, "Erstes Ziel", "Bis 2028"], [2, "Zweites Ziel", ""]],
        "Stellen": [
            ["Name", "Kurzname", "Art", "übergeordnete Stelle"],
            # The parent comes further down the sheet.
            ["Fachbereich Testen", "FB T", "Verwaltung", "Geschäftsbereich Prüfen"],
            ["Geschäftsbereich Prüfen", "GB P", "Verwaltung", ""],
        ],
        "Maßnahmen": [
            MEASURE_HEADERS,
            ["1.1", "Testmaßnahme", "1", "1; 2", "FB T", ""],
            ["1.2", "Neue Maßnahme", "1", "2", "Fachbereich Testen", "Stelle A"],
        ],
    }
    sheets.update(overrides)
    return sheets


def _upload(client, concept, data, name="katalog.xlsx"):
    return client.post(IMPORT_URL, {"concept": concept.pk, "file": SimpleUploadedFile(name, data)}, follow=True)


def test_the_buero_onboards_goals_units_and_measures_from_one_workbook(buero_client, buero_user, measure):
    """The first real task: the concept has its fields of action, nothing else; one file brings the rest."""
    before = database_state()
    preview = _upload(buero_client, measure.concept, workbook(onboarding_sheets()))
    page = preview.content.decode()
    assert preview.context["can_confirm"], [str(p) for p in preview.context["outcome"].problems]
    assert database_state() == before  # the preview writes nothing
    counts = {row["sheet"]: (row["new"], row["changed"]) for row in preview.context["outcome"].sheet_counts}
    assert counts == {"Ziele": (2, 0), "Stellen": (2, 0), "Maßnahmen": (1, 1)}
    assert "Blätter der Datei" in page

    job = preview.context["job"]
    done = buero_client.post(reverse("admin:measures_measure_import_confirm", args=[job.pk]), follow=True)
    assert done.status_code == 200
    assert "Import abgeschlossen: 1 neu, 1 geändert" in done.content.decode()

    assert list(Goal.objects.filter(concept=measure.concept).values_list("number", "title")) == [
        (1, "Erstes Ziel"),
        (2, "Zweites Ziel"),
    ]
    child = ResponsibleUnit.objects.get(name="Fachbereich Testen")
    assert (child.short_name, child.kind, child.parent.name) == (
        "FB T",
        UnitKind.ADMINISTRATION,
        "Geschäftsbereich Prüfen",
    )
    new = Measure.objects.get(code="1.2")
    assert [goal.number for goal in new.goals.all()] == [2]
    assert {(r.unit.name, r.role) for r in new.responsibilities.all()} == {
        ("Fachbereich Testen", "federfuehrung"),
        ("Stelle A", "beteiligt"),
    }
    assert [goal.number for goal in Measure.objects.get(code="1.1").goals.order_by("number")] == [1, 2]
    assert ImportRecord.objects.get().rows_created == 1


def test_one_problem_on_any_sheet_writes_nothing_at_all(measure, buero_user):
    sheets = onboarding_sheets()
    sheets["Maßnahmen"] = [*sheets["Maßnahmen"], ["1.3", "Kaputt", "9", "", "", ""]]
    before = database_state()
    goals_before = Goal.objects.count()

    outcome = run_import(workbook(sheets), "k.xlsx", concept=measure.concept, user=buero_user, dry_run=False)

    assert [(p.sheet, p.line, p.column) for p in outcome.problems] == [("Maßnahmen", 4, "Handlungsfeld")]
    assert database_state() == before
    assert Goal.objects.count() == goals_before
    assert not ResponsibleUnit.objects.filter(name="Fachbereich Testen").exists()


def test_problems_on_the_smaller_sheets_name_their_sheet(measure, buero_user):
    sheets = onboarding_sheets(
        Ziele=[["Nr.", "Titel"], ["eins", "Ziel ohne Nummer"], [1, "Ziel"], [1, "Noch einmal Ziel 1"]],
        Stellen=[
            ["Name", "Art", "übergeordnete Stelle"],
            ["Stelle X", "Verwaltung", "Stelle Y"],
            ["Stelle Y", "Verwaltung", "Stelle X"],
        ],
    )
    outcome = run_import(workbook(sheets), "k.xlsx", concept=measure.concept, user=buero_user, dry_run=True)
    found = {(p.sheet, p.line, p.column) for p in outcome.problems}
    assert ("Ziele", 2, "Nr.") in found and ("Ziele", 4, "Nr.") in found
    assert ("Stellen", 3, "übergeordnete Stelle") in found  # a unit cannot be its own ancestor
    messages = " ".join(str(p) for p in outcome.problems)
    assert "Blatt „Ziele“, Zeile 4" in messages and "Die Nummer steht schon in Zeile 3" in messages


def test_the_workbook_round_trip_says_no_changes(buero_client, demo):
    exported = buero_client.get(reverse("admin:measures_measure_export"), {"concept": demo.pk, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    assert book.sheetnames == [
        "Maßnahmen",
        "Handlungsfelder",
        "Ziele",
        "Stellen",
        "Meilensteine",
        "Indikatoren",
        "Zielwerte",
        "Indikatorwerte",
        "Werte",
        "Datenstand",
    ]
    assert book["Datenstand"].sheet_state == "hidden"
    assert book["Ziele"].max_row == demo.goals.count() + 1

    preview = _upload(buero_client, demo, exported.content, "massnahmen-demo.xlsx")
    page = preview.content.decode()
    assert "Keine Änderungen: Der Katalog im System entspricht schon der Datei." in page
    assert "Die Datei ist älter als die Daten" not in page
    assert preview.context["outcome"].ok


def test_the_ods_workbook_round_trip_says_no_changes(demo, buero_user):
    outcome = run_import(
        export_catalogue(demo, "ods", include_internal=True), "k.ods", concept=demo, user=buero_user, dry_run=True
    )
    assert outcome.sheets == [
        "Handlungsfelder",
        "Ziele",
        "Stellen",
        "Maßnahmen",
        "Meilensteine",
        "Indikatoren",
        "Zielwerte",
        "Indikatorwerte",
    ]
    assert outcome.ok and not outcome.has_changes


def test_an_older_export_warns_and_marks_the_cells_changed_since(buero_client, measure):
    exported = export_catalogue(measure.concept, "xlsx", include_internal=True)
    measure.title = "Im System nach dem Export geändert"
    measure.save()

    preview = _upload(buero_client, measure.concept, exported, "alt.xlsx")
    page = preview.content.decode()
    assert "Die Datei ist älter als die Daten – bitte neu exportieren" in page
    row = next(row for row in preview.context["outcome"].rows if row.code == "1.1")
    assert [(c.column, c.old, c.new, c.changed_since_export) for c in row.changes] == [
        ("Titel", "Im System nach dem Export geändert", "Testmaßnahme", True)
    ]
    assert "seit dem Export im System geändert" in page


def test_a_formula_without_a_stored_value_says_so(measure, buero_user):
    data = workbook({"Maßnahmen": [["Nr.", "Titel", "Handlungsfeld"], ["1.1", '=CONCAT("Test", "titel")', "1"]]})
    outcome = run_import(data, "formel.xlsx", concept=measure.concept, user=buero_user, dry_run=True)
    [problem] = outcome.problems
    assert problem.column == "Titel"
    assert "enthält eine Formel (=CONCAT" in problem.message
    assert "neu berechnen" in problem.message
    assert "darf nicht leer sein" not in problem.message


def test_the_import_uses_the_report_date_rule_of_the_form(measure, buero_user):
    rows = [
        ["Nr.", "Titel", "Handlungsfeld", "Umsetzungsstand", "Stand vom"],
        ["1.1", "T", "1", "in Umsetzung", "01.01.1900"],
    ]
    outcome = run_import(
        workbook({"Maßnahmen": rows}), "alt.xlsx", concept=measure.concept, user=buero_user, dry_run=True
    )
    assert [p.message for p in outcome.problems] == [
        "„Stand vom“ darf nicht vor dem Beginn des Konzepts liegen (frühestens 01.01.2024)."
    ]
    future = date.today().replace(year=date.today().year + 1).strftime("%d.%m.%Y")
    rows[1][4] = future
    outcome = run_import(
        workbook({"Maßnahmen": rows}), "neu.xlsx", concept=measure.concept, user=buero_user, dry_run=True
    )
    assert "darf nicht in der Zukunft liegen" in outcome.problems[0].message


def test_the_blank_template_has_examples_allowed_values_and_dropdowns(measure, buero_client, goal):
    response = buero_client.get(reverse("admin:measures_measure_template"), {"concept": measure.concept.pk})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheets = [
        "Maßnahmen",
        "Handlungsfelder",
        "Ziele",
        "Stellen",
        "Meilensteine",
        "Indikatoren",
        "Zielwerte",
        "Indikatorwerte",
    ]
    assert book.sheetnames == [*sheets, "Werte"]
    for title in sheets:
        assert book[title]["A2"].value == "Beispiel"
    values = {cell.value: column for column, cell in enumerate(book["Werte"][1], 1)}
    status_column = [
        row[0]
        for row in book["Werte"].iter_rows(
            min_row=2, min_col=values["Umsetzungsstand"], max_col=values["Umsetzungsstand"], values_only=True
        )
    ]
    assert status_column[:3] == ["noch keine Meldung", "nicht begonnen", "in Vorbereitung"]
    units = [
        row[0]
        for row in book["Werte"].iter_rows(
            min_row=2, min_col=values["Stellen"], max_col=values["Stellen"], values_only=True
        )
        if row[0]
    ]
    assert units == ["Stelle A"]
    validations = {
        str(dv.sqref): (dv.formula1, dv.errorStyle) for dv in book["Maßnahmen"].data_validations.dataValidation
    }
    headers = [cell.value for cell in book["Maßnahmen"][1]]
    status_letter = openpyxl.utils.get_column_letter(headers.index("Umsetzungsstand") + 1)
    lead_letter = openpyxl.utils.get_column_letter(headers.index("Federführung") + 1)
    assert validations[f"{status_letter}2:{status_letter}502"][0].startswith("'Werte'!$")
    assert validations[f"{status_letter}2:{status_letter}502"][1] == "stop"
    assert validations[f"{lead_letter}2:{lead_letter}502"][1] == "information"  # several units are allowed

    # The example rows are refused until overwritten.
    outcome = run_import(response.content, "vorlage.xlsx", concept=measure.concept, user=None, dry_run=True)
    assert {p.sheet for p in outcome.problems} == set(sheets)
    assert all(
        "Beispielzeile der Vorlage" in p.message
        for p in outcome.problems
        if p.column in ("Nr.", "Name", "Maßnahme", "Indikator")
    )


def test_a_single_measures_sheet_of_any_name_still_works(measure, buero_user):
    data = workbook({"Tabelle1": [["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Neu betitelt", "1"]]})
    outcome = run_import(data, "k.xlsx", concept=measure.concept, user=buero_user, dry_run=False)
    assert outcome.ok and outcome.sheets == ["Maßnahmen"]
    assert Measure.objects.get(pk=measure.pk).title == "Neu betitelt"
    assert FieldOfAction.objects.count() == 1
