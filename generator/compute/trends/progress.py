"""Progress towards a target, or the pace of improvement: the Statistics Canada method of Open SDG 2.4.0.

Pure functions of numbers: no files, no DataFrames, no agenda.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from generator.compute.periods import parse_period
from generator.compute.trends.method import (
    DETERIORATION,
    GROWTH_THRESHOLDS,
    LIMIT_EXPONENT,
    LIMITED,
    MIN_PERIODS,
    MODERATE,
    NOT_AVAILABLE,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
    TARGET_THRESHOLDS,
    ZERO_REPLACEMENT,
    Thresholds,
)
from generator.speech import N_


@dataclass(frozen=True, slots=True)
class Progress:
    status: str
    progress_value: float | None = None
    score: float | None = None
    base_period: str | None = None
    base_value: float | None = None
    latest_period: str | None = None
    latest_value: float | None = None
    growth_observed: float | None = None  # compound annual growth from base to latest
    growth_required: float | None = None  # compound annual growth from base that reaches the target in time
    limit_adjustment: float | None = None  # the natural-limit factor C, when a limit applies
    reason: str = ""  # why the status is not_available, in words


def assess_progress(
    periods: Sequence[str | float],
    values: Sequence[float | None],
    *,
    direction: str,
    base_period: str | float | None = None,
    target: float | None = None,
    target_period: str | float | None = None,
    limit: float | None = None,
    thresholds: Thresholds | None = None,
) -> Progress:
    """The progress status of one series.

    `periods` are labels such as "2015" or "2019-20" (a school year counts as its first year) or plain years;
    `values` may hold None or NaN for periods without a value. `direction` is "increase" or "decrease":
    the desired direction. With a `target` and `target_period`, progress is measured against the growth
    needed to reach the target; without, against fixed growth rates, adjusted near a natural `limit`.
    """
    points = sorted(
        (_time(period), period, float(value))
        for period, value in zip(periods, values)
        if value is not None and not math.isnan(float(value))
    )
    if base_period is not None:
        base_time = _time(base_period)
        points = [point for point in points if point[0] >= base_time]
    return progress_between(points[0] if points else None, points[-1] if points else None, len(points),
                            direction=direction, target=target, target_period=target_period, limit=limit,
                            thresholds=thresholds)


Point = tuple[float, "str | float", float]  # (time, period, value)


def progress_between(base: Point | None, latest: Point | None, count: int, *, direction: str,
                     target: float | None = None, target_period: str | float | None = None,
                     limit: float | None = None, thresholds: Thresholds | None = None) -> Progress:
    """`assess_progress` for a caller that has found the series' points already: the first and the last of the
    `count` points with a value from the base period on (the method reads no others)."""
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', not {direction!r}")
    if count < MIN_PERIODS:
        return Progress(NOT_AVAILABLE, reason=N_("fewer than two periods with a value"))
    (t0, base_label, v0), (t1, latest_label, v1) = base, latest
    used = dict(base_period=str(base_label), base_value=v0, latest_period=str(latest_label), latest_value=v1)
    if t1 <= t0:
        # Every point with a value is at one time (a period given twice, or 2019 and 2019-20): no growth to measure.
        return Progress(NOT_AVAILABLE, reason=N_("every value is for the same period"), **used)
    if (v0 > 0 > v1) or (v0 < 0 < v1):
        return Progress(NOT_AVAILABLE, reason=N_("the base and latest values have opposite signs"), **used)

    desired = 1 if direction == "increase" else -1
    sign = -1 if v0 < 0 else 1
    base = v0 if v0 != 0 else ZERO_REPLACEMENT
    if base * v1 < 0:
        # A base of 0 becomes 0.001, and a growth rate from it to a negative value has no real value.
        return Progress(NOT_AVAILABLE, reason=N_("the base and latest values have opposite signs"), **used)
    observed = _growth(base, v1, t1 - t0)
    if observed is None:
        return Progress(NOT_AVAILABLE, reason=N_("the growth from the base value is too large to measure"), **used)

    has_target = target is not None and target_period is not None
    if has_target:
        goal = target if target != 0 else ZERO_REPLACEMENT
        years_to_target = _time(target_period) - t0
        reachable = years_to_target > 0 and goal / base > 0
        required = _growth(base, goal, years_to_target) if reachable else None
        value = sign * desired * observed / abs(required) if required else None
        if (v1 - target) * desired >= 0:
            # As sdg-build does, a series that has met its target keeps its progress value (whenever the growth
            # needed is defined), published beside the status; the status and the score are the target's.
            return Progress(TARGET_ACHIEVED, value, 5.0, growth_observed=observed, growth_required=required, **used)
        if required is None:
            return Progress(NOT_AVAILABLE, reason=N_("the target cannot be reached from the base period"), **used)
        if required == 0:
            return Progress(NOT_AVAILABLE, reason=N_("the target equals the base value"), **used)
        status, score = _classify(value, thresholds or TARGET_THRESHOLDS, with_target=True)
        return Progress(status, value, score, growth_observed=observed, growth_required=required, **used)

    value = sign * desired * observed
    adjustment = _limit_adjustment(v0, limit) if limit is not None else 1.0
    if adjustment == 0:
        if value >= 0:
            return Progress(SUBSTANTIAL, value, 5.0, growth_observed=observed, limit_adjustment=0.0, **used)
        status, score = _classify(value, Thresholds(0.0, 0.0, 0.0), with_target=False)
        return Progress(status, value, score, growth_observed=observed, limit_adjustment=0.0, **used)
    limits = thresholds or GROWTH_THRESHOLDS
    scaled = Thresholds(limits.high * adjustment, limits.medium * adjustment, limits.low * adjustment)
    status, score = _classify(value, scaled, with_target=False, adjustment=adjustment)
    return Progress(status, value, score, growth_observed=observed,
                    limit_adjustment=adjustment if limit is not None else None, **used)


def status_from_score(score: float) -> str:
    """The status an average score stands for (used to combine several series into one indicator)."""
    if score >= 2.5:
        return SUBSTANTIAL
    if score >= 0:
        return MODERATE
    if score >= -2.5:
        return LIMITED
    return DETERIORATION


def _time(period: str | float) -> float:
    return float(period) if isinstance(period, (int, float)) else _label_time(str(period))


# The trends assess tens of thousands of series over a few hundred distinct periods: each label is parsed once.
@lru_cache(maxsize=4096)
def _label_time(label: str) -> float:
    return parse_period(label).time


def _growth(start: float, end: float, years: float) -> float | None:
    """The compound annual growth from `start` to `end` over `years` (a fraction for months); None when it
    overflows a float, as a large change over a month or two can."""
    try:
        growth = (end / start) ** (1 / years) - 1
    except OverflowError:
        return None
    return growth if math.isfinite(growth) else None


def _limit_adjustment(base: float, limit: float) -> float:
    """C: shrinks the thresholds as the base value nears a natural limit, where improvement gets harder."""
    b, cap = abs(base), abs(limit)
    if cap == 0 or b >= 2 * cap:
        return 1.0
    if b <= cap:
        return 1 - (b / cap) ** LIMIT_EXPONENT
    return 1 - ((2 * cap - b) / cap) ** LIMIT_EXPONENT


def _classify(value: float, limits: Thresholds, *, with_target: bool, adjustment: float = 1.0) -> tuple[str, float]:
    if value >= limits.high:
        status = SUBSTANTIAL
    elif value >= limits.medium:
        status = MODERATE
    elif value >= limits.low:
        status = LIMITED
    else:
        status = DETERIORATION
    if with_target:
        score = min(7.1429 * value - 4.2857, 5.0) if value >= 0.6 else max(4.1667 * value - 2.5, -5.0)
    elif value < limits.low:
        score = max(125 * value - 2.5, -5.0)
    elif value >= limits.high:
        score = min(500 * value / adjustment - 5, 5.0)
    elif value >= limits.medium:
        score = 250 * value / adjustment - 1.25
    else:
        score = 500 * value / adjustment - 2.5
    return status, score
