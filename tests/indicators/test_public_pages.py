"""The public indicator pages, the goal, measure and dashboard sections, and the open data files."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from measures.indicators.columns import INDICATOR_COLUMNS, VALUE_COLUMNS
from measures.models import Concept, Indicator, IndicatorValueProposal, Measure, Milestone
from tests.public.test_no_leak import readable_text

from .conftest import add_value

pytestmark = pytest.mark.django_db
SECRET = "GEHEIM"


@pytest.fixture
def with_values(indicator):
    add_value(indicator, date(2024, 12, 31), "4.6", label="2024")
    add_value(indicator, date(2025, 12, 31), "5.0", label="2025", provisional=True, note="Nachmeldungen folgen.")
    return indicator


@pytest.fixture
def hidden(concept, goal, measure, with_values, reporter_a):
    """An unpublished indicator, an indicator of an unpublished concept, an unpublished measure
    linked to the published indicator, and a unit's proposal."""
    draft_measure = Measure.objects.create(
        concept=concept, field_of_action=measure.field_of_action, code="1.5", title=f"{SECRET}-massnahme"
    )
    with_values.measures.add(draft_measure)
    Milestone.objects.create(measure=draft_measure, title=f"{SECRET}-meilenstein", planned_on=date(2025, 1, 1))
    draft = Indicator.objects.create(concept=concept, number=9, name=f"{SECRET}-indikator", unit="%")
    draft.goals.add(goal)
    add_value(draft, date(2025, 12, 31), "77.7", note=f"{SECRET}-anmerkung")
    other = Concept.objects.create(title=f"{SECRET}-konzept", slug="geheim", start_year=2029, end_year=2033)
    foreign = Indicator.objects.create(concept=other, number=1, name=f"{SECRET}-fremd", unit="%", published=True)
    add_value(foreign, date(2025, 12, 31), 1)
    IndicatorValueProposal.objects.create(
        indicator=with_values,
        measure=measure,
        reference_date=date(2026, 1, 31),
        value=99,
        note=f"{SECRET}-vorschlag",
        internal_note=f"{SECRET}-hinweis",
        author=reporter_a,
    )
    return draft


def test_indicator_page_shows_state_values_chart_and_table(client, with_values):
    response = client.get("/testkonzept/indikatoren/1/")
    assert response.status_code == 200
    content = response.content.decode()
    # Latest 5.0 on 31.12.2025; the path from 4.0 (31.12.2023) to 6.0 (31.12.2026) is at 5.33 there.
    assert "hinter dem Plan" in content and "ontrack__icon" in content
    assert "5,0 %" in content and "vorläufig" in content and "Nachmeldungen folgen." in content
    assert "Planwert an diesem Tag" in content and "5,3 %" in content
    assert "6,0 %" in content and "bis 31.12.2026" in content
    chart = content[content.index('<svg class="chart"') : content.index("</svg>")]
    assert chart.count("<circle") == 2 and chart.count("chart__point--provisional") == 1
    assert chart.count('class="chart__target"') == 2 and 'class="chart__baseline"' in chart
    assert "Ausgangswert, Werte und Zielwerte (%)" in content  # the table equivalent
    assert "Personalstatistik" in content and "Statistikstelle" in content
    assert 'href="/testkonzept/ziele/1/"' in content and 'href="/testkonzept/massnahmen/1.1/"' in content


def test_indicator_without_values_says_so(client, indicator):
    content = client.get("/testkonzept/indikatoren/1/").content.decode()
    assert "noch kein Wert" in content
    assert "Zu diesem Indikator ist noch kein Wert veröffentlicht." in content
    assert "chart__target" in content  # the plan is drawn all the same


def test_list_goal_measure_and_dashboard_show_the_indicator(client, with_values):
    for url in ("/testkonzept/indikatoren/", "/testkonzept/ziele/1/", "/testkonzept/massnahmen/1.1/"):
        content = client.get(url).content.decode()
        assert "Anteil der Beschäftigten mit Migrationshintergrund" in content, url
        assert "hinter dem Plan" in content, url
    dashboard = " ".join(client.get("/testkonzept/").content.decode().split())
    assert "Indikatoren: Wirkt das Konzept?" in dashboard
    assert "1 veröffentlichter Indikator" in dashboard
    assert "hinter dem Plan</span>: <strong>1</strong>" in dashboard
    assert "im Plan</span>: <strong>0</strong>" in dashboard
    # A field of action's page shares the template with the goal page, but has no indicators.
    assert "Indikatoren zu diesem Ziel" not in client.get("/testkonzept/handlungsfelder/1/").content.decode()


def test_a_concept_without_indicators_says_so(client, concept):
    content = client.get("/testkonzept/indikatoren/").content.decode()
    assert "Für dieses Konzept ist noch kein Indikator veröffentlicht." in content
    assert "Noch ist kein Indikator veröffentlicht." in client.get("/testkonzept/").content.decode()


def test_measure_page_lists_milestones_with_the_overdue_ones_marked(client, measure):
    today = date.today()
    Milestone.objects.create(
        measure=measure,
        title="Konzept abgestimmt",
        planned_on=today - timedelta(days=90),
        done_on=today - timedelta(days=80),
    )
    Milestone.objects.create(measure=measure, title="Angebot gestartet", planned_on=today - timedelta(days=5))
    Milestone.objects.create(measure=measure, title="Auswertung", planned_on=today + timedelta(days=60))
    content = client.get("/testkonzept/massnahmen/1.1/").content.decode()
    assert "Meilensteine" in content
    assert content.count("milestone--overdue") == 1
    overdue = content[content.index("milestone--overdue") :]
    assert overdue.index("Angebot gestartet") < overdue.index("überfällig")
    assert "erledigt am" in content and "Auswertung" in content


@pytest.mark.parametrize(
    "url",
    [
        "/testkonzept/",
        "/testkonzept/indikatoren/",
        "/testkonzept/indikatoren/1/",
        "/testkonzept/ziele/1/",
        "/testkonzept/massnahmen/1.1/",
        "/testkonzept/indikatoren.csv",
        "/testkonzept/indikatoren.json",
        "/testkonzept/indikatoren.xlsx",
        "/testkonzept/indikatorwerte.csv",
        "/testkonzept/indikatorwerte.json",
        "/testkonzept/indikatorwerte.xlsx",
        "/offene-daten/",
    ],
)
def test_nothing_unpublished_reaches_a_public_output(client, hidden, url):
    response = client.get(url)
    assert response.status_code == 200
    text = readable_text(response)
    assert SECRET not in text
    published = {"/offene-daten/": "indikator_nummer", "/testkonzept/": "1 veröffentlichter Indikator"}
    assert published.get(url, "Anteil der Beschäftigten") in text  # the published one is there


@pytest.mark.parametrize(
    "url",
    ["/testkonzept/indikatoren/9/", "/geheim/indikatoren/", "/geheim/indikatoren/1/", "/geheim/indikatorwerte.csv"],
)
def test_unpublished_indicators_and_concepts_are_not_found(client, hidden, url):
    response = client.get(url)
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_open_data_files_have_the_documented_columns(client, with_values):
    csv_text = client.get("/testkonzept/indikatorwerte.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert list(rows[0]) == [column.key for column in VALUE_COLUMNS]
    assert rows[1]["wert"] == "5" and rows[1]["vorlaeufig"] == "ja" and rows[1]["zeitraum"] == "2025"
    document = json.loads(client.get("/testkonzept/indikatoren.json").content)
    assert document["anzahl"] == 1
    (row,) = document["indikatoren"]
    assert list(row) == [column.key for column in INDICATOR_COLUMNS]
    assert row["neuester_wert"] == 5 and row["neuester_wert_vom"] == "2025-12-31"
    assert row["im_plan"] == "hinter dem Plan"
    assert row["zielwerte"] == "2026-12-31: 6; 2028-12-31: 8"
    assert row["ziele"] == "1" and row["massnahmen"] == "1.1"
    sheet = load_workbook(io.BytesIO(client.get("/testkonzept/indikatorwerte.xlsx").content)).active
    assert sheet.title == "Indikatorwerte"
    assert [cell.value for cell in sheet[1]] == [column.key for column in VALUE_COLUMNS]
    assert sheet.cell(row=2, column=7).value == 4.6  # a number, not text


def test_open_data_page_documents_the_new_columns(client, concept):
    content = client.get("/offene-daten/").content.decode()
    for column in [*INDICATOR_COLUMNS, *VALUE_COLUMNS]:
        assert f"<code>{column.key}</code>" in content
    assert 'href="/testkonzept/indikatorwerte.csv"' in content


def test_a_new_value_changes_the_page_once_committed(client, with_values, django_capture_on_commit_callbacks):
    etag = client.get("/testkonzept/indikatoren/1/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        add_value(with_values, date(2026, 3, 31), "5.9")
    response = client.get("/testkonzept/indikatoren/1/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "5,9 %" in response.content.decode()


def test_text_cells_are_neutralised_against_formulas(client, with_values):
    with_values.name = "=HYPERLINK(1)"
    with_values.save()
    csv_text = client.get("/testkonzept/indikatoren.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text


def test_milestones_rounds_and_links_change_the_public_pages_once_committed(
    client, indicator, measure, concept, goal, django_capture_on_commit_callbacks
):
    from measures.models import ReportRound

    def etag(url):
        return client.get(url)["ETag"]

    before = etag("/testkonzept/massnahmen/1.1/")
    with django_capture_on_commit_callbacks(execute=True):
        milestone = Milestone.objects.create(measure=measure, title="Neu", planned_on=date(2025, 1, 31))
    after = etag("/testkonzept/massnahmen/1.1/")
    assert after != before and "Neu" in client.get("/testkonzept/massnahmen/1.1/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        milestone.done_on = date(2025, 2, 1)
        milestone.save()
    assert etag("/testkonzept/massnahmen/1.1/") != after
    # A new round can turn "aktuell" into "älter": the dashboard's currency counts change.
    before = etag("/testkonzept/")
    with django_capture_on_commit_callbacks(execute=True):
        ReportRound.objects.create(
            concept=concept, title="R", cut_off_date=date(2025, 6, 30), deadline=date(2025, 7, 31)
        )
    assert etag("/testkonzept/") != before
    before = etag("/testkonzept/ziele/1/")
    with django_capture_on_commit_callbacks(execute=True):
        indicator.goals.remove(goal)
    assert etag("/testkonzept/ziele/1/") != before
