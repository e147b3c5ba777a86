"""Constant SQL queries per page, small pages, cached summaries."""

import gzip
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.choices import Status
from measures.demo import generate_demo
from measures.models import Measure

from .conftest import publish_update

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/demo/",
    "/demo/massnahmen/",
    "/demo/massnahmen/?q=Schulungen&sortierung=stand&seite=1",
    "/demo/massnahmen/?sortierung=aktualisiert&seite=2",
    "/demo/massnahmen/1.2/",
    "/demo/handlungsfelder/1/",
    "/demo/ziele/1/",
    "/demo/aktuelles/",
    "/demo/aktuelles/feed/",
    "/stellen/",
    "/stellen/beispiel-fb-personal/",
    "/offene-daten/",
    "/impressum/",
]
EXPORTS = ["/demo/massnahmen.csv", "/demo/massnahmen.json", "/demo/massnahmen.xlsx"]
CSS = b"".join((Path(settings.BASE_DIR) / "static/css" / name).read_bytes() for name in ("site.css", "print.css"))


def _query_counts(client, urls):
    """SQL queries per URL: rendered from scratch, then served again from the page cache."""
    counts = {}
    for url in urls:
        for alias in settings.CACHES:
            caches[alias].clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as warm:
            client.get(url)
        counts[url] = (len(cold), len(warm))
    return counts


@pytest.fixture
def memory_cache(settings):
    """Caches outside the database, so that only the page's own queries are counted."""
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", "pages")
    }


@pytest.mark.parametrize("urls", [PAGES, EXPORTS], ids=["pages", "exports"])
def test_query_count_is_the_same_at_50_and_1000_measures(client, memory_cache, settings, urls):
    # Each count starts from emptied caches; a page this process held from the 50-measure
    # count would answer the 1,000-measure one (the test's writes never commit, so they do
    # not drop it as a committed write would).
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    generate_demo(measures=50)
    small = _query_counts(client, urls)
    generate_demo(measures=1000)
    assert Measure.objects.published().filter(concept__slug="demo").count() == 1000
    large = _query_counts(client, urls)
    assert large == small
    for url, (cold, warm) in small.items():
        assert cold <= 12, (url, cold)
        # Kept pages cost nothing; a free-text search is rendered anew every time.
        assert warm == (cold if "?q=" in url else 0), (url, warm)


def test_a_kept_page_costs_one_cache_read_and_nothing_else(client):
    """With the database cache: the public data version and the kept page, read together."""
    generate_demo(measures=50)
    for url in PAGES:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        if "?q=" in url:  # a free-text search is rendered every time, never kept
            assert len(queries) > 2, url
        else:
            assert [q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in queries] == ["django_cache_pages"], (
                url,
                [q["sql"] for q in queries],
            )


def test_what_a_visitor_downloads_per_public_page_stays_under_30_kb(client):
    """HTML and CSS as the site sends them (compressed: gzip for pages, brotli/gzip for static
    files), for a page of the 1,000-measure demo."""
    generate_demo(measures=1000)
    css = len(gzip.compress(CSS))
    for url in PAGES:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        if response["Content-Type"].startswith("text/html"):
            assert response["Content-Encoding"] == "gzip", url
            assert len(response.content) + css < 30 * 1024, (url, len(response.content), css)


def test_pages_need_no_javascript_and_set_no_cookies(client):
    generate_demo(measures=50)
    for url in PAGES:
        response = client.get(url)
        assert "<script" not in response.content.decode(), url
        assert not response.cookies, url


def test_data_change_invalidates_etag_and_cached_summary(client, world, django_capture_on_commit_callbacks):
    first = client.get("/testkonzept/")
    assert "zu <strong>1</strong> noch keine Meldung" in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)
    second = client.get("/testkonzept/", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "zu <strong>0</strong> noch keine Meldung" in second.content.decode()


def test_unchanged_data_serves_the_cached_summary(client, world):
    client.get("/testkonzept/")
    # Written behind the ORM's back: no signal, so the cached summary stays (as it should).
    Measure.objects.filter(code="1.10").update(status=Status.DONE)
    assert "zu <strong>1</strong> noch keine Meldung" in client.get("/testkonzept/?x=1").content.decode()
