"""The English catalogue is complete: a reader of /en/ pages never meets a German string by accident.

German is the source language; every msgid needs an English msgstr that is neither missing nor
fuzzy (gettext ignores fuzzy entries and would show the German text), placeholders must match, the
committed .mo must be compiled from the committed .po, and running `make messages` must not find
strings that the catalogue lacks. Needs GNU gettext, as `make messages` does.
"""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")

MSGATTRIB, MSGFMT = shutil.which("msgattrib"), shutil.which("msgfmt")
if MSGATTRIB is None or MSGFMT is None:
    pytest.skip("GNU gettext (msgattrib, msgfmt) is not installed", allow_module_level=True)

# Folders makemessages does not scan (those of `make messages`, and node_modules); the copy it runs on
# leaves them out, and what a checkout generates.
IGNORED = (".venv", "bench", "node_modules")
NOT_COPIED = (*IGNORED, ".git", "staticfiles", "__pycache__", ".pytest_cache", ".ruff_cache", "*.sqlite3")
MSGID = re.compile(r'^msgid "(.*)"\n((?:".*"\n)*)', re.MULTILINE)


def _msgids(po: Path, *selection: str) -> list[str]:
    """The msgids of the live (not obsolete) entries that msgattrib selects, header excluded."""
    result = subprocess.run(  # noqa: S603 - gettext's own program on our files
        [MSGATTRIB, *selection, "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = (
        first + "".join(re.findall(r'^"(.*)"$', rest, re.MULTILINE)) for first, rest in MSGID.findall(result.stdout)
    )
    return [msgid for msgid in found if msgid]


def untranslated(po: Path) -> list[str]:
    return _msgids(po, "--untranslated")


def fuzzy(po: Path) -> list[str]:
    return _msgids(po, "--only-fuzzy")


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def test_an_english_reader_finds_every_message_translated():
    assert untranslated(CATALOGUE) == []


def test_no_english_translation_is_left_fuzzy():
    assert fuzzy(CATALOGUE) == []


def test_the_compiled_catalogue_matches_the_translations_and_their_placeholders(tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(  # noqa: S603 - gettext's own program on our files
        [MSGFMT, "--check-format", "-o", str(compiled), str(CATALOGUE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert _catalog(COMPILED) == _catalog(compiled), "locale/en/LC_MESSAGES/django.mo is stale: run `make messages`"


def test_make_messages_finds_no_string_the_catalogue_lacks(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_COPIED))
    result = subprocess.run(  # noqa: S603 - this Python on a copy of this project
        [sys.executable, "manage.py", "makemessages", "--locale", "en", *(f"--ignore={path}/*" for path in IGNORED)],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    refreshed = copy / CATALOGUE.relative_to(ROOT)
    assert untranslated(refreshed) == [], "new strings in the source: run `make messages` and translate them"
    assert fuzzy(refreshed) == [], "changed strings in the source: run `make messages` and check the fuzzy entries"


def test_the_checks_see_a_missing_and_a_fuzzy_translation(tmp_path):
    """Counterpart: the helpers above do report what they look for."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Maßnahme"\nmsgstr "Measure"\n\n'
        'msgid "Stichtag"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Zielwert"\nmsgstr "Goals"\n\n'
        '#~ msgid "Verteilung"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    assert untranslated(po) == ["Stichtag"]
    assert fuzzy(po) == ["Zielwert"]
