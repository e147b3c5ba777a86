from django.shortcuts import render

from .models import SitePage
from .public_views import public_page
from .summaries import site_pages_version


@public_page(version=site_pages_version)
def site_page(request, kind):
    page = SitePage.objects.filter(kind=kind).first()
    if page is None:
        # The four pages are linked from every page; until the Büro writes one,
        # show its title and the contact rather than a dead link.
        page = SitePage(kind=kind, title=SitePage.Kind(kind).label, body="")
    return render(request, "measures/site_page.html", {"page": page})
