"""Two confirms at the same moment: a double click, or two Büro people importing the same file.

Each runs in its own thread with its own database connection, as two workers would. The
preview is claimed once inside the import's transaction, and imports into one concept wait
for each other and compare against what the first one wrote: the status reports of the
file exist once, never twice.
"""

import threading
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from accounts import roles
from accounts.models import User
from measures.choices import Status
from measures.exchange.jobs import job_claim_for_confirm, job_create, job_run_confirm, job_run_preview
from measures.models import ImportJob, ImportRecord, Measure, StatusUpdate

from .conftest import csv_file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database refuses a second writer at once ('table is locked') instead of "
        "waiting, so two simultaneous imports cannot run against it; the PostgreSQL run covers this.",
    ),
]

MEASURES = 30


@pytest.fixture
def catalogue(measure):
    for number in range(2, MEASURES + 1):
        Measure.objects.create(
            concept=measure.concept, field_of_action=measure.field_of_action, code=f"1.{number}", title=f"M {number}"
        )
    return measure.concept


def _status_file():
    today = date.today().strftime("%d.%m.%Y")
    rows = [["Nr.", "Titel", "Handlungsfeld", "Umsetzungsstand", "Stand vom"]]
    rows += [["1.1", "Testmaßnahme", "1", "in Umsetzung", today]]
    rows += [[f"1.{n}", f"M {n}", "1", "in Umsetzung", today] for n in range(2, MEASURES + 1)]
    return csv_file(rows)


def _previewed_job(concept, user):
    job = job_create(concept=concept, user=user, file_name="stand.csv", data=_status_file())
    job_run_preview(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED
    return job


def _at_once(*job_ids):
    """Run the confirm of each job in its own thread, all starting together."""
    start = threading.Barrier(len(job_ids))
    errors = []

    def confirm(job_id):
        try:
            start.wait()
            job_run_confirm(job_id)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=[job_id]) for job_id in job_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_a_double_click_imports_the_preview_once(catalogue, buero_user):
    job = _previewed_job(catalogue, buero_user)
    assert job_claim_for_confirm(job, buero_user)
    assert not job_claim_for_confirm(job, buero_user)  # the second click finds nothing to claim

    # Even if the task ran twice at once (a worker retrying it), the claim inside the
    # transaction lets one of them import.
    _at_once(job.pk, job.pk)

    assert ImportRecord.objects.count() == 1
    assert StatusUpdate.objects.count() == MEASURES
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE


def test_two_buero_people_confirming_the_same_file_write_its_reports_once(catalogue, buero_user):
    other = User.objects.create_user(username="buero-2", password="ein-sicheres-Passwort-123", is_staff=True)
    other.groups.add(Group.objects.get(name=roles.BUERO))
    first, second = _previewed_job(catalogue, buero_user), _previewed_job(catalogue, other)
    assert job_claim_for_confirm(first, buero_user) and job_claim_for_confirm(second, other)

    _at_once(first.pk, second.pk)

    # 30 reports, not 60: the later import found the statuses the earlier one had written.
    assert StatusUpdate.objects.count() == MEASURES
    assert set(Measure.objects.values_list("status", flat=True)) == {Status.IN_PROGRESS}
    records = list(ImportRecord.objects.order_by("pk"))
    assert [(record.rows_updated, record.status_updates_created) for record in records] == [
        (MEASURES, MEASURES),
        (0, 0),
    ]
    later = ImportJob.objects.get(record=records[1])
    assert later.state == ImportJob.State.DONE
    assert later.result["unchanged"] == [["Maßnahmen", MEASURES]]
