"""The progress method, against known answers of the published method and its edge cases."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compute.trends import assess_progress, status_from_score


@pytest.mark.parametrize(
    "periods, values, options, status, progress_value, score",
    [
        # Known answers given with the method (Statistics Canada; Open SDG sdg-build 2.4.0).
        (["2015", "2016"], [10, 30], dict(direction="decrease", target=1, target_period="2030"),
         "deterioration", None, -5.0),
        (["2015", "2016"], [5, 6], dict(direction="increase", target=9, target_period="2030"),
         "substantial_progress", None, 5.0),
        (["2015", "2023"], [14.5, 10.2], dict(direction="decrease", target=7.25, target_period="2030"),
         "substantial_progress", 0.952590179, 2.518556391),
        (["2015", "2021"], [90.0, 93.2], dict(direction="increase", limit=100),
         "substantial_progress", 0.005839995, 2.815386645),
    ],
)
def test_known_answers(periods, values, options, status, progress_value, score):
    result = assess_progress(periods, values, **options)
    assert result.status == status
    if progress_value is not None:
        assert result.progress_value == pytest.approx(progress_value, abs=1e-9)
    assert result.score == pytest.approx(score, abs=1e-9)


def test_without_a_target_growth_sets_the_status():
    assert assess_progress(["2015", "2020"], [100, 110], direction="increase").status == "substantial_progress"
    assert assess_progress(["2015", "2020"], [100, 103], direction="increase").status == "moderate_progress"
    assert assess_progress(["2015", "2020"], [100, 101], direction="increase").status == "limited_progress"
    assert assess_progress(["2015", "2020"], [100, 99], direction="increase").status == "deterioration"
    assert assess_progress(["2015", "2020"], [100, 99], direction="decrease").status == "limited_progress"


def test_target_met_when_latest_is_on_the_good_side():
    result = assess_progress(["2015", "2024"], [41, 62.3], direction="increase", target=60, target_period="2025")
    assert (result.status, result.score) == ("target_achieved", 5.0)
    assert assess_progress(["2015", "2024"], [9, 4], direction="decrease", target=4,
                           target_period="2030").status == "target_achieved"


def test_not_enough_data():
    assert assess_progress(["2024"], [86], direction="increase").status == "not_available"
    assert assess_progress(["2023", "2024"], [None, 86], direction="increase").status == "not_available"
    assert assess_progress([], [], direction="increase").reason == "fewer than two periods with a value"


def test_missing_base_period_uses_the_first_later_value():
    result = assess_progress(["2014", "2015", "2016", "2020"], [1, math.nan, 50, 60], direction="increase",
                             base_period="2015")
    assert (result.base_period, result.base_value) == ("2016", 50.0)


def test_school_years_count_as_their_first_year():
    result = assess_progress(["2015-16", "2019-20"], [50, 60], direction="increase")
    assert result.growth_observed == pytest.approx((60 / 50) ** (1 / 4) - 1)


def test_zero_and_negative_values():
    zero = assess_progress(["2015", "2020"], [0, 5], direction="increase")
    assert zero.status == "substantial_progress"
    negative = assess_progress(["2015", "2020"], [-10, -5], direction="increase")
    # From −10 to −5 is an increase: with a negative base the growth's sign is reversed.
    assert negative.progress_value > 0
    assert assess_progress(["2015", "2020"], [-1, 1], direction="increase").status == "not_available"
    # Found in the UK's data: 0.0 in 2014-15 to −0.149 in 2020-21 once raised TypeError (a complex growth rate).
    assert assess_progress(["2014-15", "2020-21"], [0.0, -0.149], direction="increase").status == "not_available"


def test_limit_at_the_base_value_counts_any_progress_as_substantial():
    result = assess_progress(["2015", "2020"], [100, 100], direction="increase", limit=100)
    assert (result.status, result.score, result.limit_adjustment) == ("substantial_progress", 5.0, 0.0)


def test_scores_map_back_to_statuses():
    assert [status_from_score(score) for score in (5, 2.5, 0, -0.1, -2.6)] == [
        "substantial_progress", "substantial_progress", "moderate_progress", "limited_progress", "deterioration"]


positive = st.floats(min_value=0.5, max_value=1000, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(base=positive, latest=positive, target=positive, factor=st.floats(min_value=0.01, max_value=100))
def test_status_does_not_depend_on_the_scale_of_the_values(base, latest, target, factor):
    options = dict(direction="increase", target=target, target_period="2030")
    plain = assess_progress(["2015", "2022"], [base, latest], **options)
    scaled = assess_progress(["2015", "2022"], [base * factor, latest * factor], direction="increase",
                             target=target * factor, target_period="2030")
    if plain.progress_value is not None and scaled.progress_value is not None:
        assert scaled.progress_value == pytest.approx(plain.progress_value, rel=1e-6, abs=1e-9)
        thresholds = (0.0, 0.6, 0.95)
        if all(abs(plain.progress_value - edge) > 1e-6 for edge in thresholds):
            assert scaled.status == plain.status
    else:
        assert scaled.status == plain.status


@settings(max_examples=200, deadline=None)
@given(base=positive, latest=positive)
def test_without_target_flipping_the_direction_negates_the_progress_value(base, latest):
    up = assess_progress(["2015", "2022"], [base, latest], direction="increase")
    down = assess_progress(["2015", "2022"], [base, latest], direction="decrease")
    assert down.progress_value == pytest.approx(-up.progress_value)


@settings(max_examples=200, deadline=None)
@given(base=positive, latest=positive, limit=positive, factor=st.floats(min_value=0.01, max_value=100))
def test_without_target_status_does_not_depend_on_scale_when_the_limit_scales_alike(base, latest, limit, factor):
    plain = assess_progress(["2015", "2022"], [base, latest], direction="increase", limit=limit)
    scaled = assess_progress(["2015", "2022"], [base * factor, latest * factor], direction="increase",
                             limit=limit * factor)
    assert scaled.progress_value == pytest.approx(plain.progress_value, rel=1e-6, abs=1e-12)
    assert scaled.limit_adjustment == pytest.approx(plain.limit_adjustment, rel=1e-6, abs=1e-9)
    edges = [edge * plain.limit_adjustment for edge in (0.0, 0.005, 0.015)]
    if all(abs(plain.progress_value - edge) > 1e-9 for edge in edges):
        assert scaled.status == plain.status
