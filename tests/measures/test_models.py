from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from measures.choices import Status, UpdateState
from measures.models import Concept, FieldOfAction, Goal, Measure, ResponsibleUnit, StatusUpdate, natural_sort_key


def _violates(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["1.10", "1.2", "1.1", "2.1", "10.1"], ["1.1", "1.2", "1.10", "2.1", "10.1"]),
        (["A10", "a2", "B1"], ["a2", "A10", "B1"]),
    ],
)
def test_natural_sort_key_orders_like_a_person(codes, expected):
    assert sorted(codes, key=natural_sort_key) == expected


def test_measures_are_ordered_naturally_by_code(concept, field):
    for code in ["1.10", "1.2", "1.1", "2.1"]:
        Measure.objects.create(concept=concept, field_of_action=field, code=code, title=f"M {code}")
    assert list(Measure.objects.values_list("code", flat=True)) == ["1.1", "1.2", "1.10", "2.1"]


def test_code_is_unique_per_concept_but_not_across_concepts(concept, field):
    Measure.objects.create(concept=concept, field_of_action=field, code="1.1", title="Erste")
    _violates(lambda: Measure.objects.create(concept=concept, field_of_action=field, code="1.1", title="Zweite"))
    other = Concept.objects.create(title="Anderes", slug="anderes", start_year=2029, end_year=2033)
    other_field = FieldOfAction.objects.create(concept=other, number=1, title="Arbeit", slug="arbeit")
    Measure.objects.create(concept=other, field_of_action=other_field, code="1.1", title="Gleiche Nummer")
    assert Measure.objects.filter(code="1.1").count() == 2


def test_code_is_stripped_and_sort_key_follows_an_updated_code(concept, field):
    measure = Measure.objects.create(concept=concept, field_of_action=field, code=" 1.2 ", title="M")
    assert measure.code == "1.2"
    measure.code = "1.10"
    measure.save(update_fields=["code"])
    measure.refresh_from_db()
    assert measure.sort_key == natural_sort_key("1.10")


@pytest.mark.parametrize(
    "values",
    [
        {"progress": 101},
        {"budget": -1},
        {"planned_start": date(2025, 1, 1), "planned_end": date(2024, 12, 31)},
        {"ongoing": True, "planned_end": date(2026, 1, 1)},
        {"code": ""},
    ],
)
def test_measure_database_constraints(concept, field, values):
    fields = {"concept": concept, "field_of_action": field, "code": "1.1", "title": "M", **values}
    _violates(lambda: Measure.objects.create(**fields))
    assert not Measure.objects.exists()


def test_field_and_goal_numbers_are_unique_per_concept(concept, field, goal):
    _violates(lambda: FieldOfAction.objects.create(concept=concept, number=1, title="X", slug="x"))
    _violates(lambda: Goal.objects.create(concept=concept, number=1, title="X"))
    _violates(lambda: Goal.objects.create(concept=concept, number=0, title="Null"))


def test_concept_period_must_be_ordered(db):
    _violates(lambda: Concept.objects.create(title="X", slug="x", start_year=2028, end_year=2024))


def test_status_update_constraints(measure):
    today = date(2025, 3, 31)
    _violates(lambda: StatusUpdate.objects.create(measure=measure, reporting_date=today, progress=150))
    _violates(lambda: StatusUpdate.objects.create(measure=measure, reporting_date=today, status=Status.NO_REPORT))
    _violates(lambda: StatusUpdate.objects.create(measure=measure, reporting_date=today, state=UpdateState.PUBLISHED))
    StatusUpdate.objects.create(
        measure=measure, reporting_date=today, state=UpdateState.PUBLISHED, published_at=timezone.now()
    )
    assert StatusUpdate.objects.count() == 1


def test_measure_clean_rejects_field_of_other_concept(concept, field):
    other = Concept.objects.create(title="Anderes", slug="anderes", start_year=2029, end_year=2033)
    measure = Measure(concept=other, field_of_action=field, code="1.1", title="M")
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "field_of_action" in error.value.message_dict


@pytest.mark.parametrize("status", [Status.POSTPONED, Status.DROPPED])
def test_postponed_or_dropped_need_a_reason(measure, status):
    measure.status = status
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "Begründung" in error.value.message_dict["status_justification"][0]
    measure.status_justification = "Haushaltssperre"
    measure.full_clean()

    update = StatusUpdate(measure=measure, reporting_date=date(2025, 1, 1), status=status, state=UpdateState.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert "public_text" in error.value.message_dict
    update.public_text = "Haushaltssperre"
    update.full_clean()


def test_draft_update_may_lack_reason_until_submitted(measure):
    update = StatusUpdate(measure=measure, reporting_date=date(2025, 1, 1), status=Status.POSTPONED)
    update.full_clean()
    assert update.state == UpdateState.DRAFT


def test_status_update_form_choices_exclude_no_report():
    choices = [value for value, _label in StatusUpdate._meta.get_field("status").choices]
    assert Status.NO_REPORT not in choices
    assert Status.IN_PROGRESS in choices


def test_every_status_has_a_definition_and_the_default_is_no_report(measure):
    for status in Status:
        assert len(str(status.definition)) > 20
    assert measure.status == Status.NO_REPORT
    assert measure.progress is None
    assert "noch keine veröffentlichte Sachstandsmeldung" in str(measure.status_definition)
    help_text = str(Measure._meta.get_field("status").help_text)
    assert "„zurückgestellt“" in help_text and "„noch keine Meldung“" in help_text


def test_unit_cannot_be_its_own_ancestor(unit_a, unit_b):
    unit_b.parent = unit_a
    unit_b.save()
    unit_a.parent = unit_b
    with pytest.raises(ValidationError) as error:
        unit_a.full_clean()
    assert "parent" in error.value.message_dict
    _violates(lambda: ResponsibleUnit.objects.filter(pk=unit_a.pk).update(parent=unit_a))


def test_published_querysets_hide_unpublished_concepts_and_measures(measure, concept):
    assert list(Measure.objects.published()) == [measure]
    measure.published = False
    measure.save()
    assert not Measure.objects.published().exists()
    measure.published = True
    measure.save()
    concept.published = False
    concept.save()
    assert not Measure.objects.published().exists()


def test_history_records_who_changed_what(measure, buero_user):
    measure.title = "Neuer Titel"
    measure._history_user = buero_user
    measure.save()
    latest = measure.history.first()
    assert latest.title == "Neuer Titel"
    assert latest.history_user == buero_user
    assert measure.history.count() == 2


@pytest.mark.parametrize("slug", ["stellen", "admin", "anmelden", "offene-daten", "impressum", "en", "healthz"])
def test_concept_slug_must_not_shadow_a_fixed_address(db, slug):
    concept = Concept(title="X", slug=slug, start_year=2024, end_year=2028)
    with pytest.raises(ValidationError) as error:
        concept.full_clean()
    assert "schon vergeben" in error.value.message_dict["slug"][0]


def test_ordinary_concept_slug_is_accepted(db):
    Concept(title="X", slug="integrationskonzept-2029-2033", start_year=2029, end_year=2033).full_clean()
