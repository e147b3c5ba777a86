"""The public data version: when anything the public sees last changed.

Every write to the public data bumps one "last change" value in Django's cache (signals,
connected in ``MeasuresConfig.ready``). That value keys the cached summaries and the HTTP
validators (ETag, Last-Modified) of the public pages, so nothing stale is ever served and
nothing needs to be deleted explicitly.
"""

import hashlib
import time
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .choices import UpdateState

VERSION_KEY = "umsetzungsmonitor:public-data-version"
SITE_PAGES_VERSION_KEY = "umsetzungsmonitor:site-pages-version"


def _release_fingerprint() -> str:
    """A hash of the code, templates, styles and translations this process runs with.

    Part of every cache key and ETag: after a deployment nothing rendered or computed by
    the previous release is served, even though the data did not change.
    """
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    patterns = ["measures/**/*.py", "integration/*.py", "templates/**/*.html", "static/css/*.css", "locale/**/*.mo"]
    for path in sorted(p for pattern in patterns for p in base.glob(pattern)):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = _release_fingerprint()
SUMMARY_TIMEOUT = 60 * 60 * 24


# A process may remember the version it last read for PUBLIC_VERSION_LOCAL_SECONDS, so that a
# cached page costs no query at all. A change made in the same process is seen at once (the
# receivers below move the remembered value on); one made in another process only after that
# time. The default 0 asks the shared cache on every request: with several application servers
# a change is visible on all of them at once.
class SharedVersion:
    """When something public last changed: a timestamp in the shared cache under ``key``."""

    def __init__(self, key: str):
        self.key = key
        self.local: datetime | None = None
        self.read_at = 0.0
        self.store = self._store  # one object, so that bump() finds its pending on_commit callback

    def forget(self):
        self.local = None

    def get(self) -> datetime:
        now = time.monotonic()
        local = self.local
        if local is not None and now - self.read_at < settings.PUBLIC_VERSION_LOCAL_SECONDS:
            return local
        version = cache.get(self.key)
        if version is None:
            version = timezone.now()
            # add(): of several processes starting at once, the first one's value wins.
            cache.add(self.key, version, None)
            version = cache.get(self.key) or version
        if local is not None and local > version:
            # This process changed data whose commit has not reached the shared value yet.
            version = local
        self.local, self.read_at = version, now
        return version

    def _store(self):
        cache.set(self.key, timezone.now(), None)
        self.forget()

    def bump(self, using=None):
        """This process sees a new version at once (also inside the writing transaction, as
        tests do); all processes see it when the transaction commits. One shared write per
        transaction, however many rows it touches."""
        previous = self.local
        now = timezone.now()
        if previous is not None and now <= previous:
            now = previous + timedelta(microseconds=1)
        self.local, self.read_at = now, time.monotonic()
        connection = transaction.get_connection(using)
        if not any(callback is self.store for _sids, callback, _robust in connection.run_on_commit):
            transaction.on_commit(self.store, using=using)


# Everything public: concepts, fields, goals, units, measures and their published updates.
PUBLIC_DATA = SharedVersion(VERSION_KEY)
# The legal pages (Impressum, Datenschutz, …), which show nothing else.
SITE_PAGES = SharedVersion(SITE_PAGES_VERSION_KEY)
_store_new_version = PUBLIC_DATA.store


def forget_local_version():
    PUBLIC_DATA.forget()
    SITE_PAGES.forget()


def data_version() -> datetime:
    """When public data last changed (see PUBLIC_VERSION_LOCAL_SECONDS above)."""
    return PUBLIC_DATA.get()


def site_pages_version() -> datetime:
    """When a legal page last changed."""
    return SITE_PAGES.get()


def bump_data_version(using=None, **kwargs):
    """Signal receiver: the public data changed."""
    PUBLIC_DATA.bump(using=using)


def bump_site_pages_version(using=None, **kwargs):
    """Signal receiver: a legal page changed."""
    SITE_PAGES.bump(using=using)


def remember_published_state(sender, instance, raw=False, **kwargs):
    """pre_save receiver for StatusUpdate: was the stored update published before this save?"""
    instance._was_published = (
        not raw
        and instance.pk is not None
        and instance.state != UpdateState.PUBLISHED
        and sender._default_manager.filter(pk=instance.pk, state=UpdateState.PUBLISHED).exists()
    )


# Only published status updates are public: writing a draft, submitting or returning a report
# changes no public page, so the public caches stay valid (reporters write far more often than
# the Büro publishes).
def bump_data_version_for_saved_update(sender, instance, using=None, **kwargs):
    """post_save receiver for StatusUpdate: it is published, or was until this save."""
    if instance.state == UpdateState.PUBLISHED or instance.__dict__.pop("_was_published", False):
        bump_data_version(using=using)


def bump_data_version_for_deleted_update(sender, instance, using=None, **kwargs):
    """post_delete receiver for StatusUpdate."""
    if instance.state == UpdateState.PUBLISHED:
        bump_data_version(using=using)
