"""sitemap.xml: every public page of concepts, measures, fields of action, goals and units, in
German and English, with the date it last changed. Only published things, read through the
same ``published()`` QuerySets as the pages themselves."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from ..choices import UpdateState
from ..models import Concept, Measure


@dataclass(frozen=True)
class Entry:
    url_name: str
    args: tuple
    lastmod: datetime | None


def _latest(dates):
    return max((day for day in dates if day is not None), default=None)


def public_entries() -> list[Entry]:
    """Each public page with its last change: the newest publication of a report about what it
    shows, else when its measures were created. When the Büro last edited a record is not
    public (an edit may touch only the internal note), so it is not used."""
    concepts = list(Concept.objects.published().prefetch_related("fields_of_action", "goals"))
    measures = list(
        Measure.objects.published()
        .select_related("concept", "field_of_action")
        .prefetch_related("goals", "responsibilities__unit")
        .annotate(
            last_published=Max("status_updates__published_at", filter=Q(status_updates__state=UpdateState.PUBLISHED))
        )
        .order_by("concept_id", "sort_key")
    )
    by_concept, by_field, by_goal, by_unit = {}, {}, {}, {}
    entries = []
    for measure in measures:
        changed = measure.last_published or measure.created_at
        entries.append(Entry("measure_detail", (measure.concept.slug, measure.code), changed))
        by_concept.setdefault(measure.concept_id, []).append(changed)
        by_field.setdefault(measure.field_of_action_id, []).append(changed)
        for goal in measure.goals.all():
            by_goal.setdefault(goal.pk, []).append(changed)
        for responsibility in measure.responsibilities.all():
            by_unit.setdefault(responsibility.unit, []).append(changed)
    for concept in concepts:
        changed = _latest(by_concept.get(concept.pk, []))
        for url_name in ("dashboard", "measure_list", "news"):
            entries.append(Entry(url_name, (concept.slug,), changed))
        for field in concept.fields_of_action.all():
            entries.append(Entry("field_detail", (concept.slug, field.number), _latest(by_field.get(field.pk, []))))
        for goal in concept.goals.all():
            entries.append(Entry("goal_detail", (concept.slug, goal.number), _latest(by_goal.get(goal.pk, []))))
    for unit, dates in sorted(by_unit.items(), key=lambda pair: pair[0].name):
        entries.append(Entry("unit_detail", (unit.slug,), _latest(dates)))
    everything = _latest(entry.lastmod for entry in entries)
    for url_name in ("home", "unit_list", "open_data"):
        entries.append(Entry(url_name, (), everything))
    return entries


class PublicPagesSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 25_000  # each page in two languages: within the 50,000 addresses a sitemap may hold

    def __init__(self, entries):
        self.entries = entries

    def items(self):
        return self.entries

    def location(self, entry):
        return reverse(entry.url_name, args=entry.args)

    def lastmod(self, entry):
        return entry.lastmod

    # Addresses from SITE_URL, never from the request's Host header.
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc
