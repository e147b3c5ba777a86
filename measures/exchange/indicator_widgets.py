"""Widgets of the milestone and indicator sheets: measures by code, indicators by number,
breakdown groups by characteristic and name, and values written the German way.

Names are resolved against the lookups of the import (``ImportContext``), loaded once per
import, never per row.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import widgets

from ..models import BreakdownCategory, natural_sort_key
from .widgets import (
    _LIST_SPLIT,
    LIST_SEPARATOR,
    ConceptLookupMixin,
    GermanDateWidget,
    GermanDecimalWidget,
    TextWidget,
    _fold,
    _number,
    is_blank,
    suggest,
)

# The decimal places every value, target and baseline is stored with.
VALUE_PLACES = 4


def measure_code(value) -> str:
    """A measure's code as a cell gives it: 1.2 read as a number is the code „1.2“."""
    return TextWidget().clean(value)


class RequiredDateWidget(GermanDateWidget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            raise ValueError(_("Pflichtangabe fehlt. Erwartet wird ein Datum TT.MM.JJJJ, z. B. 31.12.2025."))
        return super().clean(value, row, **kwargs)


class ValueWidget(GermanDecimalWidget):
    """A measured or planned value: up to four decimal places, written without trailing zeros."""

    def __init__(self, *, required=False, **kwargs):
        self.required = required
        super().__init__(places=VALUE_PLACES, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if self.required and is_blank(value):
            raise ValueError(_("Pflichtangabe fehlt. Erwartet wird eine Zahl in deutscher Schreibweise, z. B. 12,5."))
        return super().clean(value, row, **kwargs)

    def _message(self):
        return _("Keine gültige Zahl. Erwartet wird deutsche Schreibweise, z. B. 12,5 oder 1.234.")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        exponent = Decimal(value).normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        text = f"{value:,.{places}f}"
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


class CountWidget(widgets.Widget):
    """A whole number from 0 up, e.g. a case count or the decimal places shown."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        number = _number(value)
        if number is None or number > 2_147_483_647:
            raise ValueError(_("Keine gültige Anzahl. Erwartet wird eine ganze Zahl ab 0, z. B. 12."))
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class MeasureWidget(ConceptLookupMixin, widgets.Widget):
    """One measure of the concept by its code, e.g. the measure a milestone belongs to."""

    def clean(self, value, row=None, **kwargs):
        code = measure_code(value)
        if not code:
            raise ValueError(
                _("Pflichtangabe fehlt. Erwartet wird die Nummer einer Maßnahme dieses Konzepts, z. B. 1.2.")
            )
        measures = self.context.measures_by_code()
        if code not in measures:
            raise ValueError(
                _(
                    "Unbekannte Maßnahme „%(code)s“. Erwartet wird die Nummer einer Maßnahme dieses Konzepts; neue "
                    "Maßnahmen gehören auf das Blatt „Maßnahmen“ derselben Datei."
                )
                % {"code": code}
                + suggest(code, measures)
            )
        return measures[code]

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class MeasuresWidget(ConceptLookupMixin, widgets.Widget):
    """Measures of the concept by their codes, separated by semicolons: „1.1; 2.3“."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return []
        measures = self.context.measures_by_code()
        found, unknown = [], []
        for item in _LIST_SPLIT.split(measure_code(value)):
            code = item.strip()
            if not code:
                continue
            if code not in measures:
                unknown.append(code)
            elif measures[code] not in found:
                found.append(measures[code])
        if unknown:
            raise ValueError(
                ngettext(
                    "Unbekannte Maßnahme %(codes)s. Erwartet werden Nummern von Maßnahmen dieses Konzepts, getrennt "
                    "durch Semikolon; neue Maßnahmen gehören auf das Blatt „Maßnahmen“ derselben Datei.",
                    "Unbekannte Maßnahmen %(codes)s. Erwartet werden Nummern von Maßnahmen dieses Konzepts, getrennt "
                    "durch Semikolon; neue Maßnahmen gehören auf das Blatt „Maßnahmen“ derselben Datei.",
                    len(unknown),
                )
                % {"codes": ", ".join(f"„{code}“" for code in unknown)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return LIST_SEPARATOR.join(measure.code for measure in sorted(value or [], key=_measure_order))


def _measure_order(measure):
    return natural_sort_key(measure.code)


class IndicatorWidget(ConceptLookupMixin, widgets.Widget):
    """One indicator of the concept by its number."""

    def clean(self, value, row=None, **kwargs):
        indicators = self.context.indicators_by_number()
        if is_blank(value):
            raise ValueError(_("Pflichtangabe fehlt. Erwartet wird die Nummer eines Indikators dieses Konzepts."))
        number = _number(value)
        if number not in indicators:
            known = ", ".join(str(number) for number in sorted(indicators)) or _("keine")
            raise ValueError(
                _(
                    "Unbekannter Indikator „%(value)s“. Erwartet wird die Nummer eines Indikators dieses Konzepts: "
                    "%(known)s. Neue Indikatoren gehören auf das Blatt „Indikatoren“ derselben Datei."
                )
                % {"value": str(value).strip(), "known": known}
            )
        return indicators[number]

    def render(self, value, obj=None, **kwargs):
        return str(value.number) if value else ""


DIMENSION_COLUMN = "Merkmal"
CATEGORY_COLUMN = "Ausprägung"


def category_key(dimension, category) -> tuple:
    """How a row names its group: (characteristic, group), folded; ("", "") for the total."""
    return (_fold(TextWidget().clean(dimension)), _fold(TextWidget().clean(category)))


class CategoryWidget(widgets.Widget):
    """The group of a broken-down value, named by two cells: „Merkmal“ (e.g. Geschlecht) and
    „Ausprägung“ (e.g. weiblich); both empty for the total. Each of the two columns' fields
    uses one, and reports the problems of its own cell."""

    def __init__(self, lookup, column, **kwargs):
        self.lookup = lookup  # callable: {(dimension, category) folded: BreakdownCategory}
        self.column = column
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        row = row or {}
        dimension = TextWidget().clean(row.get(DIMENSION_COLUMN))
        category = TextWidget().clean(row.get(CATEGORY_COLUMN))
        if not dimension and not category:
            return None
        categories = self.lookup()
        dimensions = {key[0]: item.dimension.name for key, item in categories.items()}
        if not dimension:
            if self.column == DIMENSION_COLUMN or DIMENSION_COLUMN not in row:
                raise ValueError(
                    _("Zur Ausprägung fehlt das Merkmal, z. B. „Geschlecht“; für den Gesamtwert beide leer.")
                )
            return None  # reported in the column „Merkmal“
        if _fold(dimension) not in dimensions:
            if self.column == DIMENSION_COLUMN:
                raise ValueError(
                    _(
                        "Unbekanntes Merkmal. Merkmale und ihre Ausprägungen legt das Büro in der Verwaltung unter "
                        "„Merkmale für Aufschlüsselungen“ an."
                    )
                    + suggest(dimension, dimensions.values())
                )
            return None
        if self.column == CATEGORY_COLUMN or CATEGORY_COLUMN not in row:
            if not category:
                raise ValueError(
                    _("Zum Merkmal fehlt die Ausprägung, z. B. „weiblich“; für den Gesamtwert beide leer.")
                )
            if category_key(dimension, category) not in categories:
                names = [item.name for key, item in categories.items() if key[0] == _fold(dimension)]
                raise ValueError(
                    _("Unbekannte Ausprägung des Merkmals „%(dimension)s“. Erlaubt sind: %(names)s.")
                    % {"dimension": dimensions[_fold(dimension)], "names": ", ".join(f"„{name}“" for name in names)}
                    + suggest(category, names)
                )
        return categories.get(category_key(dimension, category))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.dimension.name if self.column == DIMENSION_COLUMN else value.name


def load_categories() -> dict:
    """Every breakdown group by its folded (characteristic, name): one query."""
    return {
        category_key(item.dimension.name, item.name): item
        for item in BreakdownCategory.objects.select_related("dimension")
    }
