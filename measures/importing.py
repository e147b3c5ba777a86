"""Reading an uploaded catalogue safely, previewing it and importing it in one transaction.

Every problem with the file becomes an ``ImportFileError`` with a German message; every
problem with a row becomes a ``RowProblem`` naming row, column, value and what is expected.
Nothing is written unless the whole file is free of problems.
"""

import codecs
import csv
import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from xml.sax import SAXException

import openpyxl
import tablib
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from odf import opendocument, teletype
from odf.namespaces import TABLENS, TEXTNS
from openpyxl.utils import get_column_letter
from tablib.formats._ods import ODSFormat

from .models import ImportRecord
from .resources import MeasureResource
from .spreadsheets import SHEET_TITLE
from .widgets import LINE_COLUMN, is_blank, suggest

logger = logging.getLogger(__name__)

FORMATS = ("xlsx", "ods", "csv")
TABLE_CACHE_SECONDS = 24 * 60 * 60
# Entries of an .xlsx or .ods archive; real tables have a few dozen.
MAX_ARCHIVE_MEMBERS = 10_000
# Mojibake of UTF-8 read as Windows-1252, e.g. "Ã¼" for "ü".
_MOJIBAKE = re.compile(
    "[ÂÃ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in German."""


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


@dataclass
class PreviewRow:
    line: int
    code: str
    kind: str  # "new", "changed", "unchanged", "error"
    changed_columns: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    KIND_LABELS = {"new": "neu", "changed": "geändert", "unchanged": "unverändert", "error": "Fehler"}

    @property
    def kind_label(self):
        return self.KIND_LABELS[self.kind]


@dataclass
class ImportOutcome:
    rows: list
    problems: list
    file_format: str
    record: ImportRecord | None = None

    def count(self, kind):
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def counts(self):
        return {kind: self.count(kind) for kind in PreviewRow.KIND_LABELS}

    @property
    def ok(self):
        return not self.problems


# Reading -----------------------------------------------------------------------------------


def detect_format(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].casefold() if "." in file_name else ""
    if extension not in FORMATS:
        raise ImportFileError(
            f"Die Datei „{file_name}“ hat kein unterstütztes Format. Erwartet wird eine Tabelle als "
            "Excel (.xlsx), LibreOffice (.ods) oder CSV (.csv)."
        )
    return extension


def read_table(data: bytes, file_name: str) -> tuple[str, list, list]:
    """Return ``(format, headers, rows)``, each row a ``(line number, values)`` pair."""
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError(
            f"Die Datei ist {_megabytes(len(data))} groß; erlaubt sind höchstens "
            f"{_megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)}."
        )
    if not data.strip():
        raise ImportFileError("Die Datei ist leer.")
    file_format = detect_format(file_name)
    reader = {"xlsx": _read_xlsx, "ods": _read_ods, "csv": _read_csv}[file_format]
    rows = reader(data)
    return (file_format, *_split_header(rows))


def read_table_once(data: bytes, file_name: str) -> tuple[str, list, list]:
    """``read_table``, remembered in the shared cache: the confirm reuses what the preview parsed.

    The key is the file's SHA-256, so a different file is always parsed afresh; errors are
    not remembered.
    """
    key = (
        "measures-import-table:"
        + hashlib.sha256(data).hexdigest()
        + ":"
        + hashlib.sha256(file_name.encode()).hexdigest()
    )
    table = cache.get(key)
    if table is None:
        table = read_table(data, file_name)
        cache.set(key, table, TABLE_CACHE_SECONDS)
    return table


def _german_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _check_zip(data: bytes, required_member: str, label: str) -> zipfile.ZipFile:
    not_a_file = ImportFileError(
        f"Die Datei ist keine gültige {label}-Datei, obwohl ihr Name das sagt. Bitte speichern Sie die Tabelle "
        f"im Tabellenprogramm erneut im {label}-Format."
    )
    if not data.startswith(b"PK\x03\x04"):
        raise not_a_file
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_file from None
    if required_member not in {member.filename for member in members}:
        raise not_a_file
    # The sizes in the archive's directory bound what decompression may produce: zipfile
    # stops at the declared size, so a lying entry fails its checksum instead of growing.
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ImportFileError(
            f"Die Datei besteht aus {_german_int(len(members))} Einzeldateien; erlaubt sind höchstens "
            f"{_german_int(MAX_ARCHIVE_MEMBERS)}. Die Datei wird nicht gelesen."
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > settings.IMPORT_MAX_DECOMPRESSED_BYTES:
        raise ImportFileError(
            f"Die Datei würde entpackt {_megabytes(unpacked)} groß; erlaubt sind höchstens "
            f"{_megabytes(settings.IMPORT_MAX_DECOMPRESSED_BYTES)}. Die Datei wird nicht gelesen."
        )
    return archive


def _unsafe_xml():
    return ImportFileError(
        "Die Datei enthält unzulässige XML-Inhalte (z. B. Entitäten oder externe Verweise) und wird aus "
        "Sicherheitsgründen nicht gelesen."
    )


def _caused_by_unsafe_xml(error: BaseException | None) -> bool:
    # openpyxl wraps defusedxml's refusal in a ValueError of its own.
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DefusedXmlException):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _unreadable(label):
    return ImportFileError(
        f"Die {label}-Datei ist beschädigt und kann nicht gelesen werden. Bitte speichern Sie sie im "
        "Tabellenprogramm erneut."
    )


class _RowCollector:
    """Collects non-blank rows with their line numbers and enforces the row limits."""

    def __init__(self):
        self.rows = []
        self.blank_run = 0

    def add(self, line: int, values) -> None:
        values = list(values)
        while values and is_blank(values[-1]):
            values.pop()
        if not values:
            self.blank_run += 1
            if self.blank_run > settings.IMPORT_MAX_BLANK_ROWS:
                raise ImportFileError(
                    f"Die Tabelle enthält ab Zeile {line - self.blank_run + 1} mehr als "
                    f"{_german_int(settings.IMPORT_MAX_BLANK_ROWS)} leere Zeilen hintereinander. "
                    "Bitte löschen Sie die leeren Zeilen und laden Sie die Datei erneut hoch."
                )
            return
        self.blank_run = 0
        self.rows.append((line, values))
        if len(self.rows) > settings.IMPORT_MAX_ROWS + 1:
            raise ImportFileError(
                f"Die Tabelle hat mehr als {_german_int(settings.IMPORT_MAX_ROWS)} Zeilen; erlaubt sind höchstens "
                f"{_german_int(settings.IMPORT_MAX_ROWS)} Maßnahmen je Import."
            )


def _read_xlsx(data: bytes) -> list:
    _check_zip(data, "xl/workbook.xml", "Excel")
    collector = _RowCollector()
    try:
        # openpyxl parses through defusedxml when it is installed (openpyxl.xml.DEFUSEDXML).
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
            # Read to the last row present instead of trusting (or first computing) the stored dimension.
            sheet.reset_dimensions()
            for line, values in enumerate(sheet.iter_rows(values_only=True), 1):
                collector.add(line, values)
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # any parser failure means the file is unusable
        raise (_unsafe_xml() if _caused_by_unsafe_xml(error) else _unreadable("Excel")) from None
    return collector.rows


def _read_ods(data: bytes) -> list:
    archive = _check_zip(data, "content.xml", "LibreOffice")
    mimetype = archive.read("mimetype").strip() if "mimetype" in archive.namelist() else b""
    if mimetype != b"application/vnd.oasis.opendocument.spreadsheet":
        raise ImportFileError(
            "Die Datei ist keine LibreOffice-Tabelle (.ods), obwohl ihr Name das sagt. Bitte speichern Sie die "
            "Tabelle im Tabellenprogramm erneut im ODS-Format."
        )
    try:
        document = opendocument.load(io.BytesIO(data))  # odfpy parses through defusedxml
    except DefusedXmlException:
        raise _unsafe_xml() from None
    except (SAXException, KeyError, ValueError, zipfile.BadZipFile, OSError):
        raise _unreadable("LibreOffice") from None
    sheets = [node for node in document.spreadsheet.childNodes if node.qname == (TABLENS, "table")]
    if not sheets:
        raise _unreadable("LibreOffice")
    sheet = next((s for s in sheets if s.getAttribute("name") == SHEET_TITLE), sheets[0])
    collector = _RowCollector()
    line = 0
    for row in _children(sheet, "table-row", containers=("table-rows", "table-header-rows", "table-row-group")):
        values = []
        for cell in row.childNodes:
            if cell.qname not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
                continue
            repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            value = _ods_value(cell)
            # Repeated empty cells (LibreOffice writes gaps that way) keep the columns aligned;
            # a huge repeat at the end of a row is padding and is cut off.
            values.extend([value] * min(repeat, 200))
        repeat_rows = int(row.getAttribute("numberrowsrepeated") or 1)
        if all(is_blank(value) for value in values):
            # LibreOffice pads sheets with one blank row repeated a million times: one blank line.
            line += repeat_rows
            collector.add(line, [])
            continue
        for _ in range(min(repeat_rows, settings.IMPORT_MAX_ROWS + 2)):
            line += 1
            collector.add(line, values)
    return collector.rows


def _ods_value(cell):
    if cell.getAttribute("valuetype") in ("", "string"):
        paragraphs = [teletype.extractText(node) for node in cell.childNodes if node.qname == (TEXTNS, "p")]
        return "\n".join(paragraphs) if paragraphs else None
    return ODSFormat.read_cell(cell)


def _children(node, name, containers=()):
    for child in node.childNodes:
        if child.qname == (TABLENS, name):
            yield child
        elif child.qname[0] == TABLENS and child.qname[1] in containers:
            yield from _children(child, name, containers)


def _decode_csv(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            "Die Datei ist keine CSV-Textdatei, obwohl ihr Name das sagt (sie enthält Binärdaten). "
            "Bitte speichern Sie die Tabelle als „CSV (Trennzeichen-getrennt)“."
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise _encoding_error(error, data) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise _encoding_error(error, data) from None
    if _MOJIBAKE.search(text):
        raise ImportFileError(
            "Die CSV-Datei mischt Zeichenkodierungen (UTF-8 und Windows-1252); Umlaute würden verfälscht. "
            "Bitte speichern Sie die Datei als „CSV UTF-8“ oder vollständig als Windows-1252."
        )
    return text


def _encoding_error(error: UnicodeDecodeError, data: bytes) -> ImportFileError:
    line = data[: error.start].count(b"\n") + 1
    return ImportFileError(
        f"Die CSV-Datei enthält in Zeile {line} Zeichen, die weder UTF-8 noch Windows-1252 sind. "
        "Bitte speichern Sie die Datei als „CSV UTF-8“ oder „CSV (Trennzeichen-getrennt)“."
    )


def _read_csv(data: bytes) -> list:
    text = _decode_csv(data)
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    collector = _RowCollector()
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for values in reader:
            collector.add(reader.line_num, values)
    except csv.Error:
        raise ImportFileError(
            f"Die CSV-Datei ist in Zeile {reader.line_num} nicht lesbar (z. B. ein nicht geschlossenes "
            "Anführungszeichen)."
        ) from None
    return collector.rows


# Columns -----------------------------------------------------------------------------------


def _normalise_header(value) -> str:
    return " ".join(str(value or "").split()).casefold()


def _split_header(rows: list) -> tuple[list, list]:
    if not rows:
        raise ImportFileError("Die Tabelle enthält keine Zeilen.")
    header_line, header = rows[0]
    if len(rows) == 1:
        raise ImportFileError("Die Tabelle enthält nur Überschriften und keine Maßnahmen.")
    return [(header_line, header)], rows[1:]


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


# Preview and import ------------------------------------------------------------------------


def _row_problems(row_result) -> list:
    problems = []
    if row_result.validation_error is not None:
        for column, errors in row_result.validation_error.message_dict.items():
            value = row_result.row_values.get(column) if row_result.row_values else None
            for message in errors:
                problems.append(RowProblem(row_result.line, column, _display(value), message))
    for error in row_result.errors:
        # The exception is for the maintainer's log; the Büro gets a sentence it can act on.
        logger.error("Import of line %s failed", row_result.line, exc_info=error.error)
        problems.append(
            RowProblem(
                row_result.line,
                "",
                "",
                "Die Zeile konnte wegen eines internen Fehlers nicht verarbeitet werden. Bitte wenden Sie sich "
                "an die technische Betreuung.",
            )
        )
    return problems


def _display(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)[:200]


def run_import(
    data: bytes, file_name: str, *, concept, user=None, dry_run: bool, include_internal: bool = True
) -> ImportOutcome:
    """Preview (``dry_run``) or import the file into ``concept``; any problem means nothing is written."""
    with translation.override("de"):
        file_format, header_row, rows = read_table_once(data, file_name)
        columns, problems = check_columns(header_row, rows, include_internal=include_internal)
        if problems:
            return ImportOutcome(rows=[], problems=problems, file_format=file_format)
        dataset = build_dataset(columns, rows)
        with transaction.atomic():
            record = None
            if not dry_run:
                record = ImportRecord.objects.create(
                    concept=concept, user=user, file_name=file_name[:255], file_format=file_format
                )
            resource = MeasureResource(
                concept=concept,
                user=user,
                change_reason=record.change_reason if record else "",
                include_internal=include_internal,
            )
            result = resource.import_data(
                dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
            )
            preview = []
            for base_error in result.base_errors:
                logger.error("Import of %s failed", file_name, exc_info=base_error.error)
                problems.append(
                    RowProblem(
                        None,
                        "",
                        "",
                        "Der Import ist wegen eines internen Fehlers fehlgeschlagen; es wurde nichts gespeichert. "
                        "Bitte wenden Sie sich an die technische Betreuung.",
                    )
                )
            for row_result in result.rows:
                row_problems = _row_problems(row_result)
                problems.extend(row_problems)
                if row_problems:
                    kind = "error"
                elif row_result.import_type == row_result.IMPORT_TYPE_NEW:
                    kind = "new"
                elif row_result.import_type == row_result.IMPORT_TYPE_UPDATE:
                    kind = "changed"
                else:
                    kind = "unchanged"
                preview.append(
                    PreviewRow(
                        line=row_result.line,
                        code=row_result.code,
                        kind=kind,
                        changed_columns=row_result.changed_columns if kind == "changed" else [],
                        problems=row_problems,
                    )
                )
            problems.sort(key=lambda problem: problem.line or 0)
            outcome = ImportOutcome(rows=preview, problems=problems, file_format=file_format)
            if problems or dry_run:
                transaction.set_rollback(True)
                return outcome
            record.rows_total = len(preview)
            record.rows_created = outcome.count("new")
            record.rows_updated = outcome.count("changed")
            record.rows_unchanged = outcome.count("unchanged")
            record.status_updates_created = resource.status_updates_created
            record.save()
            outcome.record = record
            return outcome
