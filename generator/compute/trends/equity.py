"""Equity gaps: how far each group is behind a reference group, and whether that gap is closing.

For one indicator broken down by one dimension, in one geography. Pure: a table in, numbers out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

import pandas

from generator.compute.periods import parse_period
from generator.compute.trends.method import CLOSING, GAP_LITTLE_CHANGE, LITTLE_CHANGED, NOT_ENOUGH_DATA, WIDENING


# Rounding in a difference of two values, as a share of the larger: far above float64's (about 1e-16), far
# below any difference a published value can show.
_ROUNDING = 1e-12


@dataclass(frozen=True)
class GroupGap:
    group: str
    reference: str
    base_period: str | None
    latest_period: str | None
    base_value: float | None  # the group's value
    latest_value: float | None
    reference_base_value: float | None
    reference_latest_value: float | None
    # How far the group is behind the reference, in the indicator's unit (percentage points for percents):
    # positive when the group is worse off, whichever way is better.
    base_difference: float | None
    latest_difference: float | None
    difference_change: float | None  # latest_difference − base_difference
    relative_change: float | None  # difference_change / |base_difference|; None when base_difference is 0
    base_ratio: float | None  # group / reference; None when the reference's value is 0
    latest_ratio: float | None
    movement: str  # CLOSING, WIDENING, LITTLE_CHANGED or NOT_ENOUGH_DATA
    levelling_down: bool  # the gap closed because the reference (better-off) group got worse


@dataclass(frozen=True)
class EquityGaps:
    reference: str | None  # None when no group has a value
    reference_declared: bool  # True when the agenda named the reference, False when it is the best-off group
    gaps: tuple[GroupGap, ...]  # one per group other than the reference, in the given group order


def equity_gaps(
    rows: pandas.DataFrame,
    *,
    direction: str,
    groups: Sequence[str],
    reference: str | None = None,
    base_period: str | None = None,
    little_change: float = GAP_LITTLE_CHANGE,
) -> EquityGaps:
    """The gap between each group and the reference group, at the base period and the latest.

    `rows` has the columns `group`, `period` (a label such as "2015" or "2019-20"), `time` (the period's time
    in years) and `value` (NaN or None where the value is suppressed or missing), one row per group and
    period. `groups` is the order to report in; groups without rows are left out. `direction` is the desired
    direction, "increase" or "decrease".

    The reference is `reference` when it has a value, else the best-off group. Each group is compared with
    it over the periods in which both have a value, from `base_period` (or the first such period after it)
    to the last.
    """
    values, times = _values_by_group(rows)
    return equity_gaps_of_values(values, times, direction=direction, groups=groups, reference=reference,
                                 base_period=base_period, little_change=little_change)


def equity_gaps_of_values(
    values: dict[str, dict[str, float]],
    times: dict[str, float],
    *,
    direction: str,
    groups: Sequence[str],
    reference: str | None = None,
    base_period: str | None = None,
    little_change: float = GAP_LITTLE_CHANGE,
) -> EquityGaps:
    """`equity_gaps` of each group's values by period (a group with rows but no value has an empty dict) and
    each period's time: for a caller that has them without a table."""
    desired = _desired_sign(direction)
    present = [group for group in groups if group in values]
    declared = reference is not None and bool(values.get(reference))
    chosen = reference if declared else _best_off(values, present, times, desired)
    if chosen is None:
        return EquityGaps(None, False, ())
    base_time = None
    if base_period is not None:
        base_time = times[base_period] if base_period in times else parse_period(base_period).time
    gaps = tuple(
        _gap(group, chosen, values[group], values[chosen], times, desired, base_time, little_change)
        for group in present
        if group != chosen
    )
    return EquityGaps(chosen, declared, gaps)


def _desired_sign(direction: str) -> int:
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', not {direction!r}")
    return 1 if direction == "increase" else -1


def _values_by_group(rows: pandas.DataFrame) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Each group's values by period (a group whose values are all suppressed has none), and each period's time."""
    repeated = rows.duplicated(["group", "period"])
    if repeated.any():
        first = rows[repeated].iloc[0]
        raise ValueError(f"more than one row for group {first['group']!r} in period {first['period']!r}")
    values: dict[str, dict[str, float]] = {}
    times: dict[str, float] = {}
    for group, period, time, value in zip(rows["group"], rows["period"], rows["time"], rows["value"]):
        period = str(period)
        times[period] = float(time)
        series = values.setdefault(str(group), {})
        if not pandas.isna(value):
            series[period] = float(value)
    return values, times


def _best_off(values: dict[str, dict[str, float]], groups: list[str], times: dict[str, float],
              desired: int) -> str | None:
    """The group with the best value in the latest period that most groups have a value for.

    The period most groups share, rather than simply the latest, so that a new period in which only one or
    two groups have been published yet (or the rest suppressed) does not pick the reference.
    """
    counts = Counter(period for group in groups for period in values[group])
    if not counts:
        return None
    most = max(counts.values())
    period = max((period for period, count in counts.items() if count == most), key=lambda p: (times[p], p))
    with_value = [group for group in groups if period in values[group]]
    # max() keeps the first of equal values, so ties go to the group named first.
    return max(with_value, key=lambda group: desired * values[group][period])


def _gap(group: str, reference: str, group_values: dict[str, float], reference_values: dict[str, float],
         times: dict[str, float], desired: int, base_time: float | None, little_change: float) -> GroupGap:
    common = sorted((period for period in group_values if period in reference_values),
                    key=lambda p: (times[p], p))
    if base_time is not None:
        # So the base is the base period when both groups have a value there, else the first later one that is.
        common = [period for period in common if times[period] >= base_time]
    # With one period in common the gap is known now, but not how it has moved: that needs a base as well.
    latest = common[-1] if common else None
    base = common[0] if len(common) >= 2 else None

    def at(period: str | None, measure: Callable[[str], float | None]) -> float | None:
        return None if period is None else measure(period)

    def behind(period: str) -> float:
        return desired * (reference_values[period] - group_values[period])

    def ratio(period: str) -> float | None:
        return group_values[period] / reference_values[period] if reference_values[period] != 0 else None

    base_difference, latest_difference = at(base, behind), at(latest, behind)
    change = relative_change = None
    movement, levelling_down = NOT_ENOUGH_DATA, False
    if base_difference is not None and latest_difference is not None:
        change = latest_difference - base_difference
        relative_change = change / abs(base_difference) if base_difference != 0 else None
        compared = (group_values[base], group_values[latest], reference_values[base], reference_values[latest])
        movement = _movement(base_difference, latest_difference, little_change, max(map(abs, compared)))
        reference_got_worse = desired * reference_values[latest] < desired * reference_values[base]
        levelling_down = movement == CLOSING and reference_got_worse
    return GroupGap(
        group=group,
        reference=reference,
        base_period=base,
        latest_period=latest,
        base_value=at(base, group_values.get),
        latest_value=at(latest, group_values.get),
        reference_base_value=at(base, reference_values.get),
        reference_latest_value=at(latest, reference_values.get),
        base_difference=base_difference,
        latest_difference=latest_difference,
        difference_change=change,
        relative_change=relative_change,
        base_ratio=at(base, ratio),
        latest_ratio=at(latest, ratio),
        movement=movement,
        levelling_down=levelling_down,
    )


def _movement(base_difference: float, latest_difference: float, little_change: float, largest_value: float) -> str:
    """CLOSING, WIDENING or LITTLE_CHANGED, with comparisons that are equal in decimals taken as equal.

    Published values are decimals, and their differences in binary floating point are not exact (22.1 − 19.4
    is 2.700000000000003): without the allowance a gap going from 3.0 to 2.7, a change of exactly the
    little-change share, or a gap that reverses to the same size, would be called one way or the other by
    rounding, and differently in another unit.
    """
    rounding = _ROUNDING * largest_value
    change = abs(latest_difference - base_difference)
    if change <= rounding or change < little_change * abs(base_difference) - rounding:
        return LITTLE_CHANGED
    if abs(latest_difference) < abs(base_difference) - rounding:
        return CLOSING
    return WIDENING
