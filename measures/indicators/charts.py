"""The indicator chart, drawn on the server as SVG: the published totals over time, the
baseline, the planned path through the targets, and provisional values marked.

Only ``disclose``d values reach it (totals, which are never withheld), so the chart can show
nothing the table next to it does not. Coordinates are computed here; the template
``measures/indicators/includes/chart.html`` only writes them out.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.formats import number_format

WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 40
PAD = 14  # keeps the first and last point off the axes


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: date
    value: Decimal
    provisional: bool = False

    @property
    def xs(self) -> str:
        # SVG attributes always with a dot, whatever the language.
        return f"{self.x:.1f}"

    @property
    def ys(self) -> str:
        return f"{self.y:.1f}"


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    gridlines: list = field(default_factory=list)  # (y, label)
    ticks: list = field(default_factory=list)  # (x, label) of each year
    boundaries: list = field(default_factory=list)  # x where a year begins
    values: list = field(default_factory=list)
    baseline: Point | None = None
    targets: list = field(default_factory=list)
    path: list = field(default_factory=list)

    @staticmethod
    def _line(points) -> str:
        return " ".join(f"{p.xs},{p.ys}" for p in points)

    @property
    def value_line(self) -> str:
        return self._line(self.values)

    @property
    def path_line(self) -> str:
        return self._line(self.path)


def nice_step(span: float) -> float:
    """A step of 1, 2 or 5 times a power of ten that divides ``span`` into about four parts."""
    if span <= 0:
        return 1.0
    raw = span / 4
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _value_range(numbers: list[float]) -> tuple[float, float, float]:
    low, high = min(numbers), max(numbers)
    if low >= 0 and low <= high / 2:
        low = 0.0  # from zero where that does not flatten the line
    step = nice_step(high - low or abs(high) or 1.0)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if high <= low:
        high = low + step
    return low, high, step


def indicator_chart(*, totals, baseline_date, baseline_value, targets, path, decimal_places: int) -> Chart | None:
    """The chart of one indicator, or None when there is nothing to draw.

    ``totals``: public total values (``PublicValue``) in date order; ``path``: the planned path
    (``ontrack.planned_path``); ``targets``: the indicator's targets.
    """
    shown = [v for v in totals if v.amount is not None]
    days = [v.reference_date for v in shown] + [t.target_date for t in targets]
    numbers = [float(v.amount) for v in shown] + [float(t.value) for t in targets]
    if baseline_date is not None and baseline_value is not None:
        days.append(baseline_date)
        numbers.append(float(baseline_value))
    if not days:
        return None
    chart = Chart()
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    low, high, step = _value_range(numbers)
    plot_width = chart.right - chart.left - 2 * PAD
    plot_height = chart.bottom - chart.top

    def point(day, value, provisional=False):
        x = chart.left + PAD + plot_width * ((day - first).days / span if last > first else 0.5)
        y = chart.bottom - plot_height * (float(value) - low) / (high - low)
        return Point(x, y, day, value, provisional)

    count = round((high - low) / step)
    for index in range(count + 1):
        number = low + index * step
        y = chart.bottom - plot_height * index / count
        places = decimal_places if step < 1 or number != int(number) else 0
        chart.gridlines.append((f"{y:.1f}", number_format(round(number, 4), places, use_l10n=True)))
    # A tick where a year begins, its label in the middle of the year: a value of 31 Dec 2024
    # stands at the end of the stretch labelled 2024, not next to the label 2025.
    chart.boundaries = [
        point(date(year, 1, 1), low).xs for year in range(first.year + 1, last.year + 1) if date(year, 1, 1) > first
    ]
    years = list(range(first.year, last.year + 1))
    step_years = math.ceil(len(years) / 8)
    for year in years[::step_years]:
        start, end = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
        if len(years) > 1 and (end - start).days < 120:
            continue  # a year the chart only touches (a baseline on 31 Dec) gets no label of its own
        chart.ticks.append((point(start + (end - start) / 2, low).xs, str(year)))
    chart.values = [point(v.reference_date, v.amount, v.provisional) for v in shown]
    chart.targets = [point(t.target_date, t.value) for t in targets]
    chart.path = [point(p.day, p.value) for p in path]
    if baseline_date is not None and baseline_value is not None:
        chart.baseline = point(baseline_date, baseline_value)
    return chart
