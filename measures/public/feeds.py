"""Atom feed of a concept's published status updates (RFC 4287)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from ..addresses import absolute
from ..models import Concept, StatusUpdate
from .opendata import PUBLISHER, PUBLISHER_EMAIL

FEED_SIZE = 30
CITY_WEBSITE = "https://www.potsdam.de/"
TAG_AUTHORITY = "www.potsdam.de"


class PlainTextAtomFeed(Atom1Feed):
    """Summaries as ``type="text"``: reporters write plain text, and a feed reader must show
    it as such. Django's Atom feed declares summaries as HTML, so that markup in a report
    would become live markup in the reader (the web pages escape the same text)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item.get("description"):
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ConceptUpdatesFeed(Feed):
    feed_type = PlainTextAtomFeed
    # RFC 4287: a feed names its author, unless every entry does. The Büro publishes every report.
    author_email = PUBLISHER_EMAIL
    author_link = CITY_WEBSITE

    def author_name(self):
        return str(PUBLISHER)

    def get_object(self, request, concept_slug):
        return get_object_or_404(Concept.objects.published(), slug=concept_slug)

    def title(self, concept):
        return _("Neue Sachstandsmeldungen: %(title)s") % {"title": concept.title}

    def subtitle(self, concept):
        if concept.is_demo:
            return _("Demonstration: erfundene Beispieldaten, nicht die der Landeshauptstadt Potsdam.")
        return _("Veröffentlichte Sachstandsmeldungen zu den Maßnahmen des Konzepts.")

    # Every address absolute and from SITE_URL, never from the request's Host header.
    def link(self, concept):
        return absolute(reverse("news", args=[concept.slug]))

    def feed_url(self, concept):
        return absolute(reverse("news_feed", args=[concept.slug]))

    def feed_guid(self, concept):
        return absolute(reverse("news_feed", args=[concept.slug]))

    def items(self, concept):
        return StatusUpdate.objects.news(concept)[:FEED_SIZE]

    def item_title(self, update):
        return _("%(code)s %(title)s: %(status)s") % {
            "code": update.measure.code,
            "title": update.measure.title,
            "status": update.get_status_display(),
        }

    def item_description(self, update):
        parts = [
            _("Stand vom %(date)s.") % {"date": update.reporting_date.strftime("%d.%m.%Y")},
            _("Ampel: %(ampel)s.") % {"ampel": update.get_ampel_display()},
        ]
        if update.progress is not None:
            parts.append(_("Fortschritt: %(progress)s %%.") % {"progress": update.progress})
        if update.public_text:
            parts.append(update.public_text)
        return " ".join(parts)

    def item_link(self, update):
        return absolute(f"{update.measure.get_absolute_url()}#meldung-{update.pk}")

    def item_guid(self, update):
        """A tag URI (RFC 4151) that stays the same when the measure's number or the site's address
        changes: a published report stays published, so its publication day is fixed."""
        day = update.published_at.date().isoformat()
        return f"tag:{TAG_AUTHORITY},{day}:umsetzungsmonitor/meldung/{update.pk}"

    def item_pubdate(self, update):
        return update.published_at

    def item_updateddate(self, update):
        return update.published_at
