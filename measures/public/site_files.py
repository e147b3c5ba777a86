"""The files every site is asked for at its root: robots.txt, sitemap.xml and favicon.ico."""

from pathlib import Path

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.translation import override
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from ..addresses import absolute
from .cache import public_page
from .sitemaps import PublicPagesSitemap, public_entries

FAVICON = Path(settings.BASE_DIR) / "static" / "icons" / "favicon.ico"
# Pages for signed-in people only: nothing for a search engine there.
STAFF_PAGES = ("admin:index", "accounts:login", "accounts:password_change", "staff:my_measures", "staff:review_queue")
STAFF_PAGES += ("staff:round_list",)


def _static_file(view):
    """Read-only, the same for everybody: GET/HEAD only (405 otherwise, never a CSRF failure)
    and cacheable by browsers and proxies for a day."""
    return csrf_exempt(require_safe(cache_control(public=True, max_age=60 * 60 * 24)(view)))


@_static_file
def robots_txt(request):
    disallowed = []
    for code, _name in settings.LANGUAGES:
        with override(code):
            disallowed += [reverse(name) for name in STAFF_PAGES]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), "", f"Sitemap: {absolute('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@csrf_exempt
@public_page
def sitemap_xml(request):
    response = sitemap_views.sitemap(request, {"seiten": PublicPagesSitemap(public_entries())})
    return response.render()


@_static_file
def favicon_ico(request):
    # Made from static/icons/favicon.svg (PNG images of 16, 32 and 48 pixels in an ICO file).
    return FileResponse(FAVICON.open("rb"), content_type="image/vnd.microsoft.icon")
