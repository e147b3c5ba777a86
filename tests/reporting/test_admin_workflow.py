"""The Büro's admin moves reports only through the workflow: no unit draft is published or
submitted behind the unit's back, nothing skips the review. Walked through the admin's own forms."""

import pytest
from django.urls import reverse

from measures.choices import Status, UpdateState
from measures.models import StatusUpdate
from tests.measures.test_admin import _change_page, _update_form
from tests.reporting.conftest import form_version, make_update


def _change_form(client, update, **overrides):
    url, version = _change_page(client, update)
    return url, _update_form(update, version=version, **overrides)


def test_buero_cannot_publish_a_draft_of_unit_a_through_the_admin(buero_client, client, draft_a, measure_a):
    url, data = _change_form(buero_client, draft_a, state=UpdateState.PUBLISHED)
    response = buero_client.post(url, data)
    assert response.status_code == 200
    assert "Dieser Entwurf gehört der Stelle" in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.state == UpdateState.DRAFT and draft_a.published_at is None
    measure_a.refresh_from_db()
    assert measure_a.status == Status.NO_REPORT
    client.logout()
    public = client.get(f"/{measure_a.concept.slug}/massnahmen/{measure_a.code}/").content.decode()
    assert "Läuft." not in public


def test_buero_cannot_submit_a_draft_of_unit_a_on_its_behalf(buero_client, draft_a):
    url, data = _change_form(buero_client, draft_a, state=UpdateState.SUBMITTED)
    response = buero_client.post(url, data)
    assert response.status_code == 200
    assert "Diese Meldung reicht die Stelle selbst ein" in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.state == UpdateState.DRAFT


def test_buero_cannot_submit_a_draft_of_unit_a_on_the_staff_pages_either(buero_client, draft_a):
    url = f"/meldungen/{draft_a.pk}/bearbeiten/"
    response = buero_client.post(
        url,
        {
            "reporting_date": "2026-03-31",
            "status": Status.IN_PROGRESS,
            "ampel": "im_plan",
            "progress": "40",
            "public_text": "Läuft.",
            "action": "submit",
            "confirmed": "ja",
            "version": form_version(buero_client, url),
        },
    )
    assert response.status_code == 200
    assert "Diese Meldung reicht die Stelle selbst ein" in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.state == UpdateState.DRAFT


def test_buero_cannot_publish_a_returned_report_before_unit_a_resubmits(buero_client, measure_a, reporter_a):
    returned = make_update(measure_a, reporter_a, state=UpdateState.RETURNED, return_comment="Bitte ergänzen.")
    url, data = _change_form(buero_client, returned, state=UpdateState.PUBLISHED)
    response = buero_client.post(url, data)
    assert "sobald die Stelle sie erneut einreicht" in response.content.decode()
    returned.refresh_from_db()
    assert returned.state == UpdateState.RETURNED


@pytest.mark.parametrize("state", [UpdateState.DRAFT, UpdateState.RETURNED, UpdateState.SUBMITTED])
def test_a_published_report_stays_published_in_the_admin(buero_client, measure_a, reporter_a, state):
    update = make_update(measure_a, reporter_a, state=UpdateState.SUBMITTED)
    url, data = _change_form(buero_client, update, state=UpdateState.PUBLISHED)
    assert buero_client.post(url, data).status_code == 302
    update.refresh_from_db()
    url, data = _change_form(buero_client, update, state=state, return_comment="x")
    response = buero_client.post(url, data)
    assert response.status_code == 200
    assert "Eine veröffentlichte Meldung bleibt veröffentlicht." in response.content.decode()
    update.refresh_from_db()
    assert update.state == UpdateState.PUBLISHED


def test_buero_corrects_the_text_of_a_published_report_and_the_measure_follows(buero_client, measure_a, reporter_a):
    update = make_update(measure_a, reporter_a, state=UpdateState.SUBMITTED)
    url, data = _change_form(buero_client, update, state=UpdateState.PUBLISHED)
    assert buero_client.post(url, data).status_code == 302
    update.refresh_from_db()
    url, data = _change_form(buero_client, update, public_text="Läuft, Tippfehler berichtigt.")
    assert buero_client.post(url, data).status_code == 302
    measure_a.refresh_from_db()
    assert measure_a.status_justification == "Läuft, Tippfehler berichtigt."
    update.refresh_from_db()
    assert update.state == UpdateState.PUBLISHED and update.history.first().history_user.username == "buero-admin"


def test_the_inline_of_the_measure_cannot_add_a_returned_report(buero_client, measure_a):
    from tests.measures.test_admin import _measure_form

    data = _measure_form(
        measure_a,
        **{
            "status_updates-TOTAL_FORMS": 1,
            "status_updates-0-reporting_date": "31.03.2026",
            "status_updates-0-state": UpdateState.RETURNED,
            "status_updates-0-status": Status.IN_PROGRESS,
            "status_updates-0-ampel": "im_plan",
            "status_updates-0-progress": "40",
            "status_updates-0-public_text": "Text",
            "status_updates-0-internal_note": "",
        },
    )
    response = buero_client.post(reverse("admin:measures_measure_change", args=[measure_a.pk]), data)
    assert response.status_code == 200
    assert "Nur eingereichte Meldungen können zurückgegeben werden." in response.content.decode()
    assert not StatusUpdate.objects.filter(measure=measure_a).exists()


def test_a_transition_refused_under_the_lock_is_rolled_back_and_reported(buero_client, draft_a, monkeypatch):
    """Someone acted between the form's check and the save: the service's check under the row lock
    refuses, nothing is written and the Büro reads why instead of an error page."""
    monkeypatch.setattr("measures.reporting.admin.transition_problems", lambda **kwargs: {})
    url, data = _change_form(buero_client, draft_a, state=UpdateState.PUBLISHED, public_text="Geändert")
    response = buero_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "Dieser Entwurf gehört der Stelle" in response.content.decode()
    draft_a.refresh_from_db()
    assert (draft_a.state, draft_a.public_text) == (UpdateState.DRAFT, "Läuft.")
