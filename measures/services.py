"""The one rule of the core: a measure's current status is that of its newest published report."""

from django.db import transaction

from .choices import Ampel, Status, UpdateState
from .models import Measure, StatusUpdate

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
