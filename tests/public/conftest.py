"""Fixtures of the public site: a small published world and, next to it, everything that must stay hidden."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import caches

from measures.choices import Ampel, FundingStatus, Role, Status, UpdateState
from measures.models import Concept, FieldOfAction, Goal, Measure, MeasureResponsibility, ResponsibleUnit, StatusUpdate
from measures.services import measure_sync_current_status

BERLIN = ZoneInfo("Europe/Berlin")
SECRET = "GEHEIM"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The database cache lives outside the test transaction only for transactional tests;
    # start every test from empty caches either way.
    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


def publish_update(measure, *, day, status, ampel=Ampel.ON_TRACK, progress=None, text="", note=""):
    update = StatusUpdate.objects.create(
        measure=measure,
        reporting_date=day,
        status=status,
        ampel=ampel,
        progress=progress,
        public_text=text,
        internal_note=note,
        state=UpdateState.PUBLISHED,
        published_at=datetime.combine(day, datetime.min.time(), tzinfo=BERLIN),
    )
    measure_sync_current_status(measure=measure)
    return update


@pytest.fixture
def world(concept, field, goal, measure, unit_a, unit_b):
    """The conftest concept, made richer: two fields, two goals, three public measures."""
    concept.official_title = "Amtlicher Titel des Testkonzepts"
    concept.council_file_number = "24/SVV/0093"
    concept.adopted_on = date(2024, 5, 15)
    concept.document_url = "https://www.potsdam.de/integrationskonzept"
    concept.save()
    field_2 = FieldOfAction.objects.create(concept=concept, number=2, title="Wohnen", slug="wohnen")
    goal_2 = Goal.objects.create(concept=concept, number=2, title="Zweites Testziel")
    measure.summary = "Kurz gesagt: Schulungen für alle."
    measure.description = "Ausführliche Beschreibung der Schulungen."
    measure.target = "100 Teilnehmende bis 2026"
    measure.target_groups = "Beschäftigte"
    measure.planned_start = date(2024, 3, 1)
    measure.planned_end = date(2026, 12, 31)
    measure.budget = Decimal("12500.00")
    measure.funding_status = FundingStatus.SECURED
    measure.save()
    measure.goals.add(goal, goal_2)
    MeasureResponsibility.objects.create(measure=measure, unit=unit_b, role=Role.PARTNER)
    publish_update(measure, day=date(2024, 9, 30), status=Status.PREPARATION, progress=10, text="Erste Meldung.")
    publish_update(
        measure, day=date(2025, 3, 31), status=Status.IN_PROGRESS, progress=40, text="Die Schulungen laufen."
    )
    second = Measure.objects.create(
        concept=concept, field_of_action=field, code="1.10", title="Mentoring aufbauen", published=True
    )
    MeasureResponsibility.objects.create(measure=second, unit=unit_b, role=Role.LEAD)
    second.goals.add(goal)
    third = Measure.objects.create(
        concept=concept, field_of_action=field_2, code="2.1", title="Wohnungsvermittlung", published=True, ongoing=True
    )
    MeasureResponsibility.objects.create(measure=third, unit=unit_a, role=Role.LEAD)
    publish_update(third, day=date(2025, 6, 30), status=Status.DONE, ampel=Ampel.AT_RISK, progress=100)
    return {
        "concept": concept,
        "measures": [measure, second, third],
        "fields": [field, field_2],
        "goals": [goal, goal_2],
    }


@pytest.fixture
def secrets(world, unit_a, unit_b):
    """Something secret in every non-public place, next to the published world."""
    concept = world["concept"]
    public_measure = world["measures"][0]
    public_measure.internal_note = f"{SECRET}-notiz-der-massnahme"
    public_measure.save()
    unit_a.contact_email = "geheim-a@example.org"
    unit_a.save()
    unit_b.contact_email = "geheim-b@example.org"
    unit_b.save()
    published = public_measure.status_updates.filter(state=UpdateState.PUBLISHED).first()
    published.internal_note = f"{SECRET}-notiz-der-meldung"
    published.save()
    for state in (UpdateState.DRAFT, UpdateState.SUBMITTED, UpdateState.RETURNED):
        StatusUpdate.objects.create(
            measure=public_measure,
            reporting_date=date(2026, 1, 31),
            status=Status.POSTPONED,
            public_text=f"{SECRET}-meldung-{state}",
            internal_note=f"{SECRET}-notiz-{state}",
            state=state,
        )
    hidden_unit = ResponsibleUnit.objects.create(name=f"{SECRET}-Stelle", slug="geheime-stelle")
    unpublished = Measure.objects.create(
        concept=concept, field_of_action=world["fields"][0], code="1.5", title=f"{SECRET}-entwurf", published=False
    )
    MeasureResponsibility.objects.create(measure=unpublished, unit=hidden_unit, role=Role.LEAD)
    publish_update(unpublished, day=date(2025, 1, 31), status=Status.IN_PROGRESS, text=f"{SECRET}-unveroeffentlicht")
    hidden_concept = Concept.objects.create(
        title=f"{SECRET}-konzept", slug="geheimes-konzept", start_year=2029, end_year=2033, published=False
    )
    hidden_field = FieldOfAction.objects.create(concept=hidden_concept, number=1, title=f"{SECRET}-feld", slug="f")
    hidden_measure = Measure.objects.create(
        concept=hidden_concept, field_of_action=hidden_field, code="1.1", title=f"{SECRET}-im-entwurf", published=True
    )
    MeasureResponsibility.objects.create(measure=hidden_measure, unit=hidden_unit, role=Role.LEAD)
    publish_update(hidden_measure, day=date(2025, 1, 31), status=Status.DONE, text=f"{SECRET}-konzeptentwurf")
    return world
