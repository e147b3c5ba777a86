"""HTTP caching of the public pages, in two standard parts (see README, „Zwischenspeicher“).

1. ``public_page``, a view decorator: GET and HEAD only; ETag and Last-Modified from the public
   data version (measures/versions.py), answering 304 when nothing changed; a Cache-Control
   header that lets browsers and a reverse proxy keep the page but revalidate it soon.
2. ``PublicPageCacheMiddleware``: a page for a visitor without cookies is kept in the ``pages``
   cache under its address (scheme, host, path, the query parameters the view reads) and
   language, together with the version it was rendered at. A kept page of the current version
   is answered before sessions, authentication, messages, history and login protection run.
   After a change, the first request renders the page again; requests that arrive while it
   does get the previous version's copy, instead of every process rendering the same page.
   A page a process has just read from the shared cache it answers from its own memory for
   PAGE_CACHE_LOCAL_SECONDS (one second), without a query: a query per page halves what a
   server answers (bench/README.md). A change made in the same process drops those copies at
   once; one made in another process shows there after that second at most. Requests that
   revalidate (If-None-Match, If-Modified-Since) always ask the shared cache.
"""

import gzip
import hashlib
import logging
import re
from calendar import timegm
from datetime import datetime, time
from functools import wraps
from time import monotonic
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.text import compress_string
from django.utils.translation import get_language, get_language_from_path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from ..versions import changes_in_this_process, data_version, versioned_get

logger = logging.getLogger(__name__)

# Responses worth compressing (integration.middleware.PublicCompressionMiddleware compresses the
# public ones of these types; a kept page is stored compressed and sent as it is).
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/atom+xml",
    "application/xml",
    "application/javascript",
    "image/svg+xml",
)
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")

PAGE_TIMEOUT = 60 * 60 * 24
# After the data version moved on, one request renders a kept page anew while concurrent ones
# still get the previous version's copy (see ``_claim_render``); rendering takes well under a
# second, the claim lapses after this many seconds in case its process died meanwhile.
RENDER_CLAIM_SECONDS = 10
# At most this many pages in a process's own memory (see the module's docstring); when full, it
# starts afresh. A kept page is a few kilobytes (gzip), unpacked for clients without gzip some
# tens of kilobytes: a few tens of megabytes at most.
HELD_PAGES = 500
# Headers of a rendered page that a kept copy must carry again. Set-Cookie never: a response
# that sets a cookie is not kept at all.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Vary",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
)


def _last_modified(version: datetime) -> datetime:
    # The dashboard marks today on its time line: a new day is a change too.
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return max(version, start_of_today)


def _etag(request, version: datetime) -> str:
    raw = "|".join(
        [
            str(version.timestamp()),
            timezone.localdate().isoformat(),
            request.get_full_path(),
            get_language() or "",
            # Staff see their navigation on public pages too: never the anonymous validator.
            "cookies" if request.COOKIES and request.user.is_authenticated else "anonymous",
        ]
    )
    return quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])


def public_page(view=None, *, parameters=(), free_text=()):
    """Mark a view as a public page (see the module's docstring).

    ``parameters``: the query parameters the view reads; a request with any other parameter is
    answered but not kept. ``free_text``: those of them that hold typed-in text (a search);
    a request with such text is answered but not kept, so that nobody can fill the cache.
    """
    if view is None:
        return lambda view: public_page(view, parameters=parameters, free_text=free_text)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        version = data_version()
        etag = _etag(request, version)
        last_modified = timegm(_last_modified(version).utctimetuple())
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                response.headers.setdefault("ETag", etag)
                response.headers.setdefault("Last-Modified", http_date(last_modified))
        if request.COOKIES:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                must_revalidate=True,
                s_maxage=settings.PUBLIC_SHARED_CACHE_SECONDS,
            )
        patch_vary_headers(response, ["Cookie"])
        return response

    page = csrf_exempt(require_safe(wrapper))
    page.public_page = PageRule(frozenset(parameters), frozenset(free_text))
    return page


class PageRule:
    """What makes two requests of one public page the same page."""

    def __init__(self, parameters: frozenset, free_text: frozenset):
        self.parameters = parameters
        self.free_text = free_text

    def keeps(self, query) -> bool:
        return all(
            name in self.parameters and len(query.getlist(name)) == 1 and not (name in self.free_text and query[name])
            for name in query
        )


def _language(request) -> str:
    """The page's language, as LocaleMiddleware (which has not run yet) will choose it."""
    return get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _page_key(request) -> str:
    # Every parameter as sent: a page is only ever stored for parameters its view reads (see
    # ``PageRule``), so a request with others finds nothing and is rendered.
    raw = "|".join(
        [
            request.scheme,
            request.get_host(),
            request.path,
            urlencode(sorted(request.GET.lists()), doseq=True),
            _language(request),
            timezone.localdate().isoformat(),
        ]
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def _page_rule(request) -> PageRule | None:
    """The rule of the public page that answered ``request``, if it was one."""
    match = request.resolver_match
    return getattr(match.func, "public_page", None) if match is not None else None


def _claim_render(key: str, version: datetime) -> bool:
    """Whether this request renders the page ``key`` for ``version``: the first request to ask
    after the version moved on does (``add`` succeeds once). The claim lapses after
    RENDER_CLAIM_SECONDS, so a process that dies while rendering holds nobody up for longer."""
    try:
        return caches["pages"].add(f"{key}:rendering:{version.timestamp()}", True, RENDER_CLAIM_SECONDS)
    except Exception:
        logger.warning("Page cache not writable; rendering %s", key, exc_info=True)
        return True


class PublicPageCacheMiddleware:
    """Answer public pages for visitors without cookies from the ``pages`` cache.

    Listed after SecurityMiddleware and WhiteNoise and before every middleware that concerns a
    person (sessions, authentication, messages, history, login protection): a kept page is sent
    with the headers the inner middleware gave it when it was rendered, and Security's headers
    are added on the way out as for any response.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Pages just read from the shared cache: key → (held until, changes_in_this_process(), page).
        self.held = {}

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.COOKIES:
            return self.get_response(request)
        key = _page_key(request)
        held = self.held.get(key)
        if (
            held is not None
            and held[0] > monotonic()
            and held[1] == changes_in_this_process()
            # A browser or nginx that revalidates its copy always gets the shared cache's answer:
            # a held page never makes a reverse proxy keep an outdated page for another round.
            and "HTTP_IF_NONE_MATCH" not in request.META
            and "HTTP_IF_MODIFIED_SINCE" not in request.META
        ):
            return self._respond(request, held[2])
        try:
            version, kept = versioned_get(caches["pages"], key)
        except Exception:
            # A cache that cannot be read never takes a page down (nor /healthz, which must report
            # the database itself): the request is answered as if nothing were kept.
            logger.warning("Page cache not readable; answering %s without it", request.path, exc_info=True)
            return self.get_response(request)
        if kept is not None:
            if kept["version"] == version:
                self._hold(key, kept)
                return self._respond(request, kept)
            if not _claim_render(key, version):
                # Another process is rendering this page for the new version right now. Rather
                # than every process rendering it at once after each publication, the others
                # answer with the page of the previous version until the new one is stored.
                return self._respond(request, kept)
        response = self.get_response(request)
        rule = _page_rule(request)
        if (
            rule is not None
            and rule.keeps(request.GET)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "public" in response.get("Cache-Control", "")
        ):
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            # Stored compressed: a fifth of the bytes to read and unpickle, and sent as it is to
            # every browser (they all accept gzip) instead of being compressed again per request.
            kept = {"version": version, "gzip": compress_string(response.content), "headers": headers}
            caches["pages"].set(key, kept, PAGE_TIMEOUT)
        elif kept is not None:
            # The page is no longer what was kept (a measure withdrawn answers 404 now): the old
            # copy must not be served to anybody while the next request renders again.
            caches["pages"].delete(key)
        return response

    def _hold(self, key, kept):
        seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if seconds > 0:
            if len(self.held) >= HELD_PAGES:
                self.held.clear()
            self.held[key] = (monotonic() + seconds, changes_in_this_process(), kept)

    @staticmethod
    def _respond(request, kept):
        headers = kept["headers"]
        compressible = headers.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)
        if compressible and _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(kept["gzip"])
            response["Content-Encoding"] = "gzip"
        else:
            # Unpacked once per copy: a held page serves many such requests.
            if "plain" not in kept:
                kept["plain"] = gzip.decompress(kept["gzip"])
            response = HttpResponse(kept["plain"])
        for name, value in headers.items():
            response[name] = value
        response["Content-Length"] = str(len(response.content))
        if compressible:
            patch_vary_headers(response, ["Accept-Encoding"])
            # As GZipMiddleware does: the compressed body is not byte-equal to the plain one.
            if response.has_header("Content-Encoding") and response.get("ETag", "").startswith('"'):
                response["ETag"] = "W/" + response["ETag"]
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        answer = get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
        if answer is not response:
            # A 304 carries the page's policies as the rendered page's 304 would (the middleware
            # that sets them does not run for a kept page).
            for name in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options"):
                if response.has_header(name):
                    answer[name] = response[name]
        return answer
