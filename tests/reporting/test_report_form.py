"""The report form as a unit's reporter uses it: context of the measure, a confirmation before the
irreversible submission (no JavaScript needed), and returned reports that cannot be missed."""

import datetime

from measures.choices import Status, UpdateState
from measures.models import StatusUpdate
from tests.reporting.conftest import form_version, hidden_fields, make_update

FORM = {
    "reporting_date": "2025-06-30",
    "status": Status.IN_PROGRESS,
    "ampel": "im_plan",
    "progress": "40",
    "public_text": "Zwei Kurse laufen.\nDer dritte beginnt im Herbst.",
    "internal_note": "Raumfrage offen.",
}


def test_submitting_asks_for_confirmation_first_and_stores_nothing_until_then(client, reporter_a, measure_a):
    client.force_login(reporter_a)
    url = f"/meine-massnahmen/{measure_a.pk}/meldung/"
    confirmation = client.post(url, {**FORM, "action": "submit"})
    content = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Meldung zur Prüfung einreichen?" in content
    assert "Nach dem Einreichen können Sie die Meldung nicht mehr ändern" in content
    assert "30.06.2025" in content and "in Umsetzung" in content and "40 %" in content
    assert 'value="submit">Ja, zur Prüfung einreichen</button>' in content
    assert 'value="revise"' in content
    assert not StatusUpdate.objects.exists(), "nothing is stored before the confirmation"

    # „Zurück zum Formular“: the form again, with every entry kept.
    carried = hidden_fields(confirmation)
    assert carried["public_text"] == FORM["public_text"]
    back = client.post(url, {**carried, "action": "revise"}).content.decode()
    assert "Neue Sachstandsmeldung" in back and "Der dritte beginnt im Herbst." in back
    assert "Raumfrage offen." in back and "Bitte prüfen Sie Ihre Eingaben" not in back
    assert not StatusUpdate.objects.exists()

    # „Ja, zur Prüfung einreichen“.
    response = client.post(url, {**carried, "action": "submit"})
    assert response.status_code == 302
    update = StatusUpdate.objects.get(measure=measure_a)
    assert update.state == UpdateState.SUBMITTED
    assert update.public_text.replace("\r\n", "\n") == FORM["public_text"]
    assert update.internal_note == "Raumfrage offen."


def test_a_draft_is_submitted_after_confirmation_too(client, reporter_a, draft_a):
    client.force_login(reporter_a)
    url = f"/meldungen/{draft_a.pk}/bearbeiten/"
    confirmation = client.post(url, {**FORM, "action": "submit", "version": form_version(client, url)})
    assert "Meldung zur Prüfung einreichen?" in confirmation.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.state == UpdateState.DRAFT
    assert client.post(url, {**hidden_fields(confirmation), "action": "submit"}).status_code == 302
    draft_a.refresh_from_db()
    assert (draft_a.state, draft_a.progress) == (UpdateState.SUBMITTED, 40)


def test_a_missing_reason_is_said_before_the_confirmation(client, reporter_a, measure_a):
    client.force_login(reporter_a)
    data = {**FORM, "status": Status.POSTPONED, "public_text": "", "action": "submit"}
    response = client.post(f"/meine-massnahmen/{measure_a.pk}/meldung/", data)
    content = response.content.decode()
    assert "ist eine öffentliche Begründung erforderlich" in content
    assert "Meldung zur Prüfung einreichen?" not in content
    # As a draft it may still be incomplete.
    data["action"] = "draft"
    assert client.post(f"/meine-massnahmen/{measure_a.pk}/meldung/", data).status_code == 302


def test_the_form_shows_what_the_measure_is_about(client, reporter_a, measure_a):
    measure_a.description = "Sprachkurse für Eltern in Kitas."
    measure_a.target = "Bis 2026: 200 Teilnehmende."
    measure_a.planned_start, measure_a.planned_end = datetime.date(2024, 9, 1), datetime.date(2026, 12, 31)
    measure_a.save()
    client.force_login(reporter_a)
    content = client.get(f"/meine-massnahmen/{measure_a.pk}/meldung/").content.decode()
    context = content[content.index("Zur Maßnahme") : content.index('class="staff-form"')]
    assert "Sprachkurse für Eltern in Kitas." in context
    assert "Bis 2026: 200 Teilnehmende." in context
    assert "01.09.2024 bis 31.12.2026" in context

    measure_a.planned_end, measure_a.ongoing, measure_a.target = None, True, ""
    measure_a.save()
    content = client.get(f"/meine-massnahmen/{measure_a.pk}/meldung/").content.decode()
    assert "ab 01.09.2024, fortlaufend" in content
    assert "nicht angegeben" in content  # no target: said, not left blank


def test_a_returned_report_is_marked_in_my_measures(client, reporter_a, buero_user, measure_a, measure_b, unit_b):
    from accounts.models import Membership

    Membership.objects.create(user=reporter_a, unit=unit_b)
    submitted = make_update(measure_a, reporter_a, state=UpdateState.SUBMITTED)
    make_update(measure_b, reporter_a, state=UpdateState.SUBMITTED)
    client.force_login(buero_user)
    url = f"/pruefung/{submitted.pk}/"
    data = {"action": "return", "return_comment": "Bitte Zahlen nennen.", "version": form_version(client, url)}
    assert client.post(url, data).status_code == 302

    client.force_login(reporter_a)
    content = client.get("/meine-massnahmen/").content.decode()
    assert "Bei 1 Maßnahme hat das Büro eine Meldung zurückgegeben." in content
    row_a = content[content.index("Testmaßnahme") : content.index("Maßnahme der Stelle B")]
    row_b = content[content.index("Maßnahme der Stelle B") :]
    assert "Rückmeldung des Büros – bitte überarbeiten" in row_a
    assert f'href="/meldungen/{submitted.pk}/bearbeiten/">Meldung vom 31.03.2026 überarbeiten' in row_a
    assert "Rückmeldung des Büros" not in row_b  # submitted, with the Büro
    edit = client.get(f"/meldungen/{submitted.pk}/bearbeiten/").content.decode()
    assert "Rückmeldung des Büros – bitte überarbeiten" in edit and "Bitte Zahlen nennen." in edit
