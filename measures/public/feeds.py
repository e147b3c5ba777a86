"""Atom feed of a concept's published status updates."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from ..models import Concept, StatusUpdate

FEED_SIZE = 30


class ConceptUpdatesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, concept_slug):
        return get_object_or_404(Concept.objects.published(), slug=concept_slug)

    def title(self, concept):
        return _("Neue Sachstandsmeldungen: %(title)s") % {"title": concept.title}

    def subtitle(self, concept):
        if concept.is_demo:
            return _("Demonstration: erfundene Beispieldaten, nicht die der Landeshauptstadt Potsdam.")
        return _("Veröffentlichte Sachstandsmeldungen zu den Maßnahmen des Konzepts.")

    def link(self, concept):
        return reverse("news", args=[concept.slug])

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
        return f"{update.measure.get_absolute_url()}#meldung-{update.pk}"

    def item_pubdate(self, update):
        return update.published_at

    def item_updateddate(self, update):
        return update.published_at
