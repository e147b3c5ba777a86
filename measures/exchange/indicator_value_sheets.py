"""The sheets of an indicator's targets („Zielwerte“) and values („Indikatorwerte“).

A target is matched by its indicator and date, a value by its indicator, date and group
(„Merkmal“ and „Ausprägung“; both empty for the total): the database's own rules of one
target per date and one value per date and group. Values are written through the core's
``indicator_value_write``, as a published proposal is. Rows missing from the file stay.
"""

from django.db.models import F
from django.utils.translation import gettext as _
from import_export import fields

from ..models import IndicatorTarget, IndicatorValue
from ..services import indicator_value_write
from .indicator_widgets import (
    CATEGORY_COLUMN,
    DIMENSION_COLUMN,
    CategoryWidget,
    CountWidget,
    IndicatorWidget,
    RequiredDateWidget,
    ValueWidget,
    category_key,
    load_categories,
)
from .keyed_resource import KeyedSheetResource
from .widgets import GermanBooleanWidget, GermanDateWidget, TextWidget, _number


def _date_key(value):
    """The date of a key cell, or its text where it is no date (reported by the cell's check)."""
    try:
        return GermanDateWidget().clean(value)
    except ValueError:
        return TextWidget().clean(value)


def _date_label(value) -> str:
    day = _date_key(value)
    return day.strftime("%d.%m.%Y") if hasattr(day, "strftime") else str(day or "")


class _IndicatorRowsResource(KeyedSheetResource):
    KEY_COLUMN = "Indikator"
    DATE_COLUMN = ""

    def __init__(self, context, **kwargs):
        super().__init__(context, **kwargs)
        self.fields["indicator"].widget = IndicatorWidget(context)

    def unchecked_model_fields(self):
        return ["indicator"]  # an unsaved indicator of the same file has no id yet

    def row_label(self, row):
        number = TextWidget().clean(row.get(self.KEY_COLUMN))
        parts = [
            _("Indikator %(number)s") % {"number": number} if number else "",
            _date_label(row.get(self.DATE_COLUMN)),
        ]
        return ", ".join(part for part in parts if part)


class IndicatorTargetResource(_IndicatorRowsResource):
    SHEET = "Zielwerte"
    DATE_COLUMN = "Zieldatum"
    REQUIRED_COLUMNS = ("Indikator", "Zieldatum", "Zielwert")

    indicator = fields.Field(attribute="indicator", column_name="Indikator")
    target_date = fields.Field(attribute="target_date", column_name="Zieldatum", widget=RequiredDateWidget())
    value = fields.Field(attribute="value", column_name="Zielwert", widget=ValueWidget(required=True))
    note = fields.Field(attribute="note", column_name="Anmerkung", widget=TextWidget())

    class Meta(KeyedSheetResource.Meta):
        model = IndicatorTarget
        fields = ("indicator", "target_date", "value", "note")
        import_id_fields = ("indicator", "target_date")

    def key_parts(self, row):
        return (_number(row.get("Indikator")), _date_key(row.get("Zieldatum")))

    @staticmethod
    def key_of(instance):
        return (instance.indicator.number, instance.target_date)

    def duplicate_message(self):
        return _(
            "Für diesen Indikator und dieses Datum steht schon in Zeile %(line)s ein Zielwert. Erwartet wird je "
            "Indikator und Datum ein Zielwert."
        )

    def get_queryset(self):
        return (
            IndicatorTarget.objects.filter(indicator__concept=self.concept)
            .select_related("indicator__concept")
            .order_by("indicator__number", "target_date")
        )

    def init_instance(self, row=None):
        return IndicatorTarget()

    def write(self, pending):
        for target, *_rest in pending:
            target.save()  # targets keep no history of their own; their indicator's page shows them
            self.written += 1


class IndicatorValueResource(_IndicatorRowsResource):
    SHEET = "Indikatorwerte"
    DATE_COLUMN = "Stichtag"
    REQUIRED_COLUMNS = ("Indikator", "Stichtag", "Wert")
    INTERNAL_COLUMNS = ("Fallzahl (intern)",)

    indicator = fields.Field(attribute="indicator", column_name="Indikator")
    reference_date = fields.Field(attribute="reference_date", column_name="Stichtag", widget=RequiredDateWidget())
    period_label = fields.Field(attribute="period_label", column_name="Zeitraum", widget=TextWidget())
    dimension = fields.Field(attribute="category", column_name=DIMENSION_COLUMN)
    category = fields.Field(attribute="category", column_name=CATEGORY_COLUMN)
    value = fields.Field(attribute="value", column_name="Wert", widget=ValueWidget(required=True))
    case_count = fields.Field(attribute="case_count", column_name="Fallzahl (intern)", widget=CountWidget())
    provisional = fields.Field(attribute="provisional", column_name="vorläufig", widget=GermanBooleanWidget())
    note = fields.Field(attribute="note", column_name="Anmerkung", widget=TextWidget())

    class Meta(KeyedSheetResource.Meta):
        model = IndicatorValue
        fields = (
            "indicator",
            "reference_date",
            "period_label",
            "dimension",
            "category",
            "value",
            "case_count",
            "provisional",
            "note",
        )
        import_id_fields = ("indicator", "reference_date", "category")

    def __init__(self, context, **kwargs):
        super().__init__(context, **kwargs)
        self._categories = None
        for name, column in (("dimension", DIMENSION_COLUMN), ("category", CATEGORY_COLUMN)):
            self.fields[name].widget = CategoryWidget(self.categories, column)

    def categories(self) -> dict:
        if self._categories is None:
            self._categories = load_categories()
        return self._categories

    def key_parts(self, row):
        group = category_key(row.get(DIMENSION_COLUMN), row.get(CATEGORY_COLUMN))
        return (_number(row.get("Indikator")), _date_key(row.get("Stichtag")), group)

    def key_of_row(self, row):
        number, day, group = self.key_parts(row)
        return None if number is None or day in (None, "") else (number, day, group)

    @staticmethod
    def key_of(instance):
        group = (
            ("", "")
            if instance.category is None
            else category_key(instance.category.dimension.name, instance.category.name)
        )
        return (instance.indicator.number, instance.reference_date, group)

    def row_label(self, row):
        group = " ".join(TextWidget().clean(row.get(column)) for column in (DIMENSION_COLUMN, CATEGORY_COLUMN)).strip()
        return ", ".join(part for part in (super().row_label(row), group) if part)

    def duplicate_message(self):
        return _(
            "Für diesen Indikator, Stichtag und diese Gruppe steht schon in Zeile %(line)s ein Wert. Erwartet wird je "
            "Indikator, Stichtag und Gruppe (Merkmal und Ausprägung, leer für den Gesamtwert) ein Wert."
        )

    def get_queryset(self):
        return (
            IndicatorValue.objects.filter(indicator__concept=self.concept)
            .select_related("indicator__concept", "category__dimension")
            .order_by(
                "indicator__number",
                "reference_date",
                F("category__dimension__name").asc(nulls_first=True),
                "category__position",
                "category__name",
            )
        )

    def init_instance(self, row=None):
        return IndicatorValue()

    def unchecked_model_fields(self):
        return ["indicator", "category"]

    def write(self, pending):
        for value, *_rest in pending:
            indicator_value_write(
                indicator=value.indicator,
                reference_date=value.reference_date,
                value=value.value,
                category=value.category,
                period_label=value.period_label,
                case_count=value.case_count,
                note=value.note,
                provisional=value.provisional,
                user=self.context.user,
                reason=self.context.change_reason,
            )
            self.written += 1
