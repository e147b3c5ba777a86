"""The data state an exported workbook carries, and what changed in the system since.

The export writes its time into the hidden sheet „Datenstand“. Importing a file older than
the data warns, and the preview marks each cell whose value in the system was changed after
the export: importing it would undo that change.
"""

from datetime import datetime

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    ImportRecord,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureResponsibility,
    Milestone,
    ResponsibleUnit,
)
from .resources import unit_key

EXPORTED_AT = "Exportiert am"
CONCEPT = "Konzept"


def state_rows(concept, moment) -> list:
    """The rows of the „Datenstand“ sheet."""
    return [
        [_("Angabe"), _("Wert")],
        [CONCEPT, concept.slug],
        [EXPORTED_AT, moment.isoformat()],
        [_("Hinweis"), _("Dieses Blatt hält fest, welchen Datenstand die Datei zeigt. Bitte nicht ändern.")],
    ]


def exported_at_of(table, concept):
    """The export time written in the „Datenstand“ sheet, or None (also for a file of another concept,
    whose data state says nothing about this one)."""
    if table is None:
        return None
    values = {str(row[0]).strip(): row[1] for _line, row in table.rows if len(row) > 1}
    if str(values.get(CONCEPT, "")).strip() != concept.slug:
        return None
    value = values.get(EXPORTED_AT)
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, timezone.get_default_timezone())
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.get_default_timezone())


def data_changed_since(concept, moment) -> bool:
    measure_ids = Measure.objects.filter(concept=concept).values("pk")
    indicator_ids = Indicator.objects.filter(concept=concept).values("pk")
    return (
        Measure.history.filter(concept_id=concept.pk, history_date__gt=moment).exists()
        or MeasureResponsibility.history.filter(measure_id__in=measure_ids, history_date__gt=moment).exists()
        or ResponsibleUnit.history.filter(history_date__gt=moment).exists()
        or ImportRecord.objects.filter(concept=concept, created_at__gt=moment).exists()
        or Milestone.history.filter(measure_id__in=measure_ids, history_date__gt=moment).exists()
        # An indicator is saved with its targets in the admin, so its history covers them too.
        or Indicator.history.filter(concept_id=concept.pk, history_date__gt=moment).exists()
        or IndicatorValue.history.filter(indicator_id__in=indicator_ids, history_date__gt=moment).exists()
    )


def _measure_columns():
    from .measure_resource import MeasureResource

    return [
        (item.column_name, Measure._meta.get_field(item.attribute).attname)
        for item in MeasureResource.fields.values()
        if item.attribute
    ]


def _latest_before(history, ids, moment) -> dict:
    """``{id: the newest history record at or before moment}`` for ``ids``, in one query."""
    latest = {}
    for record in history.filter(id__in=ids, history_date__lte=moment).order_by("id", "-history_date", "-history_id"):
        latest.setdefault(record.id, record)
    return latest


def cells_changed_since(concept, moment) -> dict:
    """``{(sheet, key): {column, …}}`` for the measures and units changed after ``moment``.

    A handful of queries, however many measures changed (an import changes thousands).
    """
    marked = {}
    concept_measures = Measure.objects.filter(concept=concept).values("pk")
    changed_ids = set(
        Measure.history.filter(concept_id=concept.pk, history_date__gt=moment).values_list("id", flat=True)
    )
    units_changed = set(
        MeasureResponsibility.history.filter(measure_id__in=concept_measures, history_date__gt=moment).values_list(
            "measure_id", flat=True
        )
    )
    changed_ids |= units_changed
    before = _latest_before(Measure.history, changed_ids, moment)
    goals_before = {}
    goal_history = apps.get_model("measures", "HistoricalMeasure_goals")
    for history_id, goal_id in goal_history.objects.filter(
        history__in=[record.history_id for record in before.values()]
    ).values_list("history_id", "goal_id"):
        goals_before.setdefault(history_id, set()).add(goal_id)
    columns = _measure_columns()
    for measure in Measure.objects.filter(pk__in=before).prefetch_related("goals"):
        record = before[measure.pk]  # none: created after the export, so the file does not know it
        cells = {column for column, attname in columns if getattr(record, attname) != getattr(measure, attname)}
        if goals_before.get(record.history_id, set()) != {goal.pk for goal in measure.goals.all()}:
            cells.add("Ziele")
        if measure.pk in units_changed:
            cells |= {"Federführung", "Beteiligt"}
        if cells:
            marked[("Maßnahmen", measure.code)] = cells
    unit_columns = {"name": "Name", "short_name": "Kurzname", "kind": "Art", "parent_id": "übergeordnete Stelle"}
    changed_units = set(ResponsibleUnit.history.filter(history_date__gt=moment).values_list("id", flat=True))
    units_before = _latest_before(ResponsibleUnit.history, changed_units, moment)
    for unit in ResponsibleUnit.objects.filter(pk__in=units_before):
        record = units_before[unit.pk]
        cells = {
            column for attname, column in unit_columns.items() if getattr(record, attname) != getattr(unit, attname)
        }
        if cells:
            marked[("Stellen", unit_key(unit.name))] = cells
    _mark_changed_rows(marked, concept, moment)
    return marked


def _mark_changed_rows(marked, concept, moment) -> None:
    """The cells of milestones, indicators and values changed after ``moment``: a query or two each."""
    from .indicator_resource import IndicatorResource
    from .indicator_value_sheets import IndicatorValueResource
    from .milestone_resource import MilestoneResource

    sheets = [
        (MilestoneResource, Milestone.objects.filter(measure__concept=concept).select_related("measure")),
        (IndicatorResource, Indicator.objects.filter(concept=concept)),
        (
            IndicatorValueResource,
            IndicatorValue.objects.filter(indicator__concept=concept).select_related(
                "indicator", "category__dimension"
            ),
        ),
    ]
    for resource, current in sheets:
        model = current.model
        columns = [
            (item.column_name, model._meta.get_field(item.attribute).attname)
            for item in resource.fields.values()
            if item.attribute
        ]
        changed = model.history.filter(history_date__gt=moment, id__in=current.values("pk")).values_list(
            "id", flat=True
        )
        before = _latest_before(model.history, set(changed), moment)
        for item in current.filter(pk__in=before):
            record = before[item.pk]
            cells = {column for column, attname in columns if getattr(record, attname) != getattr(item, attname)}
            if cells:
                marked[(resource.SHEET, resource.key_of(item))] = cells
