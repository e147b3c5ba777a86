"""The round trip: export a catalogue, import it again; new, changed and unchanged rows."""

from datetime import date
from decimal import Decimal

import pytest

from measures.choices import Ampel, Role, Status, UpdateState
from measures.exchange.export import export_catalogue
from measures.exchange.importing import run_import
from measures.models import Concept, FieldOfAction, Goal, ImportRecord, Measure, MeasureResponsibility, StatusUpdate
from tests.conftest import publish_as_buero

from .conftest import HEADERS, csv_file, database_state, xlsx_file


@pytest.mark.parametrize("file_format", ["xlsx", "ods", "csv"])
def test_export_then_import_reports_no_changes(demo, buero_user, file_format):
    data = export_catalogue(demo, file_format, include_internal=True)
    before = database_state()

    outcome = run_import(data, f"katalog.{file_format}", concept=demo, user=buero_user, dry_run=False)

    assert outcome.ok, [str(problem) for problem in outcome.problems]
    assert outcome.counts == {"new": 0, "changed": 0, "unchanged": 12, "error": 0}
    assert outcome.record.rows_unchanged == 12
    assert outcome.record.status_updates_created == 0
    after = database_state()
    assert after["imports"] == before["imports"] + 1
    assert {key: value for key, value in after.items() if key != "imports"} == {
        key: value for key, value in before.items() if key != "imports"
    }


def _empty_copy_of(concept, slug):
    target = Concept.objects.create(title="Kopie", slug=slug, start_year=2024, end_year=2028)
    for field in concept.fields_of_action.all():
        FieldOfAction.objects.create(concept=target, number=field.number, title=field.title, slug=field.slug)
    for goal in concept.goals.all():
        Goal.objects.create(concept=target, number=goal.number, title=goal.title)
    return target


@pytest.mark.parametrize("file_format", ["xlsx", "ods", "csv"])
def test_import_into_an_empty_concept_rebuilds_the_catalogue(demo, buero_user, file_format):
    data = export_catalogue(demo, file_format, include_internal=True)
    target = _empty_copy_of(demo, "kopie")

    preview = run_import(data, f"katalog.{file_format}", concept=target, user=buero_user, dry_run=True)
    assert preview.counts["new"] == 12
    assert not Measure.objects.filter(concept=target).exists()

    outcome = run_import(data, f"katalog.{file_format}", concept=target, user=buero_user, dry_run=False)
    assert outcome.ok, [str(problem) for problem in outcome.problems]
    assert outcome.record.rows_created == 12

    # Same catalogue, same text: the copy exports exactly like the original.
    original = export_catalogue(demo, "csv", include_internal=True).decode("utf-8-sig").splitlines()
    copy = export_catalogue(target, "csv", include_internal=True).decode("utf-8-sig").splitlines()
    assert copy == original
    # Each reported status came in as one published status update by the importing person.
    with_status = Measure.objects.filter(concept=target).exclude(status=Status.NO_REPORT)
    assert StatusUpdate.objects.filter(measure__concept=target).count() == with_status.count() > 0
    update = StatusUpdate.objects.filter(measure__concept=target).first()
    assert (update.state, update.author, update.reviewer) == (UpdateState.PUBLISHED, buero_user, buero_user)
    # ... and a second import of the same file changes nothing.
    again = run_import(data, f"katalog.{file_format}", concept=target, user=buero_user, dry_run=True)
    assert again.counts["unchanged"] == 12


def _measure_rows(*rows):
    return [[*HEADERS, "Beginn", "Budget (EUR)", "Umsetzungsstand", "Ampel", "Fortschritt (%)"], *rows]


def test_preview_classifies_each_row_and_names_the_changed_columns(measure, goal, unit_b, buero_user):
    rows = _measure_rows(
        ["1.1", "Testmaßnahme neu betitelt", 1, 1, "Stelle A", "B", "01.02.2025", "1.234,50", "", "", ""],
        ["1.2", "Neue Maßnahme", 1, "", "A", "", "", "", "in Umsetzung", "im Plan", "40"],
        ["1.3", "Fehlerhafte Maßnahme", 7, "", "A", "", "", "", "", "", ""],
    )
    before = database_state()

    outcome = run_import(xlsx_file(rows), "katalog.xlsx", concept=measure.concept, user=buero_user, dry_run=True)

    kinds = {row.code: row.kind for row in outcome.rows}
    assert kinds == {"1.1": "changed", "1.2": "new", "1.3": "error"}
    changed = next(row for row in outcome.rows if row.code == "1.1")
    assert changed.changed_columns == ["Titel", "Ziele", "Beteiligt", "Beginn", "Budget (EUR)"]
    assert [(p.line, p.column, p.value) for p in outcome.problems] == [(4, "Handlungsfeld", "7")]
    assert "Unbekanntes Handlungsfeld" in outcome.problems[0].message
    assert "1. Arbeit" in outcome.problems[0].message
    assert database_state() == before


def test_import_writes_changes_with_history_reason_and_record(measure, goal, unit_b, buero_user):
    rows = _measure_rows(
        ["1.1", "Testmaßnahme neu betitelt", 1, 1, "Stelle A", "B", "01.02.2025", "1.234,50", "", "", ""],
        ["1.2", "Neue Maßnahme", 1, "", "A", "", "", "", "in Umsetzung", "im Plan", "40"],
    )

    outcome = run_import(xlsx_file(rows), "katalog.xlsx", concept=measure.concept, user=buero_user, dry_run=False)

    assert outcome.ok
    record = ImportRecord.objects.get()
    assert (record.user, record.file_name, record.rows_created, record.rows_updated) == (
        buero_user,
        "katalog.xlsx",
        1,
        1,
    )
    measure.refresh_from_db()
    assert measure.title == "Testmaßnahme neu betitelt"
    assert measure.planned_start == date(2025, 2, 1)
    assert measure.budget == Decimal("1234.50")
    assert list(measure.goals.all()) == [goal]
    assert {(r.unit.name, r.role) for r in measure.responsibilities.all()} == {
        ("Stelle A", Role.LEAD),
        ("Stelle B", Role.PARTNER),
    }
    latest = measure.history.latest()
    assert latest.history_change_reason == f"Import Nr. {record.pk} aus „katalog.xlsx“"
    assert latest.history_user == buero_user
    assert [link.goal for link in latest.goals.all()] == [goal]  # the goals as they are after the import
    assert {(link.unit.name, link.history_type) for link in MeasureResponsibility.history.filter(measure=measure)} >= {
        ("Stelle B", "+")
    }
    new = Measure.objects.get(code="1.2")
    assert (new.status, new.ampel, new.progress) == (Status.IN_PROGRESS, Ampel.ON_TRACK, 40)
    assert new.status_date == date.today()
    assert new.history.earliest().history_change_reason == record.change_reason


def test_a_changed_status_becomes_a_published_status_update(measure, buero_user):
    publish_as_buero(
        StatusUpdate.objects.create(
            measure=measure, reporting_date=date(2025, 3, 1), status=Status.PREPARATION, ampel=Ampel.ON_TRACK
        ),
        buero_user,
    )
    rows = [
        ["Nr.", "Titel", "Handlungsfeld", "Umsetzungsstand", "Ampel", "Fortschritt (%)", "Stand vom"],
        ["1.1", "Testmaßnahme", 1, "in Umsetzung", "gefährdet", 30, "15.06.2025"],
    ]

    outcome = run_import(csv_file(rows), "stand.csv", concept=measure.concept, user=buero_user, dry_run=False)

    assert outcome.ok, [str(problem) for problem in outcome.problems]
    assert outcome.rows[0].changed_columns == ["Umsetzungsstand", "Ampel", "Fortschritt (%)", "Stand vom"]
    measure.refresh_from_db()
    latest = StatusUpdate.objects.filter(measure=measure).latest_first().first()
    assert (latest.status, latest.ampel, latest.progress, latest.reporting_date) == (
        Status.IN_PROGRESS,
        Ampel.AT_RISK,
        30,
        date(2025, 6, 15),
    )
    assert (latest.state, latest.author) == (UpdateState.PUBLISHED, buero_user)
    # The measure's status is still that of its latest published update.
    assert (measure.status, measure.ampel, measure.progress, measure.status_date) == (
        Status.IN_PROGRESS,
        Ampel.AT_RISK,
        30,
        date(2025, 6, 15),
    )
    assert outcome.record.status_updates_created == 1


def test_an_unchanged_status_creates_no_status_update(measure, buero_user):
    rows = [["Nr.", "Titel", "Handlungsfeld", "Umsetzungsstand"], ["1.1", "Anderer Titel", "1", "noch keine Meldung"]]

    outcome = run_import(csv_file(rows), "titel.csv", concept=measure.concept, user=buero_user, dry_run=False)

    assert outcome.ok
    assert outcome.rows[0].changed_columns == ["Titel"]
    assert not StatusUpdate.objects.exists()


def test_import_never_deletes_measures_missing_from_the_file(measure, buero_user):
    rows = [["Nr.", "Titel", "Handlungsfeld"], ["1.2", "Eine andere", "1"]]

    run_import(csv_file(rows), "teil.csv", concept=measure.concept, user=buero_user, dry_run=False)

    assert set(Measure.objects.values_list("code", flat=True)) == {"1.1", "1.2"}


def test_public_pages_show_an_import_once_it_is_committed(
    client, measure, buero_user, django_capture_on_commit_callbacks
):
    list_url = f"/{measure.concept.slug}/massnahmen/"
    assert "Testmaßnahme" in client.get(list_url).content.decode()
    rows = [["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Nach dem Import umbenannt", "1"]]

    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_import(csv_file(rows), "titel.csv", concept=measure.concept, user=buero_user, dry_run=False)

    assert outcome.ok
    content = client.get(list_url).content.decode()
    assert "Nach dem Import umbenannt" in content
    assert "Testmaßnahme" not in content
