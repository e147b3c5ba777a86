"""The public pages' HTTP validators and shared page cache (see README, "Zwischenspeicher")."""

import hashlib
import threading
from collections import OrderedDict
from datetime import datetime, time
from functools import wraps
from time import monotonic, sleep
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import condition

from ..versions import RELEASE, data_version


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
