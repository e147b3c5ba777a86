"""Widgets that read and write the catalogue's cells the German way, whatever the user's language.

31.12.2025, 1.234,50, „ja“/„nein“ and the status words; names of units, fields of action and
goals are resolved against lookups the resource loads once per import.
"""

import difflib
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import widgets

from ..spreadsheets import looks_like_formula

# The hidden column that carries each row's line number in the uploaded file.
LINE_COLUMN = "_zeile"
LIST_SEPARATOR = "; "
_LIST_SPLIT = re.compile(r"[;\n]")


def restore_formula(value: str) -> str:
    """Undo ``neutralise_formula`` so that an exported cell reads back as it was."""
    if value.startswith("'") and looks_like_formula(value[1:]):
        return value[1:]
    return value


def suggest(value: str, candidates, *, normalise=None, n=3, cutoff=0.5) -> str:
    """A German hint naming the closest known values, or nothing.

    With ``normalise``, value and candidates are compared in that form and the candidates
    are named as written.
    """
    candidates = list(candidates)
    if normalise is None:
        matches = difflib.get_close_matches(value, candidates, n=n, cutoff=cutoff)
    else:
        by_key = {normalise(candidate): candidate for candidate in candidates}
        matches = [by_key[key] for key in difflib.get_close_matches(normalise(value), list(by_key), n=n, cutoff=cutoff)]
    if not matches:
        return ""
    return " " + _("Meinten Sie %(names)s?") % {"names": _(" oder ").join(f"„{match}“" for match in matches)}


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
        return restore_formula(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class GermanDateWidget(widgets.Widget):
    """TT.MM.JJJJ; spreadsheet date cells and ISO dates are read too."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for pattern in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(_("Kein gültiges Datum. Erwartet wird TT.MM.JJJJ, z. B. 31.12.2025."))

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d.%m.%Y") if value else ""


_GERMAN_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")
# 52,000.00: the grouping of an English locale, as a CSV saved by an English spreadsheet
# program shows it. Only with both separators present is it unambiguous.
_ENGLISH_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+\.\d+$")


class GermanDecimalWidget(widgets.Widget):
    """1.234,50 (German grouping and decimal comma); numeric spreadsheet cells are read as they are."""

    def __init__(self, places=2, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(self._message())
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value))
        else:
            text = str(value).replace("€", "").replace("EUR", "").replace("\xa0", "").replace(" ", "").strip()
            if _ENGLISH_NUMBER.match(text):
                text = text.replace(",", "").replace(".", ",")
            if not _GERMAN_NUMBER.match(text):
                raise ValueError(self._message())
            number = Decimal(text.replace(".", "").replace(",", "."))
        try:
            return number.quantize(Decimal(1).scaleb(-self.places))
        except InvalidOperation:
            raise ValueError(self._message()) from None

    def _message(self):
        return _("Keine gültige Zahl. Erwartet wird deutsche Schreibweise, z. B. 1.234,50.")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        text = f"{value:,.{self.places}f}"
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


_ASCII_DIGITS = re.compile(r"[0-9]+")


class PercentWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        text = str(value).replace("%", "").strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        # Only ASCII digits: str.isdigit() accepts "²" or "①", which int() then refuses.
        if not _ASCII_DIGITS.fullmatch(text) or int(text) > 100:
            raise ValueError(_("Kein gültiger Fortschritt. Erwartet wird eine ganze Zahl von 0 bis 100."))
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class GermanBooleanWidget(widgets.Widget):
    TRUE = {"ja", "j", "x", "wahr", "true", "1"}
    FALSE = {"nein", "n", "falsch", "false", "0", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        text = str(value).strip().casefold()
        if isinstance(value, int | float):
            text = str(int(value)) if float(value).is_integer() else text
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Kein gültiger Wert. Erwartet wird „ja“ oder „nein“."))

    def render(self, value, obj=None, **kwargs):
        return "ja" if value else "nein"


def _fold(text: str) -> str:
    return (
        text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss").replace("_", " ")
    ).strip()


class ChoiceWidget(widgets.Widget):
    """A choice written as its German label; the stored value and umlaut-free spellings are read too."""

    def __init__(self, choices, default, **kwargs):
        self.choices = choices
        self.default = default
        self._lookups = {}  # per language: the labels are translated
        super().__init__(**kwargs)

    def _lookup(self):
        language = translation.get_language()
        if language not in self._lookups:
            self._lookups[language] = self._build_lookup()
        return self._lookups[language]

    def _build_lookup(self):
        lookup = {}
        for choice in self.choices:
            lookup[_fold(str(choice.label))] = choice.value
            lookup[_fold(choice.value)] = choice.value
        return lookup

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return self.default
        found = self._lookup().get(_fold(str(value)))
        if found is None:
            labels = [str(choice.label) for choice in self.choices]
            raise ValueError(
                _("Unbekannter Wert. Erlaubt sind: %(labels)s.")
                % {"labels": ", ".join(f"„{label}“" for label in labels)}
                + suggest(str(value).strip(), labels)
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class ConceptLookupMixin:
    """Widgets that resolve names against the lookups of the import (``ImportContext``): what the
    database holds, plus what earlier sheets of the same workbook add."""

    def __init__(self, context, **kwargs):
        self.context = context
        super().__init__(**kwargs)


def _number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    match = re.match(r"^\s*(\d+)\s*\.?\s*$", str(value))
    return int(match.group(1)) if match else None


class FieldOfActionWidget(ConceptLookupMixin, widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            raise ValueError(_("Pflichtangabe fehlt. Erwartet wird die Nummer eines Handlungsfelds dieses Konzepts."))
        fields_by_number = self.context.fields_by_number
        number = _number(value)
        if number is None:
            # "1. Vielfalt in der Verwaltung" or the title alone
            match = re.match(r"^\s*(\d+)\.\s", str(value))
            number = int(match.group(1)) if match else None
        if number is None:
            by_title = {_fold(field.title): field for field in fields_by_number.values()}
            found = by_title.get(_fold(str(value)))
            if found:
                return found
        elif number in fields_by_number:
            return fields_by_number[number]
        known = ", ".join(str(field) for field in fields_by_number.values()) or _("keine")
        raise ValueError(
            _(
                "Unbekanntes Handlungsfeld. Erwartet wird eine dieser Nummern: %(known)s. Neue Handlungsfelder "
                "gehören auf das Blatt „Handlungsfelder“ derselben Datei."
            )
            % {"known": known}
        )

    def render(self, value, obj=None, **kwargs):
        return str(value.number) if value else ""


class GoalsWidget(ConceptLookupMixin, widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return []
        goals_by_number = self.context.goals_by_number
        numbers = [value] if isinstance(value, int | float) else re.split(r"[;,\n]", str(value))
        goals, unknown = [], []
        for item in numbers:
            if is_blank(item):
                continue
            number = _number(item)
            if number in goals_by_number:
                goals.append(goals_by_number[number])
            else:
                unknown.append(str(item).strip())
        if unknown:
            known = ", ".join(str(number) for number in sorted(goals_by_number)) or _("keine")
            raise ValueError(
                ngettext(
                    "Unbekanntes Ziel %(items)s. Erwartet werden Nummern von Zielen dieses Konzepts, getrennt "
                    "durch Semikolon: %(known)s. Neue Ziele gehören auf das Blatt „Ziele“ derselben Datei.",
                    "Unbekannte Ziele %(items)s. Erwartet werden Nummern von Zielen dieses Konzepts, getrennt "
                    "durch Semikolon: %(known)s. Neue Ziele gehören auf das Blatt „Ziele“ derselben Datei.",
                    len(unknown),
                )
                % {"items": ", ".join(f"„{item}“" for item in unknown), "known": known}
            )
        return goals

    def render(self, value, obj=None, **kwargs):
        return LIST_SEPARATOR.join(str(goal.number) for goal in value or [])


class UnitsWidget(ConceptLookupMixin, widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return []
        units, unknown = [], []
        for item in _LIST_SPLIT.split(str(value)):
            name = item.strip()
            if not name:
                continue
            unit = self.context.unit_by_name(name)
            if unit is None:
                unknown.append(name)
            elif unit not in units:
                units.append(unit)
        if unknown:
            hints = "".join(suggest(name, self.context.unit_names) for name in unknown)
            raise ValueError(
                ngettext(
                    "Unbekannte Stelle %(names)s. Erwartet werden Namen oder Kurznamen verantwortlicher Stellen, "
                    "getrennt durch Semikolon; neue Stellen gehören auf das Blatt „Stellen“ derselben Datei.",
                    "Unbekannte Stellen %(names)s. Erwartet werden Namen oder Kurznamen verantwortlicher Stellen, "
                    "getrennt durch Semikolon; neue Stellen gehören auf das Blatt „Stellen“ derselben Datei.",
                    len(unknown),
                )
                % {"names": ", ".join(f"„{name}“" for name in unknown)}
                + hints
            )
        return units

    def render(self, value, obj=None, **kwargs):
        return LIST_SEPARATOR.join(unit.name for unit in value or [])


class GermanIntegerWidget(widgets.Widget):
    """A whole number from 1 up: the number of a field of action or a goal."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        number = _number(value)
        if number is None or number < 1 or number > 32767:
            raise ValueError(_("Keine gültige Nummer. Erwartet wird eine ganze Zahl ab 1, z. B. 3."))
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class UnitWidget(ConceptLookupMixin, widgets.Widget):
    """One unit by name or short name, e.g. the parent of a unit; empty for none."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        name = str(value).strip()
        unit = self.context.unit_by_name(name)
        if unit is None:
            raise ValueError(
                _("Unbekannte Stelle „%(name)s“. Erwartet wird der Name einer Stelle auf dem Blatt „Stellen“.")
                % {"name": name}
                + suggest(name, self.context.unit_names)
            )
        return unit

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""
