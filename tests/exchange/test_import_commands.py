"""manage.py import_measures and export_measures: exit status, German messages, nothing written on failure."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from measures.models import ImportRecord, Measure

from .conftest import csv_file, database_state

ROWS = [["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Neuer Titel", "1"], ["1.2", "Neue Maßnahme", "1"]]


def test_import_measures_writes_and_reports(measure, buero_user, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_bytes(csv_file(ROWS))
    out = StringIO()

    call_command("import_measures", str(path), concept="testkonzept", user="buero-admin", stdout=out)

    record = ImportRecord.objects.get()
    assert f"Import Nr. {record.pk} abgeschlossen: 1 neu, 1 geändert, 0 unverändert, 0 mit Fehlern" in out.getvalue()
    assert (record.user, record.file_name) == (buero_user, "katalog.csv")
    assert Measure.objects.get(code="1.1").title == "Neuer Titel"


def test_import_measures_dry_run_writes_nothing(measure, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_bytes(csv_file(ROWS))
    before, out = database_state(), StringIO()

    call_command("import_measures", str(path), concept="testkonzept", dry_run=True, stdout=out)

    assert "Prüfung ohne Fehler: 1 neu, 1 geändert" in out.getvalue()
    assert "nichts gespeichert (--dry-run)" in out.getvalue()
    assert database_state() == before


def test_import_measures_fails_with_german_errors_and_writes_nothing(measure, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_bytes(csv_file([*ROWS, ["1.3", "Kaputt", "9"]]))
    before, err = database_state(), StringIO()

    with pytest.raises(CommandError, match=r"1 Fehler \(.*\)\. Es wurde nichts gespeichert"):
        call_command("import_measures", str(path), concept="testkonzept", stderr=err)

    assert "Zeile 4, Spalte „Handlungsfeld“, Wert „9“: Unbekanntes Handlungsfeld" in err.getvalue()
    assert database_state() == before


def test_import_measures_counts_a_repeated_number_as_a_row_with_errors(measure, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_bytes(csv_file([ROWS[0], ["1.5", "Erste", "1"], ["1.5", "Zweite", "1"]]))
    before, err = database_state(), StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import_measures", str(path), concept="testkonzept", stderr=err)

    assert str(failure.value) == (
        "1 Fehler (1 neu, 0 geändert, 0 unverändert, 1 mit Fehlern). Es wurde nichts gespeichert."
    )
    assert "Zeile 3, Spalte „Nr.“, Wert „1.5“: Die Nummer steht schon in Zeile 2." in err.getvalue()
    assert database_state() == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["fehlt.csv", "--concept", "testkonzept"], "Die Datei „fehlt.csv“ kann nicht gelesen werden"),
        (["katalog.csv", "--concept", "gibtsnicht"], "Das Konzept „gibtsnicht“ gibt es nicht"),
        (["katalog.pdf", "--concept", "testkonzept"], "kein unterstütztes Format"),
    ],
)
def test_import_measures_refuses_bad_arguments(measure, tmp_path, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "katalog.csv").write_bytes(csv_file(ROWS))
    (tmp_path / "katalog.pdf").write_bytes(b"%PDF")
    with pytest.raises(CommandError, match=message):
        call_command("import_measures", *arguments)


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "ods", "json"])
def test_export_measures_writes_the_import_format(measure, tmp_path, file_format):
    path = tmp_path / f"katalog.{file_format}"
    err = StringIO()
    call_command("export_measures", concept="testkonzept", format=file_format, output=str(path), stderr=err)
    assert "1 Maßnahmen nach" in err.getvalue()
    data = path.read_bytes()
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(path).active
        assert (sheet["A2"].value, sheet["B2"].value, sheet["C2"].value) == ("1.1", "Testmaßnahme", "1")
    elif file_format in ("csv", "json"):
        assert "Testmaßnahme" in data.decode("utf-8-sig")
    if file_format != "json":
        out = StringIO()
        call_command("import_measures", str(path), concept="testkonzept", dry_run=True, stdout=out)
        assert "0 neu, 0 geändert, 1 unverändert" in out.getvalue()


def test_export_measures_rejects_an_unknown_concept(db):
    with pytest.raises(CommandError, match="Das Konzept „nichts“ gibt es nicht"):
        call_command("export_measures", concept="nichts", format="csv")


def test_import_measures_exit_status_in_a_real_process(tmp_path):
    """Exit status 1 and a German message on stderr when run as a program."""
    database = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin", "CACHE_URL": "locmem"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True)  # noqa: S603
    path = tmp_path / "k.csv"
    path.write_bytes(csv_file(ROWS))
    failed = subprocess.run(  # noqa: S603
        [*manage, "import_measures", str(path), "--concept", "nichts"], env=env, capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert "Das Konzept „nichts“ gibt es nicht." in failed.stderr
