"""Reads for the indicator pages, the goal pages, the dashboard and the Sachstandsbericht.

Each function runs a constant number of queries, however many indicators and values there are.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from ..choices import OnTrack
from ..models import Indicator, IndicatorValue, Measure
from .charts import indicator_chart
from .disclosure import disclose
from .ontrack import indicator_state, planned_path

STORED = Decimal("0.0001")  # the decimal places of every value field


def public_indicators(concept):
    return Indicator.objects.published().filter(concept=concept)


def indicator_states(indicators, *, until=None, today=None) -> list:
    """``IndicatorState`` of each indicator in ``indicators`` (a queryset): two queries."""
    today = today or timezone.localdate()
    rows = (
        indicators.with_latest_value(until=until)
        .select_related("concept")
        .prefetch_related("targets")
        .order_by("concept", "number")
    )
    return [
        indicator_state(
            indicator,
            latest_date=indicator.latest_date,
            # A subquery's decimal comes back from SQLite through a float: back to the stored precision.
            latest_value=None if indicator.latest_value is None else indicator.latest_value.quantize(STORED),
            latest_provisional=indicator.latest_provisional,
            today=until or today,
        )
        for indicator in rows
    ]


def on_track_counts(states) -> list[tuple[OnTrack, int]]:
    """Every state in its defined order with its number of indicators."""
    counts = Counter(state.state for state in states)
    return [(choice, counts.get(choice, 0)) for choice in OnTrack]


@dataclass
class BreakdownTable:
    """One characteristic (e.g. Geschlecht): a row per date, a column per group."""

    dimension: str
    categories: list = field(default_factory=list)  # names, in their defined order
    rows: list = field(default_factory=list)  # (period, [PublicValue | None, ...])

    @property
    def has_withheld(self) -> bool:
        return any(cell is not None and cell.withheld for _period, cells in self.rows for cell in cells)


def breakdown_tables(public_values) -> list[BreakdownTable]:
    """The public breakdown values grouped by characteristic, date and group."""
    by_dimension: dict = {}
    for value in public_values:
        if value.is_total:
            continue
        table = by_dimension.setdefault(value.dimension, {"categories": {}, "dates": {}})
        table["categories"].setdefault(value.category_id, value.category)
        table["dates"].setdefault((value.reference_date, value.period), {})[value.category_id] = value
    tables = []
    for dimension in sorted(by_dimension):
        table = by_dimension[dimension]
        category_ids = list(table["categories"])
        rows = [
            (period, [cells.get(category_id) for category_id in category_ids])
            for (_day, period), cells in sorted(table["dates"].items())
        ]
        tables.append(BreakdownTable(dimension, [table["categories"][pk] for pk in category_ids], rows))
    return tables


def indicator_page(concept, number, *, today=None):
    """Everything the public page of one indicator shows, or None if it is not public."""
    indicator = (
        public_indicators(concept)
        .prefetch_related(
            "goals",
            "targets",
            Prefetch(
                "measures",
                queryset=Measure.objects.published().order_by("sort_key").only("code", "title", "concept_id"),
                to_attr="public_measures",
            ),
        )
        .filter(number=number)
        .first()
    )
    if indicator is None:
        return None
    values = (
        IndicatorValue.objects.filter(indicator=indicator)
        .select_related("category__dimension")
        .order_by("reference_date", "category__dimension__name", "category__position", "category__name")
    )
    public_values = disclose(values, counts=indicator.counts, minimum=concept.disclosure_minimum)
    totals = [value for value in public_values if value.is_total]
    latest = totals[-1] if totals else None
    targets = list(indicator.targets.all())
    state = indicator_state(
        indicator,
        latest_date=latest.reference_date if latest else None,
        latest_value=latest.amount if latest else None,
        latest_provisional=latest.provisional if latest else False,
        today=today or timezone.localdate(),
    )
    path = planned_path(indicator.baseline_date, indicator.baseline_value, targets)
    chart = indicator_chart(
        totals=totals,
        baseline_date=indicator.baseline_date,
        baseline_value=indicator.baseline_value,
        targets=targets,
        path=path,
        decimal_places=indicator.decimal_places,
    )
    return {
        "indicator": indicator,
        "state": state,
        "targets": targets,
        "totals": totals,
        "breakdowns": breakdown_tables(public_values),
        "chart": chart,
    }
