"""The statistical trend (Mann-Kendall and Sen's slope), against a known answer and its edge cases."""

from __future__ import annotations

import math

import numpy as np
import pymannkendall
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import theilslopes

from generator.compute.trends import statistical

from generator.compute.trends.method import (
    DECREASING,
    IMPROVING_TREND,
    INCREASING,
    NO_CLEAR_TREND,
    NO_TREND,
    NOT_ENOUGH_DATA,
    WORSENING_TREND,
)
from generator.compute.trends.statistical import statistical_trend, statistical_trends

# The worked example of EPA QA/G-9S (2006), section 3.3.2.1: eleven annual values.
EPA_YEARS = list(range(2000, 2011))
EPA_VALUES = [10, 10, 10, 5, 10, 20, 18, 17, 15, 24, 15]


def test_known_answer_at_95_percent():
    result = statistical_trend(EPA_YEARS, EPA_VALUES)
    assert result.periods == 11
    assert result.s == 22
    assert round(result.variance, 2) == 155.33
    assert round(result.z, 3) == 1.685
    assert result.p_value == pytest.approx(0.092, abs=5e-4)
    assert result.confidence == 0.95
    assert (result.trend, result.verdict("increase")) == (NO_TREND, NO_CLEAR_TREND)


def test_known_answer_at_90_percent_is_significant():
    result = statistical_trend(EPA_YEARS, EPA_VALUES, confidence=0.90)
    assert result.p_value < 0.10
    assert (result.trend, result.verdict("increase"), result.verdict("decrease")) == (
        INCREASING, IMPROVING_TREND, WORSENING_TREND)


@pytest.mark.parametrize(
    "times, values, trend, slope, improving_when",
    [
        # Steadily up, steadily down, flat: significant both ways, and nothing at all.
        (range(2010, 2020), [float(v) for v in range(10)], INCREASING, 1.0, "increase"),
        (range(2010, 2020), [20 - 2.0 * v for v in range(10)], DECREASING, -2.0, "decrease"),
        (range(2010, 2020), [7.0] * 10, NO_TREND, 0.0, None),
    ],
)
def test_trend_and_verdict(times, values, trend, slope, improving_when):
    result = statistical_trend(list(times), values)
    assert result.trend == trend
    assert result.slope_per_year == pytest.approx(slope)
    for direction in ("increase", "decrease"):
        expected = NO_CLEAR_TREND if improving_when is None else (
            IMPROVING_TREND if direction == improving_when else WORSENING_TREND)
        assert result.verdict(direction) == expected


@pytest.mark.parametrize(
    "times, values, min_periods",
    [
        ([2015, 2016, 2017, 2018], [1, 2, 3, 4], 5),
        ([2015, 2016, 2017, 2018, 2019], [1, None, 3, math.nan, 5], 5),  # five periods, three values
        ([2015, 2016, 2017, 2018, 2019, 2020], [1, 2, 3, 4, 5, 6], 7),
        ([], [], 5),
    ],
)
def test_too_few_periods_with_a_value(times, values, min_periods):
    result = statistical_trend(times, values, min_periods=min_periods)
    assert result.trend == NOT_ENOUGH_DATA
    assert result.periods == sum(value is not None and not math.isnan(value) for value in values)
    assert (result.s, result.variance, result.z, result.p_value, result.slope_per_year) == (None,) * 5
    assert result.verdict("increase") == result.verdict("decrease") == NOT_ENOUGH_DATA


def test_exactly_the_minimum_is_enough():
    assert statistical_trend([2015, 2016, 2017, 2018, 2019], [1, 2, 3, 4, 5]).trend != NOT_ENOUGH_DATA


def test_missing_values_are_left_out():
    with_gaps = statistical_trend(
        [2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010, 2011, 2012],
        [None] + EPA_VALUES[:5] + [math.nan] + EPA_VALUES[5:],
    )
    without = statistical_trend([2001, 2002, 2003, 2004, 2005] + list(range(2007, 2013)), EPA_VALUES)
    assert with_gaps == without
    assert with_gaps.periods == 11


def test_values_are_taken_in_time_order():
    shuffled = [3, 0, 10, 5, 7, 1, 9, 2, 8, 4, 6]
    result = statistical_trend([EPA_YEARS[i] for i in shuffled], [EPA_VALUES[i] for i in shuffled])
    assert result == statistical_trend(EPA_YEARS, EPA_VALUES)


def test_sens_slope_uses_the_real_times_across_a_gap():
    # One unit a year, with no survey in 2013, 2014 and 2015.
    times, values = [2010, 2011, 2012, 2016, 2017], [0.0, 1.0, 2.0, 6.0, 7.0]
    result = statistical_trend(times, values)
    assert result.slope_per_year == pytest.approx(1.0)
    # Counting the periods as equally spaced, as pymannkendall's slope does, would say 1.875 a year.
    assert pymannkendall.original_test(values).slope == pytest.approx(1.875)


def test_slope_is_per_year_for_quarters():
    times = [2020 + quarter / 4 for quarter in range(8)]
    result = statistical_trend(times, [10.0 + quarter for quarter in range(8)])
    assert result.slope_per_year == pytest.approx(4.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: statistical_trend([2015, 2016], [1.0]),
        lambda: statistical_trend(EPA_YEARS, EPA_VALUES, confidence=95),
        lambda: statistical_trend(EPA_YEARS, EPA_VALUES, confidence=0),
        lambda: statistical_trend(EPA_YEARS, EPA_VALUES, min_periods=1),
        lambda: statistical_trend(EPA_YEARS, EPA_VALUES).verdict("up"),
        lambda: statistical_trend([2015], [1.0]).verdict("higher"),
    ],
)
def test_bad_arguments_are_refused(call):
    with pytest.raises(ValueError):
        call()


@st.composite
def series_values(draw):
    """A straight line plus noise, some values missing: rising, falling and flat series all come up."""
    length = draw(st.integers(min_value=0, max_value=15))
    slope = draw(st.sampled_from([-5.0, -1.0, -0.2, 0.0, 0.2, 1.0, 5.0]))
    start = draw(st.floats(min_value=-1000, max_value=1000))
    noise = draw(st.lists(st.floats(min_value=-3, max_value=3), min_size=length, max_size=length))
    # One value in three left out, as None or as NaN.
    kept = draw(st.lists(st.sampled_from(["value", "value", "value", "value", None, math.nan]),
                         min_size=length, max_size=length))
    return [start + slope * i + noise[i] if keep == "value" else keep for i, keep in enumerate(kept)]


values_strategy = series_values()
confidence_strategy = st.sampled_from([0.80, 0.90, 0.95, 0.99])
FLIPPED = {IMPROVING_TREND: WORSENING_TREND, WORSENING_TREND: IMPROVING_TREND,
           NO_CLEAR_TREND: NO_CLEAR_TREND, NOT_ENOUGH_DATA: NOT_ENOUGH_DATA}


@settings(max_examples=100, deadline=None)
@given(values=values_strategy, confidence=confidence_strategy)
def test_flipping_the_desired_direction_flips_the_verdict(values, confidence):
    result = statistical_trend(list(range(2000, 2000 + len(values))), values, confidence=confidence)
    up, down = result.verdict("increase"), result.verdict("decrease")
    assert down == FLIPPED[up]
    if result.trend == NO_TREND:
        assert up == NO_CLEAR_TREND
    if result.trend == NOT_ENOUGH_DATA:
        assert up == NOT_ENOUGH_DATA


@settings(max_examples=100, deadline=None)
@given(values=values_strategy, confidence=confidence_strategy)
def test_negating_the_values_mirrors_the_trend(values, confidence):
    times = list(range(2000, 2000 + len(values)))
    plain = statistical_trend(times, values, confidence=confidence)
    negated = statistical_trend(times, [None if v is None else -v for v in values], confidence=confidence)
    assert negated.verdict("decrease") == plain.verdict("increase")
    if plain.s is not None:
        assert (negated.s, negated.p_value) == (-plain.s, pytest.approx(plain.p_value))
        assert negated.slope_per_year == pytest.approx(-plain.slope_per_year, abs=1e-9)


@st.composite
def tied_series(draw):
    """Times in order, some repeated (2010-11 and 2010-20 both start in 2010), and values with many ties."""
    length = draw(st.integers(min_value=0, max_value=40))
    steps = draw(st.lists(st.sampled_from([0.0, 0.25, 1.0, 1.0, 1.0, 3.0]), min_size=length, max_size=length))
    times = [2000 + sum(steps[:i + 1]) for i in range(length)]
    values = draw(st.lists(st.one_of(st.sampled_from([0.0, -0.0, 1.5, 2.0, 2.0, 7.25]),
                                     st.floats(min_value=-1e6, max_value=1e6)), min_size=length, max_size=length))
    return times, values


# scipy warns of a series whose times are all one (no slope: NaN) and of its confidence interval, which is not used.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=300, deadline=None)
@given(series=tied_series(), confidence=confidence_strategy)
@example(series=(EPA_YEARS, [float(v) for v in EPA_VALUES]), confidence=0.95)
@example(series=([2000.0 + i for i in range(6)], [3.0] * 6), confidence=0.95)  # S = 0 and Var(S) = 0
def test_the_numbers_are_pymannkendalls_and_scipys_to_the_bit(series, confidence):
    """The method is pymannkendall's original test and scipy's Theil-Sen slope: computed for many series at once,
    the numbers must be exactly theirs, ties and repeated times included."""
    times, values = series
    result = statistical_trend(times, values, confidence=confidence)
    if len(values) < 5:
        assert result.s is None
        return
    test = pymannkendall.original_test(values, alpha=1 - confidence)
    assert (result.s, result.variance, result.z, result.p_value) == (
        float(test.s), float(test.var_s), float(test.z), float(test.p))
    assert result.trend == {"increasing": INCREASING, "decreasing": DECREASING, "no trend": NO_TREND}[test.trend]
    if len(set(times)) > 1:
        assert result.slope_per_year == float(theilslopes(values, times).slope)


def test_many_series_at_once_are_each_series_alone(monkeypatch):
    """Series of several lengths, in batches small enough that a length's series are split across several."""
    monkeypatch.setattr(statistical, "_PAIRS_AT_A_TIME", 300)
    rng = np.random.default_rng(7)
    lengths = np.array([0, 7, 3, 5, 12, 7, 7, 5, 1, 12, 7, 30])
    times = np.concatenate([2000 + np.cumsum(rng.choice([0.0, 1.0, 1.0, 2.0], size=n)) for n in lengths])
    values = np.round(rng.normal(size=lengths.sum()), 1)  # rounded, so that some values tie
    together = statistical_trends(lengths, times, values)
    starts = np.cumsum(lengths) - lengths
    alone = [statistical_trend(times[start:start + n].tolist(), values[start:start + n].tolist())
             for start, n in zip(starts, lengths)]
    assert together == alone
    assert [trend.periods for trend in together] == lengths.tolist()
