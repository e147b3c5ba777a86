"""The sheets that the measures refer to: fields of action, goals and responsible units.

They hold a few dozen rows, so each new or changed row is saved on its own (with history
where the model keeps one); the measures sheet, with thousands of rows, writes in bulk.
"""

from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export import fields

from ..choices import UnitKind
from ..models import FieldOfAction, Goal, ResponsibleUnit
from .resources import SheetResource, unit_key
from .widgets import ChoiceWidget, GermanIntegerWidget, TextWidget, UnitWidget


def _unique_slug(text, taken, fallback):
    base = slugify(text)[:70] or fallback
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


class _NumberedPartResource(SheetResource):
    """A part of the concept numbered 1, 2, 3 … (fields of action, goals)."""

    number = fields.Field(attribute="number", column_name="Nr.", widget=GermanIntegerWidget())
    title = fields.Field(attribute="title", column_name="Titel", widget=TextWidget())
    description = fields.Field(attribute="description", column_name="Beschreibung", widget=TextWidget())
    REQUIRED_COLUMNS = ("Nr.", "Titel")

    class Meta(SheetResource.Meta):
        fields = ("number", "title", "description")
        import_id_fields = ("number",)

    def key_of_row(self, row):
        try:
            return GermanIntegerWidget().clean(row.get(self.KEY_COLUMN))
        except ValueError:
            return super().key_of_row(row)

    def key_of(self, instance):
        return instance.number

    def get_queryset(self):
        return self._meta.model.objects.filter(concept=self.concept).order_by("number")

    def init_instance(self, row=None):
        return self._meta.model(concept=self.concept)

    def check_row(self, instance, add, errors):
        if instance.number is None and "Nr." not in errors:
            add("Nr.", _("Pflichtangabe fehlt. Erwartet wird eine ganze Zahl ab 1."))

    def write(self, pending):
        for instance, _is_create, _relations, _before, _changes in pending:
            self.prepare(instance)
            instance.save()
            self.written += 1


class FieldOfActionResource(_NumberedPartResource):
    SHEET = "Handlungsfelder"

    class Meta(_NumberedPartResource.Meta):
        model = FieldOfAction

    def unchecked_model_fields(self):
        return ["concept", "slug"]

    def prepare(self, instance):
        if not instance.slug:
            taken = set(FieldOfAction.objects.filter(concept=self.concept).values_list("slug", flat=True))
            instance.slug = _unique_slug(instance.title, taken, f"handlungsfeld-{instance.number}")

    def publish_lookups(self):
        for instance in self.instances:
            if isinstance(instance.number, int):
                self.context.fields_by_number[instance.number] = instance


class GoalResource(_NumberedPartResource):
    SHEET = "Ziele"

    class Meta(_NumberedPartResource.Meta):
        model = Goal

    def prepare(self, instance):
        pass

    def publish_lookups(self):
        for instance in self.instances:
            if isinstance(instance.number, int):
                self.context.goals_by_number[instance.number] = instance


class ResponsibleUnitResource(SheetResource):
    """Units are shared by all concepts; a unit is matched by its name."""

    SHEET = "Stellen"
    KEY_COLUMN = "Name"
    REQUIRED_COLUMNS = ("Name",)

    name = fields.Field(attribute="name", column_name="Name", widget=TextWidget())
    short_name = fields.Field(attribute="short_name", column_name="Kurzname", widget=TextWidget())
    kind = fields.Field(attribute="kind", column_name="Art", widget=ChoiceWidget(UnitKind, UnitKind.ADMINISTRATION))
    parent = fields.Field(attribute="parent", column_name="übergeordnete Stelle")

    class Meta(SheetResource.Meta):
        model = ResponsibleUnit
        fields = ("name", "short_name", "kind", "parent")
        import_id_fields = ("name",)

    def __init__(self, context, **kwargs):
        super().__init__(context, **kwargs)
        self.fields["parent"].widget = UnitWidget(context)

    def key_of_row(self, row):
        return unit_key(super().key_of_row(row))

    def key_of(self, instance):
        return unit_key(instance.name)

    def duplicate_message(self):
        return _("Der Name steht schon in Zeile %(line)s. Erwartet wird jede Stelle nur einmal je Datei.")

    def get_queryset(self):
        return ResponsibleUnit.objects.select_related("parent").order_by("name")

    def load_existing(self):
        return dict(self.context.units)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # A unit may name as its parent a unit further down the same sheet: every new name is
        # known (as an unsaved unit) before the first row is read.
        self.placeholders = {}
        if "Name" in dataset.headers:
            short_names = dataset["Kurzname"] if "Kurzname" in dataset.headers else [""] * len(dataset)
            for name, short_name in zip(dataset["Name"], short_names, strict=True):
                text = TextWidget().clean(name)
                if isinstance(name, str) and text and unit_key(text) not in self.context.units:
                    short = TextWidget().clean(short_name) if isinstance(short_name, str | int | float) else ""
                    unit = self.placeholders.setdefault(unit_key(text), ResponsibleUnit(name=text, short_name=short))
                    self.context.units[unit_key(text)] = unit
        self.context.reindex_units()

    def publish_lookups(self):
        self.context.reindex_units()  # short names changed or added by the sheet

    def init_instance(self, row=None):
        return self.placeholders.get(self.key_of_row(row)) or ResponsibleUnit()

    def unchecked_model_fields(self):
        return ["slug", "parent"]

    def check_row(self, instance, add, errors):
        ancestor, seen = instance.parent, {id(instance)}
        while ancestor is not None:
            if id(ancestor) in seen or (instance.pk and ancestor.pk == instance.pk):
                add(
                    "übergeordnete Stelle",
                    _("Eine Stelle kann nicht sich selbst oder einer ihrer Unterstellen untergeordnet sein."),
                )
                return
            seen.add(id(ancestor))
            ancestor = ancestor.parent

    def write(self, pending):
        taken = set(ResponsibleUnit.objects.values_list("slug", flat=True))
        waiting = [instance for instance, *_rest in pending]
        # Parents first: a unit is saved once the unit it names as parent has been.
        while waiting:
            ready = [unit for unit in waiting if unit.parent is None or unit.parent.pk is not None]
            ready = ready or waiting[:1]
            for unit in ready:
                if not unit.slug:
                    unit.slug = _unique_slug(unit.short_name or unit.name, taken, "stelle")
                unit._change_reason, unit._history_user = self.context.change_reason, self.context.user
                if unit.parent is not None and unit.parent.pk is None:
                    unit.parent_id = None
                unit.save()
                self.written += 1
            waiting = [unit for unit in waiting if unit not in ready]
