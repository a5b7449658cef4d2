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


@pytest.mark.parametrize("periods, values, options, progress_value", [
    # As sdg-build publishes them: the observed growth over the growth needed, computed though the target is met.
    (["2015", "2024"], [41, 62.3], dict(direction="increase", target=60, target_period="2025"), 1.226060012),
    (["2015", "2024"], [9, 4], dict(direction="decrease", target=4, target_period="2030"), 1.637255605),
    (["2015", "2020"], [-10, -2], dict(direction="increase", target=-5, target_period="2030"), 6.094555169),
])
def test_a_series_that_met_its_target_still_has_its_progress_value(periods, values, options, progress_value):
    result = assess_progress(periods, values, **options)
    assert (result.status, result.score) == ("target_achieved", 5.0)
    assert result.progress_value == pytest.approx(progress_value, abs=1e-9)
    observed = (values[1] / values[0]) ** (1 / (int(periods[1]) - int(periods[0]))) - 1
    needed = (options["target"] / values[0]) ** (1 / (int(options["target_period"]) - int(periods[0]))) - 1
    sign = -1 if values[0] < 0 else 1
    desired = 1 if options["direction"] == "increase" else -1
    assert result.progress_value == pytest.approx(sign * desired * observed / abs(needed))


def test_a_target_met_before_its_base_period_has_no_progress_value_but_is_met():
    result = assess_progress(["2015", "2024"], [41, 62.3], direction="increase", target=60, target_period="2010")
    assert (result.status, result.progress_value) == ("target_achieved", None)


@pytest.mark.parametrize("periods", [["2019", "2019"], ["2019", "2019-20"], ["2020-Q1", "2020-01"]])
def test_values_that_share_one_period_are_not_available_and_never_an_exception(periods):
    for options in (dict(direction="increase"), dict(direction="decrease", target=1, target_period="2030"),
                    dict(direction="increase", limit=100)):
        result = assess_progress(periods, [9, 4], **options)
        assert (result.status, result.reason) == ("not_available", "every value is for the same period")


def test_growth_too_large_to_measure_is_not_available():
    result = assess_progress(["2020-01", "2020-02"], [1e-300, 1e300], direction="increase")
    assert result.status == "not_available" and "too large" in result.reason


def test_growth_between_months_is_a_growth_per_year():
    result = assess_progress(["2020-01", "2020-07"], [100, 110], direction="increase")
    assert result.growth_observed == pytest.approx(1.1 ** 2 - 1)


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
