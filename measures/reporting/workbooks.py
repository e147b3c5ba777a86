"""XLSX downloads of the staff pages; text cells pass through ``neutralise_formula``."""

from io import BytesIO

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..choices import Status
from ..spreadsheets import neutralise_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, Promise):
        value = str(value)
    return neutralise_formula(value)


def _sheet(workbook, title, header, rows, *, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append([str(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    return sheet


def _progress(value):
    # Empty, never 0, when nothing was reported.
    return "" if value is None else value


def measures_workbook(measures) -> Workbook:
    workbook = Workbook()
    rows = (
        [
            measure.concept.title,
            measure.code,
            measure.title,
            str(measure.field_of_action),
            measure.get_status_display(),
            measure.get_ampel_display(),
            _progress(measure.progress),
            measure.status_date,
        ]
        for measure in measures
    )
    header = [_("Konzept"), _("Nr."), _("Titel"), _("Handlungsfeld"), _("Umsetzungsstand"), _("Ampel")]
    _sheet(workbook, _("Maßnahmen"), [*header, _("Fortschritt (%)"), _("Stand vom")], rows, first=True)
    return workbook


def report_workbook(report) -> Workbook:
    workbook = Workbook()
    report_round = report.report_round
    previous = report.previous_round
    header = [
        _("Nr."),
        _("Titel"),
        _("Handlungsfeld"),
        _("Federführung"),
        _("Stand am %(date)s") % {"date": f"{report_round.cut_off_date:%d.%m.%Y}"},
        _("Fortschritt (%)"),
        _("Sachstand"),
        _("Stand in der Vorrunde") if previous else _("Vorrunde"),
        _("Veränderung"),
    ]
    rows = (
        [
            row["measure"].code,
            row["measure"].title,
            str(row["measure"].field_of_action),
            row["leads"],
            row["now"].status_label,
            _progress(row["now"].progress),
            row["now"].update.public_text if row["now"].update else "",
            row["before"].status_label if previous else "–",
            row["change"],
        ]
        for row in report.rows
    )
    _sheet(workbook, _("Sachstand"), header, rows, first=True)
    totals_header = [_("Bereich"), *[str(label) for label in Status.labels], _("gesamt")]
    totals = [report.overall, *report.by_field, *report.by_goal]
    _sheet(workbook, _("Summen"), totals_header, ([t.label, *t.cells(), t.total] for t in totals))
    missing = ([row["measure"].code, row["measure"].title, row["leads"]] for row in report.without_report)
    _sheet(workbook, _("noch keine Meldung"), [_("Nr."), _("Titel"), _("Federführung")], missing)
    return workbook


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
