"""Computed figures of the public site, cached until the data changes.

Every write to the public data bumps one "last change" value in Django's cache (signals,
connected in ``MeasuresConfig.ready``). That value keys the cached summaries and the HTTP
validators (ETag, Last-Modified) of the public pages, so nothing stale is ever served and
nothing needs to be deleted explicitly.
"""

import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from .choices import Ampel, Status, UpdateState

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

# Symbols that accompany every status and Ampel label, so that no meaning hangs on colour.
STATUS_ICONS = {
    Status.NO_REPORT: "?",
    Status.NOT_STARTED: "○",
    Status.PREPARATION: "◔",
    Status.IN_PROGRESS: "◑",
    Status.DONE: "●",
    Status.PERMANENT: "◉",
    Status.POSTPONED: "‖",
    Status.DROPPED: "✕",
}
AMPEL_ICONS = {
    Ampel.UNSPECIFIED: "–",
    Ampel.ON_TRACK: "✓",
    Ampel.AT_RISK: "!",
    Ampel.DELAYED: "✕",
}


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


@dataclass(frozen=True)
class Share:
    """One category of a chart: its value, label, symbol, count and share of the total."""

    value: str
    label: str
    icon: str
    count: int
    percent: float
    offset: float

    @property
    def percent_text(self) -> str:
        # For SVG attributes: always a dot as decimal separator, whatever the locale.
        return f"{self.percent:.2f}"

    @property
    def offset_text(self) -> str:
        return f"{self.offset:.2f}"

    @property
    def rounded_percent(self) -> int:
        return round(self.percent)


def shares(counts: dict, choices, icons) -> list[Share]:
    """Every category of ``choices`` in its defined order, also those with no measure."""
    total = sum(counts.values())
    result, offset = [], 0.0
    for choice in choices:
        count = counts.get(choice.value, 0)
        percent = 100 * count / total if total else 0.0
        result.append(Share(choice.value, choice.label, icons[choice], count, percent, offset))
        offset += percent
    return result


def status_shares(counts: dict) -> list[Share]:
    return shares(counts, Status, STATUS_ICONS)


def ampel_shares(counts: dict) -> list[Share]:
    return shares(counts, Ampel, AMPEL_ICONS)


def _compute_concept_summary(concept) -> dict:
    from .models import Measure

    public = Measure.objects.published().filter(concept=concept)
    status_by_field, status_counts, ampel_counts = {}, Counter(), Counter()
    rows = public.values("field_of_action__number", "field_of_action__title", "status", "ampel").annotate(n=Count("pk"))
    fields = {}
    for row in rows:
        number = row["field_of_action__number"]
        fields[number] = row["field_of_action__title"]
        status_by_field.setdefault(number, Counter())[row["status"]] += row["n"]
        status_counts[row["status"]] += row["n"]
        ampel_counts[row["ampel"]] += row["n"]
    # Fields and goals without any public measure still belong on the dashboard.
    for number, title in concept.fields_of_action.values_list("number", "title"):
        fields.setdefault(number, title)
    goals, status_by_goal = {}, {}
    for number, title in concept.goals.values_list("number", "title"):
        goals[number] = title
    goal_rows = public.filter(goals__isnull=False).values("goals__number", "status").annotate(n=Count("pk"))
    for row in goal_rows:
        status_by_goal.setdefault(row["goals__number"], Counter())[row["status"]] += row["n"]
    from .models import MeasureResponsibility

    unit_ids = MeasureResponsibility.objects.filter(measure__in=public.values("pk")).values_list("unit_id", flat=True)
    return {
        "units": sorted(set(unit_ids)),
        "total": sum(status_counts.values()),
        "status": dict(status_counts),
        "ampel": dict(ampel_counts),
        "fields": [
            {"number": number, "title": fields[number], "status": dict(status_by_field.get(number, {}))}
            for number in sorted(fields)
        ],
        "goals": [
            {"number": number, "title": goals[number], "status": dict(status_by_goal.get(number, {}))}
            for number in sorted(goals)
        ],
    }


def concept_summary(concept, version: datetime | None = None) -> dict:
    """Counts per status, Ampel, field of action and goal of the concept's public measures,
    and the units responsible for any of them."""
    key = f"umsetzungsmonitor:summary:{RELEASE}:{(version or data_version()).timestamp()}:{concept.pk}"
    summary = cache.get(key)
    if summary is None:
        summary = _compute_concept_summary(concept)
        cache.set(key, summary, SUMMARY_TIMEOUT)
    return summary


def headline(counts: dict) -> dict:
    """The few figures shown for a concept on the start page and at the top of its dashboard."""
    total = sum(counts.values())
    done = counts.get(Status.DONE, 0) + counts.get(Status.PERMANENT, 0)
    no_report = counts.get(Status.NO_REPORT, 0)
    return {"total": total, "done": done, "no_report": no_report, "reported": total - no_report}
