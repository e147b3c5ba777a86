"""Tampered admin addresses answer 400 or 404, never a server error (also on PostgreSQL)."""

import pytest
from django.urls import reverse

from tests.reporting.conftest import make_update


@pytest.fixture
def client(client):
    # A server error would otherwise surface as an exception in the test, not as a 500.
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("admin:measures_measure_changelist", "stelle=abc"),
        ("admin:measures_measure_changelist", "stelle=99999999999999999999999"),
        ("admin:measures_measure_changelist", "stelle=%C2%B2"),
        ("admin:measures_measure_changelist", "status__exact=%00"),
        ("admin:measures_measure_changelist", "q=%00"),
        ("admin:measures_statusupdate_changelist", "reporting_date__year=99999999999999999999999"),
        ("admin:measures_statusupdate_changelist", "reporting_date__year=2025&reporting_date__month=13"),
        ("admin:measures_reportround_changelist", "cut_off_date__year=abc"),
        ("admin:accounts_user_changelist", "q=%00"),
    ],
)
def test_bad_filter_values_are_a_bad_request(buero_client, measure, url, query):
    response = buero_client.get(f"{reverse(url)}?{query}")
    assert response.status_code == 400


def test_the_same_filters_with_good_values_work(buero_client, measure, unit_a, reporter_a):
    make_update(measure, reporter_a)
    changelist = reverse("admin:measures_measure_changelist")
    assert buero_client.get(f"{changelist}?stelle={unit_a.pk}").context["cl"].result_count == 1
    assert buero_client.get(f"{changelist}?status__exact=keine_meldung").context["cl"].result_count == 1
    updates = reverse("admin:measures_statusupdate_changelist")
    assert buero_client.get(f"{updates}?reporting_date__year=2026").context["cl"].result_count == 1


@pytest.mark.parametrize(
    "path",
    [
        "/admin/measures/measure/abc/history/",
        "/admin/measures/measure/99999999999999999999999/history/",
        "/admin/measures/measure/abc/history/1/",
        "/admin/measures/statusupdate/abc/history/",
        "/admin/measures/concept/abc/history/",
    ],
)
def test_a_history_of_no_object_is_not_found(buero_client, measure, path):
    assert buero_client.get(path).status_code == 404


def test_a_null_character_in_an_autocomplete_search_is_a_bad_request(buero_client, measure):
    query = "app_label=measures&model_name=measure&field_name=goals&term=%00"
    assert buero_client.get(f"/admin/autocomplete/?{query}").status_code == 400
