"""The measure list: filters in the URL, sort orders, pagination, result count, search."""

import re

import pytest
from django.db import connection

from measures.choices import Role
from measures.demo import generate_demo
from measures.models import Measure, MeasureResponsibility

pytestmark = pytest.mark.django_db

URL = "/testkonzept/massnahmen/"


def codes(response) -> list[str]:
    """Measure numbers in the order the list shows them."""
    return re.findall(r"<tr>\s*<td class=\"stack-table__key\">([^<]+)</td>", response.content.decode())


def test_list_shows_all_public_measures_in_natural_order(client, world):
    response = client.get(URL)
    assert codes(response) == ["1.1", "1.10", "2.1"]
    assert "3 Maßnahmen" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"handlungsfeld": "2"}, ["2.1"]),
        ({"ziel": "2"}, ["1.1"]),
        ({"ziel": "1"}, ["1.1", "1.10"]),
        ({"stand": "keine_meldung"}, ["1.10"]),
        ({"stand": "in_umsetzung"}, ["1.1"]),
        ({"ampel": "gefaehrdet"}, ["2.1"]),
        ({"stelle": "stelle-b"}, ["1.1", "1.10"]),
        ({"stelle": "stelle-b", "rolle": Role.LEAD}, ["1.10"]),
        ({"stelle": "stelle-a", "handlungsfeld": "1"}, ["1.1"]),
        ({"q": "Mentoring"}, ["1.10"]),
    ],
)
def test_filters(client, world, params, expected):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert codes(response) == expected
    count = len(expected)
    assert f"{count} Maßnahme{'n' if count != 1 else ''} gefunden" in response.content.decode()


def test_filter_state_stays_in_the_form_and_the_download_links(client, world):
    content = client.get(URL, {"handlungsfeld": "1", "stand": "in_umsetzung"}).content.decode()
    assert '<option value="1" selected>1. Arbeit</option>' in content
    assert '<option value="in_umsetzung" selected>in Umsetzung</option>' in content
    assert 'href="/testkonzept/massnahmen.csv?handlungsfeld=1&amp;stand=in_umsetzung"' in content
    assert "Alle Filter zurücksetzen" in content


def test_invalid_filter_value_is_explained_not_an_error(client, world):
    response = client.get(URL, {"stand": "quatsch", "handlungsfeld": "99"})
    assert response.status_code == 200
    content = response.content.decode()
    # The visitor is told which filters were ignored, with the values from the address.
    assert "Diese Filter aus der Adresse sind ungültig und wurden nicht angewendet:" in content
    assert "<li>Handlungsfeld: „99“</li>" in content
    assert "<li>Umsetzungsstand: „quatsch“</li>" in content
    assert "Die Liste zeigt die Maßnahmen ohne diese Filter." in content
    assert codes(response) == ["1.1", "1.10", "2.1"]


def test_unit_choices_offer_only_units_of_this_concepts_public_measures(client, world, unit_a):
    content = client.get(URL).content.decode()
    assert '<option value="stelle-a">Stelle A (A)</option>' in content


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("nummer", ["1.1", "1.10", "2.1"]),
        ("stand", ["1.10", "1.1", "2.1"]),  # no report, in progress, done: vocabulary order
        ("aktualisiert", ["2.1", "1.1", "1.10"]),  # newest report first, none last
    ],
)
def test_sort_orders(client, world, order, expected):
    assert codes(client.get(URL, {"sortierung": order})) == expected


def test_pagination_keeps_filters_and_shows_count(client):
    generate_demo(measures=60)
    response = client.get("/demo/massnahmen/", {"sortierung": "nummer"})
    content = response.content.decode()
    assert "60 Maßnahmen" in content
    assert len(codes(response)) == 25
    assert "Seite 1 von 3" in content
    assert 'href="?sortierung=nummer&amp;seite=2" rel="next"' in content
    page_3 = client.get("/demo/massnahmen/", {"sortierung": "nummer", "seite": "3"})
    assert len(codes(page_3)) == 10
    assert codes(page_3)[-1] == "5.12"
    assert "Seite 3 von 3" in page_3.content.decode()


def test_natural_order_across_many_measures(client):
    generate_demo(measures=60)
    shown = codes(client.get("/demo/massnahmen/", {"handlungsfeld": "1"}))
    assert shown[:11] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11"]


def test_text_search_fallback_finds_substrings(client, world):
    # On every database: the word as written.
    assert codes(client.get(URL, {"q": "Schulungen"})) == ["1.1"]
    assert codes(client.get(URL, {"q": "1.10"})) == ["1.10"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="German full-text search needs PostgreSQL; it runs in the PostgreSQL pass of CI "
    "(DATABASE_URL=postgres://… make test).",
)
def test_german_full_text_search_on_postgresql(client, world):
    measure = world["measures"][1]
    measure.description = "Wir bieten Schulungen und Beratungen an."
    measure.save()
    # Stemming: the singular finds the plural, in any text field.
    assert codes(client.get(URL, {"q": "Schulung"})) == ["1.1", "1.10"]
    assert codes(client.get(URL, {"q": "Beratung"})) == ["1.10"]
    # Several words: all must match (websearch syntax).
    assert codes(client.get(URL, {"q": "Schulung Beratung"})) == ["1.10"]


def test_list_works_without_javascript(client, world):
    content = client.get(URL).content.decode()
    assert '<form method="get"' in content
    assert "<script" not in content
    assert '<button type="submit">Anzeigen</button>' in content


def test_measure_with_several_units_appears_once(client, world, unit_b):
    measure = world["measures"][0]
    assert MeasureResponsibility.objects.filter(measure=measure).count() == 2
    assert codes(client.get(URL, {"stelle": "stelle-b"})).count("1.1") == 1
    assert Measure.objects.count() == 3


def test_invalid_field_does_not_hide_that_the_valid_ones_filter(client, world):
    response = client.get(URL, {"q": "Schulungen", "stand": "bogus"})
    assert codes(response) == ["1.1"]
    content = response.content.decode()
    assert "<li>Umsetzungsstand: „bogus“</li>" in content
    assert "1 Maßnahme gefunden" in content
    assert "Alle Filter zurücksetzen" in content


def test_invalid_field_does_not_drop_the_sort_order(client, world):
    response = client.get(URL, {"sortierung": "stand", "ampel": "bogus"})
    assert codes(response) == ["1.10", "1.1", "2.1"]
    content = response.content.decode()
    assert "3 Maßnahmen" in content
    assert "gefunden" not in content
    assert "Alle Filter zurücksetzen" not in content


def test_role_alone_filters_nothing_and_is_not_shown_as_a_filter(client, world):
    response = client.get(URL, {"rolle": Role.LEAD})
    assert codes(response) == ["1.1", "1.10", "2.1"]
    content = response.content.decode()
    assert "3 Maßnahmen" in content
    assert "gefunden" not in content
    assert "Alle Filter zurücksetzen" not in content


def test_error_message_is_the_one_the_invalid_field_points_to(client, world):
    content = client.get(URL, {"stand": "bogus"}).content.decode()
    select = re.search(r'<select name="stand"[^>]*>', content).group(0)
    assert 'aria-invalid="true"' in select
    assert 'aria-describedby="id_stand_error"' in select
    assert re.search(r'<p class="field-error" id="id_stand_error">[^<]*bogus[^<]*</p>', content)
    assert content.count('id="id_stand_error"') == 1
