"""The data state an exported workbook carries, and what changed in the system since.

The export writes its time into the hidden sheet „Datenstand“. Importing a file older than
the data warns, and the preview marks each cell whose value in the system was changed after
the export: importing it would undo that change.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportRecord, Measure, MeasureResponsibility, ResponsibleUnit
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


def exported_at_of(table):
    """The export time written in the „Datenstand“ sheet, or None."""
    if table is None:
        return None
    values = {str(row[0]).strip(): row[1] for _line, row in table.rows if len(row) > 1}
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
    return (
        Measure.history.filter(concept_id=concept.pk, history_date__gt=moment).exists()
        or MeasureResponsibility.history.filter(measure_id__in=measure_ids, history_date__gt=moment).exists()
        or ResponsibleUnit.history.filter(history_date__gt=moment).exists()
        or ImportRecord.objects.filter(concept=concept, created_at__gt=moment).exists()
    )


def _measure_columns():
    from .measure_resource import MeasureResource

    return [
        (item.column_name, Measure._meta.get_field(item.attribute).attname)
        for item in MeasureResource.fields.values()
        if item.attribute
    ]


def cells_changed_since(concept, moment) -> dict:
    """``{(sheet, key): {column, …}}`` for the measures and units changed after ``moment``."""
    marked = {}
    changed_ids = set(
        Measure.history.filter(concept_id=concept.pk, history_date__gt=moment).values_list("id", flat=True)
    )
    changed_ids |= set(
        MeasureResponsibility.history.filter(
            measure_id__in=Measure.objects.filter(concept=concept).values("pk"), history_date__gt=moment
        ).values_list("measure_id", flat=True)
    )
    columns = _measure_columns()
    for measure in Measure.objects.filter(pk__in=changed_ids).prefetch_related("goals"):
        before = measure.history.filter(history_date__lte=moment).order_by("-history_date", "-history_id").first()
        if before is None:
            continue  # created after the export: the file does not know it
        cells = {column for column, attname in columns if getattr(before, attname) != getattr(measure, attname)}
        if {link.goal_id for link in before.goals.all()} != {goal.pk for goal in measure.goals.all()}:
            cells.add("Ziele")
        if MeasureResponsibility.history.filter(measure_id=measure.pk, history_date__gt=moment).exists():
            cells |= {"Federführung", "Beteiligt"}
        if cells:
            marked[("Maßnahmen", measure.code)] = cells
    unit_columns = {"name": "Name", "short_name": "Kurzname", "kind": "Art", "parent_id": "übergeordnete Stelle"}
    changed_units = ResponsibleUnit.history.filter(history_date__gt=moment).values_list("id", flat=True)
    for unit in ResponsibleUnit.objects.filter(pk__in=set(changed_units)):
        before = unit.history.filter(history_date__lte=moment).order_by("-history_date", "-history_id").first()
        if before is None:
            continue
        cells = {
            column for attname, column in unit_columns.items() if getattr(before, attname) != getattr(unit, attname)
        }
        if cells:
            marked[("Stellen", unit_key(unit.name))] = cells
    return marked
