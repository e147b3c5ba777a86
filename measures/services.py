"""Writes across the core's models: a measure's current status is that of its newest published report;
milestone ticks take effect with their report; indicator values are written in one place."""

from dataclasses import dataclass, field

from django.db import transaction

from .choices import Ampel, Status, UpdateState
from .models import IndicatorValue, Measure, StatusUpdate

CURRENT_STATUS_FIELDS = ["status", "ampel", "progress", "status_justification", "status_date"]


@transaction.atomic
def measure_sync_current_status(*, measure: Measure) -> Measure:
    """Set the measure's current status from its latest published status update.

    Without any published update the measure has no report yet, which is shown as such
    and never as "not started" or 0 %. The measure's row is locked first, so that two
    publications for one measure at the same time are applied one after the other and the
    second sees the first: the older report can never win.
    """
    Measure.objects.select_for_update().filter(pk=measure.pk).values_list("pk").first()
    latest = StatusUpdate.objects.filter(measure=measure, state=UpdateState.PUBLISHED).latest_first().first()
    if latest is None:
        values = {
            "status": Status.NO_REPORT,
            "ampel": Ampel.UNSPECIFIED,
            "progress": None,
            "status_justification": "",
            "status_date": None,
        }
    else:
        values = {
            "status": latest.status,
            "ampel": latest.ampel,
            "progress": latest.progress,
            "status_justification": latest.public_text,
            "status_date": latest.reporting_date,
        }
    changed = [name for name, value in values.items() if getattr(measure, name) != value]
    if changed:
        for name in changed:
            setattr(measure, name, values[name])
        measure.save(update_fields=[*changed, "updated_at"])
    return measure


def milestones_apply_ticks(*, update: StatusUpdate) -> int:
    """Mark the milestones ticked in a published report as done; return how many.

    A tick waits in its report until the report is published, like everything else the
    report says. A milestone the Büro has already marked done keeps its date."""
    applied = 0
    for tick in update.milestone_ticks.select_related("milestone").filter(milestone__done_on__isnull=True):
        milestone = tick.milestone
        milestone.done_on = tick.done_on
        milestone._history_user = update.reviewer or update.author
        milestone.save(update_fields=["done_on"])
        applied += 1
    return applied


VALUE_FIELDS = ("period_label", "value", "case_count", "note", "provisional")


@dataclass
class ValueWrite:
    """What ``indicator_value_write`` did: ``created``, ``updated`` or ``unchanged``, and for
    an update the previous content of each changed field (an import's preview shows old → new)."""

    value: IndicatorValue
    action: str
    before: dict = field(default_factory=dict)


@transaction.atomic
def indicator_value_write(
    *,
    indicator,
    reference_date,
    value,
    category=None,
    period_label: str = "",
    case_count: int | None = None,
    note: str = "",
    provisional: bool = False,
    user=None,
    reason: str = "",
) -> ValueWrite:
    """Create or change the value of ``indicator`` on ``reference_date`` for ``category``
    (None: the total). The one way code writes values: publishing a unit's proposal, and the
    spreadsheet import. Validated as in the admin (``full_clean``: a ValidationError with
    German messages per field); an unchanged value is left alone, so it gets no history entry
    and the public pages stay cached. ``user`` and ``reason`` go into the value's history."""
    new = {
        "period_label": period_label or "",
        "value": value,
        "case_count": case_count,
        "note": note or "",
        "provisional": provisional,
    }
    # Without the default ordering: it joins the (nullable) category, which PostgreSQL cannot lock.
    stored = (
        IndicatorValue.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, reference_date=reference_date, category=category)
        .order_by()
        .first()
    )
    if stored is None:
        stored = IndicatorValue(indicator=indicator, reference_date=reference_date, category=category, **new)
        action, before = "created", {}
    else:
        before = {name: getattr(stored, name) for name in VALUE_FIELDS if getattr(stored, name) != new[name]}
        if not before:
            return ValueWrite(stored, "unchanged")
        for name in before:
            setattr(stored, name, new[name])
        action = "updated"
    stored.full_clean()
    stored._history_user = user
    if reason:
        stored._change_reason = reason
    stored.save()
    return ValueWrite(stored, action, before)
