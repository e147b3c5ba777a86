"""Public indicator pages and their open data; read through ``published()`` and ``disclose`` only."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..choices import OnTrack
from ..indicators import columns
from ..indicators.data import indicator_page, indicator_states, on_track_counts, public_indicators
from ..models import Concept
from ..tables import FORMAT_LABELS, Table, table_response
from .cache import public_page
from .opendata import concept_head, document_properties


def _published_concept(slug) -> Concept:
    return get_object_or_404(Concept.objects.published(), slug=slug)


@public_page
def indicator_list(request, concept_slug):
    concept = _published_concept(concept_slug)
    states = indicator_states(public_indicators(concept))
    context = {
        "concept": concept,
        "section": "indicators",
        "states": states,
        "counts": on_track_counts(states),
        "on_track_choices": list(OnTrack),
        "downloads": _downloads(concept),
    }
    return render(request, "measures/indicators/indicator_list.html", context)


def _downloads(concept):
    return [
        (
            _("Indikatoren"),
            [(label, reverse("indicators:export", args=[concept.slug, fmt])) for fmt, label in FORMAT_LABELS.items()],
        ),
        (
            _("Werte"),
            [(label, reverse("indicators:values", args=[concept.slug, fmt])) for fmt, label in FORMAT_LABELS.items()],
        ),
    ]


@public_page
def indicator_detail(request, concept_slug, number):
    concept = _published_concept(concept_slug)
    page = indicator_page(concept, number)
    if page is None:
        raise Http404
    context = {"concept": concept, "section": "indicators", "downloads": _downloads(concept), **page}
    return render(request, "measures/indicators/indicator_detail.html", context)


EXPORTS = {
    # what: (file name, sheet, JSON key, columns, rows)
    "indicators": (
        "indikatoren",
        _lazy("Indikatoren"),
        "indikatoren",
        columns.INDICATOR_COLUMNS,
        columns.indicator_rows,
    ),
    "values": ("indikatorwerte", _lazy("Indikatorwerte"), "werte", columns.VALUE_COLUMNS, columns.value_rows),
}


def _export(concept_slug, fmt, what):
    concept = _published_concept(concept_slug)
    name, sheet, key, table_columns, rows = EXPORTS[what]
    sheet = str(sheet)
    table = Table(
        table_columns,
        rows(concept, public_indicators(concept)),
        sheet,
        key,
        concept_head(concept),
        document_properties(concept, sheet),
    )
    return table_response(fmt, table, filename=f"{concept.slug}-{name}.{fmt}")


@public_page
def indicator_export(request, concept_slug, fmt):
    return _export(concept_slug, fmt, "indicators")


@public_page
def value_export(request, concept_slug, fmt):
    return _export(concept_slug, fmt, "values")
