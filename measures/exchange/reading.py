"""Reading an uploaded workbook safely: format, size, zip and XML safety, cell and time limits.

Every problem with the file becomes an ``ImportFileError`` with a German message. Nothing read
is cached: the confirm reads the file again (it must recompute under the lock anyway, unless
its preview changed nothing and the data have not moved since), so no parsed table of any size
waits in a shared cache.
"""

import codecs
import csv
import io
import re

from django.conf import settings
from django.utils.translation import gettext as _

from .files import ImportFileError, ReadBudget, RowCollector, Table, megabytes
from .ods import normalise_title, read_ods
from .xlsx import read_xlsx

FORMATS = ("xlsx", "ods", "csv")
# Mojibake of UTF-8 read as Windows-1252, e.g. "Ã¼" for "ü".
_MOJIBAKE = re.compile(
    "[ÂÃ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


def detect_format(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].casefold() if "." in file_name else ""
    if extension not in FORMATS:
        raise ImportFileError(
            _(
                "Die Datei „%(file)s“ hat kein unterstütztes Format. Erwartet wird eine Tabelle als "
                "Excel (.xlsx), LibreOffice (.ods) oder CSV (.csv)."
            )
            % {"file": file_name}
        )
    return extension


def read_workbook(data: bytes, file_name: str, sheets: dict, fallback: str) -> tuple[str, dict]:
    """Return ``(format, {title: Table})`` for the sheets of ``sheets`` (title -> width) found in the file.

    Where the file has none of them (a single sheet named „Tabelle1“, or a CSV file), its
    first sheet is read as the sheet ``fallback``. Cells right of a sheet's width are not read.
    """
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s.")
            % {"size": megabytes(len(data)), "limit": megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)}
        )
    if not data.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    file_format = detect_format(file_name)
    wanted = {normalise_title(title): (title, width) for title, width in sheets.items()}
    budget = ReadBudget()
    if file_format == "csv":
        table = Table(title=fallback)
        _read_csv(data, RowCollector(table, sheets[fallback], budget))
        tables, fallback_table = {}, table
    else:
        reader = read_xlsx if file_format == "xlsx" else read_ods
        tables, fallback_table = reader(data, wanted, (fallback, sheets[fallback]), budget)
    if not tables and fallback_table is not None:
        tables = {fallback: fallback_table}
    for table in tables.values():
        if not table.header:
            continue
        if not table.rows and table.title == fallback and len(tables) == 1:
            raise ImportFileError(_("Die Tabelle enthält nur Überschriften und keine Maßnahmen."))
    if not any(table.header for table in tables.values()):
        raise ImportFileError(_("Die Tabelle enthält keine Zeilen."))
    return file_format, tables


def _decode_csv(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            _(
                "Die Datei ist keine CSV-Textdatei, obwohl ihr Name das sagt (sie enthält Binärdaten). "
                "Bitte speichern Sie die Tabelle als „CSV (Trennzeichen-getrennt)“."
            )
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
            _(
                "Die CSV-Datei mischt Zeichenkodierungen (UTF-8 und Windows-1252); Umlaute würden verfälscht. "
                "Bitte speichern Sie die Datei als „CSV UTF-8“ oder vollständig als Windows-1252."
            )
        )
    return text


def _encoding_error(error: UnicodeDecodeError, data: bytes) -> ImportFileError:
    line = data[: error.start].count(b"\n") + 1
    return ImportFileError(
        _(
            "Die CSV-Datei enthält in Zeile %(line)s Zeichen, die weder UTF-8 noch Windows-1252 sind. "
            "Bitte speichern Sie die Datei als „CSV UTF-8“ oder „CSV (Trennzeichen-getrennt)“."
        )
        % {"line": line}
    )


def _read_csv(data: bytes, collector: RowCollector) -> None:
    text = _decode_csv(data)
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for values in reader:
            collector.add(reader.line_num, values)
    except csv.Error:
        raise ImportFileError(
            _("Die CSV-Datei ist in Zeile %(line)s nicht lesbar (z. B. ein nicht geschlossenes Anführungszeichen).")
            % {"line": reader.line_num}
        ) from None
