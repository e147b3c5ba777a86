"""Every page type, public and staff, German and English, passes the Nu Html Checker (vnu) with
no error. vnu.jar comes from the npm package vnu-jar (package.json, ``npm ci``) and runs on Java.

Skipped with a reason where Java or the jar is missing; with REQUIRE_BROWSER=1 (CI) that fails.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from measures.demo import generate_demo
from measures.models import Concept, Measure
from tests.conftest import round_with_returned_and_submitted

pytestmark = pytest.mark.django_db

VNU_JAR = Path(
    os.environ.get("VNU_JAR", Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
)
PASSWORD = "ein-sicheres-Passwort-123"

PUBLIC_PAGES = [
    "/",
    "/demo/",
    "/demo/massnahmen/",
    "/demo/massnahmen/?stand=in_umsetzung&sortierung=aktualisiert&seite=2",
    "/demo/massnahmen/?stand=quatsch&handlungsfeld=99",
    "/demo/massnahmen/1.2/",
    "/demo/handlungsfelder/2/",
    "/demo/ziele/3/",
    "/demo/aktuelles/",
    "/stellen/",
    "/stellen/beispiel-fb-personal/",
    "/offene-daten/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/noch-leer/",
    "/gibt-es-nicht/",
]
REPORTER_PAGES = [
    "/meine-massnahmen/",
    "/meine-massnahmen/{measure}/",
    "/meine-massnahmen/{measure}/meldung/",
    "/meldungen/{returned}/bearbeiten/",
    "/meldungen/{returned}/loeschen/",
    "/meine-massnahmen/{measure}/verlauf/",
    "/passwort/",
    "/pruefung/",  # the 403 page for a reporter
]
BUERO_PAGES = [
    "/pruefung/",
    "/pruefung/{submitted}/",
    "/berichtsrunden/",
    "/berichtsrunden/{round}/",
    "/berichtsrunden/{round}/bericht/",
]


def _vnu_command():
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        message = f"Nu Html Checker nicht verfügbar (Java: {java or 'fehlt'}, {VNU_JAR}): `npm ci` installiert vnu.jar"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # A short-lived JVM: quick start matters more than peak speed.
    jvm = [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m"]
    return [*jvm, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


@pytest.fixture
def site(db, reporter_a, buero_user):
    demo = generate_demo(measures=40)
    Concept.objects.create(title="Noch leer", slug="noch-leer", start_year=2025, end_year=2029, published=True)
    measure = Measure.objects.filter(concept=demo, code="1.2").get()
    unit = measure.responsibilities.first().unit
    from accounts.models import Membership

    Membership.objects.get_or_create(user=reporter_a, unit=unit)
    return round_with_returned_and_submitted(measure, reporter_a)


def _collect(site, reporter_a, buero_user, tmp_path):
    """Every page type as a file for vnu: name -> path."""
    pages = {}

    def keep(name, response):
        assert response.status_code in (200, 400, 403, 404, 405), (name, response.status_code)
        path = tmp_path / f"{len(pages):03d}.html"
        path.write_bytes(response.content)
        pages[str(path)] = name

    anonymous = Client()
    for language in ("", "/en"):
        for url in PUBLIC_PAGES:
            keep(language + url, anonymous.get(language + url))
    keep("/anmelden/", anonymous.get("/anmelden/"))
    keep("/anmelden/ (Fehler)", anonymous.post("/anmelden/", {"username": "reporter-a", "password": "falsch"}))
    keep("/abmelden/ GET (405)", anonymous.get("/abmelden/"))
    keep("/robots.txt POST (405)", anonymous.post("/robots.txt"))
    keep("CSRF", Client(enforce_csrf_checks=True).post("/anmelden/", {"username": "x"}))
    keep("400", anonymous.get("/", HTTP_HOST="unbekannt.example"))

    reporter = Client()
    reporter.force_login(reporter_a)
    for language in ("", "/en"):
        for url in REPORTER_PAGES:
            keep(language + url, reporter.get(language + url.format(**site)))
    keep("/passwort/ (Fehler)", reporter.post("/passwort/", {"old_password": "falsch", "new_password1": "kurz"}))
    keep(
        "/meine-massnahmen/…/meldung/ (Fehler)",
        reporter.post(
            f"/meine-massnahmen/{site['measure']}/meldung/", {"status": "zurueckgestellt", "public_text": ""}
        ),
    )
    keep("/demo/ (angemeldet)", reporter.get("/demo/"))

    buero = Client()
    buero.force_login(buero_user)
    for language in ("", "/en"):
        for url in BUERO_PAGES:
            keep(language + url, buero.get(language + url.format(**site)))
    return pages


BROKEN = (
    '<!doctype html><html lang="de"><head><title>x</title></head><body><form action=""></form>'
    "<p><ul><li>Regel</li></ul></p></body></html>"
)


def test_every_page_type_has_no_html_errors(site, reporter_a, buero_user, tmp_path, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    command = _vnu_command()
    pages = _collect(site, reporter_a, buero_user, tmp_path)
    # The counterpart in the same run (one Java start): a page with the errors this check is for.
    broken = tmp_path / "kaputt.html"
    broken.write_text(BROKEN)
    result = subprocess.run([*command, *pages, str(broken)], capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    messages = [
        message
        for message in json.loads(result.stderr or result.stdout)["messages"]
        if message.get("type") == "error" or message.get("subType") == "fatal"
    ]
    by_file = {}
    for message in messages:
        path = message.get("url", "").removeprefix("file:")
        by_file.setdefault(pages.get(path, path), []).append(
            f"{message.get('lastLine')}: {message.get('message')} – {message.get('extract', '')!r}"
        )
    caught = by_file.pop(str(broken), [])
    assert any("“action”" in text for text in caught), caught
    assert any("“p”" in text for text in caught), caught
    assert by_file == {}
    assert len(pages) > 60  # the check covered the pages, not an empty list
