"""The production URLconf plus one trivial view, as the baseline of the benchmark.

Never used by the application itself: only bench/settings.py points here.
"""

from django.http import HttpResponse
from django.urls import path

from integration.urls import urlpatterns as site_patterns


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-minimal/", minimal), *site_patterns]
