"""Reading an uploaded table safely: format, size, zip and XML safety, row limits.

Every problem with the file becomes an ``ImportFileError`` with a German message.
"""

import codecs
import csv
import hashlib
import io
import re
import zipfile
from xml.sax import SAXException

import openpyxl
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.cache import cache
from odf import opendocument, teletype
from odf.namespaces import TABLENS, TEXTNS
from tablib.formats._ods import ODSFormat

from ..spreadsheets import SHEET_TITLE
from .widgets import is_blank

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


def _split_header(rows: list) -> tuple[list, list]:
    if not rows:
        raise ImportFileError("Die Tabelle enthält keine Zeilen.")
    header_line, header = rows[0]
    if len(rows) == 1:
        raise ImportFileError("Die Tabelle enthält nur Überschriften und keine Maßnahmen.")
    return [(header_line, header)], rows[1:]
