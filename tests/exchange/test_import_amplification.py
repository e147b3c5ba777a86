"""Tiny files that unfold into huge tables: each is read or refused within a memory and time bound.

The files are built here the way the attack built them: an .ods of a few hundred bytes whose
one row and one cell are repeated a million and 16,384 times, an .xlsx with one cell in
column XFD on every row, an .ods with 900,000 explicit empty rows. Before the readers were
bounded by cells, the first took 0.7 GB and the other two ran into the 30 s worker timeout.
"""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.cache import cache

from measures.exchange.files import ImportFileError
from measures.exchange.importing import run_import

from .conftest import ods_file, xlsx_file

GOOD_ROWS = [["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Geänderter Titel", "1"], ["1.2", "Neue Maßnahme", "1"]]
MEMORY_LIMIT = 40 * 1024 * 1024
# Seconds of CPU time (not wall-clock time: the machine may be shared), with tracemalloc
# slowing every allocation down. Unbounded, the last two files took more than 30 s.
TIME_LIMIT = 30


def _rezip(data, replace):
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
    return buffer.getvalue()


def _measured(function):
    """``(result or raised ImportFileError, peak bytes, CPU seconds)`` of ``function()``."""
    tracemalloc.start()
    started = time.process_time()
    try:
        try:
            result = function()
        except ImportFileError as error:
            result = error
        return result, tracemalloc.get_traced_memory()[1], time.process_time() - started
    finally:
        tracemalloc.stop()


def _ods_with_rows(table_rows: str) -> bytes:
    data = ods_file(GOOD_ROWS)
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    content = re.sub(
        r"(<table:table [^>]*>).*</table:table>",
        lambda m: m.group(1) + table_rows + "</table:table>",
        content,
        flags=re.S,
    )
    return _rezip(data, {"content.xml": content.encode()})


def _ods_row(*values):
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>' for value in values
    )
    return f"<table:table-row>{cells}</table:table-row>"


def test_an_ods_of_a_million_repeated_rows_and_columns_is_refused_with_a_message(measure, buero_user, monkeypatch):
    cached = []
    monkeypatch.setattr(cache, "set", lambda key, value, *args, **kwargs: cached.append((key, len(repr(value)))))
    repeated = (
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    data = _ods_with_rows(_ods_row("Nr.", "Titel", "Handlungsfeld") + repeated)
    assert len(data) < 8000  # a few kilobytes that would unfold to 17 billion cells

    result, peak, seconds = _measured(
        lambda: run_import(data, "klein.ods", concept=measure.concept, user=buero_user, dry_run=True)
    )

    assert isinstance(result, ImportFileError)
    assert "mehr als 10.000 Zeilen" in str(result)
    assert peak < MEMORY_LIMIT and seconds < TIME_LIMIT
    assert cached == []  # nothing parsed waits in the shared cache


def test_an_xlsx_with_a_cell_in_column_xfd_on_every_row_is_read_correctly(measure, buero_user):
    data = xlsx_file(GOOD_ROWS)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    far_cells = "".join(
        f'<row r="{line}"><c r="XFD{line}" t="inlineStr"><is><t>x</t></is></c></row>' for line in range(4, 20_004)
    )
    sheet = re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD20003"/>', sheet)
    hostile = _rezip(data, {"xl/worksheets/sheet1.xml": sheet.replace("</sheetData>", far_cells + "</sheetData>")})
    assert len(hostile) < 150_000

    outcome, peak, seconds = _measured(
        lambda: run_import(hostile, "xfd.xlsx", concept=measure.concept, user=buero_user, dry_run=True)
    )

    assert not isinstance(outcome, ImportFileError), outcome
    assert outcome.ok
    assert [row.code for row in outcome.rows] == ["1.1", "1.2"]  # the far cells are right of the template
    assert peak < MEMORY_LIMIT and seconds < TIME_LIMIT


def test_an_ods_with_900000_empty_rows_is_read_correctly(measure, buero_user, settings):
    # The bound here is the test's own (CPU time, below); the wall-clock limit of a read would
    # otherwise count tracemalloc's overhead and the load of a shared machine.
    settings.IMPORT_MAX_READ_SECONDS = 600
    empty = "<table:table-row><table:table-cell/></table:table-row>" * 900_000
    data = _ods_with_rows(
        _ods_row("Nr.", "Titel", "Handlungsfeld")
        + _ods_row("1.1", "Geänderter Titel", "1")
        + empty
        + _ods_row("1.2", "Neue Maßnahme", "1")
    )
    assert len(data) < 200_000

    outcome, peak, seconds = _measured(
        lambda: run_import(data, "leer.ods", concept=measure.concept, user=buero_user, dry_run=True)
    )

    assert not isinstance(outcome, ImportFileError), outcome
    assert [(row.line, row.code) for row in outcome.rows] == [(2, "1.1"), (900_003, "1.2")]
    assert peak < MEMORY_LIMIT and seconds < TIME_LIMIT


def test_reading_stops_at_the_time_limit_with_a_message(measure, buero_user, settings):
    settings.IMPORT_MAX_READ_SECONDS = 0
    empty = "<table:table-row><table:table-cell/></table:table-row>" * 50_000
    data = _ods_with_rows(_ods_row("Nr.", "Titel", "Handlungsfeld") + empty)
    with pytest.raises(ImportFileError) as failure:
        run_import(data, "langsam.ods", concept=measure.concept, user=buero_user, dry_run=True)
    assert "länger als 0 Sekunden gedauert und wurde abgebrochen" in str(failure.value)
