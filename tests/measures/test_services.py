from datetime import date

import pytest
from django.utils import timezone

from measures.choices import Ampel, Status, UpdateState
from measures.models import StatusUpdate
from measures.reporting.workflow import status_update_review_publish
from measures.services import measure_sync_current_status


def _update(measure, day, status, state=UpdateState.PUBLISHED, **extra):
    return StatusUpdate.objects.create(
        measure=measure,
        reporting_date=day,
        status=status,
        state=state,
        published_at=timezone.now() if state == UpdateState.PUBLISHED else None,
        **extra,
    )


def test_without_published_update_the_measure_has_no_report(measure):
    _update(measure, date(2025, 6, 30), Status.IN_PROGRESS, state=UpdateState.SUBMITTED)
    measure_sync_current_status(measure=measure)
    measure.refresh_from_db()
    assert measure.status == Status.NO_REPORT
    assert measure.progress is None
    assert measure.status_date is None


def test_latest_published_update_sets_current_status(measure):
    _update(measure, date(2025, 6, 30), Status.IN_PROGRESS, progress=40, ampel=Ampel.AT_RISK, public_text="läuft")
    _update(measure, date(2024, 12, 31), Status.PREPARATION, progress=10)
    _update(measure, date(2025, 12, 31), Status.DONE, state=UpdateState.DRAFT)
    measure_sync_current_status(measure=measure)
    measure.refresh_from_db()
    assert (measure.status, measure.progress, measure.ampel) == (Status.IN_PROGRESS, 40, Ampel.AT_RISK)
    assert measure.status_justification == "läuft"
    assert measure.status_date == date(2025, 6, 30)


def test_deleting_the_only_published_update_returns_to_no_report(measure):
    update = _update(measure, date(2025, 6, 30), Status.DONE, progress=100)
    measure_sync_current_status(measure=measure)
    update.delete()
    measure_sync_current_status(measure=measure)
    measure.refresh_from_db()
    assert measure.status == Status.NO_REPORT


def test_publishing_sets_reviewer_and_date(measure, buero_user):
    update = _update(measure, date(2025, 6, 30), Status.IN_PROGRESS, state=UpdateState.SUBMITTED, progress=30)
    status_update_review_publish(update=update, reviewer=buero_user)
    update.refresh_from_db()
    measure.refresh_from_db()
    assert update.state == UpdateState.PUBLISHED
    assert update.reviewer == buero_user
    assert update.published_at is not None
    assert measure.status == Status.IN_PROGRESS and measure.progress == 30


def test_publishing_refuses_dropped_without_reason(measure, buero_user):
    from django.core.exceptions import ValidationError

    update = _update(measure, date(2025, 6, 30), Status.DROPPED, state=UpdateState.SUBMITTED)
    with pytest.raises(ValidationError):
        status_update_review_publish(update=update, reviewer=buero_user)
    measure.refresh_from_db()
    assert measure.status == Status.NO_REPORT
