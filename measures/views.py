from django.db.models import Count, Q
from django.shortcuts import render

from .models import Concept, SitePage


def home(request):
    concepts = Concept.objects.published().annotate(
        public_measures=Count("measures", filter=Q(measures__published=True))
    )
    return render(request, "measures/home.html", {"concepts": concepts})


def site_page(request, kind):
    page = SitePage.objects.filter(kind=kind).first()
    if page is None:
        # The four pages are linked from every page; until the Büro writes one,
        # show its title and the contact rather than a dead link.
        page = SitePage(kind=kind, title=SitePage.Kind(kind).label, body="")
    return render(request, "measures/site_page.html", {"page": page})
