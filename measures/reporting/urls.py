from django.urls import path

from . import proposals
from .views import reports, review, rounds

app_name = "staff"

urlpatterns = [
    path("meine-massnahmen/", reports.my_measures, name="my_measures"),
    path("meine-massnahmen/export.xlsx", reports.my_measures_export, name="my_measures_export"),
    path("meine-massnahmen/<int:pk>/", reports.measure_detail, name="measure_detail"),
    path("meine-massnahmen/<int:pk>/verlauf/", reports.measure_history, name="measure_history"),
    path("meine-massnahmen/<int:measure_pk>/meldung/", reports.update_create, name="update_create"),
    path("meldungen/<int:pk>/bearbeiten/", reports.update_edit, name="update_edit"),
    path("meldungen/<int:pk>/loeschen/", reports.update_delete, name="update_delete"),
    path("pruefung/", review.review_queue, name="review_queue"),
    path("pruefung/<int:pk>/", review.review_detail, name="review_detail"),
    path("berichtsrunden/", rounds.round_list, name="round_list"),
    path("berichtsrunden/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("berichtsrunden/<int:pk>/abschliessen/", rounds.round_close, name="round_close"),
    path("berichtsrunden/<int:pk>/bericht/", rounds.round_report, name="round_report"),
    path("berichtsrunden/<int:pk>/bericht.pdf", rounds.round_report_pdf, name="round_report_pdf"),
    path("berichtsrunden/<int:pk>/bericht.xlsx", rounds.round_report_xlsx, name="round_report_xlsx"),
    path("berichtsrunden/<int:pk>/archiv/<int:archive_pk>.pdf", rounds.round_archive, name="round_archive"),
    # Values of indicators: a unit proposes, the Büro publishes or returns.
    path(
        "meine-massnahmen/<int:measure_pk>/indikatoren/<int:indicator_pk>/wert/",
        proposals.proposal_create,
        name="indicator_propose",
    ),
    path("meine-massnahmen/indikatorwerte/<int:pk>/", proposals.proposal_edit, name="indicator_proposal_edit"),
    path("pruefung/indikatorwerte/<int:pk>/", proposals.proposal_review, name="indicator_proposal_review"),
]
