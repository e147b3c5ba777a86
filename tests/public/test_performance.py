"""Constant SQL queries per page, small pages, HTTP validators and cached summaries."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
CSS = sum(len((Path(settings.BASE_DIR) / "static/css" / name).read_bytes()) for name in ("site.css", "print.css"))


def _query_counts(client, urls):
    """SQL queries per URL: rendered from scratch, then served again from the page cache."""
    from measures.public.cache import forget_local_pages
    from measures.versions import forget_local_version

    counts = {}
    for url in urls:
        cache.clear()
        forget_local_version()
        forget_local_pages()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as warm:
            client.get(url)
        counts[url] = (len(cold), len(warm))
    return counts


@pytest.fixture
def memory_cache(settings):
    """A cache outside the database, so that only the page's own queries are counted."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.parametrize("urls", [PAGES, EXPORTS], ids=["pages", "exports"])
def test_query_count_is_the_same_at_50_and_1000_measures(client, memory_cache, urls):
    generate_demo(measures=50)
    small = _query_counts(client, urls)
    generate_demo(measures=1000)
    assert Measure.objects.published().filter(concept__slug="demo").count() == 1000
    large = _query_counts(client, urls)
    assert large == small
    for url, (cold, warm) in small.items():
        assert cold <= 12, (url, cold)
        assert warm == 0, (url, warm)  # served from the page cache


@pytest.mark.parametrize(("local_seconds", "in_process"), [(0, 1), (2, 0)])
def test_cached_page_costs_at_most_the_version_lookup(client, settings, local_seconds, in_process):
    from measures.public.cache import forget_local_pages
    from measures.versions import _store_new_version, forget_local_version

    settings.PUBLIC_VERSION_LOCAL_SECONDS = local_seconds
    generate_demo(measures=50)
    _store_new_version()  # what the commit of generate_demo does outside a test transaction
    for url in PAGES:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # The page comes from this process's memory; only the shared version may be asked for.
        assert len(queries) == in_process, url
        # Another process: it reads the data version and the page from the shared (database) cache.
        forget_local_version()
        forget_local_pages()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert len(queries) == 2, (url, [query["sql"] for query in queries])


def test_html_and_css_of_every_public_page_stay_under_60_kb(client):
    generate_demo(measures=1000)
    for url in PAGES:
        response = client.get(url)
        if response["Content-Type"].startswith("text/html"):
            assert len(response.content) + CSS < 60 * 1024, (url, len(response.content), CSS)


def test_pages_need_no_javascript_and_set_no_cookies(client):
    generate_demo(measures=50)
    for url in PAGES:
        response = client.get(url)
        assert "<script" not in response.content.decode(), url
        assert not response.cookies, url


def test_etag_and_last_modified_give_304(client, world):
    response = client.get("/testkonzept/")
    etag = response["ETag"]
    assert response["Last-Modified"]
    assert client.get("/testkonzept/", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/testkonzept/massnahmen/", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/en/testkonzept/", headers={"If-None-Match": etag}).status_code == 200


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


def test_change_is_visible_at_once_in_the_writing_process(client, world):
    assert "zu <strong>1</strong> noch keine Meldung" in client.get("/testkonzept/").content.decode()
    publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)  # not yet committed
    assert "zu <strong>0</strong> noch keine Meldung" in client.get("/testkonzept/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_other_processes_see_the_change_after_commit(client, world):
    from measures import versions as summaries

    client.get("/testkonzept/")
    before = cache.get(summaries.VERSION_KEY)
    with transaction.atomic():
        publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)
        # Several rows written, one shared write waiting for the commit.
        pending = [entry for entry in connection.run_on_commit if entry[1] is summaries._store_new_version]
        assert len(pending) == 1
        assert cache.get(summaries.VERSION_KEY) == before
    assert cache.get(summaries.VERSION_KEY) > before
    summaries.forget_local_version()  # as in another process
    assert "zu <strong>0</strong> noch keine Meldung" in client.get("/testkonzept/").content.decode()


def test_only_published_reports_change_the_public_data_version(world):
    """Drafts, submissions and returns show on no public page, so the cached pages stay valid;
    publishing, or a published report changed or deleted, makes them stale."""
    from measures.choices import UpdateState
    from measures.models import StatusUpdate
    from measures.versions import data_version

    measure = world["measures"][1]
    before = data_version()
    update = StatusUpdate.objects.create(measure=measure, reporting_date=date(2025, 9, 30), status=Status.PREPARATION)
    for state in (UpdateState.SUBMITTED, UpdateState.RETURNED, UpdateState.DRAFT):
        update.state = state
        update.save()
    StatusUpdate.objects.create(measure=measure, reporting_date=date(2025, 10, 1), status=Status.DONE).delete()
    assert data_version() == before

    update.state = UpdateState.PUBLISHED
    update.published_at = timezone.now()
    update.save()
    published = data_version()
    assert published > before
    update.state = UpdateState.DRAFT  # not what the workflow does, but a public change if it happened
    update.published_at = None
    update.save()
    assert data_version() > published
    withdrawn = data_version()
    update.delete()
    assert data_version() == withdrawn  # it was a draft again
    publish_update(measure, day=date(2025, 11, 1), status=Status.DONE).delete()
    assert data_version() > withdrawn


def test_legal_pages_stay_cached_when_a_report_is_published(client, world):
    from measures.public.cache import forget_local_pages

    legal, dashboard = client.get("/impressum/"), client.get("/testkonzept/")
    publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)
    forget_local_pages()  # as in another process: only the shared cache and the database count
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/impressum/", headers={"If-None-Match": legal["ETag"]})
    assert again.status_code == 304
    (version_lookup,) = queries  # the legal pages' own version, not the public data's
    assert "site-pages-version" in version_lookup["sql"]
    assert client.get("/testkonzept/", headers={"If-None-Match": dashboard["ETag"]}).status_code == 200


def test_a_changed_or_deleted_legal_page_shows_at_once(client, db):
    from measures.models import SitePage

    first = client.get("/impressum/")
    assert "Friedrich-Ebert-Straße 79/81" in first.content.decode()
    page = SitePage.objects.get(kind=SitePage.Kind.IMPRINT)
    page.body = "Neue Anschrift: Testweg 1"
    page.save()
    changed = client.get("/impressum/", headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert "Neue Anschrift: Testweg 1" in changed.content.decode()
    page.delete()
    deleted = client.get("/impressum/", headers={"If-None-Match": changed["ETag"]})
    assert deleted.status_code == 200
    assert "Testweg" not in deleted.content.decode()


def test_pages_are_shared_only_between_visitors_without_cookies(buero_client, world, settings):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import Client, RequestFactory

    settings.PUBLIC_VERSION_LOCAL_SECONDS = 2  # count only the page's own queries
    client = Client()  # buero_client is the ``client`` fixture, signed in
    client.get("/testkonzept/")
    with CaptureQueriesContext(connection) as anonymous:
        client.get("/testkonzept/")
    assert len(anonymous) == 0  # shared page from the cache
    with CaptureQueriesContext(connection) as staff:
        assert buero_client.get("/testkonzept/").status_code == 200
    assert any("measures_statusupdate" in query["sql"] for query in staff)  # rendered for this person
    # A visitor with a pending message sees it, and nobody else does afterwards.
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.INFO, "Nachricht nur für diese Person")
    response = client.get("/")
    storage.update(response)
    visitor = type(client)()
    visitor.cookies = response.cookies
    assert "Nachricht nur für diese Person" in visitor.get("/testkonzept/").content.decode()
    assert "Nachricht nur für diese Person" not in type(client)().get("/testkonzept/").content.decode()


def test_new_release_does_not_serve_pages_of_the_previous_one(client, world, monkeypatch):
    first = client.get("/testkonzept/")
    monkeypatch.setattr("measures.public.cache.RELEASE", "naechste-version")
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/testkonzept/", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert any("measures_statusupdate" in query["sql"] for query in queries)  # rendered anew


def _cache_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        return cursor.fetchone()[0]


def test_unknown_query_parameters_are_served_but_not_cached(client, world):
    from measures.public import cache as public_views

    public_views.forget_local_pages()
    filtered = client.get("/testkonzept/massnahmen/", {"stand": "umgesetzt"}).content.decode()
    client.get("/testkonzept/")
    entries, local = _cache_entries(), len(public_views._local_pages)
    for url in [
        "/testkonzept/?utm_source=x",
        "/testkonzept/massnahmen/?stand=umgesetzt&utm_source=newsletter",
        "/testkonzept/massnahmen/?stand=umgesetzt&stand=in_umsetzung",  # repeated
        "/testkonzept/?seite=2",  # the dashboard has no pages
        "/testkonzept/massnahmen.csv?seite=2",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert _cache_entries() == entries
    assert len(public_views._local_pages) == local
    # Still answered correctly: the junk parameter changes nothing but the links that carry it on.
    content = client.get("/testkonzept/massnahmen/?stand=umgesetzt&utm_source=x").content.decode()
    assert "1 Maßnahme gefunden" in content
    assert "Wohnungsvermittlung" in content
    assert "Testmaßnahme" not in content
    assert content.replace("&amp;utm_source=x", "") == filtered


def test_known_parameters_share_one_entry_in_any_order(client, world, settings):
    settings.PUBLIC_VERSION_LOCAL_SECONDS = 2  # count only the page's own queries
    client.get("/testkonzept/massnahmen/?sortierung=stand&stand=umgesetzt")
    entries = _cache_entries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/testkonzept/massnahmen/?stand=umgesetzt&sortierung=stand")
    assert len(queries) == 0  # served from this process's page store
    assert "1 Maßnahme gefunden" in response.content.decode()
    assert _cache_entries() == entries


def test_local_page_store_keeps_the_most_recently_used(monkeypatch):
    from measures.public import cache as public_views

    monkeypatch.setattr(public_views, "LOCAL_PAGES", 2)
    public_views.forget_local_pages()
    public_views._remember_locally("a", {"content": b"a"})
    public_views._remember_locally("b", {"content": b"b"})
    assert public_views._lookup_page("a") == {"content": b"a"}  # a used again: b is now the oldest
    public_views._remember_locally("c", {"content": b"c"})
    assert list(public_views._local_pages) == ["a", "c"]
    public_views.forget_local_pages()
