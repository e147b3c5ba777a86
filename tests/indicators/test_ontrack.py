"""The on-track rule at its edges: one function, pure, no database."""

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from measures.choices import Direction, OnTrack
from measures.indicators.ontrack import expected_value, on_track, planned_path

BASE = (date(2024, 1, 1), D("10"))
# 10 on 1 Jan 2024 → 20 on 31 Dec 2024 (365 days) → 30 on 31 Dec 2025.
TARGETS = [
    SimpleNamespace(target_date=date(2024, 12, 31), value=D("20")),
    SimpleNamespace(target_date=date(2025, 12, 31), value=D("30")),
]


def state(day, value, direction=Direction.HIGHER, targets=TARGETS, base=BASE):
    return on_track(
        direction=direction,
        baseline_date=base[0],
        baseline_value=base[1],
        targets=targets,
        latest_date=day,
        latest_value=None if value is None else D(str(value)),
    )


def test_no_value_is_its_own_state_even_without_a_plan():
    assert state(None, None) == OnTrack.NO_VALUE
    assert state(None, None, targets=[]) == OnTrack.NO_VALUE


@pytest.mark.parametrize(
    ("base", "targets"),
    [((None, None), TARGETS), (BASE, []), (BASE, [SimpleNamespace(target_date=date(2023, 12, 31), value=D("5"))])],
    ids=["no baseline", "no target", "only a target before the baseline"],
)
def test_without_a_path_the_indicator_is_not_assessable(base, targets):
    assert state(date(2024, 6, 30), 50, base=base, targets=targets) == OnTrack.NOT_ASSESSABLE


def test_a_value_exactly_on_the_path_is_on_track():
    # 1 Jan → 31 Dec 2024 is 365 days; on day 73 (14 Mar) the path is at 10 + 10 · 73/365 = 12.
    assert expected_value(planned_path(*BASE, TARGETS), date(2024, 3, 14)) == D("12")
    assert state(date(2024, 3, 14), "12") == OnTrack.ON_TRACK
    assert state(date(2024, 3, 14), "11.9999") == OnTrack.OFF_TRACK


def test_the_comparison_is_exact_where_the_path_value_has_endless_decimals():
    # On 2 Jan the path stands at 10 + 10/365 = 10.027397…; a stored value cannot equal it.
    assert state(date(2024, 1, 2), "10.0274") == OnTrack.ON_TRACK
    assert state(date(2024, 1, 2), "10.0273") == OnTrack.OFF_TRACK


def test_lower_is_better_reverses_the_comparison():
    targets = [SimpleNamespace(target_date=date(2024, 12, 31), value=D("0"))]
    assert state(date(2024, 3, 14), "8", Direction.LOWER, targets) == OnTrack.ON_TRACK  # path at 8
    assert state(date(2024, 3, 14), "7.5", Direction.LOWER, targets) == OnTrack.ON_TRACK
    assert state(date(2024, 3, 14), "8.01", Direction.LOWER, targets) == OnTrack.OFF_TRACK


def test_on_a_target_date_the_target_must_be_met():
    assert state(date(2024, 12, 31), 20) == OnTrack.ON_TRACK
    assert state(date(2024, 12, 31), "19.99") == OnTrack.OFF_TRACK


def test_after_the_first_target_the_path_leads_to_the_next():
    # Halfway through 2025 (181 of 365 days) the path is at 20 + 10 · 181/365 ≈ 24.96.
    assert state(date(2025, 7, 1), 25) == OnTrack.ON_TRACK
    assert state(date(2025, 7, 1), "24.9") == OnTrack.OFF_TRACK


def test_after_the_last_target_the_last_target_counts():
    assert state(date(2027, 6, 30), 30) == OnTrack.ON_TRACK
    assert state(date(2027, 6, 30), "29.9") == OnTrack.OFF_TRACK


def test_on_and_before_the_baseline_date_the_baseline_counts():
    assert state(date(2024, 1, 1), 10) == OnTrack.ON_TRACK
    assert state(date(2023, 6, 30), "9.9") == OnTrack.OFF_TRACK


def test_targets_are_used_in_date_order_whatever_order_they_come_in():
    assert state(date(2025, 7, 1), 25, targets=list(reversed(TARGETS))) == OnTrack.ON_TRACK


def test_a_falling_target_with_higher_is_better_still_follows_the_path():
    """The rule compares with the path, whichever way the Büro drew it: 10 → 0, at 8 on 14 March."""
    targets = [SimpleNamespace(target_date=date(2024, 12, 31), value=D("0"))]
    assert state(date(2024, 3, 14), 8, targets=targets) == OnTrack.ON_TRACK
    assert state(date(2024, 3, 14), "7.9", targets=targets) == OnTrack.OFF_TRACK
