"""Reading Excel tables (.xlsx) as a stream, up to the template's width.

openpyxl's reader (through defusedxml) reads the workbook's small parts: sheet names, shared
strings and which styles are dates; its worksheet step is skipped, as it would scan every
sheet once more for its size. The sheets themselves are parsed event by event with a
hardened expat: only the cells within the template's width are looked at, missing rows are
never made up (a cell in row 1,048,576 is one row, not a million), and nothing is padded to
column XFD.
"""

import io
import re

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.datetime import from_excel, from_ISO8601

from .files import (
    FormulaWithoutValue,
    ImportFileError,
    ReadBudget,
    RowCollector,
    Table,
    caused_by_unsafe_xml,
    check_zip,
    unreadable,
    unsafe_xml,
)
from .ods import hardened_parser, normalise_title

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _VALUE, _FORMULA = f"{MAIN} row", f"{MAIN} c", f"{MAIN} v", f"{MAIN} f"
_INLINE_TEXT = f"{MAIN} t"
_COLUMN = re.compile(r"[A-Z]+")


def _column_index(reference: str) -> int:
    letters = _COLUMN.match(reference)
    index = 0
    for letter in letters.group(0) if letters else "":
        index = index * 26 + ord(letter) - 64
    return index


class _SheetStream:
    def __init__(self, collector: RowCollector, reader: ExcelReader, budget: ReadBudget):
        self.collector = collector
        self.width = collector.width
        self.shared_strings = reader.shared_strings
        self.date_formats = reader.wb._date_formats
        self.epoch = reader.wb.epoch
        self.budget = budget
        self.line = 0
        self.row = None
        self.cell = None
        self.text = None
        self.column = 0
        self.elements = 0

    def start(self, name, attrs):
        self.elements += 1
        if self.elements % 20_000 == 0:
            self.budget.check()
        if name == _ROW:
            self.line = int(attrs["r"]) if "r" in attrs else self.line + 1
            self.row, self.column = [], 0
        elif name == _CELL and self.row is not None:
            self.column = _column_index(attrs["r"]) if "r" in attrs else self.column + 1
            self.cell = attrs if self.column <= self.width else None
            self.parts = {}
        elif self.cell is not None and name in (_VALUE, _FORMULA, _INLINE_TEXT):
            self.text = []

    def characters(self, data):
        if self.text is not None:
            self.text.append(data)

    def end(self, name):
        if self.cell is not None and name in (_VALUE, _FORMULA, _INLINE_TEXT):
            self.parts[name] = self.parts.get(name, "") + "".join(self.text)
            self.text = None
        elif name == _CELL and self.cell is not None:
            if self.column > len(self.row):
                self.row.extend([None] * (self.column - len(self.row)))
            self.row[self.column - 1] = self._value()
            self.cell = None
        elif name == _ROW and self.row is not None:
            self.collector.add(self.line, self.row)
            self.row = None

    def _value(self):
        kind = self.cell.get("t", "n")
        value = self.parts.get(_VALUE) or None  # openpyxl writes <v/> for a formula it did not calculate
        if kind == "inlineStr":
            return self.parts.get(_INLINE_TEXT)
        if value is None:
            formula = self.parts.get(_FORMULA)
            return FormulaWithoutValue("=" + formula) if formula is not None else None
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "b":
            return value.strip() == "1"
        if kind == "d":
            return from_ISO8601(value)
        if kind in ("str", "e"):
            return value
        number = float(value)
        if int(self.cell.get("s") or 0) in self.date_formats:
            return from_excel(number, self.epoch)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number


def read_xlsx(data: bytes, wanted: dict, fallback: tuple | None, budget: ReadBudget) -> tuple[dict, Table | None]:
    """The wanted sheets as ``{title: Table}`` and the first sheet read as ``fallback``."""
    check_zip(data, "xl/workbook.xml", "Excel")
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except ImportFileError:
        raise
    except Exception as error:  # any parser failure means the file is unusable
        raise (unsafe_xml() if caused_by_unsafe_xml(error) else unreadable("Excel")) from None
    tables, fallback_table = {}, None
    try:
        for position, (name, path) in enumerate(sheets):
            key = normalise_title(name)
            if key in wanted and wanted[key][0] not in tables:
                title, width = wanted[key]
                table = tables[title] = Table(title=title)
            elif position == 0 and fallback is not None:
                title, width = fallback
                table = fallback_table = Table(title=title)
            else:
                continue
            _read_sheet(reader, path, RowCollector(table, width, budget), budget)
    finally:
        reader.archive.close()
    return tables, fallback_table


def _read_sheet(reader, path, collector, budget):
    stream = _SheetStream(collector, reader, budget)
    parser = hardened_parser(stream.start, stream.end, stream.characters)
    try:
        with reader.archive.open(path) as source:
            parser.ParseFile(source)
    except ImportFileError:
        raise
    except Exception as error:  # any parser failure means the file is unusable
        raise (unsafe_xml() if caused_by_unsafe_xml(error) else unreadable("Excel")) from None
