"""Report rounds: who has reported, the Sachstandsbericht (page, PDF, XLSX) and its archive."""

from collections import Counter

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ...models import ReportArchive, ReportRound
from .. import workbooks
from ..access import buero_page
from ..archive import report_round_close
from ..pdf import report_file_name, report_pdf
from ..rounds import ROUND_STATES, report_for, round_overview

# The report leaves unpublished measures out unless the Büro asks: ?unveroeffentlichte=ja
INCLUDE_UNPUBLISHED = "unveroeffentlichte"


def _round(pk) -> ReportRound:
    return get_object_or_404(ReportRound.objects.select_related("concept"), pk=pk)


def _report(request, report_round):
    include = request.GET.get(INCLUDE_UNPUBLISHED) == "ja"
    return report_for(report_round, include_unpublished=include), (f"?{INCLUDE_UNPUBLISHED}=ja" if include else "")


@buero_page
def round_list(request):
    rounds = ReportRound.objects.select_related("concept").order_by("-cut_off_date")
    return render(request, "measures/staff/round_list.html", {"rounds": rounds})


@buero_page
def round_detail(request, pk):
    report_round = _round(pk)
    overviews = round_overview(report_round)
    # A measure with several lead units is listed under each of them but counted once.
    state_of = {row["measure"].pk: row["state"] for overview in overviews for row in overview.rows}
    counts = Counter(state_of.values())
    return render(
        request,
        "measures/staff/round_detail.html",
        {
            "round": report_round,
            "period": report_round.period,
            "overviews": overviews,
            "counts": [(label, counts[state]) for state, label in ROUND_STATES.items()],
            "overdue": report_round.deadline < timezone.localdate() and not report_round.closed,
            "archives": report_round.archived_reports.defer("content").select_related("created_by"),
        },
    )


@buero_page
@require_POST
def round_close(request, pk):
    report_round = _round(pk)
    if report_round_close(report_round=report_round, user=request.user):
        messages.success(
            request, _("Die Berichtsrunde ist abgeschlossen; der Sachstandsbericht wurde als PDF archiviert.")
        )
    else:
        messages.info(request, _("Die Berichtsrunde war bereits abgeschlossen."))
    return redirect("staff:round_detail", pk=report_round.pk)


@buero_page
def round_report(request, pk):
    report_round = _round(pk)
    report, query = _report(request, report_round)
    return render(
        request, "measures/staff/round_report.html", {"report": report, "round": report_round, "query": query}
    )


@buero_page
def round_report_pdf(request, pk) -> HttpResponse:
    report, _query = _report(request, _round(pk))
    return _pdf_response(report_pdf(report), report_file_name(report))


@buero_page
def round_report_xlsx(request, pk) -> HttpResponse:
    report_round = _round(pk)
    report, _query = _report(request, report_round)
    workbook = workbooks.report_workbook(report)
    suffix = "-intern" if report.include_unpublished else ""
    return workbooks.xlsx_response(workbook, f"sachstandsbericht-{report_round.cut_off_date:%Y-%m-%d}{suffix}.xlsx")


@buero_page
def round_archive(request, pk, archive_pk) -> HttpResponse:
    archive = get_object_or_404(ReportArchive, report_round_id=pk, pk=archive_pk)
    return _pdf_response(bytes(archive.content), archive.file_name)


def _pdf_response(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
