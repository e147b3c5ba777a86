"""Checking an uploaded table's columns against the template and building the dataset to import.

Every problem with a row becomes a ``RowProblem`` naming row, column, value and what is expected.
"""

from dataclasses import dataclass

import tablib
from openpyxl.utils import get_column_letter

from .resources import MeasureResource
from .widgets import LINE_COLUMN, is_blank, suggest


@dataclass
class RowProblem:
    line: int | None
    column: str  # a heading, or the column's letter where it has none
    value: str
    message: str

    def __str__(self):
        where = f"Zeile {self.line}" if self.line else "Datei"
        if self.column:
            where += f", Spalte „{self.column}“"
        if self.value:
            where += f", Wert „{self.value}“"
        return f"{where}: {self.message}"


def _normalise_header(value) -> str:
    return " ".join(str(value or "").split()).casefold()


def check_columns(header_row, rows, *, include_internal=True) -> tuple[list, list]:
    """Map the file's headers to the template's columns; returns ``(columns, problems)``.

    ``columns`` holds, per position, the template column name or ``None`` for an empty
    column without a heading.
    """
    header_line, header = header_row[0]
    known = MeasureResource.column_names(include_internal=include_internal)
    by_key = {_normalise_header(name): name for name in known}
    columns, problems, seen = [], [], set()
    width = max(len(values) for _line, values in rows)
    for position in range(max(width, len(header))):
        raw = header[position] if position < len(header) else None
        if is_blank(raw):
            has_data = any(position < len(values) and not is_blank(values[position]) for _line, values in rows)
            if has_data:
                problems.append(
                    RowProblem(
                        header_line,
                        get_column_letter(position + 1),
                        "",
                        "Die Spalte enthält Werte, aber keine Überschrift.",
                    )
                )
            columns.append(None)
            continue
        name = by_key.get(_normalise_header(raw))
        if name is None:
            message = "Unbekannte Spalte." + suggest(str(raw), known, normalise=_normalise_header, n=1, cutoff=0.6)
            if not include_internal and _normalise_header(raw) in {
                _normalise_header(c) for c in MeasureResource.INTERNAL_COLUMNS
            }:
                message = "Diese Spalte darf nur das Büro importieren."
            problems.append(
                RowProblem(header_line, str(raw).strip(), "", message + f" Erlaubt sind: {', '.join(known)}.")
            )
            columns.append(None)
            continue
        if name in seen:
            problems.append(RowProblem(header_line, name, "", "Die Spalte kommt zweimal vor."))
        seen.add(name)
        columns.append(name)
    for required in MeasureResource.REQUIRED_COLUMNS:
        if required not in seen:
            problems.append(RowProblem(header_line, required, "", "Pflichtspalte fehlt."))
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
