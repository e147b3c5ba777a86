"""The open-data tables of the public indicators and their values: columns and rows.

In the column form of ``measures/tables.py`` (same ``Column``, same cells and writer as the
measures' downloads), so that the page „Offene Daten“ describes both from their lists. Values
pass through ``disclose``: a withheld value has no number, only the note in
``schutz_kleiner_gruppen``. The public wing serves them (measures/public/indicators.py).
"""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..addresses import absolute
from ..choices import Direction, Frequency, OnTrack
from ..models import IndicatorValue, Measure
from ..tables import Column
from .data import indicator_states
from .disclosure import disclose_many

INDICATOR_COLUMNS = [
    Column("nummer", _("Nummer des Indikators im Konzept"), "number"),
    Column("name", _("Name des Indikators")),
    Column("beschreibung", _("Beschreibung")),
    Column("einheit", _("Einheit der Werte, z. B. %, Anzahl, Personen")),
    Column("anzahlen", _("„ja“, wenn jeder Wert eine Anzahl von Personen oder Fällen ist"), "boolean"),
    Column("richtung", _("gewünschte Richtung"), choices=Direction),
    Column("datenquelle", _("Datenquelle")),
    Column("erhoben_von", _("Stelle, die die Daten erhebt")),
    Column("erhebung", _("wie oft gemessen wird"), choices=Frequency),
    Column("ausgangswert", _("Ausgangswert; leer, wenn keiner festgelegt ist"), "number"),
    Column("ausgangswert_vom", _("Datum des Ausgangswerts (JJJJ-MM-TT)"), "date"),
    Column("zielwerte", _("Zielwerte als „JJJJ-MM-TT: Wert“, getrennt durch „; “ (Dezimalpunkt)")),
    Column("neuester_wert", _("neuester veröffentlichter Gesamtwert; leer, wenn es noch keinen gibt"), "number"),
    Column("neuester_wert_vom", _("Stichtag des neuesten Gesamtwerts (JJJJ-MM-TT)"), "date"),
    Column("neuester_wert_vorlaeufig", _("„ja“, wenn der neueste Wert vorläufig ist"), "boolean"),
    Column("im_plan", _("neuester Wert gegen den Planpfad zum nächsten Zielwert"), choices=OnTrack),
    Column("ziele", _("Nummern der Ziele, getrennt durch „; “")),
    Column("massnahmen", _("Nummern der zugeordneten Maßnahmen, getrennt durch „; “")),
    Column("adresse", _("Internetadresse des Indikators auf dieser Website"), "url"),
]

VALUE_COLUMNS = [
    Column("indikator_nummer", _("Nummer des Indikators im Konzept"), "number"),
    Column("indikator", _("Name des Indikators")),
    Column("stichtag", _("Tag, auf den sich der Wert bezieht (JJJJ-MM-TT)"), "date"),
    Column("zeitraum", _("Zeitraum, wie er angezeigt wird, z. B. „2024“")),
    Column("merkmal", _("Merkmal der Aufschlüsselung, z. B. Geschlecht; leer beim Gesamtwert")),
    Column("auspraegung", _("Gruppe der Aufschlüsselung, z. B. weiblich; leer beim Gesamtwert")),
    Column("wert", _("Wert; leer, wenn er zum Schutz kleiner Gruppen nicht veröffentlicht wird"), "number"),
    Column("einheit", _("Einheit des Werts")),
    Column(
        "schutz_kleiner_gruppen",
        _(
            "„< N“ bzw. „Fallzahl < N“, wenn die Gruppe weniger als N Personen oder Fälle umfasst; „nicht "
            "veröffentlicht“, wenn der Wert sich sonst aus den anderen errechnen ließe; sonst leer"
        ),
    ),
    Column("vorlaeufig", _("„ja“, wenn der Wert noch vorläufig ist"), "boolean"),
    Column("anmerkung", _("Anmerkung zum Wert")),
    Column("adresse", _("Internetadresse des Indikators auf dieser Website"), "url"),
]


def _number(value):
    """A decimal without trailing zeros and never in exponent form (1E+2 would reach the CSV)."""
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def indicator_rows(concept, indicators) -> list[dict]:
    states = indicator_states(indicators.prefetch_related("goals"))
    linked = _public_measure_codes(indicators)
    rows = []
    for state in states:
        indicator = state.indicator
        rows.append(
            {
                "nummer": indicator.number,
                "name": indicator.name,
                "beschreibung": indicator.description,
                "einheit": indicator.unit,
                "anzahlen": indicator.counts,
                "richtung": indicator.get_direction_display(),
                "datenquelle": indicator.data_source,
                "erhoben_von": indicator.data_owner,
                "erhebung": indicator.get_frequency_display(),
                "ausgangswert": _number(indicator.baseline_value),
                "ausgangswert_vom": indicator.baseline_date,
                "zielwerte": "; ".join(
                    f"{t.target_date.isoformat()}: {_number(t.value)}" for t in indicator.targets.all()
                ),
                "neuester_wert": _number(state.latest_value),
                "neuester_wert_vom": state.latest_date,
                "neuester_wert_vorlaeufig": state.latest_provisional if state.latest_value is not None else None,
                "im_plan": str(state.label),
                "ziele": "; ".join(str(goal.number) for goal in sorted(indicator.goals.all(), key=lambda g: g.number)),
                "massnahmen": "; ".join(linked.get(indicator.pk, [])),
                "adresse": absolute(reverse("indicators:detail", args=[concept.slug, indicator.number])),
            }
        )
    return rows


def _public_measure_codes(indicators) -> dict:
    codes: dict = {}
    links = (
        Measure.indicators.through.objects.filter(indicator__in=indicators, measure__in=Measure.objects.published())
        .order_by("measure__sort_key")
        .values_list("indicator_id", "measure__code")
    )
    for indicator_id, code in links:
        codes.setdefault(indicator_id, []).append(code)
    return codes


def value_rows(concept, indicators) -> list[dict]:
    by_id = {indicator.pk: indicator for indicator in indicators.select_related("concept")}
    values = (
        IndicatorValue.objects.filter(indicator__in=list(by_id))
        .select_related("category__dimension")
        .order_by("indicator__number", "reference_date", "category__dimension__name", "category__position")
    )
    rows = []
    for value in disclose_many(values, by_id):
        indicator = by_id[value.indicator_id]
        rows.append(
            {
                "indikator_nummer": indicator.number,
                "indikator": indicator.name,
                "stichtag": value.reference_date,
                "zeitraum": value.period,
                "merkmal": value.dimension,
                "auspraegung": value.category,
                "wert": _number(value.amount),
                "einheit": indicator.unit,
                "schutz_kleiner_gruppen": value.withheld_text,
                "vorlaeufig": value.provisional,
                "anmerkung": value.note,
                "adresse": absolute(reverse("indicators:detail", args=[concept.slug, indicator.number])),
            }
        )
    return rows
