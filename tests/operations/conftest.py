import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url(name: str) -> str:
    """A DATABASE_URL for another database on the server of the test database."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "", safe="")
    if settings.get("PASSWORD"):
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{name}"


def clean_environment(**variables) -> dict[str, str]:
    """This process's environment without any project setting, plus ``variables``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "PYTEST_"))
    }
    environment.update(variables)
    return environment


def run_manage(*arguments, **variables) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def empty_postgres_database():
    """A new, empty PostgreSQL database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def static_root():
    """collectstatic under production settings (hashed, compressed names), in a directory that
    an unprivileged nginx can read too; removed after the session."""
    import secrets
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="umsetzungsmonitor-static-"))
    root.chmod(0o755)
    result = run_manage(
        "collectstatic",
        "--no-input",
        "--verbosity",
        "0",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(root),
    )
    assert result.returncode == 0, result.stderr
    for path in root.rglob("*"):  # readable for nginx's unprivileged user, whatever the umask
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield root
    shutil.rmtree(root, ignore_errors=True)
