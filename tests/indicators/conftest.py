"""Indicators of the shared test concept (Testkonzept 2024–2028), with the people of tests/conftest.py.

``indicator``: a share (%) with baseline 31.12.2023 = 4.0 and targets 31.12.2026 = 6.0 and
31.12.2028 = 8.0, published, linked to goal 1 and measure 1.1 (unit A).
``counted``: a count of people with a breakdown by gender where one group is too small.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache

from measures.models import BreakdownCategory, BreakdownDimension, Indicator, IndicatorTarget, IndicatorValue

D = Decimal


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Every test that touches the database starts with an empty cache (public pages are cached)."""
    if "db" not in request.fixturenames and request.node.get_closest_marker("django_db") is None:
        yield
        return
    request.getfixturevalue("db")  # the cache may live in the database
    cache.clear()
    yield
    cache.clear()


def add_value(indicator, day, value, *, category=None, case_count=None, provisional=False, note="", label=""):
    return IndicatorValue.objects.create(
        indicator=indicator,
        reference_date=day,
        period_label=label,
        value=D(str(value)),
        category=category,
        case_count=case_count,
        provisional=provisional,
        note=note,
    )


@pytest.fixture
def gender(db):
    dimension = BreakdownDimension.objects.create(name="Geschlecht")
    return {
        name: BreakdownCategory.objects.create(dimension=dimension, name=name, position=position)
        for position, name in enumerate(["weiblich", "männlich", "divers"], 1)
    }


@pytest.fixture
def indicator(concept, goal, measure):
    indicator = Indicator.objects.create(
        concept=concept,
        number=1,
        name="Anteil der Beschäftigten mit Migrationshintergrund",
        description="Ein Testindikator.",
        unit="%",
        baseline_date=date(2023, 12, 31),
        baseline_value=D("4.0"),
        data_source="Personalstatistik",
        data_owner="Statistikstelle",
        published=True,
    )
    indicator.goals.add(goal)
    indicator.measures.add(measure)
    IndicatorTarget.objects.create(indicator=indicator, target_date=date(2026, 12, 31), value=D("6.0"))
    IndicatorTarget.objects.create(indicator=indicator, target_date=date(2028, 12, 31), value=D("8.0"))
    return indicator


@pytest.fixture
def counted(concept, goal, gender):
    """Teilnehmende, minimum 1000: 987 (divers) is too small, 4321 (männlich) would reveal it."""
    concept.disclosure_minimum = 1000
    concept.save()
    indicator = Indicator.objects.create(
        concept=concept,
        number=2,
        name="Teilnehmende an Schulungen",
        unit="Personen",
        counts=True,
        baseline_date=date(2023, 12, 31),
        baseline_value=D("8000"),
        decimal_places=0,
        published=True,
    )
    indicator.goals.add(goal)
    IndicatorTarget.objects.create(indicator=indicator, target_date=date(2027, 12, 31), value=D("12000"))
    day = date(2025, 12, 31)
    add_value(indicator, day, 9999)
    add_value(indicator, day, 4691, category=gender["weiblich"])
    add_value(indicator, day, 4321, category=gender["männlich"])
    add_value(indicator, day, 987, category=gender["divers"])
    return indicator


# The numbers that must never reach the public, in every way they could be written.
WITHHELD = ["987", "4321", "4.321", "4,321"]
