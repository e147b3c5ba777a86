"""HTTP and markup of the public pages beyond their content: compression, language marks, meta
descriptions, the order of concepts, the empty state of a concept without published measures."""

import gzip
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory

from integration.middleware import PublicCompressionMiddleware
from measures.demo import generate_demo
from measures.models import Concept

pytestmark = pytest.mark.django_db


# --- Compression (BREACH: only what is public, never a page with a token or personal data) ---------


def _through_compression(response, accept="gzip, deflate, br"):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept)
    return PublicCompressionMiddleware(lambda request: response)(request)


def _page(cache_control, body="<p>Maßnahmen</p>" * 100, content_type="text/html; charset=utf-8"):
    from django.http import HttpResponse

    response = HttpResponse(body, content_type=content_type)
    if cache_control:
        response["Cache-Control"] = cache_control
    return response


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=utf-8", "text/csv; charset=utf-8", "application/json", "application/atom+xml"],
)
def test_public_text_responses_are_gzipped(content_type):
    response = _through_compression(_page("public, max-age=0, must-revalidate, s-maxage=10", content_type=content_type))
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content) == ("<p>Maßnahmen</p>" * 100).encode()


@pytest.mark.parametrize("cache_control", [None, "private, no-cache", "no-cache, no-store, must-revalidate, private"])
def test_private_responses_are_never_compressed(cache_control):
    response = _through_compression(_page(cache_control))
    assert not response.has_header("Content-Encoding")


def test_public_response_setting_a_cookie_is_not_compressed():
    response = _page("public, max-age=0")
    response.set_cookie("csrftoken", "geheim")
    assert not _through_compression(response).has_header("Content-Encoding")


def test_spreadsheets_and_clients_without_gzip_are_left_alone():
    xlsx = _page("public", body=b"PK\x03\x04" + b"x" * 500, content_type="application/vnd.ms-excel")
    assert not _through_compression(xlsx).has_header("Content-Encoding")
    assert not _through_compression(_page("public"), accept="identity").has_header("Content-Encoding")


def test_pages_with_a_csrf_token_or_a_session_are_not_compressed(client, reporter_a, measure):
    login = client.get("/anmelden/", HTTP_ACCEPT_ENCODING="gzip")
    assert "csrfmiddlewaretoken" in login.content.decode()
    assert not login.has_header("Content-Encoding")
    client.force_login(reporter_a)
    for url in ("/meine-massnahmen/", "/testkonzept/", "/testkonzept/massnahmen/"):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert not response.has_header("Content-Encoding"), url


def test_every_response_that_is_compressed_says_it_is_public(client, measure):
    """Whatever public_page decides to mark public is compressed, and nothing else is."""
    for url in ("/", "/testkonzept/", "/testkonzept/massnahmen.csv", "/sitemap.xml", "/robots.txt"):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        public = "public" in response.get("Cache-Control", "")
        assert response.has_header("Content-Encoding") == (public and len(response.content) > 0), url
        if response.has_header("Content-Encoding"):
            assert gzip.decompress(response.content)


def test_robots_txt_is_compressed_and_still_answers_304(client):
    response = client.get("/robots.txt", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).startswith(b"User-agent: *")


def test_static_files_are_stored_with_brotli_and_gzip_variants(tmp_path, settings):
    """WhiteNoise writes .br (with the pinned brotli package) and .gz next to every text file."""
    import brotli
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--no-input", verbosity=0)
    css = next(path for path in (tmp_path / "css").iterdir() if path.name.startswith("site.") and path.suffix == ".css")
    original = css.read_bytes()
    assert brotli.decompress((css.parent / (css.name + ".br")).read_bytes()) == original
    assert gzip.decompress((css.parent / (css.name + ".gz")).read_bytes()) == original


# --- German content on English pages -------------------------------------------------------------


class _LangOfText(HTMLParser):
    """The language in effect (nearest lang attribute) for each piece of text."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "rect", "line", "path", "circle"}

    def __init__(self):
        super().__init__()
        self.stack, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, lang if lang is not None else (self.stack[-1][1] if self.stack else None)))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        # The document title cannot mark a part of itself; it is the page's own language.
        if data.strip() and self.stack and self.stack[-1][0] != "title":
            self.texts.append((data.strip(), self.stack[-1][1]))


def _languages_of(content, text):
    parser = _LangOfText()
    parser.feed(content)
    return {lang for data, lang in parser.texts if text in data}


@pytest.mark.parametrize(
    ("url", "german"),
    [
        ("/en/testkonzept/massnahmen/1.1/", ["Testmaßnahme", "Ausführliche Beschreibung der Schulungen.", "Stelle A"]),
        ("/en/testkonzept/massnahmen/1.1/", ["Die Schulungen laufen.", "Beschäftigte", "Testziel"]),
        ("/en/testkonzept/", ["Amtlicher Titel des Testkonzepts", "Arbeit", "Wohnungsvermittlung"]),
        ("/en/testkonzept/massnahmen/", ["Mentoring aufbauen", "Testmaßnahme"]),
        ("/en/stellen/", ["Stelle A", "Stelle B"]),
        ("/en/stellen/stelle-b/", ["Stelle B", "Mentoring aufbauen"]),
        ("/en/impressum/", ["Friedrich-Ebert-Straße 79/81"]),
    ],
)
def test_german_content_on_english_pages_is_marked_german(client, world, url, german):
    from measures.models import SitePage

    SitePage.objects.update_or_create(kind="impressum", defaults={"title": "Impressum", "body": "Herausgeberin"})
    content = client.get(url).content.decode()
    assert '<html lang="en">' in content
    for text in german:
        languages = _languages_of(content, text)
        assert languages, text
        assert languages == {"de"}, (text, languages)


def test_legal_page_text_is_marked_german_on_english_pages(client, world):
    from measures.models import SitePage

    SitePage.objects.update_or_create(
        kind="datenschutz", defaults={"title": "Datenschutzerklärung", "body": "## Verantwortlich\nLandeshauptstadt"}
    )
    content = client.get("/en/datenschutz/").content.decode()
    assert _languages_of(content, "Datenschutzerklärung") == {"de"}
    assert _languages_of(content, "Verantwortlich") == {"de"}


def test_german_pages_carry_no_redundant_language_marks(client, world):
    content = client.get("/testkonzept/massnahmen/1.1/").content.decode()
    assert '<html lang="de">' in content
    assert _languages_of(content, "Testmaßnahme") == {"de"}  # from <html lang="de">
    assert ' lang="de">Testmaßnahme' not in content


def test_easy_language_link_is_not_marked_german_on_english_pages(client, world):
    content = client.get("/en/").content.decode()
    link = content[content.index('href="/en/leichte-sprache/"') - 10 :].split("</a>")[0]
    assert ' lang="de"' not in link
    assert 'hreflang="de"' in link


# --- Meta description, header, footer -----------------------------------------------------------


def _meta_description(content):
    start = content.index('<meta name="description" content="') + len('<meta name="description" content="')
    return content[start : content.index('">', start)]


def test_every_page_type_has_a_meta_description_from_its_content(client, world):
    expected = {
        "/": "Integrationskonzepts der Landeshauptstadt Potsdam",
        "/testkonzept/": "Testkonzept – Amtlicher Titel des Testkonzepts: 3 veröffentlichte Maßnahmen",
        "/testkonzept/massnahmen/": "Testkonzept: 3 Maßnahmen mit Umsetzungsstand",
        "/testkonzept/massnahmen/1.1/": "1.1 Testmaßnahme: in Umsetzung (Stand vom 31. März 2025). Kurz gesagt",
        "/testkonzept/handlungsfelder/2/": "Handlungsfeld 2. Wohnen: 1 veröffentlichte Maßnahmen",
        "/testkonzept/ziele/1/": "Ziel 1: Testziel: 2 veröffentlichte Maßnahmen",
        "/testkonzept/aktuelles/": "Sachstandsmeldungen zu den Maßnahmen: Testkonzept",
        "/stellen/": "verantwortlich sind",
        "/stellen/stelle-b/": "Stelle B: verantwortlich für 2 veröffentlichte Maßnahmen",
        "/offene-daten/": "offene Daten",
    }
    descriptions = set()
    for url, text in expected.items():
        description = _meta_description(client.get(url).content.decode())
        assert text in description, (url, description)
        assert len(description) <= 200
        descriptions.add(description)
    assert len(descriptions) == len(expected)


def test_header_names_city_and_buero_and_footer_gives_the_contact(client, world):
    content = client.get("/testkonzept/").content.decode()
    header = content[content.index('<header class="site-header">') : content.index("</header>")]
    assert 'href="https://www.potsdam.de/"' in header
    assert "Landeshauptstadt Potsdam" in header
    assert "Büro für Chancengleichheit und Vielfalt" in header
    footer = content[content.index('<footer class="site-footer">') :]
    for text in ("Friedrich-Ebert-Straße 79/81", "14469 Potsdam", "mailto:chancengleichheit@rathaus.potsdam.de"):
        assert text in footer, text


def test_language_links_keep_the_page_on_real_pages(client, world):
    content = client.get("/testkonzept/massnahmen/1.1/").content.decode()
    assert 'href="/en/testkonzept/massnahmen/1.1/" lang="en" hreflang="en"' in content
    content = client.get("/en/stellen/").content.decode()
    assert 'href="/stellen/" lang="de" hreflang="de"' in content


# --- Real concepts first; an honest empty state ------------------------------------------------


def test_real_concepts_come_before_the_demonstration_on_the_start_page(client, world):
    generate_demo(measures=5)
    Concept.objects.create(title="Älteres Konzept", slug="aelter", start_year=2016, end_year=2020, published=True)
    content = client.get("/").content.decode()
    positions = [content.index(f'href="/{slug}/"') for slug in ("testkonzept", "aelter", "demo")]
    assert positions == sorted(positions)
    open_data = client.get("/offene-daten/").content.decode()
    assert open_data.index("/testkonzept/massnahmen.csv") < open_data.index("/demo/massnahmen.csv")


def test_concept_without_published_measures_shows_an_honest_empty_state(client, concept, field):
    for url in ("/", "/testkonzept/"):
        content = client.get(url).content.decode()
        assert "Der Maßnahmenkatalog wird derzeit eingepflegt." in content, url
        assert "0 veröffentlichte Maßnahmen" not in content, url
        assert "<strong>0</strong>" not in content, url
        assert 'class="group-table' not in content, url
        assert 'class="ampel-table' not in content, url
    # The facts of the concept stay.
    assert "2024–2028" in client.get("/testkonzept/").content.decode()


def test_the_empty_state_goes_once_a_measure_is_published(client, world):
    for url in ("/", "/testkonzept/"):
        assert "wird derzeit eingepflegt" not in client.get(url).content.decode(), url
