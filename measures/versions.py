"""The public data version: when anything the public sees last changed.

One timestamp in the shared cache. Every write that changes public data moves it on when its
transaction commits: signal receivers (connected in ``MeasuresConfig.ready``) for saves and
deletes through the ORM, and one explicit ``bump_data_version()`` after bulk writes (import,
demo generator); within ``bumps_once()`` (the import) many saves make one bump. ``migrate``
moves it on too, because a deployment runs it: no page rendered by the previous release is
served afterwards.

The version is part of every public page's ETag and Last-Modified and of the cached pages and
summaries (measures/public/cache.py, summaries.py), so nothing stale is served and nothing ever
needs deleting. Only after commit: a page rendered from data that may still roll back must
never be stored under a version that claims to include it.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.utils import timezone

from .choices import UpdateState

VERSION_KEY = "umsetzungsmonitor:public-data-version"
# The version lives with the pages it validates: a kept page and the version are read together.
CACHE = "pages"


def data_version() -> datetime:
    """When the public data last changed. The one way to read the version."""
    return versioned_get(caches[CACHE])[0]


def versioned_get(cache, key: str | None = None):
    """``(version, value of key)`` from ``cache`` in one read (``value`` None when ``key`` is None
    or nothing is kept under it). Used by the page cache, for which every query counts."""
    found = cache.get_many([VERSION_KEY, key] if key else [VERSION_KEY])
    version = found.get(VERSION_KEY)
    if version is None:
        # First use, or the cache was emptied: start a version. add(): of several processes
        # starting at once, the first one's value wins.
        cache.add(VERSION_KEY, timezone.now(), None)
        version = cache.get(VERSION_KEY) or timezone.now()
    return version, found.get(key) if key else None


# How often this process stored a new version. A page a process holds in its own memory
# (measures/public/cache.py) is dropped as soon as this changes: what a process itself wrote
# shows on its next page at once; what other processes wrote, after a second at most.
_changes_here = 0


def changes_in_this_process() -> int:
    """A number that moves on whenever this process moves the public data version on."""
    return _changes_here


def _store_new_version():
    global _changes_here
    _changes_here += 1
    caches[CACHE].set(VERSION_KEY, timezone.now(), None)


# Set while an import writes: the bumps its saves request, made once at the end (``bumps_once``).
_REQUESTED = ContextVar("public_version_bumps_requested", default=None)


def bump_data_version(using=None, **kwargs):
    """The public data changed: a new version from the moment the transaction commits (at once
    outside a transaction). Usable as a signal receiver."""
    requested = _REQUESTED.get()
    if requested is not None:
        requested.append(using)
        return
    transaction.on_commit(_store_new_version, using=using)


@contextmanager
def bumps_once():
    """Saves within move the version on once, when the block ends, not once per save: an import
    saves hundreds of rows one by one in one transaction, and each bump would write the version
    after the commit, each write a commit of its own. Nothing saved, nothing bumped."""
    requested = []
    token = _REQUESTED.set(requested)
    try:
        yield
    finally:
        _REQUESTED.reset(token)
    for using in dict.fromkeys(requested):
        bump_data_version(using=using)


def bump_for_status_update(sender, instance, using=None, **kwargs):
    """post_save/post_delete receiver for StatusUpdate: only a published report is public.
    Drafts, submissions and returns, which reporters write far more often than the Büro
    publishes, leave the public caches valid. (A published report stays published: the
    workflow has no transition out of that state.)"""
    if instance.state == UpdateState.PUBLISHED:
        bump_data_version(using=using)


def bump_after_migrate(**kwargs):
    """post_migrate receiver: a deployment never serves what the previous release rendered."""
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves any outer transaction usable
            _store_new_version()
    except DatabaseError:
        # The first `migrate` of a new installation runs before `createcachetable`: there is no
        # cache yet, so nothing rendered before can be served.
        pass
