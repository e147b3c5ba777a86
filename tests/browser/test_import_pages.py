"""The Büro's import in a real browser: upload, preview, confirm, with axe-core on each page."""

import pytest

from measures.models import ImportRecord, Measure
from tests.browser.conftest import axe_violations
from tests.exchange.conftest import csv_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_preview_and_confirm_in_the_browser(logged_in_page, measure, tmp_path):
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
