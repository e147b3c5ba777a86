"""Backup and restore round trip: everything comes back in an empty database."""

import json
import sys
from datetime import date

import pytest
from django.core.management import call_command

from measures.choices import Status, UpdateState
from measures.demo import generate_demo
from measures.models import StatusUpdate
from tests.conftest import publish_as_buero
from tests.operations.conftest import ROOT, clean_environment, database_url, run_manage
from tests.operations.inventory import inventory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def content(buero_user, reporter_a, reporter_b, measure):
    """Two concepts, measures with published and draft status updates, people, and their history."""
    generate_demo(measures=6, slug="demo")
    update = StatusUpdate.objects.create(
        measure=measure, reporting_date=date(2025, 3, 31), status=Status.IN_PROGRESS, author=reporter_a
    )
    publish_as_buero(update, buero_user)
    StatusUpdate.objects.create(
        measure=measure, reporting_date=date(2025, 9, 30), status=Status.IN_PROGRESS, state=UpdateState.SUBMITTED
    )
    return inventory()


def restored_inventory(database: str) -> dict:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "tests.operations.inventory"],
        cwd=ROOT,
        env=clean_environment(DATABASE_URL=database_url(database), DJANGO_SETTINGS_MODULE="integration.settings"),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _round_trip(tmp_path, target_database):
    call_command("backup_database", output_dir=tmp_path / "backups")
    (backup,) = (tmp_path / "backups").iterdir()
    assert backup.stat().st_mode & 0o777 == 0o600
    result = run_manage("restore_database", str(backup), "--no-input", DATABASE_URL=database_url(target_database))
    assert result.returncode == 0, result.stderr
    assert "wiederhergestellt" in result.stdout
    return restored_inventory(target_database)


def test_restore_into_an_empty_database_finds_everything(content, tmp_path, request):
    from django.db import connection

    if connection.vendor == "postgresql":
        target = request.getfixturevalue("empty_postgres_database")
    else:
        target = str(tmp_path / "empty.sqlite3")
    # The content is substantial, so that an empty or partial restore cannot pass.
    assert len(content["concepts"]) == 2
    assert len(content["measures"]) == 7
    assert len(content["status_updates"]) > 7
    assert {"buero-admin", "reporter-a", "reporter-b"} <= {username for username, _password in content["users"]}
    assert len(content["measures.HistoricalMeasure"]) >= 2
    assert len(content["measures.HistoricalStatusUpdate"]) >= 3

    assert _round_trip(tmp_path, target) == content


def test_restore_empties_the_cache(content, tmp_path, request):
    """Cached pages and summaries describe the data before the restore; none of them survives it."""
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor == "postgresql":
        target = request.getfixturevalue("empty_postgres_database")
    else:
        target = str(tmp_path / "empty.sqlite3")
    cache.set("seite-vor-der-wiederherstellung", "alter Stand", None)  # the db cache goes into the backup
    _round_trip(tmp_path, target)
    result = run_manage(
        "shell",
        "-c",
        "from django.core.cache import cache; print(repr(cache.get('seite-vor-der-wiederherstellung')))",
        DATABASE_URL=database_url(target),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "None"


def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    not_a_backup = tmp_path / "notizen.txt"
    not_a_backup.write_text("keine Sicherung")
    result = run_manage(
        "restore_database", str(not_a_backup), "--no-input", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    assert result.returncode != 0
    assert "ist keine SQLite-Datei" in result.stderr
