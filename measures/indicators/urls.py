"""Addresses of the indicators: public pages and open data under a concept, and the staff
pages where units propose values and the Büro reviews them. Included before the public
site's, whose concept slug takes whatever is left."""

from django.urls import path, register_converter

from ..public.opendata import FORMATS
from . import staff, views

app_name = "indicators"


class FormatConverter:
    regex = "|".join(FORMATS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "indicatorformat")

urlpatterns = [
    path("<slug:concept_slug>/indikatoren/", views.indicator_list, name="list"),
    path("<slug:concept_slug>/indikatoren/<int:number>/", views.indicator_detail, name="detail"),
    path("<slug:concept_slug>/indikatoren.<indicatorformat:fmt>", views.indicator_export, name="export"),
    path("<slug:concept_slug>/indikatorwerte.<indicatorformat:fmt>", views.value_export, name="values"),
    path(
        "meine-massnahmen/<int:measure_pk>/indikatoren/<int:indicator_pk>/wert/",
        staff.proposal_create,
        name="propose",
    ),
    path("meine-massnahmen/indikatorwerte/<int:pk>/", staff.proposal_edit, name="proposal_edit"),
    path("pruefung/indikatorwerte/<int:pk>/", staff.proposal_review, name="proposal_review"),
]
