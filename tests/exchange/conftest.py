"""Fixtures and file builders for the spreadsheet import and export tests.

Files are real: written by openpyxl, by tablib/odfpy, or by hand as CSV bytes.
"""

import csv
import io

import openpyxl
import pytest
import tablib

from measures.demo import generate_demo
from measures.models import FieldOfAction, Goal, ImportRecord, Measure, MeasureResponsibility, StatusUpdate

HEADERS = ["Nr.", "Titel", "Handlungsfeld", "Ziele", "Federführung", "Beteiligt"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """The import's background tasks run inside the request, so a test sees their result at once.
    tests/exchange/test_import_background.py runs them in the real worker instead."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def demo(db):
    return generate_demo(measures=12, slug="demo")


@pytest.fixture
def goal_2(concept):
    return Goal.objects.create(concept=concept, number=2, title="Zweites Testziel")


@pytest.fixture
def field_2(concept):
    return FieldOfAction.objects.create(concept=concept, number=2, title="Wohnen", slug="wohnen")


def xlsx_file(rows, *, title="Maßnahmen"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_file(rows):
    dataset = tablib.Dataset(*rows[1:], headers=rows[0], title="Maßnahmen")
    return dataset.export("ods")


def csv_file(rows, *, delimiter=";", encoding="utf-8-sig"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def database_state():
    """Everything an import could write, to prove that a failed one wrote nothing."""
    return {
        "measures": sorted(Measure.objects.values_list("concept_id", "code", "title", "status", "updated_at")),
        "responsibilities": sorted(MeasureResponsibility.objects.values_list("measure_id", "unit_id", "role")),
        "goals": sorted(Measure.goals.through.objects.values_list("measure_id", "goal_id")),
        "updates": StatusUpdate.objects.count(),
        "history": Measure.history.count() + StatusUpdate.history.count() + MeasureResponsibility.history.count(),
        "imports": ImportRecord.objects.count(),
    }
