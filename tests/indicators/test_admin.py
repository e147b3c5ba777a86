"""The Büro sets up an indicator in the admin: targets and values inline, German errors."""

from datetime import date

import pytest
from django.urls import reverse

from measures.models import BreakdownDimension, Goal, Indicator

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/measures/indicator/add/"


def _indicator_form(concept, goal, measure, **overrides):
    data = {
        "concept": concept.pk,
        "number": "1",
        "name": "Erhöhung des Anteils der Beschäftigten mit Migrationshintergrund",
        "description": "",
        "unit": "%",
        "decimal_places": "1",
        "direction": "hoeher",
        "frequency": "jaehrlich",
        "data_source": "Personalstatistik",
        "data_owner": "Fachbereich Personal",
        "baseline_value": "2.0",
        "baseline_date": "31.12.2023",
        "goals": [goal.pk],
        "measures": [measure.pk],
        "published": "on",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-target_date": "31.12.2028",
        "targets-0-value": "5.0",
        "targets-0-note": "",
        "values-TOTAL_FORMS": "1",
        "values-INITIAL_FORMS": "0",
        "values-0-reference_date": "31.12.2024",
        "values-0-period_label": "2024",
        "values-0-value": "2.7",
        "values-0-category": "",
        "values-0-case_count": "",
        "values-0-note": "",
    }
    data.update(overrides)
    return data


def test_buero_sets_up_an_indicator_with_target_and_value(buero_client, concept, goal, measure, client):
    page = buero_client.get(ADD_URL).content.decode()
    for label in ("Ausgangswert", "Zielwert", "Stichtag", "Werte sind Anzahlen", "Fallzahl (intern)"):
        assert label in page
    response = buero_client.post(ADD_URL, _indicator_form(concept, goal, measure))
    assert response.status_code == 302, response.content.decode()[:3000]
    indicator = Indicator.objects.get()
    assert indicator.targets.get().target_date == date(2028, 12, 31)
    assert str(indicator.values.get().value) == "2.7000"
    assert list(indicator.goals.all()) == [goal] and list(indicator.measures.all()) == [measure]
    # Published at once, with the on-track state worked out: on 31.12.2024 the path from 2.0 to 5.0
    # (31.12.2023 → 31.12.2028) stands at 2.6, and 2.7 is above it.
    public = client.get("/testkonzept/indikatoren/1/").content.decode()
    assert "ontrack--im_plan" in public and "2,7 %" in public and "2,6 %" in public


def test_a_target_before_the_concept_is_refused_in_german(buero_client, concept, goal, measure):
    response = buero_client.post(
        ADD_URL, _indicator_form(concept, goal, measure, **{"targets-0-target_date": "31.12.2022"})
    )
    assert response.status_code == 200
    assert (
        "Ein Zielwert liegt im Zeitraum des Konzepts oder danach (frühestens 01.01.2024)." in response.content.decode()
    )
    assert not Indicator.objects.exists()


def test_goals_of_another_concept_and_missing_goals_are_refused(buero_client, concept, goal, measure):
    from measures.models import Concept

    other = Concept.objects.create(title="Anderes", slug="anderes", start_year=2024, end_year=2028)
    foreign = Goal.objects.create(concept=other, number=1, title="Fremdes Ziel")
    response = buero_client.post(ADD_URL, _indicator_form(concept, goal, measure, goals=[foreign.pk]))
    assert "gehören zu einem anderen Konzept" in response.content.decode()
    response = buero_client.post(ADD_URL, _indicator_form(concept, goal, measure, goals=[]))
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Indicator.objects.exists()


def test_a_duplicate_value_in_the_inline_is_refused(buero_client, concept, goal, measure):
    data = _indicator_form(
        concept,
        goal,
        measure,
        **{
            "values-TOTAL_FORMS": "2",
            "values-1-reference_date": "31.12.2024",
            "values-1-period_label": "",
            "values-1-value": "2.6",
            "values-1-category": "",
            "values-1-case_count": "",
            "values-1-note": "",
        },
    )
    response = buero_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert (
        "Zwei Werte haben denselben Stichtag (31.12.2024) und dieselbe Gruppe (Gesamtwert)."
        in response.content.decode()
    )
    assert not Indicator.objects.exists()


def test_buero_adds_a_characteristic_with_its_groups(buero_client):
    url = reverse("admin:measures_breakdowndimension_add")
    data = {
        "name": "Staatsangehörigkeit",
        "categories-TOTAL_FORMS": "2",
        "categories-INITIAL_FORMS": "0",
        "categories-0-name": "deutsch",
        "categories-0-position": "1",
        "categories-1-name": "nicht deutsch",
        "categories-1-position": "2",
    }
    assert buero_client.post(url, data).status_code == 302
    dimension = BreakdownDimension.objects.get()
    assert [c.name for c in dimension.categories.all()] == ["deutsch", "nicht deutsch"]


def test_the_concept_holds_the_disclosure_minimum_and_the_stale_threshold(buero_client, concept):
    page = buero_client.get(reverse("admin:measures_concept_change", args=[concept.pk])).content.decode()
    assert "Mindestfallzahl für Aufschlüsselungen" in page
    assert "„veraltet“ nach (Tage ohne Meldung)" in page


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:measures_indicator_changelist",
        "admin:measures_indicatorvalue_changelist",
        "admin:measures_indicatorvalueproposal_changelist",
        "admin:measures_breakdowndimension_changelist",
        "admin:measures_milestone_changelist",
    ],
)
def test_buero_opens_every_new_list(buero_client, indicator, url_name):
    assert buero_client.get(reverse(url_name)).status_code == 200
