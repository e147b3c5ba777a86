"""The indicators in the Sachstandsbericht: each as known at the round's cut-off date.

``indicator_report_rows`` is the one function the report (web page, PDF or spreadsheet) calls;
the template ``measures/indicators/includes/report_section.html`` shows its rows.
"""

from dataclasses import dataclass, field

from ..models import Indicator, IndicatorValue
from .data import indicator_states
from .disclosure import disclose


@dataclass
class ReportRow:
    state: object  # ontrack.IndicatorState at the cut-off date
    breakdown: list = field(default_factory=list)  # PublicValue of the latest breakdown date

    @property
    def indicator(self):
        return self.state.indicator


def indicator_report_rows(concept, cut_off) -> list[ReportRow]:
    """Every indicator of ``concept``: the latest total value dated on or before ``cut_off``
    against the planned path, and the breakdown of the latest date with breakdown values, both
    through disclosure control. Unpublished indicators are included; the template marks them."""
    states = indicator_states(Indicator.objects.filter(concept=concept).select_related("concept"), until=cut_off)
    values = (
        IndicatorValue.objects.filter(indicator__concept=concept, category__isnull=False, reference_date__lte=cut_off)
        .select_related("category__dimension")
        .order_by("indicator_id", "reference_date", "category__dimension__name", "category__position")
    )
    by_indicator: dict = {}
    for value in values:
        by_indicator.setdefault(value.indicator_id, []).append(value)
    rows = []
    for state in states:
        indicator = state.indicator
        public = disclose(
            by_indicator.get(indicator.pk, []), counts=indicator.counts, minimum=concept.disclosure_minimum
        )
        latest_day = max((value.reference_date for value in public), default=None)
        rows.append(ReportRow(state, [value for value in public if value.reference_date == latest_day]))
    return rows
