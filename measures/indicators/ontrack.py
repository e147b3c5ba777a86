"""„On track“: the one rule, computed and never typed.

The planned path runs straight from the baseline to the first target and from each target to
the next. The latest value is compared with the path at the value's date, i.e. against the
straight line towards the next target; after the last target date the last target must be met.
A value exactly on the path is on track. Without a value the state is „noch kein Wert“; without
a baseline or a target there is no path („nicht bewertbar“).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from ..choices import ON_TRACK_ICONS, Direction, OnTrack


@dataclass(frozen=True)
class PathPoint:
    day: date
    value: Decimal


def planned_path(baseline_date, baseline_value, targets: Iterable) -> list[PathPoint]:
    """Baseline and the targets after it, in date order; empty if there is no path."""
    if baseline_date is None or baseline_value is None:
        return []
    later = sorted((t for t in targets if t.target_date > baseline_date), key=lambda t: t.target_date)
    if not later:
        return []
    return [PathPoint(baseline_date, baseline_value), *(PathPoint(t.target_date, t.value) for t in later)]


def _segment(path: list[PathPoint], day: date) -> tuple[PathPoint, PathPoint]:
    """The stretch of the path that ``day`` falls in (the first or last one outside the path)."""
    for start, end in pairwise(path):
        if day <= end.day:
            return start, end
    return path[-2], path[-1]


def expected_value(path: list[PathPoint], day: date) -> Decimal:
    """The path's value on ``day`` (for display; the rule itself compares without dividing)."""
    if day <= path[0].day:
        return path[0].value
    if day >= path[-1].day:
        return path[-1].value
    start, end = _segment(path, day)
    share = Decimal((day - start.day).days) / Decimal((end.day - start.day).days)
    return start.value + (end.value - start.value) * share


def _meets_path(path: list[PathPoint], day: date, value: Decimal, direction: str) -> bool:
    if day <= path[0].day:
        gap = value - path[0].value
    elif day >= path[-1].day:
        gap = value - path[-1].value
    else:
        # value ≥ start + (end − start) · elapsed / span, multiplied out: exact, no rounding.
        start, end = _segment(path, day)
        span, elapsed = (end.day - start.day).days, (day - start.day).days
        gap = (value - start.value) * span - (end.value - start.value) * elapsed
    return gap >= 0 if direction == Direction.HIGHER else gap <= 0


def on_track(*, direction, baseline_date, baseline_value, targets: Iterable, latest_date, latest_value) -> OnTrack:
    """The state of an indicator whose latest (total) value is ``latest_value`` on ``latest_date``."""
    if latest_value is None or latest_date is None:
        return OnTrack.NO_VALUE
    path = planned_path(baseline_date, baseline_value, targets)
    if not path:
        return OnTrack.NOT_ASSESSABLE
    return OnTrack.ON_TRACK if _meets_path(path, latest_date, latest_value, direction) else OnTrack.OFF_TRACK


@dataclass
class IndicatorState:
    """An indicator with its latest total value and what the rule makes of it."""

    indicator: object
    latest_date: date | None
    latest_value: Decimal | None
    latest_provisional: bool
    state: OnTrack
    next_target: object | None  # the first target on or after the latest value (or today)
    expected: Decimal | None  # the path's value at the latest value's date

    @property
    def label(self):
        return self.state.label

    @property
    def icon(self) -> str:
        return ON_TRACK_ICONS[self.state]

    @property
    def definition(self):
        return self.state.definition


def indicator_state(indicator, *, latest_date, latest_value, latest_provisional=False, today=None) -> IndicatorState:
    """Apply the rule to ``indicator`` (its ``targets`` prefetched) and its latest total value."""
    targets = list(indicator.targets.all())
    state = on_track(
        direction=indicator.direction,
        baseline_date=indicator.baseline_date,
        baseline_value=indicator.baseline_value,
        targets=targets,
        latest_date=latest_date,
        latest_value=latest_value,
    )
    reference = latest_date or today
    upcoming = [t for t in targets if reference is None or t.target_date >= reference]
    path = planned_path(indicator.baseline_date, indicator.baseline_value, targets)
    return IndicatorState(
        indicator=indicator,
        latest_date=latest_date,
        latest_value=latest_value,
        latest_provisional=bool(latest_provisional),
        state=state,
        next_target=min(upcoming, key=lambda t: t.target_date) if upcoming else None,
        expected=expected_value(path, latest_date) if path and latest_date else None,
    )
