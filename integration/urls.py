from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter

from measures import views as measure_views
from measures.models import SitePage
from operations import views as operations_views


class SitePageConverter:
    regex = "|".join(SitePage.Kind.values)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SitePageConverter, "sitepage")

urlpatterns = [
    path("healthz", operations_views.healthz, name="healthz"),
]
urlpatterns += i18n_patterns(
    path("", measure_views.home, name="home"),
    path("<sitepage:kind>/", measure_views.site_page, name="site_page"),
    path("admin/", admin.site.urls),
    path("", include("measures.staff_urls")),
    prefix_default_language=False,
)
