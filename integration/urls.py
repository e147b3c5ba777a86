from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter

from measures import public_views
from measures import views as measure_views
from measures.feeds import ConceptUpdatesFeed
from measures.models import SitePage
from measures.opendata import FORMATS
from operations import views as operations_views


class SitePageConverter:
    regex = "|".join(SitePage.Kind.values)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ExportFormatConverter(SitePageConverter):
    regex = "|".join(FORMATS)


register_converter(SitePageConverter, "sitepage")
register_converter(ExportFormatConverter, "exportformat")

urlpatterns = [
    path("healthz", operations_views.healthz, name="healthz"),
]
# Fixed paths first: a concept's slug takes whatever is left at the top level.
urlpatterns += i18n_patterns(
    path("", public_views.home, name="home"),
    path("<sitepage:kind>/", measure_views.site_page, name="site_page"),
    path("admin/", admin.site.urls),
    path("", include("measures.staff_urls")),
    path("stellen/", public_views.unit_list, name="unit_list"),
    path("stellen/<slug:slug>/", public_views.unit_detail, name="unit_detail"),
    path("offene-daten/", public_views.open_data, name="open_data"),
    path("<slug:concept_slug>/", public_views.dashboard, name="dashboard"),
    path("<slug:concept_slug>/massnahmen/", public_views.measure_list, name="measure_list"),
    path("<slug:concept_slug>/massnahmen.<exportformat:fmt>", public_views.measure_export, name="measure_export"),
    path("<slug:concept_slug>/massnahmen/<str:code>/", public_views.measure_detail, name="measure_detail"),
    path("<slug:concept_slug>/handlungsfelder/<int:number>/", public_views.field_detail, name="field_detail"),
    path("<slug:concept_slug>/ziele/<int:number>/", public_views.goal_detail, name="goal_detail"),
    path("<slug:concept_slug>/aktuelles/", public_views.news, name="news"),
    path("<slug:concept_slug>/aktuelles/feed/", public_views.public_page(ConceptUpdatesFeed()), name="news_feed"),
    prefix_default_language=False,
)
