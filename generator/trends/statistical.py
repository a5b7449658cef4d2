"""The statistical trend: the Mann-Kendall test and Sen's slope, shown beside the progress status.

Pure functions of numbers: no files, no DataFrames, no agenda.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import pymannkendall
from scipy.stats import theilslopes

from generator.trends.method import (
    DECREASING,
    IMPROVING_TREND,
    INCREASING,
    NO_CLEAR_TREND,
    NO_TREND,
    NOT_ENOUGH_DATA,
    STATISTICAL_CONFIDENCE,
    STATISTICAL_MIN_PERIODS,
    WORSENING_TREND,
)


@dataclass(frozen=True)
class StatisticalTrend:
    periods: int  # periods with a value (the test used them all, or there were too few to test)
    s: float | None  # Mann-Kendall S
    variance: float | None  # Var(S), with the ties correction
    z: float | None
    p_value: float | None  # two-sided
    slope_per_year: float | None  # Sen's slope, in the indicator's unit per year, on the periods' real times
    confidence: float  # e.g. 0.95
    trend: str  # INCREASING, DECREASING, NO_TREND or NOT_ENOUGH_DATA

    def verdict(self, direction: str) -> str:
        """The trend read against the desired `direction` ("increase" or "decrease")."""
        desired = _desired_trend(direction)
        if self.trend == NOT_ENOUGH_DATA:
            return NOT_ENOUGH_DATA
        if self.trend == NO_TREND:
            return NO_CLEAR_TREND
        return IMPROVING_TREND if self.trend == desired else WORSENING_TREND


def statistical_trend(
    times: Sequence[float],
    values: Sequence[float | None],
    *,
    confidence: float = STATISTICAL_CONFIDENCE,
    min_periods: int = STATISTICAL_MIN_PERIODS,
) -> StatisticalTrend:
    """The Mann-Kendall trend of one series, with Sen's slope per year.

    `times` are the periods' times in years (a school year counts as its first year, a quarter as a fraction);
    `values` may hold None or NaN for periods without a value, which are left out. The test is two-sided at
    `confidence`; with fewer than `min_periods` values there is no test and the numbers are None.

    S, Var(S), Z and p come from pymannkendall's `original_test`, which uses only the order of the values.
    Sen's slope does not: pymannkendall's assumes the periods are equally spaced, one apart, so a series with
    a missing year (a year with no survey, say) would get a slope per period rather than per year, and too
    steep or too shallow across the gap. The slope is therefore scipy's `theilslopes` on the real times.
    """
    if len(times) != len(values):
        raise ValueError(f"times and values differ in length ({len(times)} and {len(values)})")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    if min_periods < 2:
        raise ValueError(f"min_periods must be at least 2, not {min_periods!r}")
    # Sorted by time only, so that two values at one time keep the order they were given in.
    points = sorted(
        ((float(time), float(value)) for time, value in zip(times, values)
         if value is not None and not math.isnan(float(value))),
        key=lambda point: point[0],
    )
    if len(points) < min_periods:
        return StatisticalTrend(len(points), None, None, None, None, None, confidence, NOT_ENOUGH_DATA)

    ordered_times = [time for time, _ in points]
    ordered_values = [value for _, value in points]
    test = pymannkendall.original_test(ordered_values, alpha=1 - confidence)
    z = float(test.z)
    if test.h and z > 0:
        trend = INCREASING
    elif test.h and z < 0:
        trend = DECREASING
    else:
        trend = NO_TREND
    slope = theilslopes(ordered_values, ordered_times).slope
    return StatisticalTrend(
        periods=len(points),
        s=float(test.s),
        variance=float(test.var_s),
        z=z,
        p_value=float(test.p),
        slope_per_year=float(slope),
        confidence=confidence,
        trend=trend,
    )


def _desired_trend(direction: str) -> str:
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', not {direction!r}")
    return INCREASING if direction == "increase" else DECREASING
