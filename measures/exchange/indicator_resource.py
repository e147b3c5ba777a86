"""The indicators sheet: each indicator of the concept with its measurement, baseline and links.

An indicator is matched by its number in the concept. Its goals and measures are named by
their numbers, and may be ones that earlier sheets of the same file create; the lists replace
the indicator's links. Indicators missing from the file stay as they are.
"""

from django.utils.translation import gettext as _
from import_export import fields

from ..choices import Direction, Frequency
from ..models import Indicator
from .indicator_widgets import CountWidget, MeasuresWidget, ValueWidget
from .resources import SheetResource
from .widgets import (
    ChoiceWidget,
    GermanBooleanWidget,
    GermanDateWidget,
    GermanIntegerWidget,
    GoalsWidget,
    TextWidget,
)


class DecimalPlacesWidget(CountWidget):
    """Empty means the model's default, one decimal place."""

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        return Indicator._meta.get_field("decimal_places").default if number is None else number


class IndicatorResource(SheetResource):
    SHEET = "Indikatoren"
    REQUIRED_COLUMNS = ("Nr.", "Name", "Einheit", "Ziele")
    RELATION_COLUMNS = {"goals": "Ziele", "measures": "Maßnahmen"}

    number = fields.Field(attribute="number", column_name="Nr.", widget=GermanIntegerWidget())
    name = fields.Field(attribute="name", column_name="Name", widget=TextWidget())
    description = fields.Field(attribute="description", column_name="Beschreibung", widget=TextWidget())
    unit = fields.Field(attribute="unit", column_name="Einheit", widget=TextWidget())
    decimal_places = fields.Field(
        attribute="decimal_places", column_name="Nachkommastellen", widget=DecimalPlacesWidget()
    )
    counts = fields.Field(attribute="counts", column_name="Werte sind Anzahlen", widget=GermanBooleanWidget())
    direction = fields.Field(
        attribute="direction", column_name="gewünschte Richtung", widget=ChoiceWidget(Direction, Direction.HIGHER)
    )
    frequency = fields.Field(
        attribute="frequency", column_name="Erhebung", widget=ChoiceWidget(Frequency, Frequency.YEARLY)
    )
    data_source = fields.Field(attribute="data_source", column_name="Datenquelle", widget=TextWidget())
    data_owner = fields.Field(attribute="data_owner", column_name="Daten erhoben von", widget=TextWidget())
    baseline_value = fields.Field(attribute="baseline_value", column_name="Ausgangswert", widget=ValueWidget())
    baseline_date = fields.Field(attribute="baseline_date", column_name="Ausgangswert vom", widget=GermanDateWidget())
    goals = fields.Field(column_name="Ziele")
    measures = fields.Field(column_name="Maßnahmen")
    published = fields.Field(attribute="published", column_name="veröffentlicht", widget=GermanBooleanWidget())

    class Meta(SheetResource.Meta):
        model = Indicator
        fields = (
            "number",
            "name",
            "description",
            "unit",
            "decimal_places",
            "counts",
            "direction",
            "frequency",
            "data_source",
            "data_owner",
            "baseline_value",
            "baseline_date",
            "goals",
            "measures",
            "published",
        )
        import_id_fields = ("number",)

    def __init__(self, context, **kwargs):
        super().__init__(context, **kwargs)
        self.fields["goals"].widget = GoalsWidget(context)
        self.fields["measures"].widget = MeasuresWidget(context)

    def key_of_row(self, row):
        try:
            return GermanIntegerWidget().clean(row.get(self.KEY_COLUMN))
        except ValueError:
            return super().key_of_row(row)

    @staticmethod
    def key_of(instance):
        return instance.number

    def get_queryset(self):
        return Indicator.objects.filter(concept=self.concept).prefetch_related("goals", "measures").order_by("number")

    def load_existing(self):
        # The same objects as the later sheets' lookup: a target sees the baseline this sheet sets.
        return dict(self.context.indicators_by_number())

    def init_instance(self, row=None):
        return Indicator(concept=self.concept)

    def relation_values(self, indicator):
        if indicator.pk is None:
            return {"goals": [], "measures": []}
        return {
            "goals": sorted(indicator.goals.all(), key=lambda goal: goal.number),
            "measures": sorted(indicator.measures.all(), key=lambda measure: measure.sort_key),
        }

    def dehydrate_goals(self, indicator):
        return self.fields["goals"].widget.render(self.relation_values(indicator)["goals"])

    def dehydrate_measures(self, indicator):
        return self.fields["measures"].widget.render(self.relation_values(indicator)["measures"])

    def check_row(self, instance, add, errors):
        if instance.number is None and "Nr." not in errors:
            add("Nr.", _("Pflichtangabe fehlt. Erwartet wird eine ganze Zahl ab 1."))
        goals = self._relations.get("goals")
        if not (goals if goals is not None else self._before_relations["goals"]) and "Ziele" not in errors:
            add("Ziele", _("Ein Indikator gehört zu mindestens einem Ziel. Erwartet werden Nummern, z. B. „1; 3“."))

    def write(self, pending):
        for indicator, is_create, relations, _before, changes in pending:
            indicator._history_user = self.context.user
            indicator._change_reason = self.context.change_reason
            indicator.save()
            changed = {change.column for change in changes}
            for name, column in self.RELATION_COLUMNS.items():
                if name in relations and (is_create or column in changed):
                    getattr(indicator, name).set(relations[name])
            self.written += 1

    def publish_lookups(self):
        lookup = self.context.indicators_by_number()
        for indicator in self.instances:
            if isinstance(indicator.number, int):
                lookup[indicator.number] = indicator
