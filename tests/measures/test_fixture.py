from datetime import date

import pytest
from django.core.management import call_command

from measures.choices import Status
from measures.models import Concept, Goal, Measure, MeasureResponsibility, ResponsibleUnit, StatusUpdate

FIELDS = [
    "Vielfalt in der Verwaltung",
    "Wohnen und Unterbringung",
    "Arbeit",
    "Bildung und Empowerment",
    "Vielfältige Stadtgesellschaft",
]


@pytest.fixture
def loaded(db):
    call_command("loaddata", "integrationskonzept-2024-2028", verbosity=0)
    return Concept.objects.get(slug="integrationskonzept-2024-2028")


def test_concept_carries_the_published_facts(loaded):
    assert loaded.title == "Migration prägt Potsdam"
    assert loaded.official_title == "EINE Stadt für ALLE – Integrationskonzept der Landeshauptstadt Potsdam 2024-2028"
    assert loaded.council_file_number == "24/SVV/0093"
    assert loaded.adopted_on == date(2024, 5, 15)
    assert (loaded.start_year, loaded.end_year) == (2024, 2028)
    assert loaded.document_url == "https://www.potsdam.de/integrationskonzept"
    assert loaded.published and not loaded.is_demo


def test_five_fields_of_action_in_their_order(loaded):
    assert list(loaded.fields_of_action.values_list("number", "title")) == list(enumerate(FIELDS, 1))


def test_no_invented_goals_units_or_statuses(loaded):
    assert not Goal.objects.exists()
    assert list(ResponsibleUnit.objects.values_list("name", flat=True)) == ["Büro für Chancengleichheit und Vielfalt"]
    assert not MeasureResponsibility.objects.exists()
    assert not StatusUpdate.objects.exists()


def test_four_press_release_measures_are_provisional_and_unreported(loaded):
    measures = list(Measure.objects.filter(concept=loaded).select_related("field_of_action"))
    assert len(measures) == 4
    assert [m.field_of_action.number for m in measures] == [1, 1, 1, 4]
    for measure in measures:
        assert measure.provisional
        assert measure.status == Status.NO_REPORT and measure.progress is None
        assert "Vorläufiger Eintrag" in measure.summary
        # Without a known lead unit a measure may not be published.
        assert not measure.published
    titles = " ".join(m.title for m in measures)
    assert "Antidiskriminierungsstelle" in titles and "Schulsozialarbeit" in titles


def test_loading_twice_duplicates_nothing(loaded):
    call_command("loaddata", "integrationskonzept-2024-2028", verbosity=0)
    assert Concept.objects.count() == 1
    assert Measure.objects.count() == 4
    assert loaded.fields_of_action.count() == 5
