"""The Atom feed meets RFC 4287 and never turns a reporter's text into markup."""

from datetime import date, datetime

import pytest
from defusedxml import ElementTree

from measures.choices import Status

from .conftest import publish_update

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URL = "/testkonzept/aktuelles/feed/"


def _feed(client, **headers):
    response = client.get(FEED_URL, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def _is_rfc3339(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None


def test_feed_has_every_element_rfc_4287_requires(client, world, settings):
    settings.SITE_URL = "https://monitor.example"
    feed = _feed(client)
    assert feed.tag == f"{ATOM}feed"
    # atom:feed: exactly one id, title and updated; an author (no entry has its own); a self link.
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert feed.find(f"{ATOM}id").text == "https://monitor.example/testkonzept/aktuelles/feed/"
    assert _is_rfc3339(feed.find(f"{ATOM}updated").text)
    author = feed.find(f"{ATOM}author")
    assert author.find(f"{ATOM}name").text == "Landeshauptstadt Potsdam, Büro für Chancengleichheit und Vielfalt"
    assert author.find(f"{ATOM}email").text == "chancengleichheit@rathaus.potsdam.de"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "https://monitor.example/testkonzept/aktuelles/feed/"
    assert links["alternate"] == "https://monitor.example/testkonzept/aktuelles/"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    ids = []
    for entry in entries:
        # atom:entry: exactly one id, title and updated; an alternate link (there is no content).
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert _is_rfc3339(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link").get("href").startswith("https://monitor.example/testkonzept/massnahmen/")
        assert entry.find(f"{ATOM}summary").get("type") == "text"
        ids.append(entry.find(f"{ATOM}id").text)
    assert len(set(ids)) == 3
    assert all(entry_id.startswith("tag:www.potsdam.de,") for entry_id in ids)


def test_entry_ids_stay_the_same_across_hosts_and_renumbering(client, world, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    before = [entry.find(f"{ATOM}id").text for entry in _feed(client).findall(f"{ATOM}entry")]
    other_host = [
        entry.find(f"{ATOM}id").text for entry in _feed(client, HTTP_HOST="other.example").findall(f"{ATOM}entry")
    ]
    assert other_host == before
    measure = world["measures"][2]
    measure.code = "2.7"
    measure.save()
    after = [entry.find(f"{ATOM}id").text for entry in _feed(client).findall(f"{ATOM}entry")]
    assert after == before


def test_reporters_text_cannot_inject_markup_into_the_feed(client, world):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & <b>fett</b>'
    publish_update(world["measures"][1], day=date(2025, 9, 30), status=Status.PREPARATION, text=hostile)
    feed = _feed(client)
    # No element of the feed is script, img or b: the text is character data only.
    allowed = ("feed", "title", "subtitle", "link", "id", "updated", "author", "name", "email", "uri")
    allowed += ("entry", "published", "summary")
    assert {element.tag for element in feed.iter()} <= {f"{ATOM}{name}" for name in allowed}
    summaries = [entry.find(f"{ATOM}summary") for entry in feed.findall(f"{ATOM}entry")]
    hostile_summary = next(summary for summary in summaries if "alert" in summary.text)
    # type="text": a feed reader shows the characters, it does not render them.
    assert hostile_summary.get("type") == "text"
    assert hostile_summary.text.endswith(hostile)
    assert all(summary.get("type") == "text" for summary in summaries)
