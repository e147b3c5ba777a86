"""Nothing unpublished or internal reaches any public page, export, feed or JSON."""

import html
import io
import zipfile

import pytest

from .conftest import SECRET

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/testkonzept/",
    "/testkonzept/massnahmen/",
    "/testkonzept/massnahmen/?q=entwurf",
    "/testkonzept/massnahmen/?sortierung=stand",
    "/testkonzept/massnahmen/1.1/",
    "/testkonzept/massnahmen/1.10/",
    "/testkonzept/massnahmen/2.1/",
    "/testkonzept/handlungsfelder/1/",
    "/testkonzept/handlungsfelder/2/",
    "/testkonzept/ziele/1/",
    "/testkonzept/ziele/2/",
    "/testkonzept/aktuelles/",
    "/testkonzept/aktuelles/feed/",
    "/testkonzept/einbetten/",
    "/testkonzept/handlungsfelder/1/einbetten/",
    "/testkonzept/massnahmen/1.1/einbetten/",
    "/testkonzept/massnahmen.csv",
    "/testkonzept/massnahmen.json",
    "/testkonzept/massnahmen.xlsx",
    "/testkonzept/massnahmen.semikolon.csv",
    "/testkonzept/datapackage.json",
    "/sitemap.xml",
    "/stellen/",
    "/stellen/stelle-a/",
    "/stellen/stelle-b/",
    "/offene-daten/",
    "/dcat/catalog.ttl",
    "/dcat/catalog.jsonld",
    "/dcat/catalog.rdf",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/en/",
    "/en/testkonzept/",
    "/en/testkonzept/massnahmen/1.1/",
]

HIDDEN_URLS = [
    "/testkonzept/massnahmen/1.5/",
    "/testkonzept/massnahmen/1.5/einbetten/",
    "/geheimes-konzept/einbetten/",
    "/geheimes-konzept/handlungsfelder/1/einbetten/",
    "/geheimes-konzept/",
    "/geheimes-konzept/massnahmen/",
    "/geheimes-konzept/massnahmen/1.1/",
    "/geheimes-konzept/massnahmen.csv",
    "/geheimes-konzept/massnahmen.json",
    "/geheimes-konzept/massnahmen.semikolon.csv",
    "/geheimes-konzept/datapackage.json",
    "/geheimes-konzept/aktuelles/",
    "/geheimes-konzept/aktuelles/feed/",
    "/geheimes-konzept/handlungsfelder/1/",
    "/stellen/geheime-stelle/",
]


def readable_text(response) -> str:
    """The response as text; an XLSX file is a zip of XML parts, all of which are read."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            # Character references as well (openpyxl writes „ä“ as &#228;).
            return html.unescape("".join(archive.read(name).decode() for name in archive.namelist()))
    return response.content.decode()


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_url_shows_nothing_secret(client, secrets, url):
    response = client.get(url)
    assert response.status_code == 200
    text = readable_text(response).casefold()
    assert SECRET.casefold() not in text
    assert "example.org" not in text  # the units' internal contact addresses


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_url_shows_the_published_data(client, secrets, url):
    """The counterpart: the same pages do show public data, so the check above can fail."""
    text = readable_text(client.get(url))
    expected = {
        "/impressum/": "Friedrich-Ebert-Straße 79/81",
        "/datenschutz/": "LDA Brandenburg",
        "/barrierefreiheit/": "Durchsetzungsstelle für digitale Barrierefreiheit des Landes Brandenburg",
        "/leichte-sprache/": "Integrations-Konzept",
        "/offene-daten/": "umsetzungsstand",
        "/stellen/stelle-b/": "Mentoring aufbauen",
    }.get(url.split("?")[0], "Testkonzept" if "/stellen/" not in url else "Stelle A")
    if url.endswith((".csv", ".json", ".xlsx")) or url.endswith("massnahmen/1.1/"):
        expected = "Schulungen"
    if url == "/testkonzept/datapackage.json":
        expected = "Testkonzept"
    if url == "/sitemap.xml":
        expected = "/testkonzept/massnahmen/1.10/"
    assert expected in text


@pytest.mark.parametrize("url", HIDDEN_URLS)
def test_unpublished_things_are_not_found(client, secrets, url):
    response = client.get(url)
    assert response.status_code == 404
    # The address itself comes back in the language switch; no title or text of the hidden data does.
    assert f"{SECRET}-".casefold() not in response.content.decode().casefold()


def test_search_does_not_find_unpublished_measures(client, secrets):
    content = client.get("/testkonzept/massnahmen/", {"q": "entwurf"}).content.decode()
    assert "0 Maßnahmen" in content


def test_sitemap_lists_only_published_pages(client, secrets):
    content = client.get("/sitemap.xml").content.decode()
    for hidden in ("/testkonzept/massnahmen/1.5/", "/geheimes-konzept/", "/stellen/geheime-stelle/"):
        assert hidden not in content, hidden
    for public in ("/testkonzept/massnahmen/1.1/", "/en/testkonzept/ziele/2/", "/stellen/stelle-b/"):
        assert public in content, public
