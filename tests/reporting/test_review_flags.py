"""The Büro's review flags what is unusual before a report goes public; flags never block."""

import datetime

import pytest
from django.utils import timezone

from measures.choices import Ampel, Status, UpdateState, combination_problems
from measures.models import ReportRound
from measures.services import measure_sync_current_status
from tests.reporting.conftest import form_version, make_update


@pytest.fixture
def published_done(measure_a, reporter_a):
    """1.1 was published as „umgesetzt“, 100 %, on 31.10.2025; it was planned to start 01.03.2025."""
    measure_a.planned_start = datetime.date(2025, 3, 1)
    measure_a.save()
    make_update(
        measure_a,
        reporter_a,
        state=UpdateState.PUBLISHED,
        published_at=timezone.now(),
        reporting_date=datetime.date(2025, 10, 31),
        status=Status.DONE,
        ampel=Ampel.ON_TRACK,
        progress=100,
    )
    measure_sync_current_status(measure=measure_a)
    return measure_a


@pytest.fixture
def open_round(concept):
    ReportRound.objects.create(
        concept=concept,
        title="Zwischenbericht 2025",
        cut_off_date=datetime.date(2025, 6, 30),
        deadline=datetime.date(2025, 7, 31),
        closed=True,
    )
    return ReportRound.objects.create(
        concept=concept,
        title="Sachstandsbericht 2025",
        cut_off_date=datetime.date(2025, 12, 31),
        deadline=datetime.date(2026, 1, 31),
    )


def test_buero_sees_what_is_unusual_about_a_report(client, buero_user, reporter_a, published_done, open_round):
    update = make_update(
        published_done,
        reporter_a,
        state=UpdateState.SUBMITTED,
        reporting_date=datetime.date(2025, 2, 1),
        status=Status.PREPARATION,
        ampel=Ampel.AT_RISK,
        progress=20,
    )
    client.force_login(buero_user)
    content = client.get(f"/pruefung/{update.pk}/").content.decode()
    flags = content[content.index("Bitte prüfen: Auffälligkeiten") : content.index("Was sich mit der Veröffentlichung")]
    expected = [
        "„Stand vom“ 01.02.2025 liegt nicht im Zeitraum der offenen Berichtsrunde „Sachstandsbericht 2025“ "
        "(vom 01.07.2025 bis zum 31.12.2025); die Meldung zählt nicht für diese Runde.",
        "Der Stand dieser Meldung (01.02.2025) ist älter als der bereits veröffentlichte (31.10.2025)",
        "„Stand vom“ 01.02.2025 liegt vor dem geplanten Beginn der Maßnahme (01.03.2025).",
        "Der Umsetzungsstand geht zurück: „umgesetzt“ → „in Vorbereitung“.",
        "Der Fortschritt sinkt: 100 % → 20 %.",
    ]
    for text in expected:
        assert text in flags, text
    # Flags inform; the Büro may still publish.
    data = {"action": "publish", "version": form_version(client, f"/pruefung/{update.pk}/")}
    assert client.post(f"/pruefung/{update.pk}/", data).status_code == 302


def test_the_queue_lists_the_flags_and_a_fitting_report_has_none(client, buero_user, reporter_a, measure_a, open_round):
    odd = make_update(
        measure_a,
        reporter_a,
        state=UpdateState.SUBMITTED,
        reporting_date=datetime.date(2025, 12, 31),
        status=Status.DONE,
        ampel=Ampel.DELAYED,
        progress=80,
    )
    client.force_login(buero_user)
    queue = client.get("/pruefung/").content.decode()
    assert "„umgesetzt“ mit der Ampel „verzögert“" in queue
    assert "„umgesetzt“ mit 80 % Fortschritt" in queue

    odd.status, odd.ampel, odd.progress = Status.IN_PROGRESS, Ampel.ON_TRACK, 60
    odd.save()
    detail = client.get(f"/pruefung/{odd.pk}/").content.decode()
    assert "Keine Auffälligkeiten" in detail
    assert "Bitte prüfen: Auffälligkeiten" not in detail
    assert "<td>keine</td>" in client.get("/pruefung/").content.decode()


def test_a_date_the_form_would_refuse_is_flagged_when_it_came_another_way(client, buero_user, reporter_a, measure_a):
    """Reports written before the date rule existed, or through a path around the form."""
    future = timezone.localdate() + datetime.timedelta(days=3)
    update = make_update(measure_a, reporter_a, state=UpdateState.SUBMITTED, reporting_date=future)
    client.force_login(buero_user)
    assert "darf nicht in der Zukunft liegen" in client.get(f"/pruefung/{update.pk}/").content.decode()


@pytest.mark.parametrize(
    ("status", "ampel", "progress", "problem"),
    [
        (Status.DONE, Ampel.AT_RISK, 100, "weder gefährdet noch verzögert"),
        (Status.PERMANENT, Ampel.ON_TRACK, 90, "steht bei 100 %"),
        (Status.IN_PROGRESS, Ampel.ON_TRACK, 100, "Ist die Maßnahme umgesetzt?"),
        (Status.NOT_STARTED, Ampel.ON_TRACK, 10, "„nicht begonnen“ mit 10 %"),
        (Status.DROPPED, Ampel.DELAYED, None, "keinen Zeitplan mehr"),
        (Status.POSTPONED, Ampel.ON_TRACK, None, "liegt nicht im Plan"),
    ],
)
def test_combinations_that_contradict_each_other(status, ampel, progress, problem):
    assert any(problem in str(text) for text in combination_problems(status, ampel, progress))


@pytest.mark.parametrize(
    ("status", "ampel", "progress"),
    [
        (Status.DONE, Ampel.ON_TRACK, 100),
        (Status.DONE, Ampel.UNSPECIFIED, None),
        (Status.IN_PROGRESS, Ampel.DELAYED, 40),
        (Status.NOT_STARTED, Ampel.AT_RISK, 0),
        (Status.DROPPED, Ampel.UNSPECIFIED, None),
        (Status.POSTPONED, Ampel.DELAYED, 30),
    ],
)
def test_combinations_that_fit(status, ampel, progress):
    assert combination_problems(status, ampel, progress) == []
