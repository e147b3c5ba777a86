"""What every site is asked for at its root: robots.txt, sitemap.xml, favicon.ico."""

from datetime import date

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from measures.choices import Status

from .conftest import publish_update

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://monitor.example"


def test_robots_txt_keeps_crawlers_off_staff_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/anmelden/", "/meine-massnahmen/", "/pruefung/", "/en/meine-massnahmen/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # the public site stays crawlable
    assert "Sitemap: https://monitor.example/sitemap.xml" in lines


def test_favicon_is_served_as_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICO header


def test_every_page_links_the_svg_favicon(client, world):
    content = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/icons/favicon.svg" type="image/svg+xml">' in content


def _sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return {
        url.find(f"{SITEMAP}loc").text: {
            "lastmod": url.find(f"{SITEMAP}lastmod").text if url.find(f"{SITEMAP}lastmod") is not None else None,
            "alternates": {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")},
        }
        for url in root.findall(f"{SITEMAP}url")
    }


def test_sitemap_lists_every_public_page_in_both_languages_with_lastmod(client, world):
    urls = _sitemap(client)
    base = "https://monitor.example"
    pages = ["/testkonzept/", "/testkonzept/massnahmen/", "/testkonzept/aktuelles/"]
    pages += [f"/testkonzept/massnahmen/{code}/" for code in ("1.1", "1.10", "2.1")]
    pages += ["/testkonzept/handlungsfelder/1/", "/testkonzept/handlungsfelder/2/"]
    pages += ["/testkonzept/ziele/1/", "/testkonzept/ziele/2/", "/stellen/stelle-a/", "/stellen/stelle-b/"]
    pages += ["/", "/stellen/", "/offene-daten/"]
    for page in pages:
        for url in (base + page, base + "/en" + page):
            assert url in urls, url
            assert urls[url]["lastmod"], url
        assert urls[base + page]["alternates"] == {
            "de": base + page,
            "en": base + "/en" + page,
            "x-default": base + page,
        }
    assert len(urls) == 2 * len(pages)
    # Every address resolves to a page that exists.
    for url in urls:
        assert client.get(url.removeprefix(base)).status_code == 200, url


def test_sitemap_lastmod_is_when_something_about_the_page_was_published(
    client, world, django_capture_on_commit_callbacks
):
    measure = world["measures"][0]  # reports published on 30.9.2024 and 31.3.2025
    urls = _sitemap(client)
    assert urls["https://monitor.example/testkonzept/massnahmen/1.1/"]["lastmod"] == "2025-03-31"
    # Field of action 2 shows 2.1 only, whose report was published on 30.6.2025.
    assert urls["https://monitor.example/testkonzept/handlungsfelder/2/"]["lastmod"] == "2025-06-30"
    # 1.10 has no report: it counts from its creation (today), for its field and the concept.
    today = timezone.localdate().isoformat()
    assert urls["https://monitor.example/testkonzept/massnahmen/1.10/"]["lastmod"] == today
    assert urls["https://monitor.example/testkonzept/handlungsfelder/1/"]["lastmod"] == today
    assert urls["https://monitor.example/testkonzept/"]["lastmod"] == today
    # Publishing a new report moves the date on.
    with django_capture_on_commit_callbacks(execute=True):
        publish_update(measure, day=date(2026, 2, 2), status=Status.IN_PROGRESS, progress=50)
    urls = _sitemap(client)
    assert urls["https://monitor.example/testkonzept/massnahmen/1.1/"]["lastmod"] == "2026-02-02"
