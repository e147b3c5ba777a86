"""The measures sheet: every column of a measure, its goals, its units and its current status."""

from collections import defaultdict

from django.utils.translation import gettext as _
from import_export import fields

from ..choices import Ampel, FundingStatus, Role, Status
from ..models import FieldOfAction, Goal, Measure, MeasureResponsibility, ResponsibleUnit, reporting_date_error
from .resources import SheetResource
from .widgets import (
    ChoiceWidget,
    FieldOfActionWidget,
    GermanBooleanWidget,
    GermanDateWidget,
    GermanDecimalWidget,
    GoalsWidget,
    PercentWidget,
    TextWidget,
    UnitsWidget,
)
from .writing import GoalLink, PendingRow, write_pending


def _by_number(goals) -> list:
    """A measure's goals in the order the sheet lists them, on export and in the preview alike."""
    return sorted(goals, key=lambda goal: goal.number)


def _by_name(units) -> list:
    """A measure's lead or partner units in the order the sheet lists them."""
    return sorted(units, key=lambda unit: unit.name)


class MeasureResource(SheetResource):
    SHEET = "Maßnahmen"
    CODE = KEY_COLUMN = "Nr."
    STATUS_COLUMNS = ("Umsetzungsstand", "Ampel", "Fortschritt (%)", "Begründung des Stands", "Stand vom")
    RELATION_COLUMNS = ("Ziele", "Federführung", "Beteiligt")
    REQUIRED_COLUMNS = ("Nr.", "Titel", "Handlungsfeld")
    INTERNAL_COLUMNS = ("Interne Notiz",)

    code = fields.Field(attribute="code", column_name="Nr.", widget=TextWidget())
    title = fields.Field(attribute="title", column_name="Titel", widget=TextWidget())
    field_of_action = fields.Field(attribute="field_of_action", column_name="Handlungsfeld")
    goals = fields.Field(column_name="Ziele")
    lead_units = fields.Field(column_name="Federführung")
    partner_units = fields.Field(column_name="Beteiligt")
    summary = fields.Field(attribute="summary", column_name="Kurzbeschreibung", widget=TextWidget())
    description = fields.Field(attribute="description", column_name="Beschreibung", widget=TextWidget())
    target = fields.Field(attribute="target", column_name="Ziel / Indikator", widget=TextWidget())
    target_groups = fields.Field(attribute="target_groups", column_name="Zielgruppen", widget=TextWidget())
    planned_start = fields.Field(attribute="planned_start", column_name="Beginn", widget=GermanDateWidget())
    planned_end = fields.Field(attribute="planned_end", column_name="Ende", widget=GermanDateWidget())
    ongoing = fields.Field(attribute="ongoing", column_name="fortlaufend", widget=GermanBooleanWidget())
    budget = fields.Field(attribute="budget", column_name="Budget (EUR)", widget=GermanDecimalWidget())
    funding_status = fields.Field(
        attribute="funding_status",
        column_name="Finanzierung",
        widget=ChoiceWidget(FundingStatus, FundingStatus.UNKNOWN),
    )
    status = fields.Field(
        attribute="status", column_name="Umsetzungsstand", widget=ChoiceWidget(Status, Status.NO_REPORT)
    )
    ampel = fields.Field(attribute="ampel", column_name="Ampel", widget=ChoiceWidget(Ampel, Ampel.UNSPECIFIED))
    progress = fields.Field(attribute="progress", column_name="Fortschritt (%)", widget=PercentWidget())
    status_justification = fields.Field(
        attribute="status_justification", column_name="Begründung des Stands", widget=TextWidget()
    )
    status_date = fields.Field(attribute="status_date", column_name="Stand vom", widget=GermanDateWidget())
    provisional = fields.Field(attribute="provisional", column_name="vorläufig", widget=GermanBooleanWidget())
    published = fields.Field(attribute="published", column_name="veröffentlicht", widget=GermanBooleanWidget())
    internal_note = fields.Field(attribute="internal_note", column_name="Interne Notiz", widget=TextWidget())

    class Meta(SheetResource.Meta):
        model = Measure
        fields = (
            "code",
            "title",
            "field_of_action",
            "goals",
            "lead_units",
            "partner_units",
            "summary",
            "description",
            "target",
            "target_groups",
            "planned_start",
            "planned_end",
            "ongoing",
            "budget",
            "funding_status",
            "status",
            "ampel",
            "progress",
            "status_justification",
            "status_date",
            "provisional",
            "published",
            "internal_note",
        )
        import_id_fields = ("code",)

    def __init__(self, context, **kwargs):
        super().__init__(context, **kwargs)
        self.status_updates_created = 0
        self.fields["field_of_action"].widget = FieldOfActionWidget(context)
        self.fields["goals"].widget = GoalsWidget(context)
        self.fields["lead_units"].widget = UnitsWidget(context)
        self.fields["partner_units"].widget = UnitsWidget(context)

    def key_of(self, instance):
        return instance.code

    def load_existing(self):
        """The concept's measures with their field of action, goals and units, from a query per
        table: a prefetch would build an object per goal and unit of every measure, which costs
        more than comparing all rows (bench/README.md, „Import“)."""
        measures = list(Measure.objects.filter(concept=self.concept).order_by("sort_key"))
        fields_of_action = FieldOfAction.objects.in_bulk({measure.field_of_action_id for measure in measures})
        goal_links = list(GoalLink.objects.filter(measure__concept=self.concept).values_list("measure_id", "goal_id"))
        goals = Goal.objects.in_bulk({goal_id for _measure_id, goal_id in goal_links})
        goals_of, self.links = defaultdict(list), defaultdict(list)
        for measure_id, goal_id in goal_links:
            goals_of[measure_id].append(goals[goal_id])
        links = list(MeasureResponsibility.objects.filter(measure__concept=self.concept))
        for link in links:
            self.links[link.measure_id].append(link)
        units = ResponsibleUnit.objects.in_bulk({link.unit_id for link in links})
        self.relations_of = {}
        for measure in measures:
            measure.field_of_action = fields_of_action[measure.field_of_action_id]
            own = self.links[measure.pk]
            self.relations_of[measure.pk] = {
                "goals": _by_number(goals_of[measure.pk]),
                **{
                    name: _by_name(units[link.unit_id] for link in own if link.role == role)
                    for name, role in (("lead_units", Role.LEAD), ("partner_units", Role.PARTNER))
                },
            }
        return {measure.code: measure for measure in measures}

    def init_instance(self, row=None):
        return Measure(concept=self.concept)

    # Relations --------------------------------------------------------------------------

    @staticmethod
    def _units(measure, role):
        return _by_name(resp.unit for resp in measure.responsibilities.all() if resp.role == role)

    def relation_values(self, measure):
        if measure.pk is None:
            return {"goals": [], "lead_units": [], "partner_units": []}
        return self.relations_of[measure.pk]

    def dehydrate_goals(self, measure):
        return self.fields["goals"].widget.render(_by_number(measure.goals.all()))

    def dehydrate_lead_units(self, measure):
        return self.fields["lead_units"].widget.render(self._units(measure, Role.LEAD))

    def dehydrate_partner_units(self, measure):
        return self.fields["partner_units"].widget.render(self._units(measure, Role.PARTNER))

    # Checks ------------------------------------------------------------------------------

    def unchecked_model_fields(self):
        return ["concept", "sort_key", "field_of_action"]

    def _status_changed(self):
        return any(column in self.STATUS_COLUMNS for column in self.changed_columns)

    def check_row(self, instance, add, errors):
        if instance.planned_start and instance.planned_end and instance.planned_end < instance.planned_start:
            add("Ende", _("Das geplante Ende darf nicht vor dem Beginn liegen."))
        if instance.ongoing and instance.planned_end:
            add("fortlaufend", _("Eine fortlaufende Maßnahme hat kein geplantes Ende; bitte „Ende“ leer lassen."))
        lead = self._relations.get("lead_units")
        partner = self._relations.get("partner_units")
        if lead is not None and partner is not None and set(map(id, lead)) & set(map(id, partner)):
            both = ", ".join(f"„{unit.name}“" for unit in lead if unit in partner)
            add("Beteiligt", _("Diese Stelle steht schon unter „Federführung“: %(units)s.") % {"units": both})
        leads_after = lead if lead is not None else self._before_relations["lead_units"]
        if instance.published and not leads_after and "Federführung" not in errors:
            add("Federführung", _("Eine veröffentlichte Maßnahme braucht mindestens eine federführende Stelle."))
        if self._status_changed() and not errors.keys() & set(self.STATUS_COLUMNS):
            self._check_status(instance, add)

    def _check_status(self, instance, add):
        if instance.status == Status.NO_REPORT:
            if self._before["status"] != Status.NO_REPORT:
                add(
                    "Umsetzungsstand",
                    _(
                        "„noch keine Meldung“ kann eine veröffentlichte Meldung nicht zurücknehmen. "
                        "Erwartet wird ein gemeldeter Stand, z. B. „in Umsetzung“."
                    ),
                )
            else:
                add(
                    "Umsetzungsstand",
                    _("Ampel, Fortschritt oder Datum ohne Umsetzungsstand: bitte den Stand angeben."),
                )
            return
        before_date = self._before["status_date"]
        reporting_date = instance.status_date or self.context.today
        if before_date and reporting_date < before_date:
            add(
                "Stand vom",
                _(
                    "Das Datum liegt vor der letzten veröffentlichten Meldung (%(date)s). "
                    "Erwartet wird ein Datum an oder nach diesem Tag."
                )
                % {"date": before_date.strftime("%d.%m.%Y")},
            )
        # The same rule as the report form and the admin.
        problem = reporting_date_error(reporting_date, self.concept, today=self.context.today)
        if problem:
            add("Stand vom", str(problem))

    def publish_lookups(self):
        self.context.add_measures(self.instances)

    # Writing ---------------------------------------------------------------------------

    def write(self, pending):
        rows = [
            PendingRow(
                measure=instance,
                is_create=is_create,
                relations=relations,
                before={name: {unit.pk for unit in values} for name, values in before.items()},
                changes=[change.column for change in changes],
                status_changed=any(change.column in self.STATUS_COLUMNS for change in changes),
                links=self.links.get(instance.pk, []) if not is_create else [],
            )
            for instance, is_create, relations, before, changes in pending
        ]
        # Only what changed in at least one row is written.
        changed = {column for row in rows for column in row.changes}
        self.status_updates_created = write_pending(
            rows,
            user=self.context.user,
            change_reason=self.context.change_reason,
            today=self.context.today,
            update_fields=[
                item.attribute for item in self.fields.values() if item.attribute and item.column_name in changed
            ],
        )
        self.written = len(rows)
