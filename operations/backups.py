"""Backups of the whole database with the database's own tools.

SQLite: the online backup API (a consistent copy while the site runs). PostgreSQL: pg_dump's
custom format, restored with pg_restore. A backup holds every table: concepts, measures, status
updates, people, the change history, sessions.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the operator."""


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Sicherungen gibt es nur für SQLite und PostgreSQL, nicht für {vendor}.")
    return vendor


def _pg_environment(alias: str) -> dict[str, str]:
    """libpq's variables for the configured database, so that no password appears in a command line."""
    settings = connections[alias].settings_dict
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings.get(key):
            environment[variable] = str(settings[key])
    environment["PGDATABASE"] = settings["NAME"]
    return environment


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} fehlt; installieren mit: apt-get install postgresql-client")
    return path


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} ist gescheitert:\n{result.stderr.strip()}")


def backup_database(directory: Path, *, alias: str = "default") -> Path:
    """Write a backup of the database into ``directory`` and return its path."""
    engine = _engine(alias)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = directory / f"umsetzungsmonitor-{stamp}.{'sqlite3' if engine == 'sqlite' else 'pgdump'}"
    # Readable by the owner only: the backup holds password hashes and names of people.
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise BackupError(f"{target} gibt es schon; bitte eine Sekunde später erneut versuchen.") from None
    try:
        if engine == "sqlite":
            # Through Django's own connection: works for files and in-memory databases alike.
            connection = connections[alias]
            connection.ensure_connection()
            with sqlite3.connect(target) as copy:
                connection.connection.backup(copy)
            copy.close()
        else:
            _run(
                [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
                _pg_environment(alias),
            )
    except BaseException:
        target.unlink(missing_ok=True)  # no half-written file that looks like a backup
        raise
    return target


def restore_database(source: Path, *, alias: str = "default") -> None:
    """Replace the database's content with the backup in ``source``.

    Meant for an empty database or one whose content is to be thrown away; stop the
    application servers first.
    """
    engine = _engine(alias)
    if not source.is_file():
        raise BackupError(f"Die Sicherung {source} gibt es nicht.")
    with source.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    expected = SQLITE_MAGIC if engine == "sqlite" else PG_DUMP_MAGIC
    if not head.startswith(expected):
        kind = "SQLite-Datei" if engine == "sqlite" else "pg_dump-Sicherung (Format custom)"
        raise BackupError(f"{source} ist keine {kind}; die Datenbank ist {engine}.")
    connections[alias].close()
    if engine == "sqlite":
        backup = sqlite3.connect(source)
        try:
            with sqlite3.connect(connections[alias].settings_dict["NAME"]) as database:
                backup.backup(database)
            database.close()
        finally:
            backup.close()
    else:
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connections[alias].settings_dict['NAME']}",
                str(source),
            ],
            _pg_environment(alias),
        )
