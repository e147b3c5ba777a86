"""What every reader of an uploaded table shares: the error, the limits, zip and XML safety, the table.

The work of reading is bounded by cells, not bytes: a sheet is read only up to the width of
its template, repetitions are counted instead of copied, blank rows are counted and never
stored, and the whole read has a time budget.
"""

import io
import time
import zipfile
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

from .widgets import is_blank

# Entries of an .xlsx or .ods archive; real tables have a few dozen.
MAX_ARCHIVE_MEMBERS = 10_000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in German."""


class FormulaWithoutValue:
    """A cell holding a formula that the spreadsheet program never calculated (no stored value)."""

    def __init__(self, formula: str = ""):
        self.formula = formula

    def __str__(self):
        return self.formula


@dataclass
class Table:
    """One sheet: its header row and its non-blank rows, each a ``(line number, values)`` pair."""

    title: str
    header_line: int = 0
    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)


def german_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


class ReadBudget:
    """The time a read may take; checked every few hundred rows or cells."""

    def __init__(self):
        self.deadline = time.monotonic() + settings.IMPORT_MAX_READ_SECONDS

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ImportFileError(
                _(
                    "Das Lesen der Datei hat länger als %(seconds)s Sekunden gedauert und wurde abgebrochen. "
                    "Die Datei enthält vermutlich sehr viele leere oder formatierte Zellen. Bitte kopieren Sie "
                    "nur die ausgefüllten Zeilen und Spalten in eine neue Tabelle und laden Sie diese hoch."
                )
                % {"seconds": settings.IMPORT_MAX_READ_SECONDS}
            )


class RowCollector:
    """Collects the non-blank rows of one sheet with their line numbers, at most ``width`` cells each.

    Blank rows cost a counter, never memory: trailing blank rows (spreadsheet programs pad
    sheets down to row 1,048,576) are simply not data.
    """

    def __init__(self, table: Table, width: int, budget: ReadBudget):
        self.table = table
        self.width = width
        self.budget = budget
        self.count = 0

    def add(self, line: int, values, repeat: int = 1) -> None:
        """``values`` of row ``line``, repeated ``repeat`` times (ODS stores repeated rows once)."""
        values = list(values[: self.width])
        while values and is_blank(values[-1]):
            values.pop()
        if not values:
            return
        for offset in range(repeat):
            if not self.table.header and not self.table.rows:
                self.table.header_line, self.table.header = line + offset, values
                continue
            self.table.rows.append((line + offset, values))  # the same list for each repetition
            if len(self.table.rows) > settings.IMPORT_MAX_ROWS:
                raise ImportFileError(
                    _(
                        "Das Blatt „%(sheet)s“ hat mehr als %(limit)s Zeilen; erlaubt sind höchstens %(limit)s "
                        "Zeilen je Blatt und Import."
                    )
                    % {"sheet": self.table.title, "limit": german_int(settings.IMPORT_MAX_ROWS)}
                )
            if len(self.table.rows) % 500 == 0:
                self.budget.check()


def check_zip(data: bytes, required_member: str, label: str) -> zipfile.ZipFile:
    not_a_file = ImportFileError(
        _(
            "Die Datei ist keine gültige %(label)s-Datei, obwohl ihr Name das sagt. Bitte speichern Sie die "
            "Tabelle im Tabellenprogramm erneut im %(label)s-Format."
        )
        % {"label": label}
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
            _(
                "Die Datei besteht aus %(count)s Einzeldateien; erlaubt sind höchstens %(limit)s. "
                "Die Datei wird nicht gelesen."
            )
            % {"count": german_int(len(members)), "limit": german_int(MAX_ARCHIVE_MEMBERS)}
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > settings.IMPORT_MAX_DECOMPRESSED_BYTES:
        raise ImportFileError(
            _("Die Datei würde entpackt %(size)s groß; erlaubt sind höchstens %(limit)s. Die Datei wird nicht gelesen.")
            % {"size": megabytes(unpacked), "limit": megabytes(settings.IMPORT_MAX_DECOMPRESSED_BYTES)}
        )
    return archive


def unsafe_xml() -> ImportFileError:
    return ImportFileError(
        _(
            "Die Datei enthält unzulässige XML-Inhalte (z. B. Entitäten oder externe Verweise) und wird aus "
            "Sicherheitsgründen nicht gelesen."
        )
    )


def caused_by_unsafe_xml(error: BaseException | None) -> bool:
    # openpyxl wraps defusedxml's refusal in a ValueError of its own.
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DefusedXmlException):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def unreadable(label: str) -> ImportFileError:
    return ImportFileError(
        _(
            "Die %(label)s-Datei ist beschädigt und kann nicht gelesen werden. Bitte speichern Sie sie im "
            "Tabellenprogramm erneut."
        )
        % {"label": label}
    )
