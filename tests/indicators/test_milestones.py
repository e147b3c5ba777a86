"""Milestones: the Büro plans them in the admin, reporters tick them in their report, the
tick counts once the report is published, and overdue ones show wherever people look."""

import datetime
from datetime import date, timedelta

import pytest
from django.urls import reverse

from measures.choices import UpdateState
from measures.models import Milestone, ReportedMilestone, ReportRound, StatusUpdate
from measures.reporting.concurrency import version_token
from measures.reporting.reminders import send_reminders
from tests.measures.test_admin import _measure_form

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def milestones(measure):
    return [
        Milestone.objects.create(
            measure=measure, title="Kurskonzept abgestimmt", planned_on=TODAY - timedelta(days=30)
        ),
        Milestone.objects.create(measure=measure, title="Erster Kurs", planned_on=TODAY + timedelta(days=30)),
    ]


def _report(**fields):
    return {
        "reporting_date": TODAY.isoformat(),
        "status": "in_umsetzung",
        "ampel": "im_plan",
        "progress": "30",
        "public_text": "Es geht voran.",
        "internal_note": "",
        "version": "",
        "confirmed": "ja",  # the confirmation step of „Zur Prüfung einreichen“, already answered
        **fields,
    }


def test_buero_plans_milestones_on_the_measure_page_in_the_admin(buero_client, measure):
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    assert "Meilensteine" in buero_client.get(url).content.decode()
    data = _measure_form(
        measure,
        **{
            "milestones-TOTAL_FORMS": 1,
            "milestones-0-title": "Kurskonzept abgestimmt",
            "milestones-0-planned_on": "31.03.2025",
            "milestones-0-done_on": "",
            "milestones-0-note": "mit dem Personalrat",
        },
    )
    response = buero_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    (milestone,) = measure.milestones.all()
    assert (milestone.title, milestone.planned_on, milestone.done_on) == (
        "Kurskonzept abgestimmt",
        date(2025, 3, 31),
        None,
    )
    overdue = buero_client.get(reverse("admin:measures_milestone_changelist") + "?stand=ueberfaellig")
    assert "Kurskonzept abgestimmt" in overdue.content.decode()


def test_reporter_ticks_a_milestone_and_it_counts_once_the_buero_publishes(
    client, measure, milestones, reporter_a, buero_user
):
    overdue, upcoming = milestones
    client.force_login(reporter_a)
    form = client.get(f"/meine-massnahmen/{measure.pk}/meldung/").content.decode()
    assert "Erledigt: Kurskonzept abgestimmt" in form and "Erledigt: Erster Kurs" in form
    assert "überfällig" in form
    done_on = (TODAY - timedelta(days=3)).isoformat()
    response = client.post(
        f"/meine-massnahmen/{measure.pk}/meldung/",
        _report(
            action="submit", **{f"meilenstein-{overdue.pk}-done": "on", f"meilenstein-{overdue.pk}-done_on": done_on}
        ),
    )
    assert response.status_code == 302
    update = StatusUpdate.objects.get(measure=measure)
    assert update.state == UpdateState.SUBMITTED
    assert ReportedMilestone.objects.get(update=update).milestone == overdue
    overdue.refresh_from_db()
    assert overdue.done_on is None  # not before the report is published
    assert "milestone--overdue" in client.get("/testkonzept/massnahmen/1.1/").content.decode()

    client.force_login(buero_user)
    review = client.get(f"/pruefung/{update.pk}/").content.decode()
    assert "Diese Meldung meldet als erledigt" in review and "Kurskonzept abgestimmt" in review
    assert "Überfällige Meilensteine der Maßnahme" in review
    version = StatusUpdate.objects.get(pk=update.pk)
    response = client.post(
        f"/pruefung/{update.pk}/", {"action": "publish", "return_comment": "", "version": version_token(version)}
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    upcoming.refresh_from_db()
    assert overdue.done_on == TODAY - timedelta(days=3)
    assert upcoming.done_on is None
    client.logout()
    public = client.get("/testkonzept/massnahmen/1.1/").content.decode()
    assert "milestone--overdue" not in public and "erledigt am" in public


def test_a_draft_keeps_its_ticks_and_unticking_removes_them(client, measure, milestones, reporter_a):
    overdue = milestones[0]
    client.force_login(reporter_a)
    client.post(
        f"/meine-massnahmen/{measure.pk}/meldung/",
        _report(action="draft", **{f"meilenstein-{overdue.pk}-done": "on"}),
    )
    update = StatusUpdate.objects.get()
    tick = ReportedMilestone.objects.get()
    assert tick.done_on == TODAY  # empty date: the report's „Stand vom“
    edit = client.get(f"/meldungen/{update.pk}/bearbeiten/").content.decode()
    assert f'name="meilenstein-{overdue.pk}-done" id="id_meilenstein-{overdue.pk}-done" checked' in edit
    response = client.post(
        f"/meldungen/{update.pk}/bearbeiten/", _report(action="draft", version=version_token(update))
    )
    assert response.status_code == 302
    assert not ReportedMilestone.objects.exists()


def test_a_tick_in_the_future_is_refused_in_german(client, measure, milestones, reporter_a):
    overdue = milestones[0]
    client.force_login(reporter_a)
    response = client.post(
        f"/meine-massnahmen/{measure.pk}/meldung/",
        _report(
            action="submit",
            **{f"meilenstein-{overdue.pk}-done": "on", f"meilenstein-{overdue.pk}-done_on": "2099-01-01"},
        ),
    )
    assert response.status_code == 200
    assert "„erledigt am“ darf nicht in der Zukunft liegen." in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_overdue_milestones_show_in_my_measures_and_on_the_staff_measure_page(client, measure, milestones, reporter_a):
    client.force_login(reporter_a)
    my_measures = client.get("/meine-massnahmen/").content.decode()
    assert "Meilenstein überfällig: Kurskonzept abgestimmt" in my_measures
    assert "Erster Kurs" not in my_measures  # not yet due
    page = client.get(f"/meine-massnahmen/{measure.pk}/").content.decode()
    assert page.count("milestone--overdue") == 1 and "Erster Kurs" in page


def test_reminders_name_the_overdue_milestones(measure, milestones, reporter_a, mailoutbox):
    reporter_a.email = "a@example.org"
    reporter_a.save()
    deadline = datetime.date(2026, 4, 30)
    ReportRound.objects.create(
        concept=measure.concept, title="Runde", cut_off_date=deadline - timedelta(days=30), deadline=deadline
    )
    milestones[0].planned_on = deadline - timedelta(days=10)
    milestones[0].save()
    assert send_reminders(today=deadline) == 1
    body = mailoutbox[0].body
    assert "1.1 Testmaßnahme" in body
    assert "überfälliger Meilenstein: Kurskonzept abgestimmt" in body
    assert "Erster Kurs" not in body
