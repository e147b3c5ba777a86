"""Addresses of the public site. Fixed paths first: a concept's slug takes whatever is left."""

import re

from django.urls import include, path, register_converter

from ..models import SitePage
from ..tables import FORMATS
from . import dcat, embeds, indicators, site_files, views
from .feeds import ConceptUpdatesFeed


class SitePageConverter:
    regex = "|".join(SitePage.Kind.values)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ExportFormatConverter(SitePageConverter):
    regex = "|".join(re.escape(fmt) for fmt in FORMATS)


class CatalogueFormatConverter(SitePageConverter):
    regex = "|".join(dcat.FORMATS)


register_converter(SitePageConverter, "sitepage")
register_converter(ExportFormatConverter, "exportformat")
register_converter(CatalogueFormatConverter, "catalogueformat")

# The indicators of a concept, their pages and open data (namespace "indicators").
indicator_patterns = [
    path("<slug:concept_slug>/indikatoren/", indicators.indicator_list, name="list"),
    path("<slug:concept_slug>/indikatoren/<int:number>/", indicators.indicator_detail, name="detail"),
    path("<slug:concept_slug>/indikatoren.<exportformat:fmt>", indicators.indicator_export, name="export"),
    path("<slug:concept_slug>/indikatorwerte.<exportformat:fmt>", indicators.value_export, name="values"),
]

urlpatterns = [
    path("", include((indicator_patterns, "indicators"))),
    path("", views.home, name="home"),
    path("robots.txt", site_files.robots_txt, name="robots_txt"),
    path("sitemap.xml", site_files.sitemap_xml, name="sitemap_xml"),
    path("favicon.ico", site_files.favicon_ico, name="favicon_ico"),
    path("<sitepage:kind>/", views.site_page, name="site_page"),
    path("stellen/", views.unit_list, name="unit_list"),
    path("stellen/<slug:slug>/", views.unit_detail, name="unit_detail"),
    path("offene-daten/", views.open_data, name="open_data"),
    path("dcat/catalog.<catalogueformat:fmt>", dcat.catalogue_view, name="dcat_catalogue"),
    path("<slug:concept_slug>/", views.dashboard, name="dashboard"),
    path("<slug:concept_slug>/einbetten/", embeds.embed_concept, name="embed_concept"),
    path("<slug:concept_slug>/massnahmen/", views.measure_list, name="measure_list"),
    path("<slug:concept_slug>/massnahmen.<exportformat:fmt>", views.measure_export, name="measure_export"),
    path("<slug:concept_slug>/datapackage.json", views.data_package, name="data_package"),
    path("<slug:concept_slug>/massnahmen/<str:code>/", views.measure_detail, name="measure_detail"),
    path("<slug:concept_slug>/massnahmen/<str:code>/einbetten/", embeds.embed_measure, name="embed_measure"),
    path("<slug:concept_slug>/handlungsfelder/<int:number>/", views.field_detail, name="field_detail"),
    path("<slug:concept_slug>/handlungsfelder/<int:number>/einbetten/", embeds.embed_field, name="embed_field"),
    path("<slug:concept_slug>/ziele/<int:number>/", views.goal_detail, name="goal_detail"),
    path("<slug:concept_slug>/aktuelles/", views.news, name="news"),
    path("<slug:concept_slug>/aktuelles/feed/", views.public_page(ConceptUpdatesFeed()), name="news_feed"),
]
