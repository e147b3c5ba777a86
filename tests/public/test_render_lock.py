"""After a change of the public data, a page is rendered once, not once per application process.

The first request for a page that is not cached takes a render lock in the shared cache; a
request for the same page that finds the lock taken waits for the page instead of rendering
it again, but never for long, and never for a page that is not coming (a 404, an error).
"""

import pytest
from django.core.cache import cache

from measures.public import cache as public_views

pytestmark = pytest.mark.django_db

PAGE = "/testkonzept/massnahmen/"


@pytest.fixture
def page_keys(monkeypatch):
    """The page-cache keys the requests of a test looked up, in order."""
    keys = []
    original = public_views._render_lock

    def spy(key):
        keys.append(key)
        return original(key)

    monkeypatch.setattr(public_views, "_render_lock", spy)
    return keys


def _forget(key):
    cache.delete(key)
    public_views.forget_local_pages()


def test_the_first_request_renders_and_keeps_the_lock_until_it_expires(client, world, page_keys):
    response = client.get(PAGE)
    assert response.status_code == 200
    (key,) = page_keys
    assert cache.get(key)["content"] == response.content
    assert cache.get(public_views._render_lock(key)) is not None  # expires with RENDER_LOCK_SECONDS


def test_a_page_rendered_elsewhere_is_waited_for_and_not_rendered_again(client, world, page_keys, monkeypatch):
    client.get(PAGE)
    (key,) = page_keys
    _forget(key)  # as in a process that has not seen the page yet
    cache.set(public_views._render_lock(key), 1)  # another process is rendering it

    def other_process_finishes(_seconds):
        cache.set(key, {"content": b"<p>von einem anderen Prozess</p>", "headers": {}})

    monkeypatch.setattr(public_views, "sleep", other_process_finishes)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.content == b"<p>von einem anderen Prozess</p>"


def test_nobody_waits_once_the_other_process_gives_up(client, world, page_keys, monkeypatch):
    client.get(PAGE)
    (key,) = page_keys
    _forget(key)
    cache.set(public_views._render_lock(key), 1)
    waits = []

    def other_process_gives_up(seconds):
        waits.append(seconds)
        cache.delete(public_views._render_lock(key))

    monkeypatch.setattr(public_views, "sleep", other_process_gives_up)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Maßnahmen" in response.content.decode()  # rendered here
    assert len(waits) == 1


def test_nobody_waits_longer_than_the_limit(client, world, page_keys, monkeypatch):
    client.get(PAGE)
    (key,) = page_keys
    _forget(key)
    cache.set(public_views._render_lock(key), 1)  # held by a process that hangs
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    monkeypatch.setattr(public_views, "sleep", sleep)
    monkeypatch.setattr(public_views, "monotonic", lambda: now[0])
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Maßnahmen" in response.content.decode()
    assert now[0] == pytest.approx(public_views.RENDER_WAIT_SECONDS)


def test_a_page_that_is_not_found_releases_the_lock(client, world, page_keys):
    assert client.get("/testkonzept/massnahmen/99.99/").status_code == 404
    (key,) = page_keys
    assert cache.get(public_views._render_lock(key)) is None
    assert cache.get(key) is None


def test_a_request_that_did_not_take_the_lock_leaves_it_alone(client, world, page_keys, monkeypatch):
    assert client.get("/testkonzept/massnahmen/99.99/").status_code == 404
    (key,) = page_keys
    lock = public_views._render_lock(key)
    cache.set(lock, 1)  # another process renders this address
    now = [0.0]
    monkeypatch.setattr(public_views, "sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    monkeypatch.setattr(public_views, "monotonic", lambda: now[0])
    assert client.get("/testkonzept/massnahmen/99.99/").status_code == 404
    assert cache.get(lock) == 1  # still the other process's
