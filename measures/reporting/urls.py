from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("meine-massnahmen/", views.my_measures, name="my_measures"),
    path("meine-massnahmen/export.xlsx", views.my_measures_export, name="my_measures_export"),
    path("meine-massnahmen/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("meine-massnahmen/<int:pk>/verlauf/", views.measure_history, name="measure_history"),
    path("meine-massnahmen/<int:measure_pk>/meldung/", views.update_create, name="update_create"),
    path("meldungen/<int:pk>/bearbeiten/", views.update_edit, name="update_edit"),
    path("meldungen/<int:pk>/loeschen/", views.update_delete, name="update_delete"),
    path("pruefung/", views.review_queue, name="review_queue"),
    path("pruefung/<int:pk>/", views.review_detail, name="review_detail"),
    path("berichtsrunden/", views.round_list, name="round_list"),
    path("berichtsrunden/<int:pk>/", views.round_detail, name="round_detail"),
    path("berichtsrunden/<int:pk>/bericht/", views.round_report, name="round_report"),
    path("berichtsrunden/<int:pk>/bericht.xlsx", views.round_report_xlsx, name="round_report_xlsx"),
]
