"""The statistical trend: the Mann-Kendall test and Sen's slope, shown beside the progress status.

Pure functions of numbers: no files, no DataFrames, no agenda.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
# The normal distribution's functions as scipy.stats.norm computes them (its cdf is ndtr, its ppf ndtri), without
# importing scipy.stats: that took half a second of every build's start, on one core.
from scipy.special import ndtr, ndtri

from generator.compute.trends.method import (
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


@dataclass(frozen=True, slots=True)
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
    """
    if len(times) != len(values):
        raise ValueError(f"times and values differ in length ({len(times)} and {len(values)})")
    # Sorted by time only, so that two values at one time keep the order they were given in.
    points = sorted(
        ((float(time), float(value)) for time, value in zip(times, values)
         if value is not None and not math.isnan(float(value))),
        key=lambda point: point[0],
    )
    (trend,) = statistical_trends(
        np.array([len(points)]),
        np.array([time for time, _ in points], dtype="float64"),
        np.array([value for _, value in points], dtype="float64"),
        confidence=confidence,
        min_periods=min_periods,
    )
    return trend


def statistical_trends(
    lengths: np.ndarray,
    times: np.ndarray,
    values: np.ndarray,
    *,
    confidence: float = STATISTICAL_CONFIDENCE,
    min_periods: int = STATISTICAL_MIN_PERIODS,
) -> list[StatisticalTrend]:
    """The statistical trend of many series at once, as `statistical_trend` gives it for each.

    `times` and `values` hold the series one after another, `lengths[k]` points for series k, each series in
    time order and every value present. Series of one length are tested together, a bounded number at a time.

    The method is pymannkendall's `original_test` for S, Var(S) (with the ties correction), Z and p, and scipy's
    `theilslopes` for Sen's slope, computed the same way on all of a length's series at once, so the numbers
    are those two give, to the bit (the tests hold them to it). pymannkendall's own slope assumes the periods
    are equally spaced, one apart, so a series with a missing year (a year with no survey, say) would get a
    slope per period rather than per year, and too steep or too shallow across the gap: the slope is on the
    periods' real times. Neither library tests more than one series in a call (scipy's `axis` loops over
    them), and calling them once per series was most of the build's compute time.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    if min_periods < 2:
        raise ValueError(f"min_periods must be at least 2, not {min_periods!r}")
    lengths = np.asarray(lengths, dtype="intp")
    starts = np.cumsum(lengths) - lengths
    # The critical |Z| as pymannkendall computes it from alpha = 1 - confidence.
    critical = ndtri(1 - (1 - confidence) / 2)
    results = [StatisticalTrend(int(length), None, None, None, None, None, confidence, NOT_ENOUGH_DATA)
               for length in lengths.tolist()]
    for length in np.unique(lengths[lengths >= min_periods]).tolist():
        series = np.flatnonzero(lengths == length)
        # Each batch compares every pair of points of its series: a bounded number of pairs at a time.
        batches = -(-len(series) * length * length // _PAIRS_AT_A_TIME)
        for batch in np.array_split(series, batches):
            points = starts[batch, None] + np.arange(length)
            tests = _mann_kendall(values[points])
            slopes = _sens_slopes(times[points], values[points])
            for index, s, variance, z, p_value, slope in zip(batch.tolist(), *tests, slopes.tolist()):
                significant = abs(z) > critical
                trend = INCREASING if significant and z > 0 else DECREASING if significant and z < 0 else NO_TREND
                results[index] = StatisticalTrend(length, s, variance, z, p_value, slope, confidence, trend)
    return results


# Ordered pairs of points (a series of n points has n²) in one batch: the batch's arrays, one entry a pair, then take
# some 30 MB at most, however many series there are. A series has a few dozen periods, so a batch holds hundreds.
_PAIRS_AT_A_TIME = 1 << 20


def _mann_kendall(values: np.ndarray) -> tuple[list[float], list[float], list[float], list[float]]:
    """S, Var(S), Z and the two-sided p of each row of `values`, as pymannkendall's `original_test` has them."""
    length = values.shape[1]
    earlier, later = np.triu_indices(length, 1)
    s = (values[:, later] > values[:, earlier]).sum(axis=1) - (values[:, later] < values[:, earlier]).sum(axis=1)
    # Each tie group of t equal values takes t(t - 1)(2t + 5) from 18 Var(S): (t - 1)(2t + 5) for each value.
    tied = (values[:, :, None] == values[:, None, :]).sum(axis=2)
    ties = ((tied - 1) * (2 * tied + 5)).sum(axis=1)
    variance = (length * (length - 1) * (2 * length + 5) - ties) / 18
    with np.errstate(divide="ignore", invalid="ignore"):  # a series of equal values has S = 0 and Var(S) = 0
        root = np.sqrt(variance)
        z = np.where(s > 0, (s - 1) / root, np.where(s < 0, (s + 1) / root, 0.0))
    p_value = 2 * (1 - ndtr(np.abs(z)))
    return s.astype("float64").tolist(), variance.tolist(), z.tolist(), p_value.tolist()


def _sens_slopes(times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sen's slope of each row, as scipy's `theilslopes(values, times)` has it: the median slope between points."""
    length = values.shape[1]
    earlier, later = np.triu_indices(length, 1)
    run = times[:, later] - times[:, earlier]
    rise = values[:, later] - values[:, earlier]
    spaced = (run > 0).all(axis=1)
    slopes = np.empty(len(values))
    slopes[spaced] = np.median(rise[spaced] / run[spaced], axis=1)
    # Two periods at one time (2010-11 and 2010-20 both start in 2010) give no slope between them, so a series
    # with them has fewer slopes than pairs: one series at a time.
    for row in np.flatnonzero(~spaced).tolist():
        slopes[row] = _sens_slope(times[row], values[row])
    return slopes


def _sens_slope(times: np.ndarray, values: np.ndarray) -> float:
    """Sen's slope of one series as scipy's `theilslopes` computes it: the median of the slopes between each two
    points at different times; NaN when there are none, or a NaN among the points. Written out rather than called:
    importing scipy.stats for it took most of a second of a national build."""
    if np.isnan(times).any() or np.isnan(values).any():
        return math.nan
    run = times[:, None] - times
    later = run > 0
    if not later.any():
        return math.nan
    return float(np.median((values[:, None] - values)[later] / run[later]))


def _desired_trend(direction: str) -> str:
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', not {direction!r}")
    return INCREASING if direction == "increase" else DECREASING
