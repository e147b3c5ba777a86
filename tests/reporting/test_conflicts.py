"""Concurrent edits: the second save of a report or measure that changed meanwhile is refused."""

import re

import pytest
from django.core.exceptions import ValidationError

from measures.choices import UpdateState
from measures.models import Measure, StatusUpdate
from measures.reporting.concurrency import version_token
from measures.reporting.workflow import status_update_review_publish, status_update_save
from tests.measures.test_admin import _measure_form

FORM = {"reporting_date": "2026-03-31", "status": "in_umsetzung", "ampel": "im_plan", "public_text": "Meine Fassung"}


def _version(response) -> str:
    return re.search(r'name="version" value="([^"]*)"', response.content.decode()).group(1)


def test_second_save_of_a_report_is_refused_and_shows_what_changed(client, reporter_a, buero_user, draft_a):
    client.force_login(reporter_a)
    version = _version(client.get(f"/meldungen/{draft_a.pk}/bearbeiten/"))
    assert version

    # Meanwhile the Büro corrects the same draft.
    draft_a.progress = 60
    draft_a.public_text = "Fassung des Büros"
    status_update_save(update=draft_a, user=buero_user)

    response = client.post(
        f"/meldungen/{draft_a.pk}/bearbeiten/", {**FORM, "progress": "45", "version": version, "action": "draft"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "seit Sie das Formular geöffnet haben" in content
    assert "Zuletzt gespeichert von buero-admin" in content
    assert "„Fortschritt (%)“: vorher „40“, jetzt „60“." in content
    assert "„Sachstand (öffentlich)“: vorher „Läuft.“, jetzt „Fassung des Büros“." in content
    draft_a.refresh_from_db()
    assert (draft_a.progress, draft_a.public_text) == (60, "Fassung des Büros")

    # With the current version (the reloaded form) the save goes through.
    response = client.post(
        f"/meldungen/{draft_a.pk}/bearbeiten/",
        {**FORM, "progress": "45", "version": _version(response), "action": "draft"},
    )
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.progress == 45


def test_unchanged_report_saves_with_its_version(client, reporter_a, draft_a):
    client.force_login(reporter_a)
    version = _version(client.get(f"/meldungen/{draft_a.pk}/bearbeiten/"))
    response = client.post(
        f"/meldungen/{draft_a.pk}/bearbeiten/", {**FORM, "version": version, "action": "submit", "confirmed": "ja"}
    )
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.state == UpdateState.SUBMITTED


def test_review_of_a_report_changed_since_opening_is_refused(client, buero_user, submitted_a):
    client.force_login(buero_user)
    version = _version(client.get(f"/pruefung/{submitted_a.pk}/"))
    submitted_a.public_text = "Nachgebessert"
    status_update_save(update=submitted_a, user=buero_user)
    response = client.post(f"/pruefung/{submitted_a.pk}/", {"action": "publish", "version": version})
    assert response.status_code == 200
    assert "seit Sie das Formular geöffnet haben" in response.content.decode()
    submitted_a.refresh_from_db()
    assert submitted_a.state == UpdateState.SUBMITTED


def test_admin_measure_form_refuses_the_second_save(client, buero_user, measure_a):
    client.force_login(buero_user)
    url = f"/admin/measures/measure/{measure_a.pk}/change/"
    version = _version(client.get(url))

    other = Measure.objects.get(pk=measure_a.pk)
    other.title = "Titel der Kollegin"
    other.save()

    response = client.post(url, _measure_form(measure_a, title="Mein Titel", version=version))
    assert response.status_code == 200
    content = response.content.decode()
    assert "seit Sie das Formular geöffnet haben" in content
    assert "„Titel“: vorher „Testmaßnahme“, jetzt „Titel der Kollegin“." in content
    measure_a.refresh_from_db()
    assert measure_a.title == "Titel der Kollegin"

    response = client.post(url, _measure_form(measure_a, title="Mein Titel", version=_version(response)))
    assert response.status_code == 302
    measure_a.refresh_from_db()
    assert measure_a.title == "Mein Titel"


def test_services_check_the_version_again_under_the_row_lock(reporter_a, buero_user, draft_a):
    opened = version_token(draft_a)
    draft_a.progress = 70
    status_update_save(update=draft_a, user=buero_user)
    stale = StatusUpdate.objects.get(pk=draft_a.pk)
    stale.progress = 10
    with pytest.raises(ValidationError, match="seit Sie das Formular geöffnet haben"):
        status_update_save(update=stale, user=reporter_a, version=opened)
    with pytest.raises(ValidationError, match="seit Sie das Formular geöffnet haben"):
        status_update_review_publish(update=stale, reviewer=buero_user, version=opened)
    draft_a.refresh_from_db()
    assert (draft_a.progress, draft_a.state) == (70, UpdateState.DRAFT)


def test_admin_status_update_form_refuses_the_second_save(client, buero_user, reporter_a, draft_a):
    client.force_login(buero_user)
    url = f"/admin/measures/statusupdate/{draft_a.pk}/change/"
    version = _version(client.get(url))
    draft_a.public_text = "Fassung der Stelle"
    status_update_save(update=draft_a, user=reporter_a)
    data = {
        "measure": draft_a.measure_id,
        "reporting_date": "2026-03-31",
        "status": "in_umsetzung",
        "ampel": "keine_angabe",
        "progress": "40",
        "public_text": "Fassung des Büros",
        "internal_note": "",
        "state": "entwurf",
        "return_comment": "",
        "version": version,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "„Sachstand (öffentlich)“: vorher „Läuft.“, jetzt „Fassung der Stelle“." in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.public_text == "Fassung der Stelle"
    response = client.post(url, {**data, "version": _version(response)})
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.public_text == "Fassung des Büros"


def test_delete_of_a_report_changed_since_the_confirmation_page_is_refused(client, reporter_a, buero_user, draft_a):
    client.force_login(reporter_a)
    version = _version(client.get(f"/meldungen/{draft_a.pk}/loeschen/"))
    assert version

    # Meanwhile the Büro adds to the same draft.
    draft_a.public_text = "Ergänzung des Büros"
    status_update_save(update=draft_a, user=buero_user)

    response = client.post(f"/meldungen/{draft_a.pk}/loeschen/", {"version": version})
    assert response.status_code == 200
    assert "seit Sie das Formular geöffnet haben" in response.content.decode()
    assert StatusUpdate.objects.filter(pk=draft_a.pk, public_text="Ergänzung des Büros").exists()

    # Having seen the page again, the person may delete the current version.
    response = client.post(f"/meldungen/{draft_a.pk}/loeschen/", {"version": _version(response)})
    assert response.status_code == 302
    assert not StatusUpdate.objects.filter(pk=draft_a.pk).exists()


# Tampered or missing versions: a form error, never a server error, and nothing saved.
IMPOSSIBLE = "2026-13-45T25:61:00"


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(("version", "message"), [(IMPOSSIBLE, "ist ungültig"), (None, "ohne Versionsangabe")])
def test_reporter_of_unit_a_with_a_tampered_version_saves_nothing(client, reporter_a, draft_a, version, message):
    client.force_login(reporter_a)
    data = {**FORM, "progress": "99", "action": "draft"}
    if version is not None:
        data["version"] = version
    response = client.post(f"/meldungen/{draft_a.pk}/bearbeiten/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.progress == 40


@pytest.mark.parametrize(("version", "message"), [(IMPOSSIBLE, "ist ungültig"), (None, "ohne Versionsangabe")])
def test_buero_with_a_tampered_version_publishes_nothing(client, buero_user, submitted_a, version, message):
    client.force_login(buero_user)
    data = {"action": "publish", "return_comment": ""}
    if version is not None:
        data["version"] = version
    response = client.post(f"/pruefung/{submitted_a.pk}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    submitted_a.refresh_from_db()
    assert submitted_a.state == UpdateState.SUBMITTED


@pytest.mark.parametrize("data", [{"version": IMPOSSIBLE}, {}])
def test_a_delete_without_a_valid_version_deletes_nothing(client, reporter_a, draft_a, data):
    client.force_login(reporter_a)
    response = client.post(f"/meldungen/{draft_a.pk}/loeschen/", data)
    assert response.status_code == 200
    assert "nichts gespeichert" in response.content.decode()
    assert StatusUpdate.objects.filter(pk=draft_a.pk).exists()


def test_the_admin_measure_form_without_a_version_saves_nothing(client, buero_user, measure_a):
    client.force_login(buero_user)
    data = _measure_form(measure_a, title="Ohne Version")
    del data["version"]
    response = client.post(f"/admin/measures/measure/{measure_a.pk}/change/", data)
    assert response.status_code == 200
    assert "ohne Versionsangabe" in response.content.decode()
    measure_a.refresh_from_db()
    assert measure_a.title == "Testmaßnahme"
