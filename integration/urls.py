"""The project's addresses: each wing brings its own; this file only puts them together."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("operations.urls")),
    path("oidc/", include("accounts.oidc.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("measures.reporting.urls")),
    # Last: a concept's slug takes whatever top-level path is left.
    path("", include("measures.public.urls")),
    prefix_default_language=False,
)

# Django renders its 400 page without the request (no layout, no logout); 403, 404 and 500 use
# Django's handlers with templates/403.html, 404.html and 500.html.
handler400 = "integration.errors.bad_request"
