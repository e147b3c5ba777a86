"""django-import-export resources: the catalogue's spreadsheet columns and how each is read and written.

Rows are matched by natural keys, never by database id: a measure by its number within the
concept, a unit by name or short name, a field of action and a goal by their number. The
cells are read and written by the German widgets in ``measures.exchange.widgets``.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from ..choices import Ampel, FundingStatus, Role, Status, UnitKind, UpdateState
from ..models import FieldOfAction, Goal, Measure, ResponsibleUnit, StatusUpdate, reporting_date_error
from .widgets import (
    LINE_COLUMN,
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
from .writing import PendingRow, write_pending


class PrefetchedMeasureLoader(BaseInstanceLoader):
    """Finds a row's measure among those the resource loaded once, without a query per row."""

    def get_instance(self, row):
        code = TextWidget().clean(row.get(MeasureResource.CODE))
        return self.resource.existing.get(code)


class MeasureResource(resources.ModelResource):
    CODE = "Nr."
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

    class Meta:
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
        instance_loader_class = PrefetchedMeasureLoader
        skip_unchanged = True
        report_skipped = True
        store_row_values = True  # errors quote the value as written
        skip_diff = True  # the changed columns are worked out below, per column
        use_transactions = True

    def __init__(self, *, concept, user=None, change_reason="", include_internal=True, today=None):
        super().__init__()
        self.concept = concept
        self.user = user
        self.change_reason = change_reason
        self.include_internal = include_internal
        self.today = today or timezone.localdate()
        self.status_updates_created = 0
        self.fields["field_of_action"].widget = FieldOfActionWidget(self)
        self.fields["goals"].widget = GoalsWidget(self)
        self.fields["lead_units"].widget = UnitsWidget(self)
        self.fields["partner_units"].widget = UnitsWidget(self)
        if not include_internal:
            for name in [name for name, field in self.fields.items() if field.column_name in self.INTERNAL_COLUMNS]:
                del self.fields[name]

    @classmethod
    def column_names(cls, include_internal=True):
        names = [cls.fields[name].column_name for name in cls._meta.fields]
        return [name for name in names if include_internal or name not in cls.INTERNAL_COLUMNS]

    # Lookups, loaded once per import --------------------------------------------

    def load_lookups(self):
        self.fields_by_number = {field.number: field for field in FieldOfAction.objects.filter(concept=self.concept)}
        self.goals_by_number = {goal.number: goal for goal in Goal.objects.filter(concept=self.concept)}
        units = list(ResponsibleUnit.objects.only("pk", "name", "short_name"))
        self.units_by_key = {}
        short_names = {}
        for unit in units:
            self.units_by_key[unit.name.casefold()] = unit
            if unit.short_name:
                short_names.setdefault(unit.short_name.casefold(), []).append(unit)
        for key, matches in short_names.items():
            # A short name used by two units names neither; the full name must be used.
            self.units_by_key.setdefault(key, matches[0] if len(matches) == 1 else None)
        self.unit_names = [unit.name for unit in units] + [unit.short_name for unit in units if unit.short_name]

    def unit_by_name(self, name):
        return self.units_by_key.get(" ".join(name.split()).casefold())

    def get_queryset(self):
        return (
            Measure.objects.filter(concept=self.concept)
            .select_related("field_of_action")
            .prefetch_related("goals", "responsibilities__unit")
            .order_by("sort_key")
        )

    def before_import(self, dataset, **kwargs):
        self.pending = []
        self.first_line_of_code = {}  # each number's first line in the file
        self.load_lookups()
        self.existing = {measure.code: measure for measure in self.get_queryset()}

    def init_instance(self, row=None):
        return Measure(concept=self.concept)

    # Export of the relations ------------------------------------------------------------

    @staticmethod
    def _units(measure, role):
        return sorted(
            (resp.unit for resp in measure.responsibilities.all() if resp.role == role), key=lambda unit: unit.name
        )

    def dehydrate_goals(self, measure):
        return self.fields["goals"].widget.render(sorted(measure.goals.all(), key=lambda goal: goal.number))

    def dehydrate_lead_units(self, measure):
        return self.fields["lead_units"].widget.render(self._units(measure, Role.LEAD))

    def dehydrate_partner_units(self, measure):
        return self.fields["partner_units"].widget.render(self._units(measure, Role.PARTNER))

    # Import, row by row -------------------------------------------------------------------

    def _relations_of(self, measure):
        if measure.pk is None:
            return {"goals": set(), "lead_units": set(), "partner_units": set()}
        return {
            "goals": {goal.pk for goal in measure.goals.all()},
            "lead_units": {unit.pk for unit in self._units(measure, Role.LEAD)},
            "partner_units": {unit.pk for unit in self._units(measure, Role.PARTNER)},
        }

    def after_init_instance(self, instance, new, row, **kwargs):
        self._before = {
            name: field.get_value(instance) for name, field in self.fields.items() if field.attribute is not None
        }
        self._before_relations = self._relations_of(instance)
        self._relations = {}
        self._changes = []

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for name, field in self.fields.items():
            if field.column_name not in row:
                continue
            try:
                if field.attribute is None:
                    self._relations[name] = field.clean(row)
                else:
                    field.save(instance, row, **kwargs)
            except ValueError as error:
                errors[field.column_name] = ValidationError(str(error))
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        changes = [
            field.column_name
            for name, field in self.fields.items()
            if field.attribute is not None
            and field.column_name in row
            and field.get_value(instance) != self._before[name]
        ]
        for name, values in self._relations.items():
            if {value.pk for value in values} != self._before_relations[name]:
                changes.append(self.fields[name].column_name)
        self._changes = changes
        if import_validation_errors or instance.pk is None or self._first_line is not None:
            return False  # a repeated number is an error even where nothing changed
        return not changes

    def _status_changed(self):
        return any(column in self._changes for column in self.STATUS_COLUMNS)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        columns = {field.attribute: field.column_name for field in self.fields.values() if field.attribute}

        def add(column, message):
            errors.setdefault(column, []).append(message)

        if self._first_line is not None:
            add(
                self.CODE,
                f"Die Nummer steht schon in Zeile {self._first_line}. Erwartet wird jede Nummer nur einmal je Datei.",
            )
        try:
            # Field rules (lengths, required texts, ranges); uniqueness is checked on the whole file.
            instance.full_clean(
                exclude=["concept", "sort_key", "field_of_action", *[f for f in columns if columns[f] in errors]],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    add(columns.get(name, name), message)
        if instance.planned_start and instance.planned_end and instance.planned_end < instance.planned_start:
            add("Ende", "Das geplante Ende darf nicht vor dem Beginn liegen.")
        if instance.ongoing and instance.planned_end:
            add("fortlaufend", "Eine fortlaufende Maßnahme hat kein geplantes Ende; bitte „Ende“ leer lassen.")
        lead = self._relations.get("lead_units")
        partner = self._relations.get("partner_units")
        if lead is not None and partner is not None and set(lead) & set(partner):
            both = ", ".join(f"„{unit.name}“" for unit in set(lead) & set(partner))
            add("Beteiligt", f"Diese Stelle steht schon unter „Federführung“: {both}.")
        leads_after = lead if lead is not None else self._before_relations["lead_units"]
        if instance.published and not leads_after and "Federführung" not in errors:
            add("Federführung", "Eine veröffentlichte Maßnahme braucht mindestens eine federführende Stelle.")
        if self._status_changed() and not errors.keys() & set(self.STATUS_COLUMNS):
            self._validate_status(instance, add)
        if errors:
            raise ValidationError(errors)

    def _validate_status(self, instance, add):
        before_status = self._before["status"]
        if instance.status == Status.NO_REPORT:
            if before_status != Status.NO_REPORT:
                add(
                    "Umsetzungsstand",
                    "„noch keine Meldung“ kann eine veröffentlichte Meldung nicht zurücknehmen. "
                    "Erwartet wird ein gemeldeter Stand, z. B. „in Umsetzung“.",
                )
            else:
                add("Umsetzungsstand", "Ampel, Fortschritt oder Datum ohne Umsetzungsstand: bitte den Stand angeben.")
            return
        before_date = self._before["status_date"]
        if instance.status_date and before_date and instance.status_date < before_date:
            add(
                "Stand vom",
                f"Das Datum liegt vor der letzten veröffentlichten Meldung ({before_date:%d.%m.%Y}). "
                "Erwartet wird ein Datum an oder nach diesem Tag.",
            )
        # The one rule for a report's date, as in the report form (models.reporting_date_error).
        if instance.status_date and (
            error := reporting_date_error(instance.status_date, self.concept, today=self.today)
        ):
            add("Stand vom", str(error))

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return  # the preview writes nothing: validation and classification need no database write
        self.pending.append(
            PendingRow(
                measure=instance,
                is_create=is_create,
                relations=self._relations,
                before=self._before_relations,
                changes=self._changes,
                status_changed=self._status_changed(),
            )
        )

    def after_import(self, dataset, result, **kwargs):
        # Written in bulk once every row is known to be valid; run_import rolls back otherwise.
        if self._is_dry_run(kwargs) or result.has_errors() or result.has_validation_errors():
            return
        self.status_updates_created = write_pending(
            self.pending,
            user=self.user,
            change_reason=self.change_reason,
            today=self.today,
            # Only what changed in at least one row: bulk_update writes a CASE per field.
            update_fields=[
                field.attribute
                for field in self.fields.values()
                if field.attribute and any(field.column_name in row.changes for row in self.pending)
            ],
        )

    def import_row(self, row, instance_loader, **kwargs):
        self._changes = []
        line = row.get(LINE_COLUMN) or kwargs.get("row_number")
        code = TextWidget().clean(row.get(self.CODE))
        first_line = self.first_line_of_code.setdefault(code, line) if code else line
        # Set for the second and later rows with the same number; validate_instance reports it.
        self._first_line = first_line if first_line != line else None
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.changed_columns = self._changes
        row_result.line = line
        row_result.code = code
        return row_result


class _NaturalKeyResource(resources.ModelResource):
    """Base of the smaller tables: German headers, natural keys, nothing deleted."""

    class Meta:
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class ResponsibleUnitResource(_NaturalKeyResource):
    name = fields.Field(attribute="name", column_name="Name", widget=TextWidget())
    short_name = fields.Field(attribute="short_name", column_name="Kurzname", widget=TextWidget())
    slug = fields.Field(attribute="slug", column_name="Kennung", widget=TextWidget())
    kind = fields.Field(attribute="kind", column_name="Art", widget=ChoiceWidget(UnitKind, UnitKind.ADMINISTRATION))
    website = fields.Field(attribute="website", column_name="Website", widget=TextWidget())

    class Meta(_NaturalKeyResource.Meta):
        model = ResponsibleUnit
        fields = ("name", "short_name", "slug", "kind", "website")
        import_id_fields = ("name",)


class _ConceptPartResource(_NaturalKeyResource):
    def __init__(self, *, concept):
        super().__init__()
        self.concept = concept

    def get_queryset(self):
        return self._meta.model.objects.filter(concept=self.concept)

    def init_instance(self, row=None):
        return self._meta.model(concept=self.concept)


class FieldOfActionResource(_ConceptPartResource):
    number = fields.Field(attribute="number", column_name="Nr.", widget=widgets.IntegerWidget())
    title = fields.Field(attribute="title", column_name="Titel", widget=TextWidget())
    slug = fields.Field(attribute="slug", column_name="Kennung", widget=TextWidget())
    description = fields.Field(attribute="description", column_name="Beschreibung", widget=TextWidget())

    class Meta(_NaturalKeyResource.Meta):
        model = FieldOfAction
        fields = ("number", "title", "slug", "description")
        import_id_fields = ("number",)


class GoalResource(_ConceptPartResource):
    number = fields.Field(attribute="number", column_name="Nr.", widget=widgets.IntegerWidget())
    title = fields.Field(attribute="title", column_name="Titel", widget=TextWidget())
    description = fields.Field(attribute="description", column_name="Beschreibung", widget=TextWidget())

    class Meta(_NaturalKeyResource.Meta):
        model = Goal
        fields = ("number", "title", "description")
        import_id_fields = ("number",)


class StatusUpdateResource(resources.ModelResource):
    """Export of the published status updates of a concept (the reporting history)."""

    measure = fields.Field(attribute="measure__code", column_name="Nr.", widget=TextWidget())
    reporting_date = fields.Field(attribute="reporting_date", column_name="Stand vom", widget=GermanDateWidget())
    status = fields.Field(
        attribute="status", column_name="Umsetzungsstand", widget=ChoiceWidget(Status, Status.NOT_STARTED)
    )
    ampel = fields.Field(attribute="ampel", column_name="Ampel", widget=ChoiceWidget(Ampel, Ampel.UNSPECIFIED))
    progress = fields.Field(attribute="progress", column_name="Fortschritt (%)", widget=PercentWidget())
    public_text = fields.Field(attribute="public_text", column_name="Sachstand", widget=TextWidget())

    class Meta:
        model = StatusUpdate
        fields = ("measure", "reporting_date", "status", "ampel", "progress", "public_text")

    def __init__(self, *, concept):
        super().__init__()
        self.concept = concept

    def get_queryset(self):
        return (
            StatusUpdate.objects.filter(measure__concept=self.concept, state=UpdateState.PUBLISHED)
            .select_related("measure")
            .order_by("measure__sort_key", "reporting_date")
        )
