"""Disclosure control: no value of a small group reaches any public output – page, chart,
open data, goal and measure pages, dashboard, Sachstandsbericht – and the same outputs do
show the values that may be published, so that these tests can fail."""

import re
from datetime import date

import pytest

from measures.indicators.disclosure import SECONDARY, SMALL, UNKNOWN, disclose
from measures.models import IndicatorValue, ReportRound
from tests.public.test_no_leak import readable_text

from .conftest import WITHHELD, add_value

pytestmark = pytest.mark.django_db

PUBLIC_OUTPUTS = [
    "/testkonzept/",
    "/testkonzept/indikatoren/",
    "/testkonzept/indikatoren/2/",
    "/testkonzept/ziele/1/",
    "/testkonzept/massnahmen/1.1/",
    "/testkonzept/indikatoren.csv",
    "/testkonzept/indikatoren.json",
    "/testkonzept/indikatoren.xlsx",
    "/testkonzept/indikatorwerte.csv",
    "/testkonzept/indikatorwerte.json",
    "/testkonzept/indikatorwerte.xlsx",
    "/en/testkonzept/indikatoren/2/",
]


def numbers_in(text: str) -> set[str]:
    """Every number in ``text`` as written with separators („4.321“) and every run of digits
    („4321“, also between the commas of a CSV row)."""
    return set(re.findall(r"\d+(?:[.,]\d+)*", text)) | set(re.findall(r"\d+", text))


def _values(indicator):
    return IndicatorValue.objects.filter(indicator=indicator).select_related("category__dimension")


def test_small_groups_are_withheld_and_for_counts_the_next_smallest_too(counted):
    public = {v.category or "gesamt": v for v in disclose(_values(counted), counts=True, minimum=1000)}
    assert public["divers"].amount is None and public["divers"].withheld == SMALL
    assert public["divers"].withheld_text == "< 1000"
    # 9999 − 4691 − 4321 would give 987 away: männlich is withheld as well, without a "<".
    assert public["männlich"].amount is None and public["männlich"].withheld == SECONDARY
    assert public["männlich"].withheld_text == "nicht veröffentlicht"
    assert public["weiblich"].amount == 4691
    assert public["gesamt"].amount == 9999  # totals are published


def test_shares_are_withheld_by_their_case_count_only(indicator, gender):
    day = date(2024, 12, 31)
    add_value(indicator, day, "5.1", category=gender["weiblich"], case_count=820, note="Anmerkung weiblich")
    add_value(indicator, day, "4.2", category=gender["männlich"], case_count=610)
    add_value(indicator, day, "33.3", category=gender["divers"], case_count=3, note="geheime Anmerkung")
    public = {v.category: v for v in disclose(_values(indicator), counts=False, minimum=5)}
    assert public["divers"].amount is None and public["divers"].withheld_text == "Fallzahl < 5"
    assert public["divers"].note == ""  # nothing of a withheld value is shown
    # A share cannot be worked out from the others without case counts, which are never published.
    assert public["männlich"].amount is not None and public["weiblich"].note == "Anmerkung weiblich"


def test_a_breakdown_without_case_count_is_withheld(indicator, gender):
    value = IndicatorValue(
        indicator=indicator, reference_date=date(2024, 12, 31), value=7, category=gender["weiblich"], pk=1
    )
    value.category = gender["weiblich"]
    (public,) = disclose([value], counts=False, minimum=5)
    assert public.withheld == UNKNOWN and public.amount is None


def test_the_minimum_is_the_bueros_setting(counted, concept):
    concept.disclosure_minimum = 900
    concept.save()
    public = {v.category: v for v in disclose(_values(counted), counts=True, minimum=concept.disclosure_minimum)}
    assert public["divers"].amount == 987


@pytest.mark.parametrize("url", PUBLIC_OUTPUTS)
def test_no_public_output_shows_a_withheld_value(client, counted, measure, url):
    counted.measures.add(measure)
    response = client.get(url)
    assert response.status_code == 200
    numbers = numbers_in(readable_text(response))
    assert not numbers & set(WITHHELD), url
    # The counterpart: the page does carry the indicator's published figures.
    if "indikator" in url or url.endswith(("/2/", "/1.1/")):
        assert {"9999", "9.999", "9,999"} & numbers, url
    if "indikatorwerte" in url or url.endswith("/2/"):
        assert {"4691", "4.691", "4,691"} & numbers, url


def test_the_chart_shows_nothing_the_table_does_not(client, counted):
    content = client.get("/testkonzept/indikatoren/2/").content.decode()
    chart = content[content.index('<svg class="chart"') : content.index("</svg>")]
    assert "<circle" in chart  # the total is drawn
    assert not numbers_in(chart) & set(WITHHELD)


def test_the_page_explains_the_withheld_values(client, counted):
    content = client.get("/testkonzept/indikatoren/2/").content.decode()
    assert "&lt; 1000" in content and "nicht veröffentlicht" in content
    assert "weniger als 1000 Personen oder Fällen" in content


def test_the_report_shows_no_withheld_value(buero_client, counted, concept):
    report_round = ReportRound.objects.create(
        concept=concept, title="Bericht 2026", cut_off_date=date(2026, 3, 31), deadline=date(2026, 4, 30)
    )
    content = buero_client.get(f"/berichtsrunden/{report_round.pk}/bericht/").content.decode()
    assert "Indikatoren zum Stichtag" in content
    section = content[content.index("Indikatoren zum Stichtag") :]
    assert not numbers_in(section) & set(WITHHELD)
    assert {"4.691", "4691"} & numbers_in(section)  # the published group is there
    assert "&lt; 1000" in section


def test_case_counts_are_never_public(client, indicator, gender):
    add_value(indicator, date(2024, 12, 31), "5.1", category=gender["weiblich"], case_count=81234)
    for url in ("/testkonzept/indikatoren/1/", "/testkonzept/indikatorwerte.json", "/testkonzept/indikatorwerte.csv"):
        text = readable_text(client.get(url))
        assert "81234" not in text and "81.234" not in text
        assert "5.1" in text or "5,1" in text
