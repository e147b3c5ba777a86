"""The sheets of the catalogue workbook, in the order an import applies them.

A sheet type is a resource (``SheetResource``) registered here: the reader reads a sheet of
that title, the import runs its rows after those of the sheets registered before it, the
export writes it, and the blank template offers it. Another wing's sheet (milestones,
indicator values) is added with its resource and one ``register_sheet`` call.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Sheets the workbook carries besides the data: the allowed values (for the dropdowns) and,
# hidden, the data state of an export. The import reads the latter and ignores the former.
VALUES_SHEET = "Werte"
# The sheet that a file without any known sheet (and every CSV file) is read as.
MEASURES_SHEET = "Maßnahmen"
STATE_SHEET = "Datenstand"
# Columns right of this many beyond a sheet's own are not read: their headings are reported
# as unknown columns, cells further out never looked at.
EXTRA_COLUMNS = 10


@dataclass(frozen=True)
class SheetType:
    title: str
    resource: type
    description: str
    # One example row for the blank template; its first cell „Beispiel“ marks it, and the
    # import refuses it until it is overwritten or deleted.
    example: tuple = ()
    # Columns that take a value of a list on the sheet „Werte“: {column: (list, strict)}. Where a
    # cell may name several values („1; 3“), strict is False: the dropdown offers, but accepts more.
    dropdowns: dict = field(default_factory=dict)

    @property
    def width(self) -> int:
        return len(self.resource.column_names()) + EXTRA_COLUMNS


_REGISTRY: list[SheetType] = []


def register_sheet(sheet_type: SheetType) -> None:
    """Add a sheet after those registered so far (its rows may name their objects)."""
    if any(known.title == sheet_type.title for known in _REGISTRY):
        raise ValueError(f"Sheet {sheet_type.title!r} is registered twice")
    _REGISTRY.append(sheet_type)


def sheet_types() -> list[SheetType]:
    """In import order: a sheet's rows may name objects of the sheets before it."""
    return list(_REGISTRY)


def sheets_to_write() -> list[SheetType]:
    """In the order a person reads the workbook: the measures first, what they refer to after."""
    return sorted(_REGISTRY, key=lambda sheet: sheet.title != MEASURES_SHEET)


def sheet_type(title: str) -> SheetType:
    return next(known for known in _REGISTRY if known.title == title)


def _register_catalogue():
    from .indicator_resource import IndicatorResource
    from .indicator_value_sheets import IndicatorTargetResource, IndicatorValueResource
    from .measure_resource import MeasureResource
    from .milestone_resource import MilestoneResource
    from .parts import FieldOfActionResource, GoalResource, ResponsibleUnitResource

    register_sheet(
        SheetType(
            "Handlungsfelder",
            FieldOfActionResource,
            _("Nummer, Titel und Beschreibung der Handlungsfelder des Konzepts."),
            ("Beispiel", "Titel des Handlungsfelds", "Worum es in diesem Handlungsfeld geht"),
        )
    )
    register_sheet(
        SheetType(
            "Ziele",
            GoalResource,
            _("Nummer, Titel und Beschreibung der Ziele des Konzepts."),
            ("Beispiel", "Titel des Ziels", "Was bis wann erreicht sein soll"),
        )
    )
    register_sheet(
        SheetType(
            "Stellen",
            ResponsibleUnitResource,
            _("Verantwortliche Stellen mit Kurzname, Art und übergeordneter Stelle (für alle Konzepte)."),
            ("Beispiel", "Bsp", "Stadtverwaltung", ""),
            {"Art": ("Art der Stelle", True), "übergeordnete Stelle": ("Stellen", True)},
        )
    )
    register_sheet(
        SheetType(
            "Maßnahmen",
            MeasureResource,
            _("Die Maßnahmen mit Handlungsfeld, Zielen, Zuständigkeiten und aktuellem Stand."),
            ("Beispiel", "Titel der Maßnahme", "1", "1; 2", "Beispiel", ""),
            {
                "Handlungsfeld": ("Handlungsfelder", True),
                "Ziele": ("Ziele", False),
                "Federführung": ("Stellen", False),
                "Beteiligt": ("Stellen", False),
                "fortlaufend": ("ja/nein", True),
                "Finanzierung": ("Finanzierung", True),
                "Umsetzungsstand": ("Umsetzungsstand", True),
                "Ampel": ("Ampel", True),
                "vorläufig": ("ja/nein", True),
                "veröffentlicht": ("ja/nein", True),
            },
        )
    )
    register_sheet(
        SheetType(
            "Meilensteine",
            MilestoneResource,
            _("Die Meilensteine der Maßnahmen: Maßnahme (Nummer), Titel, geplant bis, erledigt am, Anmerkung."),
            ("Beispiel", "Titel des Meilensteins", "31.12.2026", "", ""),
            {"Maßnahme": ("Maßnahmen", True)},
        )
    )
    register_sheet(
        SheetType(
            "Indikatoren",
            IndicatorResource,
            _("Die Indikatoren des Konzepts mit Einheit, Richtung, Ausgangswert, Zielen und Maßnahmen."),
            ("Beispiel", "Erhöhung des Anteils …", "", "%", "1", "nein", "höher ist besser", "jährlich"),
            {
                "Werte sind Anzahlen": ("ja/nein", True),
                "gewünschte Richtung": ("Richtung", True),
                "Erhebung": ("Erhebung", True),
                "Ziele": ("Ziele", False),
                "Maßnahmen": ("Maßnahmen", False),
                "veröffentlicht": ("ja/nein", True),
            },
        )
    )
    register_sheet(
        SheetType(
            "Zielwerte",
            IndicatorTargetResource,
            _("Die Zielwerte der Indikatoren: Indikator (Nummer), Zieldatum, Zielwert, Anmerkung."),
            ("Beispiel", "31.12.2028", "8", ""),
            {"Indikator": ("Indikatoren", True)},
        )
    )
    register_sheet(
        SheetType(
            "Indikatorwerte",
            IndicatorValueResource,
            _("Die gemessenen Werte der Indikatoren, je Stichtag als Gesamtwert und wahlweise aufgeschlüsselt."),
            ("Beispiel", "31.12.2025", "2025", "", "", "5", "", "nein", ""),
            {
                "Indikator": ("Indikatoren", True),
                "Merkmal": ("Merkmale", True),
                "Ausprägung": ("Ausprägungen", True),
                "vorläufig": ("ja/nein", True),
            },
        )
    )


_register_catalogue()
