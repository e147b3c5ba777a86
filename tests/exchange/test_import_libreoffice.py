"""The app's own export, opened and saved again by real LibreOffice, imports with „keine Änderungen“.

LibreOffice (Debian's libreoffice-calc-nogui, headless) converts the exported workbook under a
German and an English locale. An English LibreOffice shows a budget as „52,000.00“; the ODS
reader reads the cell's typed value (office:value), never that text.
"""

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from measures.exchange.export import export_catalogue
from measures.exchange.importing import run_import
from measures.exchange.sheets import sheet_types
from measures.models import Measure

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice (Debian: libreoffice-calc-nogui) is not installed; CI installs it",
)
# CSV as LibreOffice's dialog offers it: comma, double quotes, UTF-8, cell contents as shown.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"
LOCALE_SETTING = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
</oor:items>
"""


def _convert(source: Path, locale: str, targets: list, work: Path) -> dict:
    """Let LibreOffice with ``locale`` save ``source`` as each target format; ``{target: bytes}``."""
    profile = work / f"profile-{locale}"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(LOCALE_SETTING.format(locale=locale))
    converted = {}
    for target in targets:
        out = work / f"{locale}-{target.split(':')[0]}"
        subprocess.run(  # noqa: S603 - a fixed program and arguments
            [
                SOFFICE,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        converted[target.split(":")[0]] = next(out.iterdir()).read_bytes()
    return converted


@pytest.fixture
def saved_by_libreoffice(demo, tmp_path):
    """The demo catalogue exported as .xlsx, then saved by LibreOffice: ``{(locale, format): bytes}``."""
    Measure.objects.filter(concept=demo).update(budget=52000)  # shown as 52.000,00 or 52,000.00
    source = tmp_path / "massnahmen-demo.xlsx"
    source.write_bytes(export_catalogue(demo, "xlsx", include_internal=True))
    plans = {"de-DE": ["ods", "xlsx", CSV_FILTER], "en-US": ["ods", CSV_FILTER]}
    results, errors = {}, []

    def run(locale, targets):
        try:
            for file_format, data in _convert(source, locale, targets, tmp_path).items():
                results[(locale, file_format)] = data
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    # One LibreOffice per locale, both at once: each has its own profile.
    threads = [threading.Thread(target=run, args=plan) for plan in plans.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_files_saved_again_by_libreoffice_import_without_changes(saved_by_libreoffice, demo, buero_user):
    assert b"52,000.00" in saved_by_libreoffice[("en-US", "csv")]
    assert b"52.000,00" in saved_by_libreoffice[("de-DE", "csv")]
    for (locale, file_format), data in saved_by_libreoffice.items():
        outcome = run_import(data, f"gespeichert.{file_format}", concept=demo, user=buero_user, dry_run=True)
        changed = [(row.code, row.changed_columns) for row in outcome.rows if row.kind != "unchanged"]
        assert [str(problem) for problem in outcome.problems] == [], (locale, file_format)
        assert changed == [], (locale, file_format)
        expected = ["Maßnahmen"] if file_format == "csv" else [sheet.title for sheet in sheet_types()]
        assert outcome.sheets == expected, (locale, file_format)
        assert not outcome.file_is_older
        if file_format != "csv":  # the milestones and indicators came through LibreOffice too
            assert all(outcome.count("unchanged", sheet) for sheet in ("Meilensteine", "Indikatorwerte"))
