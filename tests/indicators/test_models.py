"""The database guards the indicator rules: unique values, complete baselines, targets in the concept's period."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from measures.models import Concept, Indicator, IndicatorTarget, IndicatorValue, Milestone

from .conftest import D, add_value

pytestmark = pytest.mark.django_db


def test_one_total_per_indicator_and_date(indicator):
    add_value(indicator, date(2024, 12, 31), 4.5)
    with pytest.raises(IntegrityError), transaction.atomic():
        add_value(indicator, date(2024, 12, 31), 4.7)
    add_value(indicator, date(2025, 12, 31), 4.7)  # another date is fine
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2


def test_one_value_per_indicator_date_and_group(indicator, gender):
    add_value(indicator, date(2024, 12, 31), 4.5)  # the total and a group may share the date
    add_value(indicator, date(2024, 12, 31), 5.0, category=gender["weiblich"], case_count=800)
    add_value(indicator, date(2024, 12, 31), 4.0, category=gender["männlich"], case_count=600)
    with pytest.raises(IntegrityError), transaction.atomic():
        add_value(indicator, date(2024, 12, 31), 5.1, category=gender["weiblich"], case_count=800)


def test_full_clean_names_the_duplicate_in_german(indicator, gender):
    add_value(indicator, date(2024, 12, 31), 4.5)
    duplicate = IndicatorValue(indicator=indicator, reference_date=date(2024, 12, 31), value=D("4.7"))
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Für diesen Stichtag gibt es schon einen Gesamtwert." in str(error.value)


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2010, 1, 1)])
def test_the_database_refuses_a_target_before_the_concept_began(indicator, day):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorTarget.objects.create(indicator=indicator, target_date=day, value=D("5"))
    target = indicator.targets.first()
    target.target_date = day
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_targets_on_the_first_day_of_the_concept_or_after_its_end_are_fine(indicator):
    IndicatorTarget.objects.create(indicator=indicator, target_date=date(2024, 1, 1), value=D("4.5"))
    IndicatorTarget.objects.create(indicator=indicator, target_date=date(2035, 12, 31), value=D("12"))
    assert indicator.targets.count() == 4


def test_the_database_refuses_moving_the_concept_start_past_a_target(indicator, concept):
    concept.start_year = 2027  # the target of 31.12.2026 would lie before it
    with pytest.raises(IntegrityError), transaction.atomic():
        concept.save()
    concept.refresh_from_db()
    concept.title = "Umbenannt"  # saving other fields is still fine
    concept.save()
    assert Concept.objects.get(pk=concept.pk).start_year == 2024


def test_the_database_refuses_moving_an_indicator_to_a_later_concept(indicator):
    later = Concept.objects.create(title="Später", slug="spaeter", start_year=2029, end_year=2033)
    indicator.concept = later
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.save()


def test_target_clean_explains_the_rule_in_german(indicator):
    target = IndicatorTarget(indicator=indicator, target_date=date(2023, 6, 30), value=D("5"))
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "frühestens 01.01.2024" in str(error.value)
    after_baseline = IndicatorTarget(indicator=indicator, target_date=date(2024, 6, 30), value=D("5"))
    after_baseline.full_clean()  # within the period and after the baseline


def test_baseline_needs_value_and_date_together(concept):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(concept=concept, number=7, name="X", unit="%", baseline_value=D("3"))
    half = Indicator(concept=concept, number=7, name="X", unit="%", baseline_date=date(2023, 12, 31))
    with pytest.raises(ValidationError) as error:
        half.full_clean()
    assert "baseline_value" in error.value.message_dict


def test_indicator_numbers_are_unique_per_concept(indicator, concept):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(concept=concept, number=1, name="Doppelt", unit="%")


def test_value_rules_within_one_row(indicator, counted, gender):
    tomorrow = timezone.localdate() + timedelta(days=1)
    errors = {}
    for value in (
        IndicatorValue(indicator=indicator, reference_date=tomorrow, value=D("5")),
        IndicatorValue(indicator=indicator, reference_date=date(2024, 6, 30), value=D("5"), category=gender["divers"]),
        IndicatorValue(indicator=counted, reference_date=date(2024, 6, 30), value=D("2.5")),
    ):
        with pytest.raises(ValidationError) as error:
            value.full_clean()
        errors.update(error.value.message_dict)
    assert "nicht in der Zukunft" in errors["reference_date"][0]
    assert "Fallzahl" in errors["case_count"][0]
    assert "ganze Zahl" in errors["value"][0]


def test_milestone_is_overdue_only_when_its_date_passed_and_it_is_not_done(measure):
    today = date(2026, 5, 1)
    due_today = Milestone.objects.create(measure=measure, title="Heute", planned_on=today)
    late = Milestone.objects.create(measure=measure, title="Spät", planned_on=date(2026, 4, 30))
    done = Milestone.objects.create(
        measure=measure, title="Erledigt", planned_on=date(2026, 1, 1), done_on=date(2026, 2, 1)
    )
    assert not due_today.is_overdue(today)
    assert late.is_overdue(today)
    assert not done.is_overdue(today)
    assert list(Milestone.objects.overdue(today)) == [late]


def test_the_target_triggers_exist_after_all_migrations(indicator):
    """A later migration that rebuilds one of the tables on SQLite would drop its trigger silently."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    assert {name for name in names if "within_concept" in name} >= {
        "measures_indicator_targets_within_concept",
        "measures_concept_targets_within_concept",
    }
    assert any(name.startswith("measures_indicatortarget_within_concept") for name in names)


def test_moving_the_concept_start_past_a_target_is_refused_in_german(indicator, concept):
    concept.start_year = 2027
    with pytest.raises(ValidationError) as error:
        concept.full_clean()
    assert "Ein Zielwert vom 31.12.2026 läge vor dem Beginn des Konzepts (01.01.2027)." in str(error.value)
    later = Concept.objects.create(title="Später", slug="spaeter", start_year=2027, end_year=2033)
    indicator.concept = later
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "concept" in error.value.message_dict
