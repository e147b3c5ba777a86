"""Published tables: the columns and cells of the open data and the one writer of its files.

The measures' downloads (measures/public/opendata.py) and the indicators' (measures/indicators/
columns.py) describe their columns with ``Column``; the page „Offene Daten“ and the Table Schema
are made from those lists, and ``table_response`` writes every CSV, XLSX and JSON file the same
way: text neutralised against formula injection, numbers as numbers, „ja“/„nein“, empty for
missing values (``null`` in JSON).
"""

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from .spreadsheets import neutralise_formula

# File name endings (<table>.<format>) and their media types. German Excel opens a comma CSV
# into a single column on double-click; the semicolon variant is for it.
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "semikolon.csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
CSV_DELIMITERS = {"csv": ",", "semikolon.csv": ";"}
# How the download links name each format.
FORMAT_LABELS = {
    "csv": _("CSV"),
    "semikolon.csv": _("CSV mit Semikolon (für deutsches Excel)"),
    "xlsx": _("Excel (XLSX)"),
    "json": _("JSON"),
}
NUMBER_KINDS = ("integer", "number")


@dataclass(frozen=True)
class Column:
    key: str
    description: Any
    kind: str = "text"  # text, integer, number, date, boolean, url
    choices: Any = None  # the TextChoices whose labels the column holds
    required: bool = False

    @property
    def values(self) -> str:
        return ", ".join(f"„{label}“" for label in self.choices.labels) if self.choices else ""


class JSONEncoder(DjangoJSONEncoder):
    """Amounts as JSON numbers (DjangoJSONEncoder would write them as strings)."""

    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def cell(value):
    """A value for CSV and XLSX: text neutralised against formula injection, ja/nein for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, str):
        return neutralise_formula(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass
class Table:
    """What a download holds: the columns, the rows (dicts by column key) and how it is named."""

    columns: list
    rows: list
    sheet_title: str
    json_key: str
    json_head: dict  # what the JSON document says before its rows
    properties: dict | None = None  # XLSX document properties: title, creator, description, custom


def table_response(fmt: str, table: Table, *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if fmt == "json":
        document = {**table.json_head, "anzahl": len(table.rows), table.json_key: table.rows}
        response.content = json.dumps(document, cls=JSONEncoder, ensure_ascii=False, indent=1)
    elif fmt in CSV_DELIMITERS:
        # A byte order mark so that spreadsheet programs read the file as UTF-8.
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=CSV_DELIMITERS[fmt])
        writer.writerow([column.key for column in table.columns])
        for row in table.rows:
            writer.writerow([cell(row[column.key]) for column in table.columns])
        response.content = buffer.getvalue().encode("utf-8")
    else:
        response.content = _xlsx(table)
    return response


def _xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    workbook = Workbook(write_only=True)
    properties = table.properties or {}
    # The document properties carry title, publisher and licence (File → Properties).
    workbook.properties.title = properties.get("title")
    workbook.properties.creator = properties.get("creator")
    workbook.properties.description = properties.get("description")
    workbook.properties.language = "de"
    for name, value in properties.get("custom", ()):
        workbook.custom_doc_props.append(StringProperty(name=name, value=value))
    sheet = workbook.create_sheet(table.sheet_title)
    sheet.append([column.key for column in table.columns])
    for row in table.rows:
        values = []
        for column in table.columns:
            value = row[column.key]
            # Numbers stay numbers; everything else is written as neutralised text.
            is_number = column.kind in NUMBER_KINDS and value is not None
            values.append((value if isinstance(value, int) else float(value)) if is_number else cell(value))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
