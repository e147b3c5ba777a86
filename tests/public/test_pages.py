"""Content of each public page type."""

from datetime import UTC, date, datetime

import pytest
from defusedxml import ElementTree
from django.template import Context, engines
from django.template.loader import get_template
from django.urls import reverse

from measures.choices import Status
from measures.demo import generate_demo
from measures.models import Measure, StatusUpdate

from .conftest import publish_update

pytestmark = pytest.mark.django_db


def test_home_shows_each_concepts_headline_progress(client, world):
    content = client.get("/").content.decode()
    assert 'href="/testkonzept/"' in content
    # 3 public measures: 1 done, 1 in progress, 1 without any report.
    assert "3 veröffentlichte Maßnahmen" in content
    assert "<strong>1</strong> umgesetzt oder verstetigt" in content
    assert "zu <strong>1</strong> noch keine Meldung" in content


def test_dashboard_shows_facts_and_counts_per_status(client, world):
    content = client.get("/testkonzept/").content.decode()
    assert "<h1><span>Testkonzept</span>" in content
    assert "24/SVV/0093" in content
    assert "15. Mai 2024" in content
    assert 'href="https://www.potsdam.de/integrationskonzept"' in content
    # "noch keine Meldung" is its own row with its own count, never folded into 0 % or "nicht begonnen".
    for label, count in [("noch keine Meldung", 1), ("in Umsetzung", 1), ("umgesetzt", 1), ("nicht begonnen", 0)]:
        assert f'</span> {label}</th>\n        <td class="num">{count}</td>' in content, label


def test_dashboard_counts_per_field_goal_and_ampel(client, world):
    content = client.get("/testkonzept/").content.decode()
    assert 'href="/testkonzept/handlungsfelder/1/"><span>1. Arbeit</span></a>' in content
    assert 'href="/testkonzept/handlungsfelder/2/"><span>2. Wohnen</span></a>' in content
    assert 'href="/testkonzept/ziele/2/">Ziel 2: <span>Zweites Testziel</span></a>' in content
    assert "Ampel: Liegen die Maßnahmen im Plan?" in content
    assert 'gefährdet</span></th><td class="num" data-label="Maßnahmen">1</td>' in content.replace("\n", "")


def test_dashboard_time_line_marks_today(client, world, monkeypatch):
    monkeypatch.setattr("measures.public.views.timezone.localdate", lambda: date(2026, 7, 2))
    content = client.get("/testkonzept/").content.decode()
    assert "Laufzeit vom 1. Januar 2024 bis 31. Dezember 2028." in content
    assert "Heute (2. Juli 2026) sind 50 % der Laufzeit vergangen." in content
    assert 'class="timeline__today" x1="50.0' in content


def test_dashboard_lists_latest_published_updates(client, world):
    content = client.get("/testkonzept/").content.decode()
    assert "Die Schulungen laufen." in content
    assert content.index("Wohnungsvermittlung") < content.index("Die Schulungen laufen.")  # newest first


def test_demo_concept_pages_carry_the_demonstration_banner(client):
    generate_demo(measures=10)
    measure = Measure.objects.filter(concept__slug="demo").first()
    for url in ["/demo/", "/demo/massnahmen/", measure.get_absolute_url(), "/demo/aktuelles/", "/demo/ziele/1/"]:
        content = client.get(url).content.decode()
        assert 'class="banner banner--demo"' in content, url
        assert "erfundene Beispieldaten" in content


def test_real_concept_has_no_demonstration_banner(client, world):
    assert "banner--demo" not in client.get("/testkonzept/").content.decode()


def test_detail_shows_every_public_field(client, world):
    measure = world["measures"][0]
    response = client.get("/testkonzept/massnahmen/1.1/")
    content = response.content.decode()
    assert measure.get_absolute_url() == "/testkonzept/massnahmen/1.1/"
    for text in [
        "Testmaßnahme",
        "Kurz gesagt: Schulungen für alle.",
        "Ausführliche Beschreibung der Schulungen.",
        "100 Teilnehmende bis 2026",
        "Beschäftigte",
        "Stelle A</a> (Federführung)",
        "Stelle B</a> (beteiligt)",
        "Ziel 1: <span>Testziel</span>",
        "Ziel 2: <span>Zweites Testziel</span>",
        "1. Arbeit",
        "ab 1. März 2024 bis 31. Dezember 2026",
        "12.500,00 €",
        "gesichert",
        "in Umsetzung",
        str(Status.IN_PROGRESS.definition),
        "im Plan",
        "40 %",
        "Die Schulungen laufen.",
        "Erste Meldung.",
    ]:
        assert text in content, text
    assert content.index("(Federführung)") < content.index("(beteiligt)")
    # The time line of updates, newest first.
    assert content.index("Die Schulungen laufen.") < content.index("Erste Meldung.")


def test_detail_does_not_tell_when_the_buero_last_edited_the_measure(client, world):
    measure = world["measures"][0]
    Measure.objects.filter(pk=measure.pk).update(updated_at=datetime(2025, 11, 17, 9, tzinfo=UTC))
    content = client.get(measure.get_absolute_url()).content.decode()
    assert "zuletzt aktualisiert" not in content
    assert "17. November 2025" not in content
    assert "<dt>Stand vom</dt><dd>31. März 2025</dd>" in content  # the date of the public report


def test_detail_without_report_says_so(client, world):
    content = client.get("/testkonzept/massnahmen/1.10/").content.decode()
    assert "noch keine Meldung" in content
    assert "Zu dieser Maßnahme wurde noch keine Meldung veröffentlicht." in content
    assert "nicht gemeldet" in content  # progress: never 0 %
    assert "0 %" not in content


def test_detail_links_previous_and_next_in_natural_order(client, world):
    content = client.get("/testkonzept/massnahmen/1.10/").content.decode()
    assert 'href="/testkonzept/massnahmen/1.1/" rel="prev"' in content
    assert 'href="/testkonzept/massnahmen/2.1/" rel="next"' in content


def test_ongoing_measure_says_so(client, world):
    assert "fortlaufend (Daueraufgabe)" in client.get("/testkonzept/massnahmen/2.1/").content.decode()


def test_field_page_shows_progress_and_its_measures(client, world):
    content = client.get("/testkonzept/handlungsfelder/1/").content.decode()
    assert "<h1>Handlungsfeld <span>1. Arbeit</span></h1>" in content
    assert "Testmaßnahme" in content
    assert "Mentoring aufbauen" in content
    assert "Wohnungsvermittlung" not in content
    assert "2 veröffentlichte Maßnahmen" in content
    assert 'href="/testkonzept/massnahmen/?handlungsfeld=1"' in content


def test_goal_page_shows_its_measures(client, world):
    content = client.get("/testkonzept/ziele/2/").content.decode()
    assert "<h1>Ziel 2: <span>Zweites Testziel</span></h1>" in content
    assert "Testmaßnahme" in content
    assert "Mentoring aufbauen" not in content


def test_unit_pages(client, world):
    content = client.get("/stellen/").content.decode()
    assert 'href="/stellen/stelle-a/">Stelle A</a>' in content
    content = client.get("/stellen/stelle-b/").content.decode()
    assert "<h1>Stelle B</h1>" in content
    assert "Mentoring aufbauen" in content
    assert "Federführung" in content
    assert "beteiligt" in content
    assert "Wohnungsvermittlung" not in content


def test_news_page_and_atom_feed(client, world, settings):
    settings.SITE_URL = "https://monitor.example"
    content = client.get("/testkonzept/aktuelles/").content.decode()
    assert content.index("Wohnungsvermittlung") < content.index("Die Schulungen laufen.")
    assert 'type="application/atom+xml"' in content
    response = client.get("/testkonzept/aktuelles/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 3
    assert entries[0].find(f"{atom}title").text == "2.1 Wohnungsvermittlung: umgesetzt"
    assert entries[0].find(f"{atom}link").get("href").startswith("https://monitor.example/testkonzept/massnahmen/2.1/")
    assert "Die Schulungen laufen." in entries[1].find(f"{atom}summary").text


def test_news_dashboard_and_feed_list_the_most_recently_published_first(client, world, monkeypatch):
    from django.utils import timezone
    from django.utils.formats import date_format

    monkeypatch.setattr("measures.public.feeds.FEED_SIZE", 2)
    late = publish_update(world["measures"][1], day=date(2024, 6, 30), status=Status.PREPARATION, text="Nachgereicht.")
    StatusUpdate.objects.filter(pk=late.pk).update(published_at=timezone.now())
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    for url in ["/testkonzept/aktuelles/", "/testkonzept/"]:
        content = client.get(url).content.decode()
        assert content.index("Nachgereicht.") < content.index("Wohnungsvermittlung"), url
        assert f"veröffentlicht am {today} · Stand vom 30. Juni 2024" in content, url
    assert "Zuletzt veröffentlichte Meldungen" in client.get("/testkonzept/").content.decode()
    feed = ElementTree.fromstring(client.get("/testkonzept/aktuelles/feed/").content)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.find(f"{atom}title").text for entry in feed.findall(f"{atom}entry")]
    # Published today for an old reporting date: news today, and within the feed's size.
    assert titles == ["1.10 Mentoring aufbauen: in Vorbereitung", "2.1 Wohnungsvermittlung: umgesetzt"]
    # The measure page keeps its history by reporting date.
    measure_page = client.get("/testkonzept/massnahmen/1.1/").content.decode()
    assert measure_page.index("Die Schulungen laufen.") < measure_page.index("Erste Meldung.")


def test_open_data_page_documents_every_column(client, world):
    from measures.public.opendata import COLUMNS

    content = client.get(reverse("open_data")).content.decode()
    for column in COLUMNS:
        assert f"<code>{column.key}</code>" in content
    assert "„noch keine Meldung“" in content


def test_friendly_404_page(client, world):
    response = client.get("/testkonzept/massnahmen/9.99/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Diese Seite gibt es nicht" in content
    assert 'href="/impressum/"' in content


def test_500_page_needs_no_context_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = get_template("500.html").render({})
    assert "Ein technischer Fehler ist aufgetreten" in html
    assert 'href="/barrierefreiheit/"' in html
    # The 500 handler renders with an empty Context, without a request.
    assert "technischer Fehler" in engines["django"].from_string(
        get_template("500.html").template.source
    ).template.render(Context())


def test_legal_pages_come_with_initial_texts(client):
    content = client.get("/barrierefreiheit/").content.decode()
    assert "chancengleichheit@rathaus.potsdam.de" in content
    assert "Durchsetzungsstelle für digitale Barrierefreiheit des Landes Brandenburg" in content
    content = client.get("/datenschutz/").content.decode()
    for text in ["Verantwortliche Stelle", "Artikel 6 Absatz 1", "Ihre Rechte", "LDA Brandenburg", "keine Cookies"]:
        assert text in content
    assert "Friedrich-Ebert-Straße 79/81" in client.get("/impressum/").content.decode()


def test_unit_list_counts_only_public_measures(client, secrets, unit_a, unit_b):
    from measures.choices import Role
    from measures.models import Concept, MeasureResponsibility

    unpublished = Measure.objects.get(code="1.5", concept=secrets["concept"])
    MeasureResponsibility.objects.create(measure=unpublished, unit=unit_a, role=Role.LEAD)
    hidden = Measure.objects.get(concept=Concept.objects.get(slug="geheimes-konzept"))
    MeasureResponsibility.objects.create(measure=hidden, unit=unit_a, role=Role.PARTNER)
    MeasureResponsibility.objects.create(measure=hidden, unit=unit_b, role=Role.LEAD)
    content = client.get("/stellen/").content.decode()
    # Stelle A: lead of 1.1 and 2.1; Stelle B: lead of 1.10, partner of 1.1.
    assert ">Stelle A</a></th><td>" in content
    row_a = content[content.index(">Stelle A</a>") :].split("</tr>")[0]
    row_b = content[content.index(">Stelle B</a>") :].split("</tr>")[0]
    assert row_a.endswith('<td class="num">2</td><td class="num">0</td>')
    assert row_b.endswith('<td class="num">1</td><td class="num">1</td>')
    assert "geheime-stelle" not in content


def _text(content: str) -> str:
    return " ".join(content.split())


def test_headline_counts_add_up(client, world):
    # 3 = 2 with a report (1 of them done) + 1 without.
    sentence = (
        "3 veröffentlichte Maßnahmen: zu 2 liegt eine Meldung vor (davon <strong>1</strong> umgesetzt oder verstetigt),"
        " zu <strong>1</strong> noch keine Meldung."
    )
    for url in ["/", "/testkonzept/"]:
        assert sentence in _text(client.get(url).content.decode()), url


def test_home_card_states_the_total_once_and_explains_its_bar(client, world):
    content = _text(client.get("/").content.decode())
    assert "Veröffentlichte Maßnahmen</dt>" not in content
    assert content.count("3 veröffentlichte Maßnahmen") == 1
    legend = content[content.index('<ul class="stackbar-legend"') :].split("</ul>")[0]
    assert 'aria-label="Maßnahmen nach Umsetzungsstand"' in legend
    for entry in ["noch keine Meldung: 1", "in Umsetzung: 1", "umgesetzt: 1"]:
        assert f"</span> {entry}</li>" in legend, entry
    assert "nicht begonnen" not in legend  # only the statuses the bar shows


def test_list_and_detail_use_the_same_terms(client, world):
    content = client.get("/testkonzept/massnahmen/").content.decode()
    assert '<th scope="col">Stand vom</th>' in content
    assert "letzte Meldung" not in content
    row = content[content.index(">Mentoring aufbauen</a>") :].split("</tr>")[0]
    assert '<span class="visually-hidden">nicht gemeldet</span>' in row
    assert '<option value="aktualisiert">Stand vom (neueste zuerst)</option>' in content
    detail = client.get("/testkonzept/massnahmen/1.10/").content.decode()
    assert "<dt>Stand vom</dt>" in detail
    assert "nicht gemeldet" in detail


def test_download_links_have_the_same_labels_everywhere(client, world):
    listing = client.get("/testkonzept/massnahmen/", {"stand": "umgesetzt"}).content.decode()
    assert '<a href="/testkonzept/massnahmen.xlsx?stand=umgesetzt">Excel (XLSX)</a>' in listing
    assert '<a href="/testkonzept/massnahmen.csv?stand=umgesetzt">CSV</a>' in listing
    assert '<a href="/testkonzept/massnahmen.json?stand=umgesetzt">JSON</a>' in listing
    open_data = client.get(reverse("open_data")).content.decode()
    for fmt, label in [("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("json", "JSON")]:
        assert f'<li><a href="/testkonzept/massnahmen.{fmt}">{label}</a></li>' in open_data


def test_open_data_page_names_every_neutralised_character(client, world):
    from measures.spreadsheets import FORMULA_PREFIXES

    names = {"\t": "einem Tabulator", "\r": "einem Wagenrücklauf"}
    content = client.get(reverse("open_data")).content.decode()
    sentence = content[content.index("Texte, die mit") :].split("beginnen")[0]
    for prefix in FORMULA_PREFIXES:
        assert names.get(prefix, prefix) in sentence, repr(prefix)
