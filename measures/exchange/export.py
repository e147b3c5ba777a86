"""Writing the catalogue in exactly the format the import reads.

Text cells are neutralised against formula injection; in Excel files dates, budgets and
progress are real dates and numbers, shown the German way.
"""

import csv
import io
import json

import openpyxl
import tablib
from django.utils import translation
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..spreadsheets import SHEET_TITLE, neutralise_formula
from .resources import MeasureResource
from .widgets import GermanDateWidget, GermanDecimalWidget, PercentWidget

EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
_TYPED_COLUMNS = {
    "Beginn": (GermanDateWidget(), "DD.MM.YYYY"),
    "Ende": (GermanDateWidget(), "DD.MM.YYYY"),
    "Stand vom": (GermanDateWidget(), "DD.MM.YYYY"),
    "Budget (EUR)": (GermanDecimalWidget(), "#,##0.00"),
    "Fortschritt (%)": (PercentWidget(), "0"),
}


def catalogue_dataset(concept, *, include_internal: bool) -> tablib.Dataset:
    """The concept's measures as rendered text, one row per measure, in the import's columns."""
    with translation.override("de"):
        return MeasureResource(concept=concept, include_internal=include_internal).export()


def render_dataset(dataset: tablib.Dataset, file_format: str) -> bytes:
    if file_format == "json":
        return json.dumps(list(dataset.dict), ensure_ascii=False, indent=2).encode("utf-8")
    if file_format == "xlsx":
        return _render_xlsx(dataset)
    rows = [[neutralise_formula(value) for value in row] for row in dataset]
    if file_format == "csv":
        # German Excel opens UTF-8 with BOM and semicolons directly, umlauts intact.
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(dataset.headers)
        writer.writerows(rows)
        return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    if file_format == "ods":
        safe = tablib.Dataset(*rows, headers=dataset.headers, title=SHEET_TITLE)
        return safe.export("ods")
    raise ValueError(file_format)


def _render_xlsx(dataset: tablib.Dataset) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    headers = list(dataset.headers)
    for position, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(position)].width = min(60, max(10, len(header) + 4))
    header_cells = []
    for header in headers:
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    typed = {position: _TYPED_COLUMNS[header] for position, header in enumerate(headers) if header in _TYPED_COLUMNS}
    for row in dataset:
        cells = []
        for position, value in enumerate(row):
            if position in typed and value:
                widget, number_format = typed[position]
                cell = openpyxl.cell.WriteOnlyCell(sheet, value=widget.clean(value))
                cell.number_format = number_format
            else:
                cell = openpyxl.cell.WriteOnlyCell(sheet, value=neutralise_formula(value))
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_catalogue(concept, file_format: str, *, include_internal: bool) -> bytes:
    return render_dataset(catalogue_dataset(concept, include_internal=include_internal), file_format)


def blank_template(file_format: str = "xlsx") -> bytes:
    return render_dataset(tablib.Dataset(headers=MeasureResource.column_names(include_internal=True)), file_format)


def export_file_name(concept, file_format: str) -> str:
    return f"massnahmen-{concept.slug}.{file_format}"
