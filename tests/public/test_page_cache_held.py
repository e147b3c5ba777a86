"""A page a server process has just read from the shared page cache is answered from that
process's memory for PAGE_CACHE_LOCAL_SECONDS, without a query (measures/public/cache.py;
bench/README.md shows why). Seen from the outside: queries per request, page content, time."""

import gzip
import time
from datetime import date

import pytest
from django.core.cache import caches
from django.utils import timezone

from measures.choices import Status
from measures.versions import CACHE, VERSION_KEY

from .conftest import publish_update

pytestmark = pytest.mark.django_db

NOT_YET_REPORTED = "zu <strong>{}</strong> noch keine Meldung"


def _version_moved_on_by_another_process():
    """What another server process does after its write committed: it stores a new version in
    the shared cache. This process learns of it only from the shared cache."""
    caches[CACHE].set(VERSION_KEY, timezone.now(), None)


def test_anonymous_visitor_gets_a_page_held_in_the_process_without_a_query(
    client, world, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60  # long enough for a slow machine
    rendered = client.get("/testkonzept/")  # rendered and stored in the shared cache
    from_shared_cache = client.get("/testkonzept/")  # one read of the shared cache, then held
    with django_assert_num_queries(0):
        held = client.get("/testkonzept/")
    assert held.status_code == 200
    assert held.content == from_shared_cache.content == rendered.content
    assert held["ETag"] == rendered["ETag"]
    with django_assert_num_queries(0):
        compressed = client.get("/testkonzept/", headers={"Accept-Encoding": "gzip"})
        plain_again = client.get("/testkonzept/")
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain_again.content == rendered.content
    assert not plain_again.has_header("Content-Encoding")
    # A browser or reverse proxy that revalidates is answered from the shared cache.
    with django_assert_num_queries(1):
        assert client.get("/testkonzept/", headers={"If-None-Match": held["ETag"]}).status_code == 304


def test_a_revalidating_browser_or_proxy_gets_another_process_change_at_once(
    client, world, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    client.get("/testkonzept/")
    held = client.get("/testkonzept/")
    with django_assert_num_queries(1):  # a date validator is not answered from memory either
        client.get("/testkonzept/", headers={"If-Modified-Since": held["Last-Modified"]})
    publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)
    _version_moved_on_by_another_process()
    assert NOT_YET_REPORTED.format(1) in client.get("/testkonzept/").content.decode()  # held
    revalidated = client.get("/testkonzept/", headers={"If-None-Match": held["ETag"]})
    assert revalidated.status_code == 200
    assert NOT_YET_REPORTED.format(0) in revalidated.content.decode()


def test_anonymous_visitor_sees_a_change_made_in_the_same_process_at_once(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    client.get("/testkonzept/")
    held = client.get("/testkonzept/")
    assert NOT_YET_REPORTED.format(1) in held.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)
    changed = client.get("/testkonzept/")
    assert NOT_YET_REPORTED.format(0) in changed.content.decode()


def test_anonymous_visitor_sees_another_process_change_after_the_held_seconds(client, world, settings):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0.5
    client.get("/testkonzept/")
    client.get("/testkonzept/")  # held from now on
    # Another process publishes a report and moves the shared version on.
    publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)
    _version_moved_on_by_another_process()
    moved_at = time.monotonic()
    still_held = client.get("/testkonzept/")
    if time.monotonic() - moved_at < settings.PAGE_CACHE_LOCAL_SECONDS:  # a slow machine may be past it
        assert NOT_YET_REPORTED.format(1) in still_held.content.decode()
    time.sleep(max(0.0, settings.PAGE_CACHE_LOCAL_SECONDS + 0.05 - (time.monotonic() - moved_at)))
    changed = client.get("/testkonzept/")
    assert changed.status_code == 200
    assert NOT_YET_REPORTED.format(0) in changed.content.decode()


def test_no_page_is_held_when_the_setting_is_zero(client, world, settings, django_assert_num_queries):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    client.get("/testkonzept/")
    client.get("/testkonzept/")
    with django_assert_num_queries(1):  # every request reads the shared cache
        assert client.get("/testkonzept/").status_code == 200
    publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)
    _version_moved_on_by_another_process()
    assert NOT_YET_REPORTED.format(0) in client.get("/testkonzept/").content.decode()


def test_a_visitor_with_cookies_never_gets_a_held_page(client, world, settings):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    client.get("/testkonzept/")
    client.get("/testkonzept/")  # held for visitors without cookies
    publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)
    _version_moved_on_by_another_process()
    assert NOT_YET_REPORTED.format(1) in client.get("/testkonzept/").content.decode()
    client.cookies["sprache"] = "de"  # any cookie: the page is rendered for this visitor
    page = client.get("/testkonzept/")
    assert NOT_YET_REPORTED.format(0) in page.content.decode()
    assert "private" in page["Cache-Control"]
