"""Reading LibreOffice tables (.ods) as a stream, with the typed value of every cell.

``content.xml`` is parsed with expat event by event, never as a tree: a row repeated 900,000
times or a cell repeated across 1,024 columns costs a counter, not memory. The parser refuses
document types, entity declarations and external references, as defusedxml does, and raises
defusedxml's own exceptions for them.

A number cell is read from its ``office:value`` (``52000.5``), never from the text the program
displays (``52.000,50`` or ``52,000.50`` depending on the locale it was saved under).
"""

from datetime import date, datetime
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from django.utils.translation import gettext as _

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

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_SHEET = f"{TABLE} table"
_ROW = f"{TABLE} table-row"
_CELLS = frozenset((f"{TABLE} table-cell", f"{TABLE} covered-table-cell"))
_ROWS_REPEATED, _COLUMNS_REPEATED = f"{TABLE} number-rows-repeated", f"{TABLE} number-columns-repeated"
_PARAGRAPH = f"{TEXT} p"
_ANNOTATION = f"{OFFICE} annotation"
_SPACE, _TAB, _BREAK = f"{TEXT} s", f"{TEXT} tab", f"{TEXT} line-break"
_NUMBER_TYPES = ("float", "percentage", "currency")
MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _forbid_doctype(name, sysid, pubid, has_internal_subset):
    raise DTDForbidden(name, sysid, pubid)


def _forbid_entity(name, *args):
    raise EntitiesForbidden(name, None, None, None, None, None)


def _forbid_external(context, base, sysid, pubid):
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def hardened_parser(start, end, characters):
    """An expat parser with namespaces as ``"uri local"`` that refuses what defusedxml refuses."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _forbid_doctype
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_entity
    parser.ExternalEntityRefHandler = _forbid_external
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    return parser


def _number(text):
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _typed_value(attrs, text_parts):
    value_type = attrs.get(f"{OFFICE} value-type")
    text = "\n".join(text_parts) if text_parts else None
    if value_type in _NUMBER_TYPES and f"{OFFICE} value" in attrs:
        return _number(attrs[f"{OFFICE} value"])
    if value_type == "date" and f"{OFFICE} date-value" in attrs:
        stored = attrs[f"{OFFICE} date-value"]
        return datetime.fromisoformat(stored) if "T" in stored else date.fromisoformat(stored)
    if value_type == "boolean" and f"{OFFICE} boolean-value" in attrs:
        return attrs[f"{OFFICE} boolean-value"] == "true"
    if value_type == "string" and f"{OFFICE} string-value" in attrs:
        return attrs[f"{OFFICE} string-value"]
    if value_type in (None, *_NUMBER_TYPES, "date", "boolean") and f"{TABLE} formula" in attrs:
        # A formula whose result was never stored (written by a program that does not calculate).
        return FormulaWithoutValue(attrs[f"{TABLE} formula"])
    return text


class _SheetStream:
    """expat handlers that feed the rows of the wanted sheets into their collectors."""

    def __init__(self, wanted: dict, fallback: tuple | None, budget: ReadBudget):
        self.wanted = wanted  # normalised title -> (title, width)
        self.fallback = fallback  # (title, width) for the first sheet when its title is not wanted
        self.budget = budget
        self.tables = {}
        self.fallback_table = None
        self.first_sheet = None
        self.collector = None
        self.line = 0
        self.row = None
        self.row_repeat = 1
        self.row_has_value = False
        self.cell = None
        self.cell_repeat = 1
        self.paragraphs = None
        self.paragraph = None
        self.annotation_depth = 0
        self.elements = 0

    def start(self, name, attrs):
        self.elements += 1
        if self.elements % 20_000 == 0:
            self.budget.check()
        if self.collector is None:
            if name == _SHEET:
                self._start_sheet(attrs.get(f"{TABLE} name", ""))
            return
        if name in _CELLS:
            if self.row is not None:
                self.cell_repeat = int(attrs.get(_COLUMNS_REPEATED) or 1) if attrs else 1
                # A cell without attributes is empty: nothing to collect.
                self.cell = attrs if attrs and len(self.row) < self.collector.width else None
                self.paragraphs = []
        elif name == _ROW:
            self.row, self.row_repeat, self.row_has_value = [], int(attrs.get(_ROWS_REPEATED) or 1), False
        elif self.cell is None:
            return
        elif name == _ANNOTATION:
            self.annotation_depth += 1
        elif self.annotation_depth:
            return
        elif name == _PARAGRAPH:
            self.paragraph = []
        elif self.paragraph is not None:
            if name == _SPACE:
                self.paragraph.append(" " * int(attrs.get(f"{TEXT} c") or 1))
            elif name == _TAB:
                self.paragraph.append("\t")
            elif name == _BREAK:
                self.paragraph.append("\n")

    def _start_sheet(self, title):
        key = normalise_title(title)
        first = self.first_sheet is None
        self.first_sheet = title if first else self.first_sheet
        if key in self.wanted and self.wanted[key][0] not in self.tables:
            title, width = self.wanted[key]
            table = self.tables[title] = Table(title=title)
        elif first and self.fallback is not None:
            title, width = self.fallback
            table = self.fallback_table = Table(title=title)
        else:
            return
        self.collector = RowCollector(table, width, self.budget)
        self.line = 0

    def text(self, data):
        if self.paragraph is not None and not self.annotation_depth:
            self.paragraph.append(data)

    def end(self, name):
        if self.collector is None:
            return
        if name in _CELLS:
            row = self.row
            if row is None:
                return
            room = self.collector.width - len(row)
            if self.cell is not None:
                value = _typed_value(self.cell, self.paragraphs)
                if value is not None and value != "":
                    self.row_has_value = True
                row.extend([value] * min(self.cell_repeat, room))
                self.cell = self.paragraphs = None
            elif room > 0:
                row.extend([None] * min(self.cell_repeat, room))
        elif name == _ROW and self.row is not None:
            if self.row_has_value:
                self.collector.add(self.line + 1, self.row, self.row_repeat)
            self.line += self.row_repeat  # blank rows: a counter, however many
            self.row = None
        elif name == _SHEET:
            self.collector = None
        elif name == _ANNOTATION:
            self.annotation_depth -= 1
        elif name == _PARAGRAPH and self.paragraph is not None and not self.annotation_depth:
            self.paragraphs.append("".join(self.paragraph))
            self.paragraph = None


def normalise_title(title) -> str:
    return " ".join(str(title or "").split()).casefold()


def read_ods(data: bytes, wanted: dict, fallback: tuple | None, budget: ReadBudget) -> tuple[dict, Table | None]:
    """The wanted sheets as ``{title: Table}`` and the first sheet read as ``fallback``
    (``None`` where the first sheet is a wanted one); see ``reading.read_workbook``."""
    archive = check_zip(data, "content.xml", "LibreOffice")
    mimetype = archive.read("mimetype").strip() if "mimetype" in archive.namelist() else b""
    if mimetype != MIMETYPE:
        raise ImportFileError(
            _(
                "Die Datei ist keine LibreOffice-Tabelle (.ods), obwohl ihr Name das sagt. Bitte speichern Sie "
                "die Tabelle im Tabellenprogramm erneut im ODS-Format."
            )
        )
    stream = _SheetStream(wanted, fallback, budget)
    parser = hardened_parser(stream.start, stream.end, stream.text)
    try:
        with archive.open("content.xml") as content:
            parser.ParseFile(content)
    except ImportFileError:
        raise
    except Exception as error:  # any parser failure means the file is unusable
        raise (unsafe_xml() if caused_by_unsafe_xml(error) else unreadable("LibreOffice")) from None
    if stream.first_sheet is None:
        raise unreadable("LibreOffice")
    return stream.tables, stream.fallback_table
