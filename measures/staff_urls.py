from django.contrib.auth import views as auth_views
from django.urls import path

from . import staff_views

app_name = "staff"

urlpatterns = [
    path("anmelden/", staff_views.LoginView.as_view(), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("passwort/", staff_views.PasswordChangeView.as_view(), name="password_change"),
    path("meine-massnahmen/", staff_views.my_measures, name="my_measures"),
    path("meine-massnahmen/export.xlsx", staff_views.my_measures_export, name="my_measures_export"),
    path("meine-massnahmen/<int:pk>/", staff_views.measure_detail, name="measure_detail"),
    path("meine-massnahmen/<int:pk>/verlauf/", staff_views.measure_history, name="measure_history"),
    path("meine-massnahmen/<int:measure_pk>/meldung/", staff_views.update_create, name="update_create"),
    path("meldungen/<int:pk>/bearbeiten/", staff_views.update_edit, name="update_edit"),
    path("meldungen/<int:pk>/loeschen/", staff_views.update_delete, name="update_delete"),
    path("pruefung/", staff_views.review_queue, name="review_queue"),
    path("pruefung/<int:pk>/", staff_views.review_detail, name="review_detail"),
    path("berichtsrunden/", staff_views.round_list, name="round_list"),
    path("berichtsrunden/<int:pk>/", staff_views.round_detail, name="round_detail"),
    path("berichtsrunden/<int:pk>/bericht/", staff_views.round_report, name="round_report"),
    path("berichtsrunden/<int:pk>/bericht.xlsx", staff_views.round_report_xlsx, name="round_report_xlsx"),
]
