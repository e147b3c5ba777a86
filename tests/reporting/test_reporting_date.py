"""One rule for „Stand vom“: between the start of the concept and today (form, model, workflow)."""

import datetime

import pytest
from django.utils import timezone

from measures.choices import Status
from measures.models import StatusUpdate, reporting_date_error

FORM = {"status": Status.IN_PROGRESS, "ampel": "im_plan", "progress": "40", "public_text": "Läuft."}


@pytest.mark.parametrize(
    ("reporting_date", "expected"),
    [
        ("2099-01-01", "darf nicht in der Zukunft liegen"),
        ("1900-01-01", "darf nicht vor dem Beginn des Konzepts liegen (frühestens 01.01.2024)"),
        ("2023-12-31", "darf nicht vor dem Beginn des Konzepts liegen"),
    ],
)
def test_reporter_of_unit_a_cannot_file_a_report_outside_the_sane_range(
    client, measure, reporter_a, reporting_date, expected
):
    client.force_login(reporter_a)
    response = client.post(
        f"/meine-massnahmen/{measure.pk}/meldung/",
        {**FORM, "reporting_date": reporting_date, "action": "submit", "confirmed": "ja"},
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not StatusUpdate.objects.filter(measure=measure).exists()


def test_reporter_of_unit_a_may_report_today_and_on_the_concepts_first_day(client, measure, reporter_a):
    client.force_login(reporter_a)
    for reporting_date in (timezone.localdate(), datetime.date(2024, 1, 1)):
        response = client.post(
            f"/meine-massnahmen/{measure.pk}/meldung/",
            {**FORM, "reporting_date": reporting_date.isoformat(), "action": "draft"},
        )
        assert response.status_code == 302
    assert StatusUpdate.objects.filter(measure=measure).count() == 2


def test_the_edges_of_the_rule(concept):
    today = datetime.date(2026, 6, 15)
    assert reporting_date_error(today, concept, today=today) is None
    assert reporting_date_error(today + datetime.timedelta(days=1), concept, today=today)
    assert reporting_date_error(datetime.date(2024, 1, 1), concept, today=today) is None
    assert reporting_date_error(datetime.date(2023, 12, 31), concept, today=today)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("01.01.2099", "„Stand vom“ darf nicht in der Zukunft liegen"),
        ("31.12.2023", "„Stand vom“ darf nicht vor dem Beginn des Konzepts liegen (frühestens 01.01.2024)"),
    ],
)
def test_the_import_applies_the_same_rule_as_the_form(buero_client, measure, cell, expected, settings):
    """The Büro uploads a catalogue in the admin: the preview refuses the date with the form's words."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.exchange.conftest import xlsx_file

    rows = [
        ["Nr.", "Titel", "Handlungsfeld", "Umsetzungsstand", "Stand vom"],
        ["1.1", "Testmaßnahme", "1", "in Umsetzung", cell],
    ]
    response = buero_client.post(
        reverse("admin:measures_measure_import"),
        {"concept": measure.concept_id, "file": SimpleUploadedFile("katalog.xlsx", xlsx_file(rows))},
        follow=True,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert expected in content
    assert "Import bestätigen" not in content
    assert not StatusUpdate.objects.filter(measure=measure).exists()
