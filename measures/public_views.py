"""The public site: dashboard, measure list, detail pages, news, open data.

Everything here reads through the ``published()`` QuerySet methods, so nothing unpublished
can reach a page, an export or the feed. Every view is wrapped in ``public_page``: ETag and
Last-Modified derived from the last change of the public data, and a page cache keyed by
that ETag (see README, "Zwischenspeicher").
"""

import hashlib
import threading
from collections import OrderedDict
from datetime import date, datetime, time
from functools import wraps
from time import monotonic, sleep
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from . import opendata
from .choices import Ampel, Role, Status
from .filters import PublicMeasureFilter
from .models import Concept, FieldOfAction, Goal, Measure, MeasureResponsibility, ResponsibleUnit, StatusUpdate
from .summaries import RELEASE, ampel_shares, concept_summary, data_version, headline, status_shares

PAGE_SIZE = 25
LATEST_UPDATES = 5


def _version(request):
    """The version of what the page shows, read once per request (ETag, Last-Modified, page
    key and summaries share it): the public data's, unless the view says otherwise."""
    if not hasattr(request, "_public_data_version"):
        request._public_data_version = getattr(request, "_public_version_source", data_version)()
    return request._public_data_version


def _etag(request, *args, **kwargs):
    raw = "|".join(
        [
            RELEASE,
            str(_version(request).timestamp()),
            timezone.localdate().isoformat(),  # the dashboard marks today on its time line
            request.get_full_path(),
            get_language() or "",
            str(request.user.is_authenticated),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _last_modified(request, *args, **kwargs):
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return max(_version(request), start_of_today)


PAGE_TIMEOUT = 60 * 60 * 24
CACHED_HEADERS = ("Content-Type", "Content-Disposition")
# The most used pages are also kept in the process itself. Keys contain the data version,
# so an entry is never stale; it merely stops being asked for.
LOCAL_PAGES = 256
_local_pages: OrderedDict = OrderedDict()
_local_lock = threading.Lock()


def _remember_locally(key, page):
    with _local_lock:
        _local_pages[key] = page
        _local_pages.move_to_end(key)
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def forget_local_pages():
    with _local_lock:
        _local_pages.clear()


def _lookup_page(key):
    with _local_lock:
        page = _local_pages.get(key)
        if page is not None:
            _local_pages.move_to_end(key)  # least recently used leaves first
            return page
    page = cache.get(key)
    if page is not None:
        _remember_locally(key, page)
    return page


def _page_key(request, parameters) -> str | None:
    """The cache key of a page, or None when the page is not to be cached.

    Built from the query parameters the view reads (sorted), never from the raw query string:
    a link with an unknown parameter (``?utm_source=…``) or a repeated one is answered, but
    not stored, so that such addresses cannot fill the shared cache.
    """
    if any(name not in parameters for name in request.GET) or any(
        len(request.GET.getlist(name)) > 1 for name in request.GET
    ):
        return None
    raw = "|".join(
        [
            RELEASE,
            str(_version(request).timestamp()),
            timezone.localdate().isoformat(),  # the dashboard marks today on its time line
            request.path,
            urlencode(sorted(request.GET.items())),
            get_language() or "",
        ]
    )
    return "umsetzungsmonitor:page:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def _cached_page(view, parameters):
    """Serve a rendered page from Django's cache while the public data has not changed.

    The key covers the data version, the day, the address with the view's own query
    parameters and the language. Only requests without any cookie share pages: a session
    (staff) or a pending message may change what a page shows.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.COOKIES:
            return view(request, *args, **kwargs)
        key = _page_key(request, parameters)
        if key is None:
            return view(request, *args, **kwargs)
        cached = _lookup_page(key)
        lock = _render_lock(key)
        renders_here = cached is None and cache.add(lock, 1, RENDER_LOCK_SECONDS)
        if cached is None and not renders_here:
            cached = _wait_for_page(key, lock)
        if cached is not None:
            response = HttpResponse(cached["content"])
            for header, value in cached["headers"].items():
                response[header] = value
            return response
        stored = False
        try:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                headers = {header: response[header] for header in CACHED_HEADERS if response.has_header(header)}
                page = {"content": response.content, "headers": headers}
                cache.set(key, page, PAGE_TIMEOUT)
                _remember_locally(key, page)
                stored = True
        finally:
            if renders_here and not stored:  # a 404 or an error: whoever waits renders at once
                cache.delete(lock)
        return response

    return wrapper


# When the data changed, the first visitors of a page arrive at every application process at
# once. One of them renders it; the others wait for that page instead of rendering the same
# page again (each render of the list costs tens of milliseconds of CPU).
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 2.0
RENDER_POLL_SECONDS = 0.05


def _render_lock(key):
    return key + ":render"


def _wait_for_page(key, lock):
    """The page another process is rendering, or None: after RENDER_WAIT_SECONDS, or as soon
    as that process gives up, so that nobody waits for a page that is not coming."""
    give_up = monotonic() + RENDER_WAIT_SECONDS
    while monotonic() < give_up:
        sleep(RENDER_POLL_SECONDS)
        found = cache.get_many([key, lock])
        if key in found:
            _remember_locally(key, found[key])
            return found[key]
        if lock not in found:
            return None
    return None


def public_page(view=None, *, parameters=(), version=data_version):
    """ETag and Last-Modified (answering 304 when unchanged) around a page cache.

    ``parameters``: the query parameters the view reads; only these make a different page.
    ``version``: a callable returning when what the page shows last changed; by default the
    public data's version, which every published change moves on.
    """
    if view is None:
        return lambda view: public_page(view, parameters=parameters, version=version)
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(
        _cached_page(view, frozenset(parameters))
    )

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request._public_version_source = version  # read by _version()
        return conditional(request, *args, **kwargs)

    return wrapper


PAGE_PARAMETER = "seite"
FILTER_PARAMETERS = tuple(PublicMeasureFilter.base_filters)


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
    concepts = list(Concept.objects.published())
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
    summary = concept_summary(concept, _version(request))
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
    unit_ids = concept_summary(concept, _version(request))["units"]
    return PublicMeasureFilter(
        request.GET or None, queryset=public_measures(concept), concept=concept, unit_ids=unit_ids
    )


@public_page(parameters=(*FILTER_PARAMETERS, PAGE_PARAMETER))
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


@public_page(parameters=FILTER_PARAMETERS)
def measure_export(request, concept_slug, fmt):
    concept = _published_concept(concept_slug)
    measure_filter = _filtered(request, concept)
    return opendata.export_response(fmt, concept, measure_filter.qs, request)


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
    counts = dict(measures.order_by().values_list("status").annotate(n=Count("pk")))
    context = {
        "concept": concept,
        "object": heading_object,
        "heading": heading,
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
    heading = _("Handlungsfeld %(field)s") % {"field": field}
    return _group_page(request, concept, field, heading, measures, f"handlungsfeld={number}")


@public_page(parameters=[PAGE_PARAMETER])
def goal_detail(request, concept_slug, number):
    concept = _published_concept(concept_slug)
    goal = get_object_or_404(Goal, concept=concept, number=number)
    measures = public_measures(concept).filter(
        pk__in=Goal.measures.through.objects.filter(goal=goal).values("measure_id")
    )
    return _group_page(request, concept, goal, str(goal), measures, f"ziel={number}")


def public_units():
    """Units responsible for at least one public measure; no other unit is listed publicly."""
    return ResponsibleUnit.objects.filter(
        pk__in=MeasureResponsibility.objects.filter(measure__in=Measure.objects.published().values("pk")).values(
            "unit_id"
        )
    )


@public_page
def unit_list(request):
    public = Q(responsibilities__measure__in=Measure.objects.published().values("pk"))
    units = (
        public_units()
        .annotate(
            lead_count=Count("responsibilities", filter=public & Q(responsibilities__role=Role.LEAD)),
            partner_count=Count("responsibilities", filter=public & Q(responsibilities__role=Role.PARTNER)),
        )
        .only("name", "short_name", "slug", "kind")
    )
    return render(request, "measures/public/unit_list.html", {"units": units})


@public_page(parameters=[PAGE_PARAMETER])
def unit_detail(request, slug):
    unit = get_object_or_404(public_units().only("name", "short_name", "slug", "kind", "website"), slug=slug)
    responsibilities = (
        MeasureResponsibility.objects.filter(unit=unit, measure__in=Measure.objects.published().values("pk"))
        .select_related("measure__concept")
        .order_by("measure__concept__title", "measure__sort_key")
    )
    counts = dict(
        Measure.objects.published()
        .filter(responsibilities__unit=unit)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
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
    concepts = Concept.objects.published()
    context = {"concepts": concepts, "columns": opendata.COLUMNS, "formats": list(opendata.FORMAT_LABELS.items())}
    return render(request, "measures/public/open_data.html", context)
