"""The database ends the task worker's connection in the middle of an import or a preview.

Found by bench/fault_run.py: PostgreSQL terminated the connection (pg_terminate_backend, as a
restart or failover does) while the worker wrote the import; the Büro's page then said that the
catalogue had changed since the preview, which was not true, and the upload was used up. Now the
page says what happened, nothing is written, and the same preview can be confirmed again. A preview
that loses its connection says so too, instead of staying "running" on a dead connection.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from measures.exchange import measure_resource
from measures.models import ImportJob, ImportRecord, Measure, StatusUpdate

from .conftest import csv_file
from .test_import_background import IMPORT_URL, run_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"),
]

TEXT = "Zwei Kurse laufen."


@pytest.fixture(autouse=True)
def database_task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def connection_ended_once(monkeypatch):
    """The database ends the worker's connection just before the import writes its rows."""
    write_pending = measure_resource.write_pending
    ended = []

    def ended_first(*args, **kwargs):
        if not ended:
            ended.append(True)
            _end_connection()
        return write_pending(*args, **kwargs)

    monkeypatch.setattr(measure_resource, "write_pending", ended_first)
    return ended


def _end_connection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def _status_file(measures):
    today = date.today().strftime("%d.%m.%Y")
    rows = [["Nr.", "Titel", "Handlungsfeld", "Umsetzungsstand", "Begründung des Stands", "Stand vom"]]
    rows += [[m.code, m.title, "1", "in Umsetzung", TEXT, today] for m in measures]
    return csv_file(rows)


def test_the_buero_confirms_again_after_the_database_ended_the_import(buero_client, measure, connection_ended_once):
    second = Measure.objects.create(
        concept=measure.concept, field_of_action=measure.field_of_action, code="1.2", title="Zweite"
    )
    buero_client.post(
        IMPORT_URL,
        {"concept": measure.concept.pk, "file": SimpleUploadedFile("stand.csv", _status_file([measure, second]))},
    )
    job = ImportJob.objects.get()
    job_url = reverse("admin:measures_measure_import_job", args=[job.pk])
    confirm_url = reverse("admin:measures_measure_import_confirm", args=[job.pk])
    run_worker()
    assert confirm_url in buero_client.get(job_url).content.decode()

    buero_client.post(confirm_url)
    run_worker()
    assert connection_ended_once
    page = buero_client.get(job_url).content.decode()
    assert "Während des Imports brach die Verbindung zur Datenbank ab; es wurde nichts gespeichert." in page
    assert "Sie können den Import erneut bestätigen." in page
    assert "Seit der Vorschau hat sich der Katalog geändert" not in page
    assert confirm_url in page
    assert not StatusUpdate.objects.filter(public_text=TEXT).exists()
    assert not ImportRecord.objects.exists()

    buero_client.post(confirm_url)
    run_worker()
    done = buero_client.get(job_url, follow=True).content.decode()
    assert "Import abgeschlossen: 0 neu, 2 geändert, 0 unverändert, 2 neue Sachstandsmeldungen." in done
    assert StatusUpdate.objects.filter(public_text=TEXT).count() == 2
    assert ImportRecord.objects.count() == 1


def test_a_preview_whose_connection_ended_asks_for_the_file_again(buero_client, measure, monkeypatch):
    check_row = measure_resource.MeasureResource.check_row

    def ended_first(self, *args, **kwargs):  # while the preview checks the first row
        monkeypatch.setattr(measure_resource.MeasureResource, "check_row", check_row)
        _end_connection()

    monkeypatch.setattr(measure_resource.MeasureResource, "check_row", ended_first)
    buero_client.post(
        IMPORT_URL, {"concept": measure.concept.pk, "file": SimpleUploadedFile("stand.csv", _status_file([measure]))}
    )
    job = ImportJob.objects.get()
    run_worker()
    page = buero_client.get(reverse("admin:measures_measure_import_job", args=[job.pk])).content.decode()
    assert "Während der Prüfung brach die Verbindung zur Datenbank ab. Bitte laden Sie die Datei erneut hoch." in page
    assert "Die Datei enthält" not in page  # not a fault of the file
    assert 'id="import-running"' not in page
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
