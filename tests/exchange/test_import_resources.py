"""The smaller tables' resources, used the django-import-export way: a Dataset into import_data."""

from datetime import date

import tablib

from measures.choices import Status, UnitKind
from measures.exchange.resources import (
    FieldOfActionResource,
    GoalResource,
    ResponsibleUnitResource,
    StatusUpdateResource,
)
from measures.models import FieldOfAction, Goal, ResponsibleUnit, StatusUpdate
from tests.conftest import publish_as_buero


def test_units_are_matched_by_name_and_updated_or_created(unit_a):
    dataset = tablib.Dataset(
        ["Stelle A", "A-neu", "stelle-a", "Stadtverwaltung", ""],
        ["Migrantenverein Beispiel", "MV", "migrantenverein", "Migrantenselbstorganisation (MSO)", ""],
        headers=["Name", "Kurzname", "Kennung", "Art", "Website"],
    )
    result = ResponsibleUnitResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["update"], result.totals["new"]) == (1, 1)
    unit_a.refresh_from_db()
    assert unit_a.short_name == "A-neu"
    assert ResponsibleUnit.objects.get(slug="migrantenverein").kind == UnitKind.MSO


def test_fields_of_action_and_goals_are_matched_by_number_within_the_concept(concept, field, goal):
    fields = tablib.Dataset(
        [1, "Arbeit und Ausbildung", "arbeit", ""],
        [2, "Wohnen", "wohnen", ""],
        headers=["Nr.", "Titel", "Kennung", "Beschreibung"],
    )
    assert not FieldOfActionResource(concept=concept).import_data(fields, dry_run=False).has_errors()
    goals = tablib.Dataset([1, "Erstes Ziel", ""], headers=["Nr.", "Titel", "Beschreibung"])
    assert not GoalResource(concept=concept).import_data(goals, dry_run=False).has_errors()
    assert list(FieldOfAction.objects.filter(concept=concept).values_list("number", "title")) == [
        (1, "Arbeit und Ausbildung"),
        (2, "Wohnen"),
    ]
    assert Goal.objects.get(concept=concept, number=1).title == "Erstes Ziel"
    assert GoalResource(concept=concept).export().headers == ["Nr.", "Titel", "Beschreibung"]


def test_status_update_export_in_german(measure, buero_user):
    update = StatusUpdate.objects.create(
        measure=measure, reporting_date=date(2025, 3, 31), status=Status.IN_PROGRESS, progress=30, public_text="Läuft."
    )
    publish_as_buero(update, buero_user)
    dataset = StatusUpdateResource(concept=measure.concept).export()
    assert dataset.headers == ["Nr.", "Stand vom", "Umsetzungsstand", "Ampel", "Fortschritt (%)", "Sachstand"]
    assert list(dataset[0]) == ["1.1", "31.03.2025", "in Umsetzung", "keine Angabe", "30", "Läuft."]
