"""Bad files and bad rows: each gets a clear German message, and nothing is written."""

import io
import re
import time
import zipfile

import pytest

from measures.exchange.files import ImportFileError
from measures.exchange.importing import run_import
from measures.exchange.measure_resource import MeasureResource

from .conftest import csv_file, database_state, ods_file, xlsx_file

GOOD_ROWS = [["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Geänderter Titel", "1"], ["1.2", "Neue Maßnahme", "1"]]


def _import_fails_with(data, file_name, concept, user, *, message):
    before = database_state()
    with pytest.raises(ImportFileError) as failure:
        run_import(data, file_name, concept=concept, user=user, dry_run=False)
    assert message in str(failure.value)
    assert database_state() == before
    return str(failure.value)


def _rows_fail_with(data, file_name, concept, user):
    before = database_state()
    outcome = run_import(data, file_name, concept=concept, user=user, dry_run=False)
    assert not outcome.ok
    assert outcome.record is None
    assert database_state() == before
    return outcome.problems


def _rezip(data, replace):
    """A copy of an OOXML/ODF archive with some members replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
    return buffer.getvalue()


def test_an_upload_over_the_size_limit_is_refused(measure, buero_user, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    data = xlsx_file(GOOD_ROWS)
    text = _import_fails_with(data, "gross.xlsx", measure.concept, buero_user, message="erlaubt sind höchstens")
    assert "0,0 MB" not in text or "groß" in text


def test_too_many_rows_are_refused(measure, buero_user, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [GOOD_ROWS[0], *[[f"1.{n}", "Maßnahme", "1"] for n in range(1, 6)]]
    _import_fails_with(
        csv_file(rows), "viele.csv", measure.concept, buero_user, message="mehr als 3 Zeilen; erlaubt sind höchstens 3"
    )


def test_a_zip_bomb_is_not_unpacked(measure, buero_user):
    # 200 MB of zeros pack into a few hundred kilobytes.
    bomb = _rezip(xlsx_file(GOOD_ROWS), {"xl/worksheets/sheet1.xml": b"\0" * (200 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    _import_fails_with(bomb, "bombe.xlsx", measure.concept, buero_user, message="würde entpackt 200,0 MB groß")


def test_an_archive_with_too_many_entries_says_so(measure, buero_user, monkeypatch):
    monkeypatch.setattr("measures.exchange.files.MAX_ARCHIVE_MEMBERS", 20)
    data = xlsx_file(GOOD_ROWS)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
        for number in range(30):
            target.writestr(f"xl/extra/{number}.xml", b"<x/>")
    text = _import_fails_with(
        buffer.getvalue(), "viele-teile.xlsx", measure.concept, buero_user, message="Die Datei besteht aus"
    )
    assert "Einzeldateien; erlaubt sind höchstens 20. Die Datei wird nicht gelesen." in text
    assert "entpackt" not in text


def test_a_file_padded_with_a_million_formatted_empty_rows_is_read_quickly(measure, buero_user, settings):
    settings.IMPORT_MAX_READ_SECONDS = 600  # the bound is the CPU time below, whatever the machine's load
    data = xlsx_file(GOOD_ROWS)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    # Formatted but empty rows down to the last row, the way a spreadsheet program pads a sheet.
    padding = "".join(f'<row r="{line}" s="1" customFormat="1"/>' for line in range(4, 1_048_577))
    sheet = re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:C1048576"/>', sheet)
    padded = _rezip(data, {"xl/worksheets/sheet1.xml": sheet.replace("</sheetData>", padding + "</sheetData>")})
    started = time.process_time()
    outcome = run_import(padded, "gepolstert.xlsx", concept=measure.concept, user=buero_user, dry_run=True)
    assert time.process_time() - started < 10
    assert outcome.ok
    assert [row.code for row in outcome.rows] == ["1.1", "1.2"]


def test_a_csv_padded_with_empty_lines_is_read(measure, buero_user):
    data = csv_file(GOOD_ROWS) + b";;\r\n" * 200_000
    outcome = run_import(data, "gepolstert.csv", concept=measure.concept, user=buero_user, dry_run=True)
    assert outcome.ok
    assert [row.code for row in outcome.rows] == ["1.1", "1.2"]


def test_libreoffice_padding_of_one_repeated_blank_row_is_accepted(measure, buero_user):
    data = ods_file(GOOD_ROWS)
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    padding = (
        '<table:table-row table:number-rows-repeated="1048573">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    padded = _rezip(data, {"content.xml": content.replace("</table:table>", padding + "</table:table>")})
    outcome = run_import(padded, "libreoffice.ods", concept=measure.concept, user=buero_user, dry_run=True)
    assert outcome.ok
    assert [row.code for row in outcome.rows] == ["1.1", "1.2"]


@pytest.mark.parametrize(
    ("data", "file_name", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "katalog.xlsx", "keine gültige Excel-Datei"),
        (b"Nr.;Titel\n1.1;Test\n", "katalog.ods", "keine gültige LibreOffice-Datei"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "katalog.csv", "keine CSV-Textdatei"),
        (b"PK\x03\x04 kaputt", "katalog.xlsx", "keine gültige Excel-Datei"),
        (b"irgendwas", "katalog.pdf", "kein unterstütztes Format"),
        (b"", "katalog.csv", "Die Datei ist leer"),
        (b"Nr.;Titel;Handlungsfeld\r\n", "katalog.csv", "nur Überschriften"),
    ],
)
def test_files_that_are_not_spreadsheets(measure, buero_user, data, file_name, message):
    _import_fails_with(data, file_name, measure.concept, buero_user, message=message)


def test_a_word_document_named_xlsx(measure, buero_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    _import_fails_with(
        buffer.getvalue(), "katalog.xlsx", measure.concept, buero_user, message="keine gültige Excel-Datei"
    )


def test_an_ods_with_the_wrong_mimetype(measure, buero_user):
    data = _rezip(ods_file(GOOD_ROWS), {"mimetype": b"application/vnd.oasis.opendocument.text"})
    _import_fails_with(data, "text.ods", measure.concept, buero_user, message="keine LibreOffice-Tabelle")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def test_xml_entity_expansion_in_an_xlsx_is_refused(measure, buero_user):
    data = xlsx_file(GOOD_ROWS)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    body = sheet.split("?>", 1)[1] if sheet.startswith("<?xml") else sheet
    evil = _rezip(data, {"xl/worksheets/sheet1.xml": BILLION_LAUGHS + body.replace("Neue Maßnahme", "&lol3;")})
    _import_fails_with(evil, "lol.xlsx", measure.concept, buero_user, message="unzulässige XML-Inhalte")


def test_an_external_entity_in_an_ods_is_refused(measure, buero_user):
    data = ods_file(GOOD_ROWS)
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    body = content.split("?>", 1)[1]
    evil = _rezip(
        data,
        {
            "content.xml": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + body.replace("Neue Maßnahme", "&xxe;")
        },
    )
    _import_fails_with(evil, "xxe.ods", measure.concept, buero_user, message="unzulässige XML-Inhalte")


def test_missing_and_renamed_columns(measure, buero_user):
    rows = [["Nr.", "Titell", "Federfuehrung"], ["1.1", "Test", "A"]]
    problems = _rows_fail_with(csv_file(rows), "spalten.csv", measure.concept, buero_user)
    messages = {(problem.column, problem.message.split(" Erlaubt")[0]) for problem in problems}
    assert messages == {
        ("Titell", "Unbekannte Spalte. Meinten Sie „Titel“?"),
        ("Federfuehrung", "Unbekannte Spalte. Meinten Sie „Federführung“?"),
        ("Titel", "Pflichtspalte fehlt."),
        ("Handlungsfeld", "Pflichtspalte fehlt."),
    }
    assert all(problem.line == 1 for problem in problems)


@pytest.mark.parametrize(
    ("headers", "hint"),
    [
        (["nr", "Titel", "Handlungsfeld"], "Nr."),
        (["Nr.", "TITEL:", "Handlungsfeld"], "Titel"),
        (["Nr.", "Titel", "Handlungs feld"], "Handlungsfeld"),
    ],
)
def test_a_misspelt_header_gets_a_hint_whatever_its_case(measure, buero_user, headers, hint):
    problems = _rows_fail_with(csv_file([headers, ["1.1", "Test", "1"]]), "spalten.csv", measure.concept, buero_user)
    unknown = next(problem for problem in problems if problem.message.startswith("Unbekannte Spalte."))
    assert unknown.message.startswith(f"Unbekannte Spalte. Meinten Sie „{hint}“? Erlaubt sind:")


def test_duplicate_codes_in_one_file(measure, buero_user):
    rows = [*GOOD_ROWS, ["1.2", "Noch einmal 1.2", "1"]]
    problems = _rows_fail_with(xlsx_file(rows), "doppelt.xlsx", measure.concept, buero_user)
    assert [(p.line, p.column, p.value) for p in problems] == [(4, "Nr.", "1.2")]
    assert "Die Nummer steht schon in Zeile 3" in problems[0].message


def test_a_repeated_number_is_an_error_on_its_row_and_in_the_counts(measure, buero_user):
    rows = [GOOD_ROWS[0], ["1.5", "Erste", "1"], ["1.5", "Zweite", "1"], ["1.5", "Dritte", "1"]]
    problems = _rows_fail_with(xlsx_file(rows), "doppelt.xlsx", measure.concept, buero_user)
    assert [(p.line, p.column, p.value) for p in problems] == [(3, "Nr.", "1.5"), (4, "Nr.", "1.5")]
    assert all("Die Nummer steht schon in Zeile 2" in p.message for p in problems)

    outcome = run_import(xlsx_file(rows), "doppelt.xlsx", concept=measure.concept, user=buero_user, dry_run=True)
    assert outcome.counts == {"new": 1, "changed": 0, "unchanged": 0, "error": 2}
    assert [(row.line, row.kind) for row in outcome.rows] == [(2, "new"), (3, "error"), (4, "error")]
    assert [problem.column for problem in outcome.rows[1].problems] == ["Nr."]
    assert len(outcome.problems) == outcome.counts["error"]


def test_a_repeated_unchanged_number_is_an_error_too(measure, buero_user):
    unchanged = ["1.1", "Testmaßnahme", "1"]
    rows = [GOOD_ROWS[0], unchanged, unchanged]
    problems = _rows_fail_with(csv_file(rows), "doppelt.csv", measure.concept, buero_user)
    assert [(p.line, p.column) for p in problems] == [(3, "Nr.")]
    outcome = run_import(csv_file(rows), "doppelt.csv", concept=measure.concept, user=buero_user, dry_run=True)
    assert [row.kind for row in outcome.rows] == ["unchanged", "error"]


def test_unknown_status_words(measure, buero_user):
    rows = [["Nr.", "Titel", "Handlungsfeld", "Umsetzungsstand", "Ampel"], ["1.1", "Test", "1", "in Umsetzng", "rot"]]
    problems = _rows_fail_with(csv_file(rows), "status.csv", measure.concept, buero_user)
    by_column = {problem.column: problem for problem in problems}
    assert by_column["Umsetzungsstand"].value == "in Umsetzng"
    assert "Meinten Sie „in Umsetzung“" in by_column["Umsetzungsstand"].message
    assert "Erlaubt sind: „noch keine Meldung“, „nicht begonnen“" in by_column["Umsetzungsstand"].message
    assert "„im Plan“, „gefährdet“, „verzögert“" in by_column["Ampel"].message
    assert str(by_column["Ampel"]).startswith("Zeile 2, Spalte „Ampel“, Wert „rot“: Unbekannter Wert.")


def test_unknown_units_get_the_closest_names(measure, unit_b, buero_user):
    rows = [["Nr.", "Titel", "Handlungsfeld", "Federführung"], ["1.1", "Test", "1", "Stele B"]]
    problems = _rows_fail_with(csv_file(rows), "stellen.csv", measure.concept, buero_user)
    assert len(problems) == 1
    assert problems[0].column == "Federführung"
    assert "Unbekannte Stelle „Stele B“" in problems[0].message
    assert "Meinten Sie „Stelle B“" in problems[0].message


def test_bad_dates_numbers_and_flags_say_what_is_expected(measure, buero_user):
    rows = [
        ["Nr.", "Titel", "Handlungsfeld", "Beginn", "Budget (EUR)", "Fortschritt (%)", "fortlaufend"],
        ["1.1", "Test", "1", "31.02.2025", "12,34,5", "120", "vielleicht"],
    ]
    problems = _rows_fail_with(csv_file(rows), "werte.csv", measure.concept, buero_user)
    by_column = {problem.column: problem.message for problem in problems}
    assert by_column["Beginn"] == "Kein gültiges Datum. Erwartet wird TT.MM.JJJJ, z. B. 31.12.2025."
    assert by_column["Budget (EUR)"] == "Keine gültige Zahl. Erwartet wird deutsche Schreibweise, z. B. 1.234,50."
    assert "ganze Zahl von 0 bis 100" in by_column["Fortschritt (%)"]
    assert by_column["fortlaufend"] == "Kein gültiger Wert. Erwartet wird „ja“ oder „nein“."


def test_rules_across_columns(measure, buero_user):
    rows = [
        ["Nr.", "Titel", "Handlungsfeld", "Beginn", "Ende", "Umsetzungsstand", "veröffentlicht", "Federführung"],
        ["1.1", "", "1", "01.06.2025", "01.01.2025", "zurückgestellt", "ja", ""],
    ]
    problems = _rows_fail_with(csv_file(rows), "regeln.csv", measure.concept, buero_user)
    by_column = {problem.column: problem.message for problem in problems}
    assert by_column["Titel"] == "Dieses Feld darf nicht leer sein."
    assert by_column["Ende"] == "Das geplante Ende darf nicht vor dem Beginn liegen."
    assert by_column["Federführung"] == "Eine veröffentlichte Maßnahme braucht mindestens eine federführende Stelle."
    assert "Begründung" in by_column["Begründung des Stands"]


def test_one_bad_row_means_no_row_is_written(measure, buero_user):
    rows = [*GOOD_ROWS, ["1.3", "Kaputt", "9"]]
    problems = _rows_fail_with(xlsx_file(rows), "teilweise.xlsx", measure.concept, buero_user)
    assert [(problem.line, problem.column) for problem in problems] == [(4, "Handlungsfeld")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Nr.;Titel;Handlungsfeld\r\n1.1;Ma\x81nahme;1\r\n", "in Zeile 2 Zeichen, die weder UTF-8 noch Windows-1252"),
        (b"\xef\xbb\xbfNr.;Titel;Handlungsfeld\r\n1.1;Ma\xdfnahme;1\r\n", "weder UTF-8 noch Windows-1252"),
        (
            "Nr.;Titel;Handlungsfeld\r\n1.1;Fü;1\r\n".encode() + "1.2;Maßnahme;1\r\n".encode("cp1252"),
            "mischt Zeichenkodierungen",
        ),
    ],
)
def test_broken_encodings(measure, buero_user, data, message):
    _import_fails_with(data, "kodierung.csv", measure.concept, buero_user, message=message)


def test_an_unclosed_quote_in_a_csv(measure, buero_user):
    data = b'Nr.;Titel;Handlungsfeld\r\n1.1;"offen;1\r\n'
    outcome_or_error = None
    before = database_state()
    try:
        outcome_or_error = run_import(data, "quote.csv", concept=measure.concept, user=buero_user, dry_run=False)
    except ImportFileError as error:
        outcome_or_error = error
    assert database_state() == before
    assert isinstance(outcome_or_error, ImportFileError) or not outcome_or_error.ok


@pytest.mark.parametrize("progress", ["²", "①", "٣", "5.0", "-5", "101"])
def test_a_progress_that_is_not_a_plain_number_gets_the_german_message(measure, buero_user, progress):
    rows = [["Nr.", "Titel", "Handlungsfeld", "Fortschritt (%)"], ["1.1", "Test", "1", progress]]
    problems = _rows_fail_with(csv_file(rows), "fortschritt.csv", measure.concept, buero_user)
    assert [(p.column, p.value, p.message) for p in problems] == [
        ("Fortschritt (%)", progress, "Kein gültiger Fortschritt. Erwartet wird eine ganze Zahl von 0 bis 100.")
    ]


def test_an_internal_error_in_a_row_is_logged_not_shown(measure, buero_user, monkeypatch, caplog):
    def broken(self, instance, import_validation_errors=None, validate_unique=True):
        raise RuntimeError("geheime interne Einzelheit")

    monkeypatch.setattr(MeasureResource, "validate_instance", broken)
    problems = _rows_fail_with(csv_file(GOOD_ROWS), "intern.csv", measure.concept, buero_user)
    assert [(p.line, p.message) for p in problems] == [
        (
            line,
            "Die Zeile konnte wegen eines internen Fehlers nicht verarbeitet werden. Bitte wenden Sie sich an die "
            "technische Betreuung.",
        )
        for line in (2, 3)
    ]
    assert not any("geheime" in str(p) for p in problems)
    logged = [record for record in caplog.records if record.name == "measures.exchange.importing"]
    assert [record.levelname for record in logged] == ["ERROR", "ERROR"]
    assert "geheime interne Einzelheit" in str(logged[0].exc_info[1])


def test_an_internal_error_of_the_whole_import_is_logged_not_shown(measure, buero_user, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("geheime interne Einzelheit")

    monkeypatch.setattr("measures.exchange.measure_resource.write_pending", broken)
    problems = _rows_fail_with(csv_file(GOOD_ROWS), "intern.csv", measure.concept, buero_user)
    assert [str(p) for p in problems] == [
        "Datei: Der Import ist wegen eines internen Fehlers fehlgeschlagen; es wurde nichts gespeichert. "
        "Bitte wenden Sie sich an die technische Betreuung."
    ]
    logged = [record for record in caplog.records if record.name == "measures.exchange.importing"]
    assert len(logged) == 1 and logged[0].levelname == "ERROR"
    assert "geheime interne Einzelheit" in str(logged[0].exc_info[1])


def test_a_column_without_heading_is_named_by_its_letter(measure, buero_user):
    rows = [["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Test", "1", "ohne Überschrift"]]
    problems = _rows_fail_with(csv_file(rows), "spalten.csv", measure.concept, buero_user)
    assert [str(problem) for problem in problems] == [
        "Zeile 1, Spalte „D“: Die Spalte enthält Werte, aber keine Überschrift."
    ]


@pytest.mark.parametrize(
    ("goals", "expected"),
    [
        ("x", "Unbekanntes Ziel „x“. Erwartet werden Nummern von Zielen dieses Konzepts"),
        ("2; x", "Unbekannte Ziele „2“, „x“. Erwartet werden Nummern von Zielen dieses Konzepts"),
    ],
)
def test_unknown_goals_singular_and_plural(measure, goal, buero_user, goals, expected):
    rows = [["Nr.", "Titel", "Handlungsfeld", "Ziele"], ["1.1", "Test", "1", goals]]
    problems = _rows_fail_with(csv_file(rows), "ziele.csv", measure.concept, buero_user)
    assert [problem.column for problem in problems] == ["Ziele"]
    assert problems[0].message.startswith(expected)
    assert problems[0].message.endswith(
        "getrennt durch Semikolon: 1. Neue Ziele gehören auf das Blatt „Ziele“ derselben Datei."
    )


def test_several_unknown_units_are_named_in_the_plural(measure, unit_b, buero_user):
    rows = [["Nr.", "Titel", "Handlungsfeld", "Beteiligt"], ["1.1", "Test", "1", "Stele B; Nirgendwo"]]
    problems = _rows_fail_with(csv_file(rows), "stellen.csv", measure.concept, buero_user)
    assert problems[0].message.startswith(
        "Unbekannte Stellen „Stele B“, „Nirgendwo“. Erwartet werden Namen oder Kurznamen verantwortlicher Stellen"
    )
    assert "Meinten Sie „Stelle B“" in problems[0].message
