"""XLSX downloads of the staff pages; text cells pass through ``neutralise_formula``.

Dates are real date cells (shown as 31.12.2025), columns get widths that fit their content, and
the header row stays visible when scrolling.
"""

import datetime
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..choices import Status
from ..spreadsheets import neutralise_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
# Characters per column at most; longer texts wrap inside the cell.
MAX_WIDTH = 60


def _cell(value):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the local time the Büro works in, without zone.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return neutralise_formula(value)


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _sheet(workbook, title, header, rows, *, first=False, preamble=()):
    """A sheet with optional ``preamble`` rows (label, value) above the table, then the header and rows."""
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    widths = {}
    for label, value in preamble:
        sheet.append([_cell(label), _cell(value)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    header_row = len(preamble) + 2 if preamble else 1  # an empty row between preamble and table
    for column, label in enumerate(header, 1):
        sheet.cell(row=header_row, column=column, value=str(label))
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, label in enumerate(header, 1):
        widths[column] = max(_width(word) for word in str(label).split()) + 2
    for row in rows:
        sheet.append([_cell(value) for value in row])
        for column, value in enumerate(row, 1):
            widths[column] = max(widths[column], _width(value) + 2)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str) and len(cell.value) > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width, MAX_WIDTH)
    sheet.freeze_panes = f"A{header_row + 1}"
    if sheet.max_row > header_row:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{sheet.max_row}"
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


def _preamble(report):
    report_round = report.report_round
    previous = report.previous_round
    lines = [
        (_("Sachstandsbericht"), report_round.title),
        (_("Konzept"), report_round.concept.title),
        (_("Stichtag"), report_round.cut_off_date),
        (_("Vorige Berichtsrunde"), f"{previous.title} ({previous.cut_off_date:%d.%m.%Y})" if previous else "–"),
        (_("Erstellt am"), timezone.now()),
    ]
    if report.include_unpublished and report.unpublished_rows:
        lines.append((_("Hinweis"), _("Enthält nicht veröffentlichte Maßnahmen; nur für den internen Gebrauch.")))
    elif report.unpublished_left_out:
        lines.append(
            (
                _("Hinweis"),
                _("Nicht veröffentlichte Maßnahmen sind nicht enthalten: %(n)s") % {"n": report.unpublished_left_out},
            )
        )
    return lines


def report_workbook(report) -> Workbook:
    workbook = Workbook()
    previous = report.previous_round
    yes, no = _("ja"), _("nein")
    header = [
        _("Nr."),
        _("Titel"),
        _("Handlungsfeld"),
        _("Federführung"),
        *([_("veröffentlicht")] if report.include_unpublished else []),
        _("Umsetzungsstand am Stichtag"),
        _("Ampel"),
        _("Fortschritt (%)"),
        _("Stand vom"),
        _("in dieser Runde gemeldet"),
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
            *([yes if row["public"] else no] if report.include_unpublished else []),
            row["now"].status_label,
            row["now"].ampel_label if row["now"].has_report else "",
            _progress(row["now"].progress),
            row["now"].reporting_date,
            yes if row["reported_in_round"] else no,
            row["now"].update.public_text if row["now"].update else "",
            row["before"].status_label if previous else "–",
            row["change"],
        ]
        for row in report.rows
    )
    _sheet(workbook, _("Sachstand"), header, rows, first=True, preamble=_preamble(report))
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
