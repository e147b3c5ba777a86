import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.choices import Role, Status, UpdateState
from measures.demo import generate_demo
from measures.models import Concept, FieldOfAction, Goal, Measure, MeasureResponsibility, StatusUpdate
from measures.reporting.concurrency import version_token
from tests.conftest import publish_as_buero

CHANGELIST_URLS = [
    "admin:measures_concept_changelist",
    "admin:measures_fieldofaction_changelist",
    "admin:measures_goal_changelist",
    "admin:measures_responsibleunit_changelist",
    "admin:measures_measure_changelist",
    "admin:measures_statusupdate_changelist",
    "admin:measures_measureresponsibility_changelist",
    "admin:measures_sitepage_changelist",
    "admin:accounts_user_changelist",
    "admin:accounts_membership_changelist",
]


def _measure_form(measure, **overrides):
    """POST data for the measure change form with its two inlines, opened now (its version)."""
    measure.refresh_from_db()
    data = {
        "version": version_token(measure),
        "concept": measure.concept_id,
        "field_of_action": measure.field_of_action_id,
        "goals": [goal.pk for goal in measure.goals.all()],
        "code": measure.code,
        "title": measure.title,
        "summary": measure.summary,
        "description": "",
        "target": "",
        "target_groups": "",
        "planned_start": "",
        "planned_end": "",
        "budget": "",
        "funding_status": measure.funding_status,
        "internal_note": "",
        "responsibilities-TOTAL_FORMS": 0,
        "responsibilities-INITIAL_FORMS": 0,
        "status_updates-TOTAL_FORMS": 0,
        "status_updates-INITIAL_FORMS": 0,
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
    }
    if measure.published:
        data["published"] = "on"
    responsibilities = list(measure.responsibilities.all())
    data["responsibilities-TOTAL_FORMS"] = data["responsibilities-INITIAL_FORMS"] = len(responsibilities)
    for index, responsibility in enumerate(responsibilities):
        data[f"responsibilities-{index}-id"] = responsibility.pk
        data[f"responsibilities-{index}-measure"] = measure.pk
        data[f"responsibilities-{index}-unit"] = responsibility.unit_id
        data[f"responsibilities-{index}-role"] = responsibility.role
    data.update(overrides)
    return data


def test_admin_is_german_and_titled_for_the_buero(buero_client):
    response = buero_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Büro für Chancengleichheit und Vielfalt" in content
    assert "Maßnahmen" in content and "Verantwortliche Stellen" in content
    assert 'lang="de"' in content


@pytest.mark.parametrize("url_name", CHANGELIST_URLS)
def test_buero_can_open_every_changelist_and_add_form(buero_client, measure, url_name):
    response = buero_client.get(reverse(url_name))
    assert response.status_code == 200
    add_response = buero_client.get(reverse(url_name.replace("changelist", "add")))
    assert add_response.status_code == 200


@pytest.mark.parametrize("url_name", ["admin:index", "admin:measures_measure_changelist"])
def test_anonymous_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_reporter_without_staff_access_cannot_use_the_admin(client, reporter_a, measure):
    client.force_login(reporter_a)
    response = client.get(reverse("admin:measures_measure_change", args=[measure.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_measure_changelist_shows_the_columns(buero_client, measure):
    StatusUpdate.objects.create(
        measure=measure,
        reporting_date=date(2025, 6, 30),
        status=Status.IN_PROGRESS,
        state=UpdateState.PUBLISHED,
        published_at="2025-07-01T10:00:00+02:00",
    )
    from measures.services import measure_sync_current_status

    measure_sync_current_status(measure=measure)
    content = buero_client.get(reverse("admin:measures_measure_changelist")).content.decode()
    for text in ["Nr.", "Titel", "Handlungsfeld", "Umsetzungsstand", "Ampel", "Federführung", "Letzte Meldung"]:
        assert text in content
    assert "Testmaßnahme" in content and "in Umsetzung" in content and ">A<" in content
    assert "30. Juni 2025" in content


def test_measure_changelist_sorts_naturally_searches_and_filters(buero_client, concept, field, unit_a, unit_b):
    for code in ["1.10", "1.2", "1.1"]:
        m = Measure.objects.create(concept=concept, field_of_action=field, code=code, title=f"Titel {code}")
        MeasureResponsibility.objects.create(measure=m, unit=unit_a if code != "1.2" else unit_b)
    response = buero_client.get(reverse("admin:measures_measure_changelist"))
    codes = [m.code for m in response.context["cl"].result_list]
    assert codes == ["1.1", "1.2", "1.10"]

    response = buero_client.get(reverse("admin:measures_measure_changelist"), {"q": "Titel 1.10"})
    assert [m.code for m in response.context["cl"].result_list] == ["1.10"]

    response = buero_client.get(reverse("admin:measures_measure_changelist"), {"stelle": unit_b.pk})
    assert [m.code for m in response.context["cl"].result_list] == ["1.2"]


def _changelist_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:measures_measure_changelist"), params)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


def test_changelist_query_count_does_not_grow_with_measures(buero_client):
    generate_demo(measures=50)
    small, shown_small = _changelist_queries(buero_client)
    small_filtered, _ = _changelist_queries(buero_client, status=Status.IN_PROGRESS)
    generate_demo(measures=500)
    large, shown_large = _changelist_queries(buero_client)
    large_filtered, _ = _changelist_queries(buero_client, status=Status.IN_PROGRESS)
    assert (shown_small, shown_large) == (50, 100)
    assert small == large
    assert small_filtered == large_filtered


def test_published_measure_needs_a_lead(buero_client, measure, unit_a):
    MeasureResponsibility.objects.filter(measure=measure).update(role=Role.PARTNER)
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    response = buero_client.post(url, _measure_form(measure, title="Geändert"))
    assert response.status_code == 200
    assert "mindestens eine federführende Stelle" in response.content.decode()
    measure.refresh_from_db()
    assert measure.title == "Testmaßnahme"

    response = buero_client.post(url, _measure_form(measure, **{"responsibilities-0-role": Role.LEAD}))
    assert response.status_code == 302
    assert measure.responsibilities.get().role == Role.LEAD


def test_goals_must_belong_to_the_measures_concept(buero_client, measure, goal):
    other = Concept.objects.create(title="Anderes", slug="anderes", start_year=2029, end_year=2033)
    foreign_goal = Goal.objects.create(concept=other, number=1, title="Fremdes Ziel")
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    response = buero_client.post(url, _measure_form(measure, goals=[goal.pk, foreign_goal.pk]))
    assert response.status_code == 200
    assert "gehören zu einem anderen Konzept" in response.content.decode()
    assert not measure.goals.exists()

    response = buero_client.post(url, _measure_form(measure, goals=[goal.pk]))
    assert response.status_code == 302
    assert list(measure.goals.all()) == [goal]


def test_field_of_other_concept_is_refused(buero_client, measure):
    other = Concept.objects.create(title="Anderes", slug="anderes", start_year=2029, end_year=2033)
    other_field = FieldOfAction.objects.create(concept=other, number=1, title="Fremd", slug="fremd")
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    response = buero_client.post(url, _measure_form(measure, field_of_action=other_field.pk))
    assert response.status_code == 200
    assert "anderen Konzept" in response.content.decode()


def test_publishing_an_update_inline_sets_the_current_status(buero_client, buero_user, measure):
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    data = _measure_form(
        measure,
        **{
            "status_updates-TOTAL_FORMS": 1,
            "status_updates-0-reporting_date": "30.06.2025",
            "status_updates-0-state": UpdateState.PUBLISHED,
            "status_updates-0-status": Status.IN_PROGRESS,
            "status_updates-0-ampel": "im_plan",
            "status_updates-0-progress": "40",
            "status_updates-0-public_text": "Die ersten Kurse laufen.",
            "status_updates-0-internal_note": "",
        },
    )
    response = buero_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    measure.refresh_from_db()
    update = measure.status_updates.get()
    assert (measure.status, measure.progress) == (Status.IN_PROGRESS, 40)
    assert update.author == buero_user and update.reviewer == buero_user and update.published_at


def test_history_shows_changes_of_responsibilities_and_updates(buero_client, buero_user, measure, unit_b):
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    data = _measure_form(
        measure,
        title="Neuer Titel",
        **{
            "responsibilities-TOTAL_FORMS": 2,
            "responsibilities-1-unit": unit_b.pk,
            "responsibilities-1-role": Role.PARTNER,
            "responsibilities-1-measure": measure.pk,
        },
    )
    assert buero_client.post(url, data).status_code == 302
    response = buero_client.get(reverse("admin:measures_measure_history", args=[measure.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Neuer Titel" in content
    assert "Zuständigkeiten" in content and "Stelle B" in content
    assert "buero-admin" in content


def _new_update_form(measure, state, **overrides):
    return {
        "measure": measure.pk,
        "reporting_date": "31.12.2025",
        "status": Status.DONE,
        "ampel": "im_plan",
        "progress": "100",
        "public_text": "Abgeschlossen.",
        "internal_note": "",
        "state": state,
        **overrides,
    }


def test_buero_publishes_its_own_report_in_the_admin_and_cannot_delete_it(buero_client, measure):
    response = buero_client.post(
        reverse("admin:measures_statusupdate_add"), _new_update_form(measure, "veroeffentlicht")
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == Status.DONE
    update = measure.status_updates.get()
    delete_url = reverse("admin:measures_statusupdate_delete", args=[update.pk])
    assert buero_client.get(delete_url).status_code == 403
    assert buero_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert StatusUpdate.objects.filter(pk=update.pk, state=UpdateState.PUBLISHED).exists()
    measure.refresh_from_db()
    assert measure.status == Status.DONE


def test_buero_deletes_a_draft_in_the_admin(buero_client, measure):
    response = buero_client.post(reverse("admin:measures_statusupdate_add"), _new_update_form(measure, "entwurf"))
    assert response.status_code == 302
    update = measure.status_updates.get()
    assert update.state == UpdateState.DRAFT
    response = buero_client.post(reverse("admin:measures_statusupdate_delete", args=[update.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not StatusUpdate.objects.filter(pk=update.pk).exists()
    measure.refresh_from_db()
    assert measure.status == Status.NO_REPORT


def test_buero_cannot_grant_superuser_rights(buero_client, reporter_a):
    response = buero_client.get(reverse("admin:accounts_user_change", args=[reporter_a.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="is_superuser"' not in content
    assert 'name="groups"' in content


def test_existing_updates_are_read_only_inline_and_edited_on_their_own_page(buero_client, measure):
    update = StatusUpdate.objects.create(
        measure=measure,
        reporting_date=date(2025, 6, 30),
        status=Status.IN_PROGRESS,
        public_text="Ursprünglicher Text",
        state=UpdateState.DRAFT,
    )
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    content = buero_client.get(url).content.decode()
    assert 'name="status_updates-0-public_text"' not in content
    assert "Ursprünglicher Text" in content
    assert reverse("admin:measures_statusupdate_change", args=[update.pk]) in content

    # A forged inline edit (as from a form opened before someone else's change) is ignored.
    data = _measure_form(
        measure,
        **{
            "status_updates-TOTAL_FORMS": 1,
            "status_updates-INITIAL_FORMS": 1,
            "status_updates-0-id": update.pk,
            "status_updates-0-measure": measure.pk,
            "status_updates-0-reporting_date": "30.06.2025",
            "status_updates-0-state": UpdateState.DRAFT,
            "status_updates-0-status": Status.IN_PROGRESS,
            "status_updates-0-ampel": "keine_angabe",
            "status_updates-0-public_text": "Überschrieben",
            "status_updates-0-internal_note": "",
        },
    )
    buero_client.post(url, data)
    update.refresh_from_db()
    assert update.public_text == "Ursprünglicher Text"


def _update_form(update, **overrides):
    data = {
        "measure": update.measure_id,
        "reporting_date": update.reporting_date.strftime("%d.%m.%Y"),
        "status": update.status,
        "ampel": update.ampel,
        "progress": "" if update.progress is None else str(update.progress),
        "public_text": update.public_text,
        "internal_note": update.internal_note,
        "return_comment": update.return_comment,
        "state": update.state,
    }
    return {**data, **overrides}


def _change_page(client, update):
    url = reverse("admin:measures_statusupdate_change", args=[update.pk])
    version = re.search(r'name="version" value="([^"]*)"', client.get(url).content.decode()).group(1)
    return url, version


def test_admin_keeps_published_updates_published(buero_client, buero_user, measure):
    update = StatusUpdate.objects.create(
        measure=measure, reporting_date=date(2025, 12, 31), status=Status.DONE, state=UpdateState.DRAFT
    )
    publish_as_buero(update, buero_user)
    url, version = _change_page(buero_client, update)
    response = buero_client.post(url, _update_form(update, state=UpdateState.DRAFT, version=version))
    assert response.status_code == 200
    assert "Eine veröffentlichte Meldung bleibt veröffentlicht." in response.content.decode()
    update.refresh_from_db()
    assert update.state == UpdateState.PUBLISHED
    measure.refresh_from_db()
    assert measure.status == Status.DONE


def test_admin_returns_only_submitted_updates_with_a_comment_and_mails_the_author(
    buero_client, buero_user, reporter_a, measure, mailoutbox, django_capture_on_commit_callbacks
):
    reporter_a.email = "a@example.org"
    reporter_a.save()
    draft = StatusUpdate.objects.create(
        measure=measure, reporting_date=date(2026, 3, 31), author=reporter_a, state=UpdateState.DRAFT
    )
    url, version = _change_page(buero_client, draft)
    response = buero_client.post(url, _update_form(draft, state=UpdateState.RETURNED, version=version))
    assert "Nur eingereichte Meldungen können zurückgegeben werden." in response.content.decode()

    submitted = StatusUpdate.objects.create(
        measure=measure, reporting_date=date(2026, 3, 31), author=reporter_a, state=UpdateState.SUBMITTED
    )
    url, version = _change_page(buero_client, submitted)
    response = buero_client.post(url, _update_form(submitted, state=UpdateState.RETURNED, version=version))
    assert "Bitte schreiben Sie, was geändert werden soll." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == UpdateState.SUBMITTED
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = buero_client.post(
            url,
            _update_form(submitted, state=UpdateState.RETURNED, return_comment="Bitte ergänzen.", version=version),
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.reviewer) == (UpdateState.RETURNED, buero_user)
    assert [message.to for message in mailoutbox] == [["a@example.org"]]
    assert "Bitte ergänzen." in mailoutbox[0].body


def test_publishing_in_the_admin_goes_through_the_publishing_service(buero_client, buero_user, reporter_a, measure):
    submitted = StatusUpdate.objects.create(
        measure=measure,
        reporting_date=date(2026, 3, 31),
        status=Status.IN_PROGRESS,
        progress=30,
        author=reporter_a,
        state=UpdateState.SUBMITTED,
    )
    url, version = _change_page(buero_client, submitted)
    response = buero_client.post(url, _update_form(submitted, state=UpdateState.PUBLISHED, version=version))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.reviewer, submitted.author) == (UpdateState.PUBLISHED, buero_user, reporter_a)
    assert submitted.published_at is not None
    assert submitted.history.first().history_user == buero_user
    measure.refresh_from_db()
    assert (measure.status, measure.progress) == (Status.IN_PROGRESS, 30)
