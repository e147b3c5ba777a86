"""Embeddable views for the city's website: a concept's overview, a field of action's progress and a
measure's status, each at the page's own address plus ``einbetten/``.

Plain HTML in the site's style, no JavaScript, the same accessible tables and labels as the full
pages. Only the origins in EMBED_FRAME_ANCESTORS may frame them (django-csp's per-view
``csp_replace`` for frame-ancestors, X-Frame-Options lifted for these views alone); with the
setting empty they are framed by nobody, like every other page.
"""

from functools import wraps

from csp.decorators import csp_replace
from django.conf import settings
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_exempt

from ..choices import Ampel, Status
from ..models import Concept, FieldOfAction
from .cache import public_page
from .charts import status_shares
from .summaries import concept_summary, headline
from .views import public_measures


def embeddable(view):
    """Let the configured origins frame ``view``; read per request, so a changed setting applies."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        ancestors = settings.EMBED_FRAME_ANCESTORS
        if not ancestors:
            return view(request, *args, **kwargs)
        framed = xframe_options_exempt(csp_replace({"frame-ancestors": list(ancestors)})(view))
        return framed(request, *args, **kwargs)

    return wrapper


def _published_concept(slug) -> Concept:
    return get_object_or_404(Concept.objects.published(), slug=slug)


def _chart(counts: dict) -> dict:
    return {"headline": headline(counts), "status_shares": status_shares(counts)}


@embeddable
@public_page
def embed_concept(request, concept_slug):
    concept = _published_concept(concept_slug)
    counts = concept_summary(concept)["status"]
    return render(request, "measures/embeds/concept.html", {"concept": concept, **_chart(counts)})


@embeddable
@public_page
def embed_field(request, concept_slug, number):
    concept = _published_concept(concept_slug)
    field = get_object_or_404(FieldOfAction, concept=concept, number=number)
    counts = dict(
        public_measures(concept).filter(field_of_action=field).order_by().values_list("status").annotate(n=Count("pk"))
    )
    return render(request, "measures/embeds/field.html", {"concept": concept, "field": field, **_chart(counts)})


@embeddable
@public_page
def embed_measure(request, concept_slug, code):
    concept = _published_concept(concept_slug)
    measure = get_object_or_404(public_measures(concept).select_related("field_of_action"), code=code)
    context = {"concept": concept, "measure": measure, "status": Status(measure.status), "ampel": Ampel(measure.ampel)}
    return render(request, "measures/embeds/measure.html", context)
