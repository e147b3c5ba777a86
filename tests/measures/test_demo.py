import pytest
from django.core.management import CommandError, call_command

from measures.choices import Ampel, FundingStatus, Role, Status, UpdateState, combination_problems
from measures.demo import REPORT_END, generate_demo
from measures.models import Concept, Measure, MeasureResponsibility, ResponsibleUnit, StatusUpdate, reporting_date_error


def _snapshot(slug="demo"):
    return list(
        Measure.objects.filter(concept__slug=slug).values_list(
            "code", "title", "status", "progress", "budget", "planned_start", "field_of_action__number"
        )
    )


def test_demo_concept_is_labelled_and_complete(db):
    concept = generate_demo(measures=50)
    assert concept.is_demo and concept.published
    assert "Demo" in concept.title
    assert "nicht die des Integrationskonzepts" in concept.summary
    assert concept.measures.count() == 50
    assert concept.goals.count() == 5
    assert concept.fields_of_action.count() == 5
    units = ResponsibleUnit.objects.filter(responsibilities__measure__concept=concept).distinct()
    assert len(units) == 8
    assert all(unit.name.startswith("Beispiel: ") for unit in units)
    assert not Measure.objects.filter(concept=concept).without_lead().exists()
    statuses = set(concept.measures.values_list("status", flat=True))
    assert Status.NO_REPORT in statuses and len(statuses) >= 5


def test_demo_history_spans_2024_to_2026_and_matches_current_status(db):
    concept = generate_demo(measures=50)
    years = {
        d.year for d in StatusUpdate.objects.filter(measure__concept=concept).values_list("reporting_date", flat=True)
    }
    assert years == {2024, 2025, 2026}
    for measure in concept.measures.all():
        latest = measure.status_updates.filter(state=UpdateState.PUBLISHED).latest_first().first()
        assert measure.status == (latest.status if latest else Status.NO_REPORT)


def test_demo_is_deterministic_and_rebuilds_without_duplicates(db):
    generate_demo(measures=60)
    first = _snapshot()
    generate_demo(measures=60)
    assert _snapshot() == first
    assert Concept.objects.filter(slug="demo").count() == 1
    assert Measure.objects.count() == 60
    generate_demo(measures=20)
    assert Measure.objects.count() == 20


def test_codes_follow_fields_and_sort_naturally(db):
    concept = generate_demo(measures=50)
    codes = list(concept.measures.values_list("code", flat=True))
    assert codes[:11] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "2.1"]


def test_generate_demo_refuses_to_overwrite_a_real_concept(db):
    call_command("loaddata", "integrationskonzept-2024-2028", verbosity=0)
    with pytest.raises(CommandError, match="kein Demo-Konzept"):
        call_command("generate_demo", slug="integrationskonzept-2024-2028")
    assert Measure.objects.filter(concept__slug="integrationskonzept-2024-2028").count() == 4


@pytest.mark.parametrize("size", [7, 50, 400])
def test_demo_data_does_not_contradict_itself(db, size):
    """The first thing every visitor sees: statuses, Ampel and progress that fit together, no title
    twice, no report before a measure's planned start or outside the concept's reporting dates."""
    concept = generate_demo(measures=size)
    titles = list(concept.measures.values_list("title", flat=True))
    assert len(set(titles)) == len(titles) == size
    for measure in concept.measures.all():
        assert combination_problems(measure.status, measure.ampel, measure.progress) == [], measure
    updates = StatusUpdate.objects.filter(measure__concept=concept).select_related("measure")
    assert updates.exists()
    for update in updates:
        assert combination_problems(update.status, update.ampel, update.progress) == [], update
        assert update.reporting_date >= update.measure.planned_start, update
        assert reporting_date_error(update.reporting_date, concept, today=REPORT_END) is None
    assert not updates.filter(status__in=[Status.DONE, Status.PERMANENT], ampel__in=[Ampel.AT_RISK, Ampel.DELAYED])
    assert not updates.filter(status=Status.DROPPED).exclude(ampel=Ampel.UNSPECIFIED)
    assert not concept.measures.filter(budget__isnull=False, funding_status=FundingStatus.NO_COST)


def test_five_thousand_measures(db):
    concept = generate_demo(measures=5000, slug="demo-gross")
    assert concept.measures.count() == 5000
    assert concept.measures.values("title").distinct().count() == 5000
    assert MeasureResponsibility.objects.filter(measure__concept=concept, role=Role.LEAD).count() == 5000
    assert concept.measures.order_by("sort_key").last().code == "5.1000"
