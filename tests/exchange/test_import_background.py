"""The import in the real task queue: the database backend of django-tasks and its worker.

The upload answers at once with the job's page; the page shows the progress and reloads
itself until the worker has finished, then the preview; the confirm likewise, then the result.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from measures.exchange import importing
from measures.exchange.export import export_catalogue
from measures.models import ImportJob, ImportProgress, ImportRecord, Measure

from .conftest import csv_file

IMPORT_URL = reverse("admin:measures_measure_import")
# The worker closes its database connection after each task, as it should in production: the
# test's data must be committed, not held in a transaction of the test.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """What `manage.py db_worker` does in production, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def large_file(rows=1200):
    return csv_file(
        [["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Neuer Titel", "1"]]
        + [[f"2.{n}", f"Maßnahme {n}", "1"] for n in range(1, rows)]
    )


def test_preview_and_confirm_run_in_the_worker_with_a_progress_page(buero_client, measure):
    uploaded = buero_client.post(
        IMPORT_URL, {"concept": measure.concept.pk, "file": SimpleUploadedFile("gross.csv", large_file())}
    )
    job = ImportJob.objects.get()
    job_url = reverse("admin:measures_measure_import_job", args=[job.pk])
    assert uploaded["Location"] == job_url

    waiting = buero_client.get(job_url)
    page = waiting.content.decode()
    assert waiting.status_code == 200
    assert "admin_extra/import-progress.js" in page  # updates the page where JavaScript runs
    assert "Stand aktualisieren" in page  # and without it
    assert "Vorschau wartet auf den Hintergrunddienst" in page
    assert '<progress id="import-progress">' in page
    assert "no-store" in waiting["Cache-Control"]

    run_worker()
    preview = buero_client.get(job_url)
    page = preview.content.decode()
    assert "import-progress.js" not in page
    assert "1.199 neue Maßnahmen" in page or "1199 neue Maßnahmen" in page
    assert ImportProgress.objects.get(job=job).rows_total == 1200
    assert not Measure.objects.filter(code="2.1").exists()

    confirm = buero_client.post(reverse("admin:measures_measure_import_confirm", args=[job.pk]))
    assert confirm["Location"] == job_url
    importing = buero_client.get(job_url).content.decode()
    assert "Import wartet auf den Hintergrunddienst" in importing and "import-progress.js" in importing

    run_worker()
    done = buero_client.get(job_url, follow=True)
    assert "Import abgeschlossen: 1199 neu, 1 geändert" in done.content.decode()
    assert Measure.objects.filter(concept=measure.concept).count() == 1200
    assert ImportRecord.objects.get().rows_created == 1199


def test_a_job_that_nobody_works_on_says_the_worker_is_missing(buero_client, measure):
    buero_client.post(IMPORT_URL, {"concept": measure.concept.pk, "file": SimpleUploadedFile("k.csv", large_file(3))})
    job = ImportJob.objects.get()
    ImportProgress.objects.filter(job=job).update(updated_at=timezone.now() - timedelta(minutes=2))
    page = buero_client.get(reverse("admin:measures_measure_import_job", args=[job.pk])).content.decode()
    assert "Vermutlich läuft der Hintergrunddienst nicht" in page


@contextmanager
def counting_queries():
    """The queries the worker runs (it closes and reopens its connection, which a captured
    query log does not survive)."""
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield executed


def _upload_and_preview(buero_client, concept, data):
    buero_client.post(IMPORT_URL, {"concept": concept.pk, "file": SimpleUploadedFile("katalog.xlsx", data)})
    job = ImportJob.objects.latest("created_at")
    run_worker()
    return job, reverse("admin:measures_measure_import_job", args=[job.pk])


def test_confirming_a_file_that_changes_nothing_compares_again_only_if_data_changed(buero_client, demo, monkeypatch):
    """The Büro re-imports its own export: the preview says „keine Änderungen“; confirming it
    only records the import, unless somebody changed the catalogue since the preview."""
    data = export_catalogue(demo, "xlsx", include_internal=True)
    job, job_url = _upload_and_preview(buero_client, demo, data)
    assert (
        "Keine Änderungen: Der Katalog im System entspricht schon der Datei."
        in buero_client.get(job_url).content.decode()
    )
    buero_client.post(reverse("admin:measures_measure_import_confirm", args=[job.pk]))
    read = importing.read_catalogue
    files_read = []
    monkeypatch.setattr(importing, "read_catalogue", lambda *args: files_read.append(args[1]) or read(*args))
    with counting_queries() as unchanged:
        run_worker()
    done = buero_client.get(job_url, follow=True).content.decode()
    assert "Import abgeschlossen: 0 neu, 0 geändert, 12 unverändert" in done
    assert ImportRecord.objects.get().rows_unchanged == 12
    assert files_read == []  # the preview had read it; nothing moved since

    # The same file again, but a colleague changes a title in the admin between preview and
    # confirm: the file would now undo that. Nothing is written; the new preview shows it.
    job, job_url = _upload_and_preview(buero_client, demo, data)
    files_read.clear()  # by the preview
    measure = demo.measures.order_by("sort_key").first()
    file_title = measure.title
    measure.title = "Im Admin geändert"
    measure.save()
    buero_client.post(reverse("admin:measures_measure_import_confirm", args=[job.pk]))
    with counting_queries() as compared:
        run_worker()
    assert files_read == ["katalog.xlsx"]  # read again under the lock, to compare every row
    page = buero_client.get(job_url).content.decode()
    assert "Seit der Vorschau hat sich der Katalog geändert; es wurde nichts gespeichert." in page
    assert "Im Admin geändert" in page and file_title in page  # old → new of the title
    assert Measure.objects.get(pk=measure.pk).title == "Im Admin geändert"
    assert ImportRecord.objects.count() == 1
    # Without comparing, the confirm is a handful of queries; comparing 12 rows is many more.
    assert len(unchanged) < len(compared) / 2, (len(unchanged), len(compared))

    # Having seen it, the Büro confirms again: now the file's title is written, as shown.
    buero_client.post(reverse("admin:measures_measure_import_confirm", args=[job.pk]))
    run_worker()
    assert (
        "Import abgeschlossen: 0 neu, 1 geändert, 11 unverändert"
        in buero_client.get(job_url, follow=True).content.decode()
    )
    assert Measure.objects.get(pk=measure.pk).title == file_title
