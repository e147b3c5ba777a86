"""HTTP caching of the public pages: validators, Cache-Control, the shared page cache and the
public data version, seen from the outside (requests, headers, database rows), never from
private internals."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from measures.choices import Status, UpdateState
from measures.models import SitePage, StatusUpdate
from measures.reporting.workflow import status_update_return, status_update_review_publish, status_update_save

from .conftest import publish_update

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/testkonzept/",
    "/testkonzept/massnahmen/",
    "/testkonzept/massnahmen/1.1/",
    "/testkonzept/handlungsfelder/1/",
    "/testkonzept/ziele/1/",
    "/testkonzept/aktuelles/",
    "/testkonzept/aktuelles/feed/",
    "/testkonzept/massnahmen.csv",
    "/testkonzept/massnahmen.json",
    "/testkonzept/massnahmen.xlsx",
    "/stellen/",
    "/stellen/stelle-a/",
    "/offene-daten/",
    "/impressum/",
    "/en/testkonzept/",
    "/testkonzept/massnahmen.semikolon.csv",
    "/testkonzept/datapackage.json",
    "/testkonzept/indikatoren/",
    "/testkonzept/indikatoren.csv",
    "/testkonzept/indikatorwerte.json",
    "/testkonzept/einbetten/",
    "/testkonzept/handlungsfelder/1/einbetten/",
    "/testkonzept/massnahmen/1.1/einbetten/",
    "/sitemap.xml",
    "/dcat/catalog.ttl",
    "/dcat/catalog.jsonld",
]


def _kept_pages() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache_pages WHERE cache_key LIKE '%%:page:%%'")
        return cursor.fetchone()[0]


def _dashboard_counts(client, **headers):
    return client.get("/testkonzept/", headers=headers)


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_anonymous_gets_a_public_page_that_caches_revalidate(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].split(", ") == ["public", "max-age=0", "must-revalidate", "s-maxage=10"]
    assert response["ETag"] and response["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304


@pytest.mark.parametrize("url", ["/testkonzept/", "/testkonzept/massnahmen.csv", "/impressum/"])
def test_buero_gets_public_pages_that_no_shared_cache_keeps(buero_client, world, url):
    response = buero_client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_the_shared_cache_seconds_come_from_the_settings(client, world, settings):
    settings.PUBLIC_SHARED_CACHE_SECONDS = 3
    assert "s-maxage=3" in client.get("/testkonzept/")["Cache-Control"]


def test_a_different_address_or_language_has_its_own_etag(client, world):
    etag = client.get("/testkonzept/")["ETag"]
    assert client.get("/testkonzept/massnahmen/", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/en/testkonzept/", headers={"If-None-Match": etag}).status_code == 200


def test_a_changed_impressum_is_never_shown_stale(client, db, django_capture_on_commit_callbacks):
    first = client.get("/impressum/")
    assert "Friedrich-Ebert-Straße 79/81" in first.content.decode()
    page = SitePage.objects.get(kind=SitePage.Kind.IMPRINT)
    with django_capture_on_commit_callbacks(execute=True):
        page.body = "Neue Anschrift: Testweg 1"
        page.save()
    changed = client.get("/impressum/", headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert "Neue Anschrift: Testweg 1" in changed.content.decode()


def test_a_kept_page_is_answered_before_sessions_auth_messages_history_and_axes(client, world, monkeypatch):
    assert client.get("/testkonzept/").status_code == 200  # rendered and kept

    def refuse(*args, **kwargs):
        raise AssertionError("a kept page must not reach this middleware")

    for target in (
        "django.contrib.sessions.middleware.SessionMiddleware.process_request",
        "django.contrib.auth.middleware.AuthenticationMiddleware.process_request",
        "django.contrib.messages.middleware.MessageMiddleware.process_request",
        "simple_history.middleware.HistoryRequestMiddleware.__call__",
        "axes.middleware.AxesMiddleware.__call__",
        "django.middleware.csrf.CsrfViewMiddleware.process_request",
    ):
        monkeypatch.setattr(target, refuse)
    kept = Client().get("/testkonzept/")
    assert kept.status_code == 200
    assert "Testkonzept" in kept.content.decode()
    # What the middleware around the page gave it is kept with it.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "ETag", "Cache-Control"):
        assert kept.has_header(header), header
    assert kept["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware runs on every response


def test_publishing_shows_on_the_public_pages_once_committed(client, world, django_capture_on_commit_callbacks):
    first = client.get("/testkonzept/")
    assert "zu <strong>1</strong> noch keine Meldung" in first.content.decode()
    publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION)
    # Not committed yet: no page may claim to show it (it could still roll back).
    assert client.get("/testkonzept/", headers={"If-None-Match": first["ETag"]}).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        publish_update(world["measures"][2], day=date(2025, 9, 30), status=Status.DONE)
    second = client.get("/testkonzept/", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert "zu <strong>0</strong> noch keine Meldung" in second.content.decode()


def _while_rendering(template_name, visit):
    """Calls ``visit`` once, in the middle of the first rendering of ``template_name``: a second
    visitor arriving while the first one's request renders the page."""
    seen = []

    def receiver(sender, template, **kwargs):
        if not seen and template.name == template_name:
            seen.append(visit())

    template_rendered.connect(receiver)
    return seen, lambda: template_rendered.disconnect(receiver)


def test_visitors_arriving_while_a_changed_page_renders_get_the_previous_one(
    client, world, django_capture_on_commit_callbacks
):
    before = client.get("/testkonzept/")
    assert "zu <strong>1</strong> noch keine Meldung" in before.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.DONE)

    meanwhile, stop = _while_rendering("measures/public/dashboard.html", lambda: Client().get("/testkonzept/"))
    try:
        first_after = client.get("/testkonzept/")
    finally:
        stop()
    # The first visitor after the publication renders and gets the new page ...
    assert first_after["ETag"] != before["ETag"]
    assert "zu <strong>0</strong> noch keine Meldung" in first_after.content.decode()
    # ... the one who came while it rendered got the previous page rather than rendering it too ...
    assert meanwhile[0].status_code == 200
    assert meanwhile[0]["ETag"] == before["ETag"]
    assert "zu <strong>1</strong> noch keine Meldung" in meanwhile[0].content.decode()
    # ... and everybody after that gets the new one, kept.
    later = Client().get("/testkonzept/")
    assert later["ETag"] == first_after["ETag"]
    assert "zu <strong>0</strong> noch keine Meldung" in later.content.decode()


def test_a_withdrawn_measure_is_not_served_from_its_kept_page(client, world, django_capture_on_commit_callbacks):
    measure = world["measures"][0]
    path = f"/testkonzept/massnahmen/{measure.code}/"
    assert client.get(path).status_code == 200  # kept
    with django_capture_on_commit_callbacks(execute=True):
        measure.published = False
        measure.save()
    assert client.get(path).status_code == 404
    # The first request after the change rendered the 404; the next visitor must not get the
    # kept copy of the published page (the render claim for this version is still taken).
    second = Client().get(path)
    assert second.status_code == 404
    assert measure.title not in second.content.decode()


def test_drafts_submissions_and_returns_leave_kept_pages_valid(
    client, world, reporter_a, buero_user, django_capture_on_commit_callbacks
):
    etag = client.get("/testkonzept/")["ETag"]
    measure = world["measures"][0]
    with django_capture_on_commit_callbacks(execute=True):
        update = StatusUpdate(measure=measure, reporting_date=date(2025, 9, 30), status=Status.PREPARATION)
        status_update_save(update=update, user=reporter_a)
        status_update_save(update=update, user=reporter_a, submit=True)
        status_update_return(update=update, reviewer=buero_user, comment="Bitte ergänzen.")
        status_update_save(update=update, user=reporter_a, submit=True)
    assert client.get("/testkonzept/", headers={"If-None-Match": etag}).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        status_update_review_publish(update=update, reviewer=buero_user)
    assert client.get("/testkonzept/", headers={"If-None-Match": etag}).status_code == 200
    assert StatusUpdate.objects.get(pk=update.pk).state == UpdateState.PUBLISHED


def test_migrate_starts_a_new_version_so_a_new_release_serves_nothing_old(client, world):
    first = client.get("/testkonzept/")
    call_command("migrate", verbosity=0)
    second = client.get("/testkonzept/", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]


def test_unknown_repeated_and_free_text_parameters_are_answered_but_not_kept(client, world):
    filtered = client.get("/testkonzept/massnahmen/", {"stand": "umgesetzt"}).content.decode()
    kept = _kept_pages()
    for url in [
        "/testkonzept/?utm_source=x",
        "/testkonzept/massnahmen/?stand=umgesetzt&utm_source=newsletter",
        "/testkonzept/massnahmen/?stand=umgesetzt&stand=in_umsetzung",
        "/testkonzept/?seite=2",  # the dashboard has no pages
        "/testkonzept/massnahmen.csv?seite=2",
        "/testkonzept/massnahmen/?q=Schulung",
        "/testkonzept/massnahmen/?q=Wohnung&sortierung=stand",
        "/testkonzept/massnahmen.json?q=Schulung",
    ]:
        assert client.get(url).status_code == 200, url
    assert _kept_pages() == kept
    content = client.get("/testkonzept/massnahmen/?stand=umgesetzt&utm_source=x").content.decode()
    assert "1 Maßnahme gefunden" in content and "Wohnungsvermittlung" in content
    assert content.replace("&amp;utm_source=x", "") == filtered


def test_an_empty_search_is_an_ordinary_page(client, world):
    client.get("/testkonzept/massnahmen/?q=")
    assert _kept_pages() == 1


def test_known_parameters_share_one_kept_page_in_any_order(client, world):
    client.get("/testkonzept/massnahmen/?sortierung=stand&stand=umgesetzt")
    kept = _kept_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/testkonzept/massnahmen/?stand=umgesetzt&sortierung=stand")
    assert "1 Maßnahme gefunden" in response.content.decode()
    assert len(queries) == 1  # the version and the kept page, read together
    assert _kept_pages() == kept


def test_each_host_and_scheme_has_its_own_kept_page(client, world, settings):
    settings.ALLOWED_HOSTS = ["monitor.example", "andere.example"]
    client.get("/testkonzept/massnahmen.json", HTTP_HOST="monitor.example")
    client.get("/testkonzept/massnahmen.json", HTTP_HOST="andere.example")
    client.get("/testkonzept/massnahmen.json", HTTP_HOST="andere.example", secure=True)
    assert _kept_pages() == 3


def test_visitors_pages_do_not_share_a_table_with_sessions_and_previews(client, world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        before = cursor.fetchone()[0]
    for url in PUBLIC_URLS:
        client.get(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        after = cursor.fetchone()[0]
    assert _kept_pages() == len(PUBLIC_URLS)
    assert after - before <= 1  # the concept's summary, no page


def test_staff_and_visitors_with_a_message_get_their_own_page(buero_client, world):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    anonymous = Client()
    anonymous.get("/testkonzept/")
    anonymous.get("/")
    kept = _kept_pages()
    staff_page = buero_client.get("/testkonzept/").content.decode()
    assert "Abmelden" in staff_page
    assert "Abmelden" not in anonymous.get("/testkonzept/").content.decode()
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.INFO, "Nachricht nur für diese Person")
    response = anonymous.get("/")
    storage.update(response)
    visitor = Client()
    visitor.cookies = response.cookies
    assert "Nachricht nur für diese Person" in visitor.get("/testkonzept/").content.decode()
    assert "Nachricht nur für diese Person" not in Client().get("/testkonzept/").content.decode()
    assert _kept_pages() == kept


@pytest.mark.parametrize("method", ["post", "put", "delete", "trace"])
def test_public_pages_answer_only_get_and_head(client, world, method):
    response = getattr(client, method)("/testkonzept/massnahmen/")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert client.head("/testkonzept/massnahmen/").status_code == 200


def test_pages_are_kept_whatever_language_the_last_request_left_active(client, world):
    from django.utils import translation

    translation.activate("en")  # as a worker thread is left after serving an English page
    client.get("/testkonzept/")
    translation.activate("de")
    client.get("/en/testkonzept/")
    assert _kept_pages() == 2


def test_an_unreadable_cache_never_takes_a_page_down(client, world, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("Cache nicht erreichbar")

    monkeypatch.setattr("measures.public.cache.versioned_get", broken)
    response = client.get("/stellen/")
    assert response.status_code == 200
    assert "Stelle A" in response.content.decode()
    assert "Page cache not readable" in caplog.text


def test_a_kept_page_goes_out_compressed_to_browsers_and_plain_to_others(client, world):
    import gzip

    rendered = client.get("/testkonzept/").content  # rendered, kept
    compressed = client.get("/testkonzept/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert compressed["ETag"].startswith('W/"')
    assert int(compressed["Content-Length"]) == len(compressed.content)
    assert gzip.decompress(compressed.content) == rendered
    plain = client.get("/testkonzept/")
    assert not plain.has_header("Content-Encoding")
    assert plain.content == rendered
    assert client.get("/testkonzept/", headers={"If-None-Match": compressed["ETag"]}).status_code == 304
    client.get("/testkonzept/massnahmen.xlsx")  # rendered, kept
    xlsx = client.get("/testkonzept/massnahmen.xlsx", headers={"Accept-Encoding": "gzip"})
    assert not xlsx.has_header("Content-Encoding")  # a zip archive gains nothing from gzip


def test_every_public_address_is_a_public_page_or_a_fixed_file():
    """No public view without validators and Cache-Control: each pattern of the public wing is a
    ``public_page`` (data behind it) or one of the fixed files with their own long lifetime."""
    from django.urls import URLResolver

    from measures.public import urls

    fixed = {"robots_txt", "favicon_ico"}

    def patterns(resolver_patterns):
        for pattern in resolver_patterns:
            if isinstance(pattern, URLResolver):
                yield from patterns(pattern.url_patterns)
            else:
                yield pattern

    found = list(patterns(urls.urlpatterns))
    assert len(found) > 20
    for pattern in found:
        if pattern.callback.__name__ in fixed:
            continue
        assert hasattr(pattern.callback, "public_page"), pattern.name


@pytest.mark.parametrize("url", ["/robots.txt", "/favicon.ico"])
def test_fixed_files_are_public_with_a_long_lifetime(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
