"""The demo concept gets clearly labelled example indicators; the real concept gets none."""

import pytest
from django.core.management import call_command

from measures.choices import OnTrack
from measures.demo import generate_demo
from measures.indicators.data import indicator_states, public_indicators
from measures.indicators.demo import generate_demo_indicators
from measures.models import Concept, Indicator, IndicatorValue, Milestone

pytestmark = pytest.mark.django_db


def test_demo_indicators_are_labelled_and_show_every_state():
    concept = generate_demo(measures=20)
    indicators = Indicator.objects.filter(concept=concept)
    assert indicators.count() == 5
    assert all(indicator.name.startswith("Beispiel: ") for indicator in indicators)
    states = {state.state for state in indicator_states(public_indicators(concept))}
    assert states == {OnTrack.ON_TRACK, OnTrack.OFF_TRACK, OnTrack.NO_VALUE}
    assert IndicatorValue.objects.filter(indicator__concept=concept, category__isnull=False).exists()
    assert IndicatorValue.objects.filter(indicator__concept=concept, provisional=True).exists()
    assert Milestone.objects.filter(measure__concept=concept).overdue().exists()
    assert Milestone.objects.filter(measure__concept=concept, done_on__isnull=False).exists()


def test_rebuilding_the_demo_gives_the_same_indicators():
    generate_demo(measures=20)
    first = list(IndicatorValue.objects.values_list("indicator__number", "reference_date", "category__name", "value"))
    generate_demo(measures=20)
    again = list(IndicatorValue.objects.values_list("indicator__number", "reference_date", "category__name", "value"))
    assert again == first and len(first) > 10


def test_the_real_concept_gets_no_indicator_value_or_milestone():
    call_command("loaddata", "integrationskonzept-2024-2028", verbosity=0)
    generate_demo(measures=20)
    real = Concept.objects.get(slug="integrationskonzept-2024-2028")
    assert not Indicator.objects.filter(concept=real).exists()
    assert not Milestone.objects.filter(measure__concept=real).exists()
    with pytest.raises(ValueError, match="not a demonstration"):
        generate_demo_indicators(real, [], [])
