"""The project's URLs plus one that fails, for the headers of a server error."""

from django.urls import path

from integration.urls import urlpatterns as project_urlpatterns


def fail(request):
    raise RuntimeError("Absichtlicher Fehler für den Test")


urlpatterns = [path("kaputt/", fail), *project_urlpatterns]
