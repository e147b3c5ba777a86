"""The admin „Geschichte“ of a measure after its reports went through the workflow, in German."""

import re

from django.urls import reverse

from measures.choices import Status, UpdateState
from measures.models import StatusUpdate
from tests.measures.test_admin import _measure_form
from tests.reporting.conftest import form_version, hidden_fields

FORM = {
    "reporting_date": "2025-06-30",
    "status": Status.IN_PROGRESS,
    "ampel": "im_plan",
    "progress": "40",
    "public_text": "Die ersten Kurse laufen.",
    "internal_note": "",
}


def _submit(client, url, data):
    """„Zur Prüfung einreichen“, then „Ja, zur Prüfung einreichen“ on the confirmation page."""
    confirmation = client.post(url, {**data, "action": "submit"})
    assert "Meldung zur Prüfung einreichen?" in confirmation.content.decode()
    response = client.post(url, {**hidden_fields(confirmation), "action": "submit"})
    assert response.status_code == 302, response.content.decode()[:3000]


def _review(client, update, **data):
    url = f"/pruefung/{update.pk}/"
    response = client.post(url, {**data, "version": form_version(client, url)})
    assert response.status_code == 302, response.content.decode()[:3000]


def test_buero_reads_the_history_of_a_measure_whose_report_went_through_the_workflow(
    client, measure, reporter_a, buero_user
):
    # The reporter of unit A writes a draft and submits it.
    client.force_login(reporter_a)
    assert client.post(f"/meine-massnahmen/{measure.pk}/meldung/", {**FORM, "action": "draft"}).status_code == 302
    update = StatusUpdate.objects.get(measure=measure)
    edit_url = f"/meldungen/{update.pk}/bearbeiten/"
    _submit(client, edit_url, {**FORM, "version": form_version(client, edit_url)})

    # The Büro returns it; the reporter revises and submits again; the Büro publishes it.
    client.force_login(buero_user)
    _review(client, update, action="return", return_comment="Bitte die Teilnehmendenzahl nennen.")
    client.force_login(reporter_a)
    _submit(client, edit_url, {**FORM, "public_text": "12 Teilnehmende.", "version": form_version(client, edit_url)})
    client.force_login(buero_user)
    _review(client, update, action="publish", return_comment="")
    update.refresh_from_db()
    assert update.state == UpdateState.PUBLISHED

    # A manual edit of the measure in the admin, without a change reason.
    change_url = reverse("admin:measures_measure_change", args=[measure.pk])
    assert client.post(change_url, _measure_form(measure, title="Sprachkurse ausbauen")).status_code == 302

    response = client.get(reverse("admin:measures_measure_history", args=[measure.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Verlauf: 1.1 Sprachkurse ausbauen" in content
    assert "View history" not in content and ">Changes<" not in content
    reports = content[content.index("<h2>Sachstandsmeldungen</h2>") :]
    for text in ["Bearbeitungsstand", "eingereicht", "zurückgegeben", "veröffentlicht", "reporter-a", "buero-admin"]:
        assert text in reports, text
    # Changes as people read them: labels, not stored values; a dash for nothing.
    assert "Bearbeitungsstand:</strong> eingereicht &rarr; zurückgegeben" in reports
    assert "Rückmeldung des Büros:</strong> – &rarr; Bitte die Teilnehmendenzahl nennen." in reports
    assert "zurueckgegeben" not in reports and "None" not in reports and "Deleted" not in reports
    assert "Sachstand (öffentlich):</strong> Die ersten Kurse laufen." in reports
    # The measure's own table: an edit without a reason shows a dash, never „None“.
    own = content[content.index('id="change-history"') : content.index("<h2>Zuständigkeiten</h2>")]
    assert "Sprachkurse ausbauen" in own
    assert re.search(r"<td>\s*None\s*</td>", own) is None
    assert re.search(r"<td>\s*–\s*</td>", own)


def test_history_of_an_earlier_version_is_german(buero_client, measure):
    record = measure.history.first()
    response = buero_client.get(reverse("admin:measures_measure_simple_history", args=[measure.pk, record.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Frühere Fassung" in content and "View " not in content
