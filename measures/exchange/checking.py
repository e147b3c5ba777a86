"""Checking a sheet's columns against its template and building the dataset to import.

Every problem with a row becomes a ``RowProblem`` naming sheet, row, column, value and what is
expected.
"""

from dataclasses import dataclass

import tablib
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .sheets import MEASURES_SHEET
from .widgets import LINE_COLUMN, is_blank, suggest


@dataclass
class RowProblem:
    line: int | None
    column: str  # a heading, or the column's letter where it has none
    value: str
    message: str
    sheet: str = ""

    def __str__(self):
        where = _("Zeile %(line)s") % {"line": self.line} if self.line else _("Datei")
        if self.sheet and self.sheet != MEASURES_SHEET:  # the catalogue's main sheet goes without saying
            where = _("Blatt „%(sheet)s“, %(where)s") % {"sheet": self.sheet, "where": where}
        if self.column:
            where += _(", Spalte „%(column)s“") % {"column": self.column}
        if self.value:
            where += _(", Wert „%(value)s“") % {"value": self.value}
        return f"{where}: {self.message}"


def _normalise_header(value) -> str:
    return " ".join(str(value or "").split()).casefold()


def check_columns(table, resource_class, *, include_internal=True) -> tuple[list, list]:
    """Map the sheet's headers to the template's columns; returns ``(columns, problems)``.

    ``columns`` holds, per position, the template column name or ``None`` for an empty
    column without a heading.
    """
    header_line, header, rows = table.header_line, table.header, table.rows
    known = resource_class.column_names(include_internal=include_internal)
    by_key = {_normalise_header(name): name for name in known}
    columns, problems, seen = [], [], set()

    def problem(column, message):
        problems.append(RowProblem(header_line, column, "", message, sheet=table.title))

    width = max((len(values) for _line, values in rows), default=0)
    for position in range(max(width, len(header))):
        raw = header[position] if position < len(header) else None
        if is_blank(raw):
            if any(position < len(values) and not is_blank(values[position]) for _line, values in rows):
                problem(get_column_letter(position + 1), _("Die Spalte enthält Werte, aber keine Überschrift."))
            columns.append(None)
            continue
        name = by_key.get(_normalise_header(raw))
        if name is None:
            message = _("Unbekannte Spalte.") + suggest(str(raw), known, normalise=_normalise_header, n=1, cutoff=0.6)
            internal = {_normalise_header(column) for column in resource_class.INTERNAL_COLUMNS}
            if not include_internal and _normalise_header(raw) in internal:
                message = _("Diese Spalte darf nur das Büro importieren.")
            problem(str(raw).strip(), message + " " + _("Erlaubt sind: %(columns)s.") % {"columns": ", ".join(known)})
            columns.append(None)
            continue
        if name in seen:
            problem(name, _("Die Spalte kommt zweimal vor."))
        seen.add(name)
        columns.append(name)
    for required in resource_class.REQUIRED_COLUMNS:
        if required not in seen:
            problem(required, _("Pflichtspalte fehlt."))
    return columns, problems


def build_dataset(columns, rows) -> tablib.Dataset:
    """The rows as a dataset for the resource, each with its line number in the file."""
    names = [name for name in columns if name]
    dataset = tablib.Dataset(headers=[*names, LINE_COLUMN])
    for line, values in rows:
        row = {}
        for position, name in enumerate(columns):
            if name:
                row[name] = values[position] if position < len(values) else None
        dataset.append([*(row[name] for name in names), line])
    return dataset
