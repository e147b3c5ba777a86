"""The project's addresses: each wing brings its own; this file only puts them together."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("operations.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("measures.reporting.urls")),
    path("", include("measures.indicators.urls")),
    # Last: a concept's slug takes whatever top-level path is left.
    path("", include("measures.public.urls")),
    prefix_default_language=False,
)
