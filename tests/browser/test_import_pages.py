"""The Büro's import in a real browser: upload, preview, confirm, with axe-core on each page."""

import pytest
from django.core.management import call_command

from measures.models import ImportJob, ImportRecord, Measure
from tests.browser.conftest import axe_violations
from tests.exchange.conftest import csv_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tasks_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_upload_preview_and_confirm_in_the_browser(logged_in_page, measure, tmp_path, tasks_at_once):
    page = logged_in_page
    page.goto("/admin/measures/measure/")
    page.get_by_role("link", name="Importieren").click()
    assert axe_violations(page) == []

    path = tmp_path / "katalog.csv"
    path.write_bytes(
        csv_file([["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Im Browser geändert", "1"], ["1.2", "X", "9"]])
    )
    page.get_by_label("Konzept").select_option(label=str(measure.concept))
    page.get_by_label("Tabelle").set_input_files(str(path))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    assert "Unbekanntes Handlungsfeld" in page.content()
    assert page.get_by_role("button", name="Import bestätigen").count() == 0
    assert axe_violations(page) == []

    path.write_bytes(csv_file([["Nr.", "Titel", "Handlungsfeld"], ["1.1", "Im Browser geändert", "1"]]))
    page.get_by_role("link", name="Andere Datei hochladen").click()
    page.get_by_label("Konzept").select_option(label=str(measure.concept))
    page.get_by_label("Tabelle").set_input_files(str(path))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    assert "1 geänderte Maßnahme" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Import bestätigen").click()
    page.wait_for_url("**/importrecord/**")
    assert "Import abgeschlossen: 0 neu, 1 geändert" in page.content()
    assert axe_violations(page) == []
    assert Measure.objects.get(pk=measure.pk).title == "Im Browser geändert"
    assert ImportRecord.objects.count() == 1


def test_the_export_page_has_no_axe_violations(logged_in_page):
    response = logged_in_page.goto("/admin/measures/measure/export/")
    assert response.status == 200
    assert axe_violations(logged_in_page) == []


def test_a_large_import_shows_its_progress_then_its_result(logged_in_page, measure, tmp_path, task_queue):
    """The preview and the import of 1,500 rows run in the task worker; the page shows how far they are
    (at 320 px: the progress page reflows)."""
    page = logged_in_page
    page.set_viewport_size({"width": 320, "height": 800})
    path = tmp_path / "gross.csv"
    rows = [["Nr.", "Titel", "Handlungsfeld"]] + [[f"3.{n}", f"Maßnahme {n}", "1"] for n in range(1, 1501)]
    path.write_bytes(csv_file(rows))
    page.goto("/admin/measures/measure/import/")
    page.get_by_label("Konzept").select_option(label=str(measure.concept))
    page.get_by_label("Tabelle").set_input_files(str(path))
    page.get_by_role("button", name="Vorschau anzeigen").click()

    job_url = page.url
    assert page.get_by_role("status").inner_text() == "Vorschau wartet auf den Hintergrunddienst"
    assert page.locator("progress#import-progress").count() == 1
    assert page.get_by_text("Die Datei wird gelesen und geprüft").is_visible()
    assert axe_violations(page) == []
    # The worker runs while the page does not reload (the test's database connection is shared).
    page.goto("about:blank")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    page.goto(job_url)
    assert "1500 neue Maßnahmen" in page.content()  # (axe checks the preview page in the test above)
    page.get_by_role("button", name="Import bestätigen").click()
    assert page.get_by_role("status").inner_text() == "Import wartet auf den Hintergrunddienst"
    assert axe_violations(page) == []
    page.goto("about:blank")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    page.goto(job_url)
    page.wait_for_url("**/importrecord/**")
    assert "Import abgeschlossen: 1500 neu, 0 geändert" in page.content()
    assert Measure.objects.filter(code__startswith="3.").count() == 1500
    assert ImportJob.objects.get().state == ImportJob.State.DONE
    assert ImportRecord.objects.count() == 1
