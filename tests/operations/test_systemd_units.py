"""The shipped systemd units (deploy/systemd/) pass `systemd-analyze verify` and start what exists.

The units name the production paths (/srv/umsetzungsmonitor/app); for the check they point at this
checkout and its virtual environment instead, so that verify also finds every program it starts.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

from tests.operations.conftest import ROOT

UNITS = ROOT / "deploy" / "systemd"
APP = "/srv/umsetzungsmonitor/app"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def unit_files():
    return sorted(UNITS.glob("*.service")) + sorted(UNITS.glob("*.timer"))


def settings_of(path: Path) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


@pytest.fixture
def installed_units(tmp_path):
    """The units as they would be installed, with this checkout in place of /srv/…/app."""
    virtualenv_bin = str(Path(sys.executable).parent)
    for unit in unit_files():
        text = unit.read_text().replace(f"{APP}/.venv/bin", virtualenv_bin).replace(APP, str(ROOT))
        (tmp_path / unit.name).write_text(text)
    return tmp_path


@pytest.mark.skipif(
    SYSTEMD_ANALYZE is None,
    reason="systemd-analyze fehlt (Debian-Paket systemd; .ci/run installiert es, die CI prüft die Units)",
)
def test_units_pass_systemd_analyze_verify(installed_units):
    result = subprocess.run(  # noqa: S603
        [SYSTEMD_ANALYZE, "verify", "--man=no", *sorted(str(path) for path in installed_units.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )
    # verify only warns about unknown keys or unparsable values; any message is a fault here.
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_the_counterpart_a_misspelt_unit_is_reported(installed_units):
    """The check above can fail: a misspelt key and an invalid calendar do not pass."""
    if SYSTEMD_ANALYZE is None:
        pytest.skip("systemd-analyze fehlt")
    broken = installed_units / "umsetzungsmonitor-backup.timer"
    broken.write_text(broken.read_text().replace("OnCalendar=", "OnCalender="))
    result = subprocess.run(  # noqa: S603
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(broken)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 or result.stderr.strip()


def test_the_application_and_each_timer_with_its_service():
    names = {path.name for path in unit_files()}
    assert "umsetzungsmonitor.service" in names
    for job in ("reminders", "backup", "clearsessions"):
        assert f"umsetzungsmonitor-{job}.service" in names
        timer = settings_of(UNITS / f"umsetzungsmonitor-{job}.timer")
        assert timer["Unit"] == [f"umsetzungsmonitor-{job}.service"]
        assert timer["Persistent"] == ["true"]
        assert timer["WantedBy"] == ["timers.target"]


def test_services_run_as_the_service_account_with_the_settings_file_and_real_commands():
    commands = get_commands()
    for service in sorted(UNITS.glob("*.service")):
        values = settings_of(service)
        assert values["User"] == ["umsetzungsmonitor"], service.name
        assert values["EnvironmentFile"] == ["/etc/umsetzungsmonitor/env"], service.name
        assert values["NoNewPrivileges"] == ["yes"] and values["ProtectSystem"] == ["strict"], service.name
        for command in values["ExecStart"]:
            managed = re.search(r"manage\.py (\w+)", command)
            if managed:
                assert managed.group(1) in commands, command
