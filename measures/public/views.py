"""The public site: dashboard, measure list, detail pages, news, open data.

Everything here reads through the ``published()`` QuerySet methods, so nothing unpublished
can reach a page, an export or the feed. Every view is a ``public_page`` (cache.py): GET and
HEAD only, validated by the public data version and kept for visitors without cookies.
"""

from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import Ampel, Role, Status
from ..models import (
    Concept,
    FieldOfAction,
    Goal,
    Measure,
    MeasureResponsibility,
    ResponsibleUnit,
    SitePage,
    StatusUpdate,
)
from . import opendata
from .cache import public_page
from .charts import ampel_shares, status_shares
from .filters import PublicMeasureFilter
from .summaries import concept_summary, headline

PAGE_SIZE = 25
LATEST_UPDATES = 5


PAGE_PARAMETER = "seite"
FILTER_PARAMETERS = tuple(PublicMeasureFilter.base_filters)
SEARCH_PARAMETERS = ("q",)


def _published_concept(slug) -> Concept:
    return get_object_or_404(Concept.objects.published(), slug=slug)


def public_measures(concept):
    return Measure.objects.published().filter(concept=concept)


def for_list(queryset):
    """What a row of a measure list shows: field of action and the lead units."""
    return queryset.select_related("field_of_action").with_leads()


def _paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(PAGE_PARAMETER))


def _chart_context(counts: dict) -> dict:
    return {"status_shares": status_shares(counts), "headline": headline(counts)}


def _timeline(concept, today: date) -> dict:
    start = date(concept.start_year, 1, 1)
    end = date(concept.end_year, 12, 31)
    span = (end - start).days
    elapsed = min(max((today - start).days, 0), span)
    percent = 100 * elapsed / span
    years = [
        {"year": year, "offset": f"{100 * (date(year, 1, 1) - start).days / span:.2f}"}
        for year in range(concept.start_year, concept.end_year + 1)
    ]
    return {
        "start": start,
        "end": end,
        "today": today,
        "within": start <= today <= end,
        "percent": round(percent),
        "offset": f"{percent:.2f}",
        "years": years,
    }


@public_page
def home(request):
    # Real concepts first; the demonstration concept after them.
    concepts = list(Concept.objects.published().order_by("is_demo", "-start_year", "title"))
    counts = {}
    rows = (
        Measure.objects.published()
        .filter(concept__in=[c.pk for c in concepts])
        .values("concept", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["concept"], {})[row["status"]] = row["n"]
    for concept in concepts:
        concept.chart = _chart_context(counts.get(concept.pk, {}))
    return render(request, "measures/home.html", {"concepts": concepts})


@public_page
def dashboard(request, concept_slug):
    concept = _published_concept(concept_slug)
    summary = concept_summary(concept)
    fields = [
        {**field, "shares": status_shares(field["status"]), "total": sum(field["status"].values())}
        for field in summary["fields"]
    ]
    goals = [
        {**goal, "shares": status_shares(goal["status"]), "total": sum(goal["status"].values())}
        for goal in summary["goals"]
    ]
    context = {
        "concept": concept,
        **_chart_context(summary["status"]),
        "ampel_shares": ampel_shares(summary["ampel"]),
        "fields": fields,
        "goals": goals,
        "statuses": list(Status),
        "status_columns": status_shares({}),
        "section": "dashboard",
        "timeline": _timeline(concept, timezone.localdate()),
        "latest_updates": StatusUpdate.objects.news(concept)[:LATEST_UPDATES],
    }
    return render(request, "measures/public/dashboard.html", context)


def _filtered(request, concept):
    return PublicMeasureFilter(request.GET or None, queryset=public_measures(concept), concept=concept)


@public_page(parameters=(*FILTER_PARAMETERS, PAGE_PARAMETER), free_text=SEARCH_PARAMETERS)
def measure_list(request, concept_slug):
    concept = _published_concept(concept_slug)
    measure_filter = _filtered(request, concept)
    page = _paginate(request, for_list(measure_filter.qs))
    query = request.GET.urlencode()
    context = {
        "concept": concept,
        "section": "measures",
        "filter": measure_filter,
        "page": page,
        "downloads": [
            (label, reverse("measure_export", args=[concept.slug, fmt]) + (f"?{query}" if query else ""))
            for fmt, label in opendata.FORMAT_LABELS.items()
        ],
    }
    return render(request, "measures/public/measure_list.html", context)


@public_page(parameters=FILTER_PARAMETERS, free_text=SEARCH_PARAMETERS)
def measure_export(request, concept_slug, fmt):
    concept = _published_concept(concept_slug)
    measure_filter = _filtered(request, concept)
    return opendata.export_response(fmt, concept, measure_filter.qs)


@public_page
def data_package(request, concept_slug):
    """The Frictionless Data Package of the concept's downloads (columns, types, licence)."""
    concept = _published_concept(concept_slug)
    return JsonResponse(opendata.data_package(concept), json_dumps_params={"ensure_ascii": False, "indent": 1})


@public_page
def measure_detail(request, concept_slug, code):
    concept = _published_concept(concept_slug)
    measures = public_measures(concept)
    measure = get_object_or_404(
        measures.select_related("field_of_action").prefetch_related(
            "goals",
            Prefetch(
                "responsibilities",
                queryset=MeasureResponsibility.objects.select_related("unit").lead_first(),
            ),
        ),
        code=code,
    )
    updates = StatusUpdate.objects.published().filter(measure=measure).latest_first()
    context = {
        "concept": concept,
        "measure": measure,
        "section": "measures",
        "status": Status(measure.status),
        "ampel": Ampel(measure.ampel),
        "updates": updates,
        "previous": measures.filter(sort_key__lt=measure.sort_key).order_by("-sort_key").only("code", "title").first(),
        "next": measures.filter(sort_key__gt=measure.sort_key).order_by("sort_key").only("code", "title").first(),
    }
    return render(request, "measures/public/measure_detail.html", context)


def _group_page(request, concept, heading_object, heading, measures, filter_query):
    counts = measures.status_counts()
    context = {
        "concept": concept,
        "object": heading_object,
        "heading": " ".join(heading),
        "heading_label": heading[0],
        "heading_name": heading[1],
        "section": "measures",
        "filter_query": filter_query,
        "page": _paginate(request, for_list(measures.order_by("sort_key"))),
        **_chart_context(counts),
    }
    return render(request, "measures/public/group_detail.html", context)


@public_page(parameters=[PAGE_PARAMETER])
def field_detail(request, concept_slug, number):
    concept = _published_concept(concept_slug)
    field = get_object_or_404(FieldOfAction, concept=concept, number=number)
    measures = public_measures(concept).filter(field_of_action=field)
    heading = (_("Handlungsfeld"), str(field))
    return _group_page(request, concept, field, heading, measures, f"handlungsfeld={number}")


@public_page(parameters=[PAGE_PARAMETER])
def goal_detail(request, concept_slug, number):
    concept = _published_concept(concept_slug)
    goal = get_object_or_404(Goal, concept=concept, number=number)
    measures = public_measures(concept).filter(
        pk__in=Goal.measures.through.objects.filter(goal=goal).values("measure_id")
    )
    heading = (_("Ziel %(number)s:") % {"number": goal.number}, goal.title)
    return _group_page(request, concept, goal, heading, measures, f"ziel={number}")


@public_page
def unit_list(request):
    public = Q(responsibilities__measure__in=Measure.objects.published().values("pk"))
    units = (
        ResponsibleUnit.objects.public()
        .annotate(
            lead_count=Count("responsibilities", filter=public & Q(responsibilities__role=Role.LEAD)),
            partner_count=Count("responsibilities", filter=public & Q(responsibilities__role=Role.PARTNER)),
        )
        .only("name", "short_name", "slug", "kind")
    )
    return render(request, "measures/public/unit_list.html", {"units": units})


@public_page(parameters=[PAGE_PARAMETER])
def unit_detail(request, slug):
    unit = get_object_or_404(
        ResponsibleUnit.objects.public().only("name", "short_name", "slug", "kind", "website"), slug=slug
    )
    responsibilities = (
        MeasureResponsibility.objects.filter(unit=unit, measure__in=Measure.objects.published().values("pk"))
        .select_related("measure__concept")
        .order_by("measure__concept__title", "measure__sort_key")
    )
    counts = Measure.objects.published().filter(responsibilities__unit=unit).status_counts()
    context = {"unit": unit, "page": _paginate(request, responsibilities), **_chart_context(counts)}
    return render(request, "measures/public/unit_detail.html", context)


@public_page(parameters=[PAGE_PARAMETER])
def news(request, concept_slug):
    concept = _published_concept(concept_slug)
    updates = StatusUpdate.objects.news(concept)
    return render(
        request,
        "measures/public/news.html",
        {"concept": concept, "section": "news", "page": _paginate(request, updates)},
    )


@public_page
def open_data(request):
    concepts = list(Concept.objects.published().order_by("is_demo", "-start_year", "title"))
    for concept in concepts:
        concept.licence = opendata.licence(concept)
    context = {"concepts": concepts, "columns": opendata.COLUMNS, "formats": list(opendata.FORMAT_LABELS.items())}
    return render(request, "measures/public/open_data.html", context)


@public_page
def site_page(request, kind):
    page = SitePage.objects.filter(kind=kind).first()
    if page is None:
        # The four pages are linked from every page; until the Büro writes one,
        # show its title and the contact rather than a dead link.
        page = SitePage(kind=kind, title=SitePage.Kind(kind).label, body="")
    return render(request, "measures/site_page.html", {"page": page})
