"""The production URLconf plus one view that returns the bare floor's 20 KB page through the
project's whole middleware stack: the second reference of bench/public_pages.py.

Never used by the application itself: only bench/settings.py points here.
"""

from django.http import HttpResponse
from django.urls import path

from bench.floor.urls import PAGE
from integration.urls import urlpatterns as site_patterns


def minimal(request):
    return HttpResponse(PAGE)


urlpatterns = [path("bench-minimal/", minimal), *site_patterns]
