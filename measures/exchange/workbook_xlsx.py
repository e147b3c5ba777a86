"""The Excel form of the catalogue workbook: typed cells, dropdowns, the hidden data state."""

import io

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..spreadsheets import neutralise_formula
from .indicator_widgets import ValueWidget
from .sheets import STATE_SHEET, VALUES_SHEET, sheet_type
from .widgets import GermanDateWidget, GermanDecimalWidget, PercentWidget

_TYPED_COLUMNS = {
    "Beginn": (GermanDateWidget(), "DD.MM.YYYY"),
    "Ende": (GermanDateWidget(), "DD.MM.YYYY"),
    "Stand vom": (GermanDateWidget(), "DD.MM.YYYY"),
    "Budget (EUR)": (GermanDecimalWidget(), "#,##0.00"),
    "Fortschritt (%)": (PercentWidget(), "0"),
    # The milestone and indicator sheets.
    "geplant bis": (GermanDateWidget(), "DD.MM.YYYY"),
    "erledigt am": (GermanDateWidget(), "DD.MM.YYYY"),
    "Ausgangswert vom": (GermanDateWidget(), "DD.MM.YYYY"),
    "Zieldatum": (GermanDateWidget(), "DD.MM.YYYY"),
    "Stichtag": (GermanDateWidget(), "DD.MM.YYYY"),
    "Ausgangswert": (ValueWidget(), "General"),
    "Zielwert": (ValueWidget(), "General"),
    "Wert": (ValueWidget(), "General"),
}
# Rows below the data that still get the dropdowns, for new entries.
SPARE_ROWS = 500


def _header_cells(sheet, headers):
    cells = []
    for header in headers:
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _add_dropdowns(sheet, title, headers, values, last_row):
    lists = list(values)
    dropdowns = sheet_type(title).dropdowns
    for position, header in enumerate(headers, 1):
        if header not in dropdowns or dropdowns[header][0] not in values:
            continue
        list_name, strict = dropdowns[header]
        column = get_column_letter(lists.index(list_name) + 1)
        length = max(len(values[list_name]), 1)
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(VALUES_SHEET)}!${column}$2:${column}${length + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "information",
            errorTitle="Unbekannter Wert",
            error=f"Bitte einen Wert aus dem Blatt „{VALUES_SHEET}“, Spalte „{list_name}“, wählen.",
        )
        letter = get_column_letter(position)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.data_validations.append(validation)


def render_xlsx(datasets, values, state) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    for title, dataset in datasets:
        sheet = workbook.create_sheet(title)
        headers = list(dataset.headers)
        for position, header in enumerate(headers, 1):
            sheet.column_dimensions[get_column_letter(position)].width = min(60, max(10, len(header) + 4))
        sheet.freeze_panes = "A2"
        sheet.append(_header_cells(sheet, headers))
        typed = {
            position: _TYPED_COLUMNS[header] for position, header in enumerate(headers) if header in _TYPED_COLUMNS
        }
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
        _add_dropdowns(sheet, title, headers, values, len(dataset) + 1 + SPARE_ROWS)
    value_sheet = workbook.create_sheet(VALUES_SHEET)
    value_sheet.append(_header_cells(value_sheet, list(values)))
    for position in range(1, len(values) + 1):
        value_sheet.column_dimensions[get_column_letter(position)].width = 24
    height = max(len(column) for column in values.values())
    for n in range(height):
        value_sheet.append([neutralise_formula(column[n]) if n < len(column) else None for column in values.values()])
    if state:
        state_sheet = workbook.create_sheet(STATE_SHEET)
        state_sheet.sheet_state = "hidden"
        for row in state:
            state_sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
