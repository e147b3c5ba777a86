"""The confirmed import's writes, in bulk: measures, goals, responsibilities, status updates, history.

The resource collects one ``PendingRow`` per new or changed measure; ``write_pending`` then
saves them with a handful of queries per batch instead of a dozen per row, and writes the
same history (person, change reason, goals) that a save in the admin would.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from ..choices import Role, UpdateState
from ..models import Measure, MeasureResponsibility, StatusUpdate, natural_sort_key
from ..services import measure_sync_current_status
from ..versions import bump_data_version
from .bulk import db_connection, insert, insert_history

BATCH = 500
GoalLink = Measure.goals.through


@dataclass
class PendingRow:
    measure: Measure
    is_create: bool
    relations: dict  # cleaned values of the relation columns present in the file
    before: dict  # pks of goals, lead and partner units before the import
    changes: list  # changed column names
    status_changed: bool
    links: list  # the measure's responsibilities before the import


def write_pending(rows: list[PendingRow], *, user, change_reason: str, today, update_fields: list[str]) -> int:
    """Write the rows; return the number of status updates created."""
    now = timezone.now()
    tags = {"user": user, "change_reason": change_reason, "date": now}
    updates = []
    for row in rows:
        measure = row.measure
        measure.sort_key = natural_sort_key(measure.code)
        measure.updated_at = now
        if row.status_changed:
            # The reported status becomes a published update, and so the measure's current status.
            measure.status_date = measure.status_date or today
            updates.append(row)
    created = [row.measure for row in rows if row.is_create]
    for measure in created:
        measure.created_at = now
    Measure.objects.bulk_create(created, batch_size=BATCH)
    if updates:
        update_fields = {*update_fields, "status_date"}
    _update_measures([row.measure for row in rows if not row.is_create], [*update_fields, "updated_at"])
    _write_goals(rows)
    _write_responsibilities(rows, user=user, change_reason=change_reason, tags=tags)
    status_updates = [
        StatusUpdate(
            measure=row.measure,
            reporting_date=row.measure.status_date,
            status=row.measure.status,
            ampel=row.measure.ampel,
            progress=row.measure.progress,
            public_text=row.measure.status_justification,
            author=user,
            reviewer=user,
            state=UpdateState.PUBLISHED,
            published_at=now,
        )
        for row in updates
    ]
    StatusUpdate.objects.bulk_create(status_updates, batch_size=BATCH)
    insert_history(StatusUpdate, [update.pk for update in status_updates], **tags)
    _write_measure_history(rows, tags)
    _keep_status_rule([row.measure.pk for row in updates])
    # Bulk writes send no model signals: tell the public pages' caches directly.
    bump_data_version()
    return len(status_updates)


def _update_measures(measures, field_names):
    """One parametrised UPDATE run for all rows (executemany).

    QuerySet.bulk_update builds a CASE expression per row and field in Python, which costs
    more than the import's whole validation; the statement here is the same for every row.
    The code (and so the sort key) never changes: it is what matched the row.
    """
    if not measures:
        return
    fields = [Measure._meta.get_field(name) for name in sorted(set(field_names))]
    connection = db_connection()
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(Measure._meta.db_table)} SET {assignments} WHERE {quote(Measure._meta.pk.column)} = %s"  # noqa: S608 - names from the model, values as parameters
    params = [
        [field.get_db_prep_save(field.pre_save(measure, add=False), connection) for field in fields] + [measure.pk]
        for measure in measures
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write_goals(rows):
    removed, added = {}, []
    for row in rows:
        if "goals" not in row.relations or "Ziele" not in row.changes:
            continue
        wanted = {goal.pk for goal in row.relations["goals"]}
        if row.before["goals"] - wanted:
            removed[row.measure.pk] = row.before["goals"] - wanted
        added += [[row.measure.pk, goal_id] for goal_id in wanted - row.before["goals"]]
    measure_ids = list(removed)
    # One DELETE per batch of measures; the batch keeps the OR chain within SQLite's expression depth.
    for start in range(0, len(measure_ids), 200):
        condition = Q()
        for measure_id in measure_ids[start : start + 200]:
            condition |= Q(measure_id=measure_id, goal_id__in=removed[measure_id])
        GoalLink.objects.filter(condition).delete()
    insert(GoalLink, ["measure_id", "goal_id"], added)


def _write_responsibilities(rows, *, user, change_reason, tags):
    new_links = []
    for row in rows:
        wanted = {}
        for name, role in (("partner_units", Role.PARTNER), ("lead_units", Role.LEAD)):
            if name in row.relations:
                wanted.update({unit.pk: role for unit in row.relations[name]})
            else:
                wanted.update(dict.fromkeys(row.before[name], role))
        current = {link.unit_id: link for link in row.links}
        for unit_id, link in current.items():
            if wanted.get(unit_id) == link.role:
                continue
            link._change_reason, link._history_user = change_reason, user
            if unit_id in wanted:  # rare: a unit changes its role
                link.role = wanted[unit_id]
                link.save()
            else:
                link.delete()
        new_links += [[row.measure.pk, unit_id, role] for unit_id, role in wanted.items() if unit_id not in current]
    keys = insert(MeasureResponsibility, ["measure_id", "unit_id", "role"], new_links, returning=True)
    insert_history(MeasureResponsibility, keys, **tags)


def _write_measure_history(rows, tags):
    """One history record per written measure, with its goals, as a save would leave."""
    records = []  # (measure id, history id)
    for is_create in (True, False):
        keys = [row.measure.pk for row in rows if row.is_create is is_create]
        records += insert_history(Measure, keys, update=not is_create, returning=True, **tags).items()
    links = {}  # measure id -> [(link id, measure id, goal id)]
    measure_ids = [measure_id for measure_id, _key in records]
    for link in GoalLink.objects.filter(measure_id__in=measure_ids).values_list("pk", "measure_id", "goal_id"):
        links.setdefault(link[1], []).append(link)
    insert(
        apps.get_model("measures", "HistoricalMeasure_goals"),
        ["history_id", "id", "measure_id", "goal_id"],
        [[key, *link] for measure_id, key in records for link in links.get(measure_id, [])],
    )


def _keep_status_rule(measure_ids):
    """Make sure each measure still shows its latest published update (see measure_sync_current_status)."""
    if not measure_ids:
        return
    latest = StatusUpdate.objects.filter(measure=OuterRef("pk"), state=UpdateState.PUBLISHED).latest_first()
    out_of_step = (
        Measure.objects.filter(pk__in=measure_ids)
        .annotate(
            latest_status=Subquery(latest.values("status")[:1]),
            latest_date=Subquery(latest.values("reporting_date")[:1]),
        )
        .exclude(status=F("latest_status"), status_date=F("latest_date"))
    )
    for measure in out_of_step:
        measure_sync_current_status(measure=measure)
