"""Draft → submitted → published, or → returned with a comment and an e-mail to the author."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.choices import Status, UpdateState
from measures.models import StatusUpdate
from measures.reporting.concurrency import version_token
from measures.reporting.workflow import (
    WorkflowError,
    status_update_return,
    status_update_review_publish,
    status_update_save,
)
from tests.reporting.conftest import form_version, make_update

FORM = {
    "reporting_date": "2026-03-31",
    "status": Status.IN_PROGRESS,
    "ampel": "im_plan",
    "progress": "40",
    "public_text": "Die ersten Schulungen haben stattgefunden.",
    "internal_note": "Zweiter Termin noch offen.",
}


@pytest.fixture
def reporter_with_mail(reporter_a):
    reporter_a.email = "reporter-a@example.org"
    reporter_a.first_name, reporter_a.last_name = "Rita", "Rapport"
    reporter_a.save()
    return reporter_a


def test_reporter_saves_draft_then_submits(client, measure_a, reporter_a, report_round):
    client.force_login(reporter_a)
    response = client.post(f"/meine-massnahmen/{measure_a.pk}/meldung/", {**FORM, "action": "draft"})
    assert response.status_code == 302
    update = StatusUpdate.objects.get(measure=measure_a)
    assert update.state == UpdateState.DRAFT
    assert update.author == reporter_a
    assert update.report_round == report_round
    assert update.history.first().history_user == reporter_a
    measure_a.refresh_from_db()
    assert measure_a.status == Status.NO_REPORT

    page = client.get(f"/meine-massnahmen/{measure_a.pk}/").content.decode()
    assert "Entwurf" in page and "Die ersten Schulungen" in page

    url = f"/meldungen/{update.pk}/bearbeiten/"
    data = {**FORM, "progress": "45", "action": "submit", "confirmed": "ja", "version": form_version(client, url)}
    response = client.post(url, data)
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == UpdateState.SUBMITTED
    assert update.progress == 45
    assert update.submitted_at is not None
    measure_a.refresh_from_db()
    assert measure_a.status == Status.NO_REPORT, "submitting alone publishes nothing"
    # Now with the Büro: the unit can no longer change it.
    assert client.get(f"/meldungen/{update.pk}/bearbeiten/").status_code == 404


def test_review_queue_shows_the_change_and_publish_updates_the_measure(client, buero_user, measure_a, submitted_a):
    client.force_login(buero_user)
    queue = client.get("/pruefung/").content.decode()
    assert "Testmaßnahme" in queue
    assert "noch keine Meldung" in queue and "in Umsetzung, 50 %" in queue

    detail = client.get(f"/pruefung/{submitted_a.pk}/").content.decode()
    assert "Was sich mit der Veröffentlichung ändert" in detail

    version = form_version(client, f"/pruefung/{submitted_a.pk}/")
    response = client.post(
        f"/pruefung/{submitted_a.pk}/", {"action": "publish", "return_comment": "", "version": version}
    )
    assert response.status_code == 302
    submitted_a.refresh_from_db()
    assert submitted_a.state == UpdateState.PUBLISHED
    assert submitted_a.reviewer == buero_user
    assert submitted_a.published_at is not None
    measure_a.refresh_from_db()
    assert (measure_a.status, measure_a.progress) == (Status.IN_PROGRESS, 50)
    assert measure_a.history.first().history_user == buero_user
    assert StatusUpdate.objects.published().filter(pk=submitted_a.pk).exists()
    assert "Testmaßnahme" not in client.get("/pruefung/").content.decode()


def test_return_mails_the_author_who_sees_the_comment_and_resubmits(
    client, buero_user, reporter_with_mail, measure_a, mailoutbox, django_capture_on_commit_callbacks
):
    update = make_update(measure_a, reporter_with_mail, state=UpdateState.SUBMITTED)
    client.force_login(buero_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/pruefung/{update.pk}/",
            {
                "action": "return",
                "return_comment": "Bitte den Fortschritt begründen.",
                "version": form_version(client, f"/pruefung/{update.pk}/"),
            },
        )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == UpdateState.RETURNED
    assert update.return_comment == "Bitte den Fortschritt begründen."
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["reporter-a@example.org"]
    assert mail.subject == "Sachstandsmeldung zu Maßnahme 1.1 zurückgegeben"
    assert "Guten Tag Rita Rapport" in mail.body
    assert "Bitte den Fortschritt begründen." in mail.body
    assert f"/meldungen/{update.pk}/bearbeiten/" in mail.body
    assert "Diese E-Mail wurde automatisch vom Umsetzungsmonitor verschickt." in mail.body

    client.force_login(reporter_with_mail)
    assert "Bitte den Fortschritt begründen." in client.get(f"/meine-massnahmen/{measure_a.pk}/").content.decode()
    edit_page = client.get(f"/meldungen/{update.pk}/bearbeiten/")
    assert edit_page.status_code == 200
    assert "Rückmeldung des Büros" in edit_page.content.decode()
    version = form_version(client, f"/meldungen/{update.pk}/bearbeiten/")
    response = client.post(
        f"/meldungen/{update.pk}/bearbeiten/", {**FORM, "action": "submit", "confirmed": "ja", "version": version}
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == UpdateState.SUBMITTED


def test_return_mail_is_german_even_when_the_buero_works_in_english(
    client, buero_user, reporter_with_mail, measure_a, mailoutbox, django_capture_on_commit_callbacks
):
    update = make_update(measure_a, reporter_with_mail, state=UpdateState.SUBMITTED)
    client.force_login(buero_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/pruefung/{update.pk}/",
            {"action": "return", "return_comment": "Bitte ergänzen.", "version": version_token(update)},
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Sachstandsmeldung zu Maßnahme 1.1 zurückgegeben"
    assert f"/meldungen/{update.pk}/bearbeiten/" in mailoutbox[0].body
    assert "/en/" not in mailoutbox[0].body


def test_return_needs_a_comment(client, buero_user, submitted_a, mailoutbox):
    client.force_login(buero_user)
    data = {"action": "return", "return_comment": "  ", "version": version_token(submitted_a)}
    response = client.post(f"/pruefung/{submitted_a.pk}/", data)
    assert response.status_code == 200
    assert "Bitte schreiben Sie, was geändert werden soll." in response.content.decode()
    submitted_a.refresh_from_db()
    assert submitted_a.state == UpdateState.SUBMITTED
    assert mailoutbox == []


def test_buero_publishes_its_own_update_directly(client, buero_user, measure_a):
    client.force_login(buero_user)
    response = client.post(
        f"/meine-massnahmen/{measure_a.pk}/meldung/", {**FORM, "status": Status.DONE, "action": "publish"}
    )
    assert response.status_code == 302
    update = StatusUpdate.objects.get(measure=measure_a)
    assert (update.state, update.author, update.reviewer) == (UpdateState.PUBLISHED, buero_user, buero_user)
    measure_a.refresh_from_db()
    assert measure_a.status == Status.DONE


def test_buero_cannot_publish_a_units_draft_before_the_unit_submits_it(client, buero_user, draft_a, measure_a):
    client.force_login(buero_user)
    review = client.get(f"/pruefung/{draft_a.pk}/").content.decode()
    assert 'value="publish"' not in review
    assert 'value="publish"' not in client.get(f"/meldungen/{draft_a.pk}/bearbeiten/").content.decode()

    # Forged requests, with the right version.
    version = version_token(draft_a)
    response = client.post(f"/pruefung/{draft_a.pk}/", {"action": "publish", "return_comment": "", "version": version})
    assert response.status_code == 200
    assert "sobald die Stelle ihn einreicht" in response.content.decode()
    response = client.post(f"/meldungen/{draft_a.pk}/bearbeiten/", {**FORM, "action": "publish", "version": version})
    assert response.status_code == 200
    assert "sobald die Stelle ihn einreicht" in response.content.decode()
    draft_a.refresh_from_db()
    assert (draft_a.state, draft_a.public_text) == (UpdateState.DRAFT, "Läuft."), "nothing saved"
    measure_a.refresh_from_db()
    assert measure_a.status == Status.NO_REPORT


def test_the_message_after_saving_says_the_state_the_report_is_in(client, reporter_a, measure_a, buero_user):
    returned = make_update(measure_a, reporter_a, state=UpdateState.RETURNED, return_comment="Bitte ergänzen.")
    client.force_login(reporter_a)
    version = form_version(client, f"/meldungen/{returned.pk}/bearbeiten/")
    data = {**FORM, "action": "draft", "version": version}
    response = client.post(f"/meldungen/{returned.pk}/bearbeiten/", data, follow=True)
    assert "sie bleibt zurückgegeben, bis Sie sie erneut zur Prüfung einreichen" in response.content.decode()
    returned.refresh_from_db()
    assert returned.state == UpdateState.RETURNED

    # A reporter's forged "publish" saves a draft and says so.
    response = client.post(f"/meine-massnahmen/{measure_a.pk}/meldung/", {**FORM, "action": "publish"}, follow=True)
    content = response.content.decode()
    assert "Die Meldung wurde als Entwurf gespeichert." in content
    assert "veröffentlicht." not in content

    submitted = make_update(measure_a, reporter_a, state=UpdateState.SUBMITTED)
    client.force_login(buero_user)
    version = form_version(client, f"/meldungen/{submitted.pk}/bearbeiten/")
    data = {**FORM, "action": "draft", "version": version}
    response = client.post(f"/meldungen/{submitted.pk}/bearbeiten/", data, follow=True)
    assert "sie liegt dem Büro weiter zur Prüfung vor" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == UpdateState.SUBMITTED


def test_postponed_needs_a_public_reason(client, reporter_a, measure_a):
    client.force_login(reporter_a)
    response = client.post(
        f"/meine-massnahmen/{measure_a.pk}/meldung/",
        {**FORM, "status": Status.POSTPONED, "public_text": "", "action": "submit", "confirmed": "ja"},
    )
    assert response.status_code == 200
    assert "ist eine öffentliche Begründung erforderlich" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_form_shows_each_status_with_its_definition(client, reporter_a, measure_a):
    client.force_login(reporter_a)
    content = client.get(f"/meine-massnahmen/{measure_a.pk}/meldung/").content.decode()
    for status in Status:
        if status == Status.NO_REPORT:
            assert str(status.definition) not in content
        else:
            assert str(status.label) in content and str(status.definition) in content


@pytest.mark.parametrize("state", [UpdateState.PUBLISHED, UpdateState.RETURNED])
def test_services_refuse_transitions_the_state_does_not_allow(measure_a, reporter_a, buero_user, state):
    update = make_update(measure_a, reporter_a, state=UpdateState.SUBMITTED)
    if state == UpdateState.PUBLISHED:
        status_update_review_publish(update=update, reviewer=buero_user)
    else:
        status_update_return(update=update, reviewer=buero_user, comment="Bitte ergänzen.")
    update.refresh_from_db()
    with pytest.raises(WorkflowError):
        status_update_return(update=update, reviewer=buero_user, comment="Noch einmal.")
    if state == UpdateState.PUBLISHED:
        with pytest.raises(WorkflowError, match="kann nicht veröffentlicht werden"):
            status_update_review_publish(update=update, reviewer=buero_user)
        with pytest.raises(WorkflowError, match="kann nicht mehr geändert werden"):
            status_update_save(update=update, user=buero_user)


def test_reporter_cannot_change_a_submitted_update_through_the_service(measure_a, reporter_a):
    update = make_update(measure_a, reporter_a)
    status_update_save(update=update, user=reporter_a, submit=True)
    update.public_text = "nachträglich"
    with pytest.raises(WorkflowError):
        status_update_save(update=update, user=reporter_a)


def test_reporter_deletes_own_draft(client, reporter_a, draft_a):
    client.force_login(reporter_a)
    assert "Soll die Meldung" in client.get(f"/meldungen/{draft_a.pk}/loeschen/").content.decode()
    response = client.post(f"/meldungen/{draft_a.pk}/loeschen/", {"version": version_token(draft_a)})
    assert response.status_code == 302
    assert not StatusUpdate.objects.filter(pk=draft_a.pk).exists()
    deleted = StatusUpdate.history.filter(id=draft_a.pk, history_type="-").get()
    assert deleted.history_user == reporter_a


def test_history_page_lists_changes_with_their_authors(client, reporter_a, buero_user, measure_a):
    update = make_update(measure_a, reporter_a)
    status_update_save(update=update, user=reporter_a, submit=True)
    status_update_review_publish(update=update, reviewer=buero_user)
    client.force_login(reporter_a)
    content = client.get(f"/meine-massnahmen/{measure_a.pk}/verlauf/").content.decode()
    assert "reporter-a" in content and "buero-admin" in content
    assert "Bearbeitungsstand" in content  # the changed field on submit/publish
    assert "Umsetzungsstand" in content  # the measure's status changed on publish


def test_history_page_queries_do_not_grow_with_the_number_of_changes(
    client, reporter_a, measure_a, django_assert_max_num_queries
):
    update = make_update(measure_a, reporter_a)

    def edit(times):
        for number in range(times):
            update.progress = number
            status_update_save(update=update, user=reporter_a)

    client.force_login(reporter_a)
    url = f"/meine-massnahmen/{measure_a.pk}/verlauf/"
    edit(2)
    with CaptureQueriesContext(connection) as few:
        assert "Fortschritt (%)" in client.get(url).content.decode()
    edit(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = client.get(url).content.decode()
    assert content.count("Fortschritt (%)") >= 22


def test_my_measures_shows_status_last_report_and_due(client, reporter_a, measure_a, report_round, draft_a):
    client.force_login(reporter_a)
    content = client.get("/meine-massnahmen/").content.decode()
    assert "noch keine Meldung" in content
    assert "31.03.2026: Entwurf" in content
    assert "Sachstandsbericht 2026" in content and "bis 30.04.2026" in content
    draft_a.report_round = report_round
    draft_a.save()
    status_update_save(update=draft_a, user=reporter_a, submit=True)
    content = client.get("/meine-massnahmen/").content.decode()
    assert "bis 30.04.2026" not in content


def test_new_report_defaults_to_the_rounds_cut_off_date(client, reporter_a, measure_a, report_round):
    client.force_login(reporter_a)
    content = client.get(f"/meine-massnahmen/{measure_a.pk}/meldung/").content.decode()
    assert 'value="2026-03-31"' in content
    assert report_round.cut_off_date == datetime.date(2026, 3, 31)


def test_draft_written_before_the_round_opened_counts_for_it_when_submitted(measure_a, reporter_a, concept):
    from measures.models import ReportRound

    update = make_update(measure_a, reporter_a)
    assert update.report_round is None
    report_round = ReportRound.objects.create(
        concept=concept, title="Runde", cut_off_date=datetime.date(2026, 6, 30), deadline=datetime.date(2026, 7, 31)
    )
    status_update_save(update=update, user=reporter_a, submit=True)
    update.refresh_from_db()
    assert update.report_round == report_round


def test_buero_deleting_a_submitted_update_is_recorded_with_the_author(measure_a, buero_user, submitted_a):
    from measures.reporting.workflow import status_update_delete

    status_update_delete(update=submitted_a, user=buero_user)
    record = StatusUpdate.history.get(id=submitted_a.pk, history_type="-")
    assert record.history_user == buero_user


def test_published_updates_cannot_be_deleted(measure_a, buero_user, submitted_a):
    from measures.reporting.workflow import status_update_delete

    status_update_review_publish(update=submitted_a, reviewer=buero_user)
    with pytest.raises(WorkflowError, match="Veröffentlichte Meldungen werden nicht gelöscht"):
        status_update_delete(update=submitted_a, user=buero_user)
    assert StatusUpdate.objects.filter(pk=submitted_a.pk).exists()


def test_nobody_edits_a_published_update_on_the_staff_pages(client, buero_user, reporter_a, submitted_a, measure_a):
    status_update_review_publish(update=submitted_a, reviewer=buero_user)
    for person in (buero_user, reporter_a):
        client.force_login(person)
        assert client.get(f"/meldungen/{submitted_a.pk}/bearbeiten/").status_code == 404
        detail = client.get(f"/meine-massnahmen/{measure_a.pk}/").content.decode()
        assert f"/meldungen/{submitted_a.pk}/bearbeiten/" not in detail
    assert not StatusUpdate.objects.editable_by(buero_user).filter(pk=submitted_a.pk).exists()
