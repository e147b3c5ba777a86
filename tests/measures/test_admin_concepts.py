"""Several concepts side by side in the admin: the measure list says whose a measure is, and every
field of action and goal is named with its concept in filters, dropdowns and search results."""

import pytest
from django.urls import reverse

from measures.models import Concept, FieldOfAction, Goal, Measure


@pytest.fixture
def second_concept(db):
    concept = Concept.objects.create(title="Zweites Konzept", slug="zweites", start_year=2029, end_year=2033)
    field = FieldOfAction.objects.create(concept=concept, number=1, title="Arbeit", slug="arbeit")
    FieldOfAction.objects.create(concept=concept, number=2, title="Bildung", slug="bildung")
    Goal.objects.create(concept=concept, number=1, title="Testziel")
    Measure.objects.create(concept=concept, field_of_action=field, code="1.1", title="Maßnahme im zweiten Konzept")
    return concept


def test_measure_list_has_the_concept_as_column_and_filter(buero_client, measure, second_concept):
    changelist = reverse("admin:measures_measure_changelist")
    content = buero_client.get(changelist).content.decode()
    assert '<th scope="col" class="sortable column-concept_display">' in content
    assert '<td class="field-concept_display">Testkonzept</td>' in content
    assert '<td class="field-concept_display">Zweites Konzept</td>' in content
    filtered = buero_client.get(changelist, {"concept__id__exact": second_concept.pk})
    assert [m.title for m in filtered.context["cl"].result_list] == ["Maßnahme im zweiten Konzept"]


def test_fields_of_action_and_goals_are_named_with_their_concept_in_the_filters(
    buero_client, measure, goal, second_concept
):
    changelist = reverse("admin:measures_measure_changelist")
    content = buero_client.get(changelist).content.decode()
    for label in ["Testkonzept: 1. Arbeit", "Zweites Konzept: 1. Arbeit", "Testkonzept: Ziel 1: Testziel"]:
        assert label in content, label
    # With a concept chosen, only its fields of action and goals are offered.
    content = buero_client.get(changelist, {"concept__id__exact": second_concept.pk}).content.decode()
    assert "Zweites Konzept: 2. Bildung" in content and "Testkonzept: 1. Arbeit" not in content


def test_the_measure_form_names_fields_of_action_and_goals_with_their_concept(
    buero_client, measure, goal, second_concept
):
    measure.goals.add(goal)
    content = buero_client.get(reverse("admin:measures_measure_change", args=[measure.pk])).content.decode()
    assert ">Testkonzept: 1. Arbeit</option>" in content
    assert ">Zweites Konzept: 1. Arbeit</option>" in content
    assert ">Testkonzept: Ziel 1: Testziel</option>" in content  # the chosen goal
    response = buero_client.get(
        "/admin/autocomplete/",
        {"app_label": "measures", "model_name": "measure", "field_name": "goals", "term": "Testziel"},
    )
    texts = sorted(result["text"] for result in response.json()["results"])
    assert texts == ["Testkonzept: Ziel 1: Testziel", "Zweites Konzept: Ziel 1: Testziel"]
