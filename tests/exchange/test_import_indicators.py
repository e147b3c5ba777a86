"""The Büro keeps milestones, indicators, their targets and values in the catalogue workbook.

The sheets „Meilensteine“, „Indikatoren“, „Zielwerte“ and „Indikatorwerte“ come with the same
guarantees as the catalogue: a preview with old → new, German problems per row, all or
nothing across every sheet, and an export that imports again with „keine Änderungen“.
"""

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.choices import Direction
from measures.exchange.export import export_catalogue
from measures.exchange.importing import run_import
from measures.models import (
    BreakdownCategory,
    BreakdownDimension,
    ImportRecord,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Measure,
    Milestone,
)
from measures.services import indicator_value_write
from measures.versions import data_version

D = Decimal
IMPORT_URL = reverse("admin:measures_measure_import")
MILESTONE_HEADERS = ["Maßnahme", "Titel", "geplant bis", "erledigt am", "Anmerkung"]
INDICATOR_HEADERS = [
    "Nr.",
    "Name",
    "Einheit",
    "Werte sind Anzahlen",
    "gewünschte Richtung",
    "Ausgangswert",
    "Ausgangswert vom",
    "Ziele",
    "Maßnahmen",
    "veröffentlicht",
]
TARGET_HEADERS = ["Indikator", "Zieldatum", "Zielwert", "Anmerkung"]
VALUE_HEADERS = ["Indikator", "Stichtag", "Zeitraum", "Merkmal", "Ausprägung", "Wert", "Fallzahl (intern)", "vorläufig"]


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


@pytest.fixture
def gender(db):
    dimension = BreakdownDimension.objects.create(name="Geschlecht")
    return {
        name: BreakdownCategory.objects.create(dimension=dimension, name=name, position=position)
        for position, name in enumerate(["weiblich", "männlich", "divers"], 1)
    }


@pytest.fixture
def indicator(concept, goal, measure, gender):
    """A share in % of the test concept (2024–2028): baseline 4,0 on 31.12.2023, a target, a value."""
    indicator = Indicator.objects.create(
        concept=concept,
        number=1,
        name="Anteil der Beschäftigten mit Migrationshintergrund",
        unit="%",
        baseline_value=D("4.0"),
        baseline_date=date(2023, 12, 31),
    )
    indicator.goals.add(goal)
    IndicatorTarget.objects.create(indicator=indicator, target_date=date(2026, 12, 31), value=D("6.0"))
    IndicatorValue.objects.create(indicator=indicator, reference_date=date(2024, 12, 31), value=D("4.6"))
    Milestone.objects.create(measure=measure, title="Konzept abgestimmt", planned_on=date(2025, 3, 31))
    return indicator


def changes_file():
    return workbook(
        {
            "Meilensteine": [
                MILESTONE_HEADERS,
                ["1.1", "Konzept abgestimmt", "31.03.2025", "15.04.2025", ""],
                ["1.1", "Auswertung vorgelegt", "30.06.2027", "", "Bericht an den Ausschuss"],
            ],
            "Indikatoren": [
                INDICATOR_HEADERS,
                [
                    1,
                    "Anteil der Beschäftigten mit Migrationshintergrund",
                    "%",
                    "nein",
                    "",
                    "4",
                    "31.12.2023",
                    1,
                    "",
                    "",
                ],
                [
                    2,
                    "Teilnehmende an Schulungen",
                    "Personen",
                    "ja",
                    "höher ist besser",
                    "80",
                    "31.12.2023",
                    "1",
                    "1.1",
                    "ja",
                ],
            ],
            "Zielwerte": [TARGET_HEADERS, [1, "31.12.2026", "6,5", ""], [2, "31.12.2026", 150, "Ende 2026"]],
            "Indikatorwerte": [
                VALUE_HEADERS,
                [1, "31.12.2024", "", "", "", "4,8", "", "nein"],
                [2, "31.12.2024", "2024", "Geschlecht", "weiblich", 61, "", "ja"],
            ],
        }
    )


def _upload(client, concept, data, name="katalog.xlsx"):
    return client.post(IMPORT_URL, {"concept": concept.pk, "file": SimpleUploadedFile(name, data)}, follow=True)


def _state():
    return {
        "milestones": list(
            Milestone.objects.order_by("pk").values_list("measure_id", "title", "planned_on", "done_on")
        ),
        "indicators": list(Indicator.objects.order_by("pk").values_list("number", "name", "unit", "baseline_value")),
        "targets": list(IndicatorTarget.objects.order_by("pk").values_list("indicator_id", "target_date", "value")),
        "values": list(IndicatorValue.objects.order_by("pk").values_list("indicator_id", "category_id", "value")),
        "history": Indicator.history.count() + IndicatorValue.history.count() + Milestone.history.count(),
        "imports": ImportRecord.objects.count(),
    }


def test_the_buero_imports_milestones_indicators_targets_and_values(
    buero_client, buero_user, indicator, measure, gender, django_capture_on_commit_callbacks
):
    before = _state()
    preview = _upload(buero_client, indicator.concept, changes_file())
    page = preview.content.decode()
    outcome = preview.context["outcome"]
    assert preview.context["can_confirm"], [str(problem) for problem in outcome.problems]
    assert _state() == before  # the preview writes nothing
    counts = {row["sheet"]: (row["new"], row["changed"], row["error"]) for row in outcome.sheet_counts}
    assert counts == {
        "Meilensteine": (1, 1, 0),
        "Indikatoren": (1, 0, 0),
        "Zielwerte": (1, 1, 0),
        "Indikatorwerte": (1, 1, 0),
    }
    # Old → new, cell by cell, in German notation.
    changed = {(row.sheet, row.code): row.changes for row in outcome.rows if row.kind == "changed"}
    assert [(c.column, c.old, c.new) for c in changed[("Meilensteine", "1.1 – Konzept abgestimmt")]] == [
        ("erledigt am", "", "15.04.2025")
    ]
    assert [(c.column, c.old, c.new) for c in changed[("Zielwerte", "Indikator 1, 31.12.2026")]] == [
        ("Zielwert", "6", "6,5")
    ]
    assert [(c.column, c.old, c.new) for c in changed[("Indikatorwerte", "Indikator 1, 31.12.2024")]] == [
        ("Wert", "4,6", "4,8")
    ]
    assert "<del>4,6</del> → <ins>4,8</ins>" in page
    assert "Indikator 2, 31.12.2024, Geschlecht weiblich" in page

    version = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        done = buero_client.post(
            reverse("admin:measures_measure_import_confirm", args=[preview.context["job"].pk]), follow=True
        )
    assert done.status_code == 200
    assert data_version() > version  # the public pages learn of the change

    assert list(Milestone.objects.filter(measure=measure).values_list("title", "done_on", "note")) == [
        ("Konzept abgestimmt", date(2025, 4, 15), ""),
        ("Auswertung vorgelegt", None, "Bericht an den Ausschuss"),
    ]
    new = Indicator.objects.get(concept=indicator.concept, number=2)
    assert (new.unit, new.counts, new.direction, new.published) == ("Personen", True, Direction.HIGHER, True)
    assert (new.baseline_value, new.baseline_date) == (D("80"), date(2023, 12, 31))
    assert [goal.number for goal in new.goals.all()] == [1]
    assert [item.code for item in new.measures.all()] == ["1.1"]
    assert list(new.targets.values_list("target_date", "value", "note")) == [
        (date(2026, 12, 31), D("150"), "Ende 2026")
    ]
    assert indicator.targets.get().value == D("6.5")
    total = IndicatorValue.objects.get(indicator=indicator, category=None)
    assert total.value == D("4.8")
    group = IndicatorValue.objects.get(indicator=new)
    assert (group.category, group.value, group.provisional, group.period_label) == (
        gender["weiblich"],
        D("61"),
        True,
        "2024",
    )
    # Written as the admin and a published proposal write: with person and reason in the history.
    record = ImportRecord.objects.get()
    latest = total.history.first()
    assert (latest.history_user, latest.history_change_reason) == (buero_user, record.change_reason)
    milestones = Milestone.history.filter(history_user=buero_user, history_change_reason=record.change_reason)
    assert sorted(milestones.values_list("history_type", "title", "done_on")) == [
        ("+", "Auswertung vorgelegt", None),
        ("~", "Konzept abgestimmt", date(2025, 4, 15)),
    ]


@pytest.mark.parametrize("file_format", ["xlsx", "ods"])
def test_export_then_import_of_the_new_sheets_says_no_changes(demo, buero_user, file_format):
    data = export_catalogue(demo, file_format, include_internal=True)
    before = _state()

    outcome = run_import(data, f"katalog.{file_format}", concept=demo, user=buero_user, dry_run=False)

    assert outcome.ok, [str(problem) for problem in outcome.problems]
    assert not outcome.has_changes
    unchanged = {row["sheet"]: row["unchanged"] for row in outcome.sheet_counts}
    assert unchanged["Meilensteine"] == Milestone.objects.filter(measure__concept=demo).count() > 0
    assert unchanged["Indikatoren"] == Indicator.objects.filter(concept=demo).count() == 5
    assert unchanged["Zielwerte"] == IndicatorTarget.objects.filter(indicator__concept=demo).count() > 0
    assert unchanged["Indikatorwerte"] == IndicatorValue.objects.filter(indicator__concept=demo).count() > 0
    assert {key: value for key, value in _state().items() if key != "imports"} == {
        key: value for key, value in before.items() if key != "imports"
    }


def test_the_export_writes_the_new_sheets_with_dropdowns_and_typed_cells(buero_client, demo):
    exported = buero_client.get(reverse("admin:measures_measure_export"), {"concept": demo.pk, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    values = book["Indikatorwerte"]
    headers = [cell.value for cell in values[1]]
    assert headers == [*VALUE_HEADERS, "Anmerkung"]
    first = {header: cell.value for header, cell in zip(headers, values[2], strict=True)}
    assert first["Indikator"] == "1" and first["Merkmal"] is None
    assert first["Stichtag"].date() == date(2024, 12, 31) and first["Wert"] == pytest.approx(4.6)
    lists = [cell.value for cell in book["Werte"][1]]
    assert {"Richtung", "Erhebung", "Indikatoren", "Merkmale", "Ausprägungen", "Maßnahmen"} <= set(lists)
    formulas = {dv.formula1 for dv in book["Indikatoren"].data_validations.dataValidation}
    direction_column = openpyxl.utils.get_column_letter(lists.index("Richtung") + 1)
    assert f"'Werte'!${direction_column}$2:${direction_column}$3" in formulas

    preview = _upload(buero_client, demo, exported.content, "massnahmen-demo.xlsx")
    assert "Keine Änderungen: Der Katalog im System entspricht schon der Datei." in preview.content.decode()


def problems_file():
    return workbook(
        {
            "Meilensteine": [
                MILESTONE_HEADERS,
                ["9.9", "Unbekannte Maßnahme", "31.03.2025", "", ""],
                ["1.1", "Zu früh erledigt", "31.03.2025", "31.12.2099", ""],
            ],
            "Indikatoren": [
                INDICATOR_HEADERS,
                [2, "Ohne Datum", "%", "nein", "egal", "5", "", "1", "", "nein"],
            ],
            "Zielwerte": [
                TARGET_HEADERS,
                [9, "31.12.2026", "5", ""],
                [1, "31.13.2026", "5", ""],
                [1, "31.12.2023", "5", ""],
            ],
            "Indikatorwerte": [
                VALUE_HEADERS,
                [1, "31.12.2025", "", "", "", "4,8", "", ""],
                [1, "31.12.2025", "", "", "", "4,9", "", ""],
                [1, "30.06.2025", "", "", "", "viel", "", ""],
                [1, "30.06.2025", "", "Geschlecht", "weiblch", "5", "12", ""],
                [1, "30.06.2025", "", "Geschlecht", "männlich", "5", "", ""],
                [1, "31.12.2099", "", "", "", "5", "", ""],
            ],
        }
    )


def test_each_problem_is_named_in_german_by_sheet_row_and_column_and_nothing_is_written(
    buero_client, buero_user, indicator
):
    before = _state()

    outcome = run_import(problems_file(), "k.xlsx", concept=indicator.concept, user=buero_user, dry_run=False)

    found = {(p.sheet, p.line, p.column): p.message for p in outcome.problems}
    assert "Unbekannte Maßnahme „9.9“" in found[("Meilensteine", 2, "Maßnahme")]
    assert "nicht in der Zukunft" in found[("Meilensteine", 3, "erledigt am")]
    assert "Ein Ausgangswert braucht sein Datum" in found[("Indikatoren", 2, "Ausgangswert vom")]
    assert (
        "Erlaubt sind: „höher ist besser“, „niedriger ist besser“" in found[("Indikatoren", 2, "gewünschte Richtung")]
    )
    assert "Unbekannter Indikator „9“" in found[("Zielwerte", 2, "Indikator")]
    assert "Kein gültiges Datum. Erwartet wird TT.MM.JJJJ" in found[("Zielwerte", 3, "Zieldatum")]
    assert "frühestens 01.01.2024" in found[("Zielwerte", 4, "Zieldatum")]  # before the concept's period
    assert "steht schon in Zeile 2 ein Wert" in found[("Indikatorwerte", 3, "Indikator")]
    assert "Keine gültige Zahl" in found[("Indikatorwerte", 4, "Wert")]
    assert "Meinten Sie „weiblich“?" in found[("Indikatorwerte", 5, "Ausprägung")]
    assert "die Fallzahl nötig" in found[("Indikatorwerte", 6, "Fallzahl (intern)")]
    assert "nicht in der Zukunft liegen" in found[("Indikatorwerte", 7, "Stichtag")]
    assert len(outcome.problems) == len(found) == 12
    assert outcome.record is None
    assert _state() == before

    page = _upload(buero_client, indicator.concept, problems_file()).content.decode()
    assert "Die Datei enthält 12 Fehler. Es wurde nichts gespeichert." in page
    assert "Für diesen Indikator, Stichtag und diese Gruppe steht schon in Zeile 2 ein Wert." in page


def test_a_repeated_value_row_is_found_however_its_group_is_spelled(indicator, gender, buero_user):
    data = workbook(
        {
            "Indikatorwerte": [
                VALUE_HEADERS,
                [1, "31.12.2025", "", "Geschlecht", "weiblich", "5", 20, ""],
                [1, date(2025, 12, 31), "", " geschlecht ", "WEIBLICH", "6", 21, ""],
            ]
        }
    )
    outcome = run_import(data, "k.xlsx", concept=indicator.concept, user=buero_user, dry_run=False)
    assert [(p.sheet, p.line, p.column) for p in outcome.problems] == [("Indikatorwerte", 3, "Indikator")]
    assert not IndicatorValue.objects.filter(category__isnull=False).exists()


def test_one_problem_on_the_last_sheet_undoes_every_other_sheet(indicator, measure, buero_user):
    sheets = {
        "Maßnahmen": [["Nr.", "Titel", "Handlungsfeld"], ["1.2", "Neue Maßnahme", "1"]],
        "Meilensteine": [MILESTONE_HEADERS, ["1.2", "Start", "31.03.2027", "", ""]],
        "Indikatoren": [INDICATOR_HEADERS, [2, "Neu", "%", "nein", "", "", "", "1", "1.2", "nein"]],
        "Zielwerte": [TARGET_HEADERS, [2, "31.12.2027", "10", ""]],
        "Indikatorwerte": [
            VALUE_HEADERS,
            [2, "31.12.2024", "", "", "", "3", "", ""],
            [2, "31.12.2023", "", "", "", "x", "", ""],
        ],
    }
    before = _state()

    outcome = run_import(workbook(sheets), "k.xlsx", concept=indicator.concept, user=buero_user, dry_run=False)

    assert [(p.sheet, p.line, p.column) for p in outcome.problems] == [("Indikatorwerte", 3, "Wert")]
    assert _state() == before
    assert not Measure.objects.filter(concept=measure.concept, code="1.2").exists()

    # Corrected, the same file writes every sheet, the new measure and indicator included.
    sheets["Indikatorwerte"].pop()
    outcome = run_import(workbook(sheets), "k.xlsx", concept=indicator.concept, user=buero_user, dry_run=False)
    assert outcome.ok, [str(problem) for problem in outcome.problems]
    new = Indicator.objects.get(number=2)
    assert [item.code for item in new.measures.all()] == ["1.2"]
    assert new.values.get().value == D("3")
    assert Milestone.objects.get(title="Start").measure.code == "1.2"


def test_an_older_export_marks_a_value_changed_in_the_system_since(buero_client, indicator, buero_user):
    exported = export_catalogue(indicator.concept, "xlsx", include_internal=True)
    indicator_value_write(indicator=indicator, reference_date=date(2024, 12, 31), value=D("4.7"), user=buero_user)

    preview = _upload(buero_client, indicator.concept, exported, "alt.xlsx")

    assert "Die Datei ist älter als die Daten – bitte neu exportieren" in preview.content.decode()
    row = next(row for row in preview.context["outcome"].rows if row.sheet == "Indikatorwerte")
    assert [(c.column, c.old, c.new, c.changed_since_export) for c in row.changes] == [("Wert", "4,7", "4,6", True)]


def _value_rows(count):
    start = date(2020, 1, 1).toordinal()
    return [
        VALUE_HEADERS,
        *([1, date.fromordinal(start + n), "", "Geschlecht", "weiblich", n, 30, ""] for n in range(count)),
    ]


def _queries(data, concept, user, *, dry_run):
    with CaptureQueriesContext(connection) as context:
        outcome = run_import(data, "k.xlsx", concept=concept, user=user, dry_run=dry_run)
    assert outcome.ok, [str(problem) for problem in outcome.problems]
    return [q["sql"] for q in context.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


def test_preview_queries_do_not_grow_with_the_rows(indicator, measure, buero_user):
    def sheets(count):
        return workbook(
            {
                "Meilensteine": [
                    MILESTONE_HEADERS,
                    *(["1.1", f"Schritt {n}", "31.12.2027", "", ""] for n in range(count)),
                ],
                "Zielwerte": [
                    TARGET_HEADERS,
                    *([1, date(2027, 1, 1 + n % 28).replace(month=1 + n // 28), n, ""] for n in range(count)),
                ],
                "Indikatorwerte": _value_rows(count),
            }
        )

    assert len(_queries(sheets(10), indicator.concept, buero_user, dry_run=True)) == len(
        _queries(sheets(100), indicator.concept, buero_user, dry_run=True)
    )


def test_confirm_looks_up_indicators_groups_and_measures_once(indicator, buero_user):
    """Writing goes through indicator_value_write, one value at a time (it locks and checks the
    value as the admin does); looking up what the rows name happens once, whatever their number."""
    lookup = re.compile(r'^SELECT [^;]*? FROM "measures_(indicator|breakdowncategory|measure)" ')
    queries = _queries(workbook({"Indikatorwerte": _value_rows(40)}), indicator.concept, buero_user, dry_run=False)
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 41
    first_lookups = [sql for sql in queries if lookup.match(sql) and "LIMIT" not in sql]
    # The concept's indicators (with their measures prefetched) and the breakdown groups.
    assert len(first_lookups) == 3


def test_a_file_with_only_the_values_sheet_is_summed_up_by_its_sheet(buero_client, indicator):
    """A later addition of values: the summary names the sheet, not measures that the file has none of."""
    data = workbook({"Indikatorwerte": [VALUE_HEADERS, [1, "31.12.2025", "2025", "", "", "5,1", "", "ja"]]})

    preview = _upload(buero_client, indicator.concept, data, "werte-2025.xlsx")

    page = preview.content.decode()
    assert preview.context["can_confirm"]
    assert "neue Maßnahmen" not in page
    assert "Blätter der Datei" in page and '<th scope="row">Indikatorwerte</th>' in page
    done = buero_client.post(
        reverse("admin:measures_measure_import_confirm", args=[preview.context["job"].pk]), follow=True
    )
    assert "Import abgeschlossen." in done.content.decode()
    assert "0 neu, 0 geändert" not in done.content.decode()
    value = IndicatorValue.objects.get(indicator=indicator, reference_date=date(2025, 12, 31))
    assert (value.value, value.period_label, value.provisional) == (D("5.1"), "2025", True)
