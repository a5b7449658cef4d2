"""Trends per series and per indicator, from a small observations table made here."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from generator.load.agenda import read_agenda
from generator.compute.observations import dimensions_by_indicator
from generator.compute.periods import parse_period
from generator.compute.trends import compute_trends, scoreboard
from generator.compute.trends.grouping import group_series
from generator.compute.trends.progress import assess_progress

AREA = "cedar-river-county"


@pytest.fixture(scope="module")
def agenda(repo):
    return read_agenda(repo / "datapackages" / "common-agenda")


def with_indicator(agenda, **changes):
    """The example agenda with kindergarten-readiness changed."""
    indicators = tuple(dataclasses.replace(indicator, **changes) if indicator.id == "kindergarten-readiness"
                       else indicator for indicator in agenda.indicators)
    return dataclasses.replace(agenda, indicators=indicators)


def observations(series: dict[tuple[str, str], dict[str, float]], statuses=None) -> pd.DataFrame:
    """series: (dimension, group) or ("", "") for the total → {period: value}."""
    rows = []
    for (dimension, group), values in series.items():
        for period, value in values.items():
            row = {"partner": "early-years-coalition", "indicator": "kindergarten-readiness", "period": period,
                   "geography": AREA, "race_ethnicity": "", "sex": "", "income": "", "unit": "percent",
                   "value": value, "lower_bound": None, "upper_bound": None, "numerator": None, "denominator": None,
                   "status": (statuses or {}).get((group, period), ""), "note": "", "time": parse_period(period).time}
            if dimension:
                row[dimension] = group
            rows.append(row)
    return pd.DataFrame(rows)


TOTAL = ("", "")
LOW, NOT_LOW = ("income", "Low income"), ("income", "Not low income")


def test_by_default_the_headline_decides(agenda):
    table = observations({TOTAL: {"2015-16": 50, "2020-21": 60}, LOW: {"2015-16": 40, "2020-21": 39}})
    trends = compute_trends(table, with_indicator(agenda, target_value=None, target_period=None,
                                                  progress_series=("total",)))
    summary = trends.indicators["kindergarten-readiness"]
    assert summary.status == summary.headline.status == "substantial_progress"
    assert [part.label for part in summary.counted] == ["Total"]


def test_counted_breakdowns_are_averaged_first_and_count_once(agenda):
    table = observations({
        TOTAL: {"2015-16": 100, "2016-17": 101},  # +1 % a year, between medium and high: 250 × 0.01 − 1.25
        LOW: {"2015-16": 100, "2016-17": 97},  # −3 % a year: 125 × −0.03 − 2.5 = −6.25, capped at −5
        NOT_LOW: {"2015-16": 100, "2016-17": 100},  # 0 %: score −2.5
    })
    trends = compute_trends(table, with_indicator(agenda, target_value=None, target_period=None,
                                                  progress_series=("total", "income")))
    summary = trends.indicators["kindergarten-readiness"]
    assert [part.label for part in summary.counted] == ["Total", "Family income"]
    assert summary.counted[0].score == pytest.approx(1.25)
    assert summary.counted[1].score == pytest.approx((-5 + -2.5) / 2)
    assert summary.score == pytest.approx((1.25 + -3.75) / 2)
    assert summary.status == "limited_progress"


def test_target_met_only_when_every_counted_series_met_it(agenda):
    table = observations({TOTAL: {"2015-16": 60, "2020-21": 76}, LOW: {"2015-16": 50, "2020-21": 70},
                          NOT_LOW: {"2015-16": 70, "2020-21": 80}})
    both = compute_trends(table, with_indicator(agenda, progress_series=("total", "income")))
    assert both.indicators["kindergarten-readiness"].status != "target_achieved"
    headline_only = compute_trends(table, with_indicator(agenda, progress_series=("total",)))
    assert headline_only.indicators["kindergarten-readiness"].status == "target_achieved"


def test_the_agendas_thresholds_override_the_published_ones(agenda):
    table = observations({TOTAL: {"2015-16": 50, "2024-25": 60}})
    headline_only = with_indicator(agenda, progress_series=("total",))
    published = compute_trends(table, headline_only).indicators["kindergarten-readiness"]
    strict = compute_trends(table, dataclasses.replace(headline_only, indicators=tuple(
        dataclasses.replace(indicator, progress_thresholds=(5.0, 3.0, 2.0)) if indicator.id == "kindergarten-readiness"
        else indicator for indicator in headline_only.indicators)))
    assert published.status == "moderate_progress"
    assert strict.indicators["kindergarten-readiness"].status == "deterioration"
    assert strict.indicators["kindergarten-readiness"].thresholds.high == 5.0


def test_a_break_in_series_moves_the_base_and_the_statistical_trend(agenda):
    values = {"2014-15": 48, "2015-16": 49, "2016-17": 50, "2017-18": 51, "2018-19": 52,
              "2019-20": 40, "2020-21": 41, "2021-22": 42, "2022-23": 43, "2023-24": 44}
    table = observations({TOTAL: values}, statuses={("", "2019-20"): "break_in_series"})
    headline = compute_trends(table, agenda).indicators["kindergarten-readiness"].headline
    assert (headline.break_period, headline.progress.base_period) == ("2019-20", "2019-20")
    assert headline.statistical.periods == 5
    assert headline.statistical.verdict("increase") == "improving"


def test_equity_gaps_use_the_agendas_reference_group(agenda):
    table = observations({TOTAL: {"2015-16": 70, "2020-21": 75}, LOW: {"2015-16": 60, "2020-21": 68},
                          NOT_LOW: {"2015-16": 80, "2020-21": 82}})
    gaps = compute_trends(table, agenda).indicators["kindergarten-readiness"].gaps["income"]
    assert (gaps.reference, gaps.reference_declared) == ("Not low income", True)
    (low,) = gaps.gaps
    assert (low.base_difference, low.latest_difference, low.movement) == (20, 14, "closing")


def test_scoreboard_counts_every_status_with_the_denominator(agenda):
    table = observations({TOTAL: {"2015-16": 50, "2024-25": 60}})
    board = scoreboard(compute_trends(table, agenda), [indicator.id for indicator in agenda.indicators])
    assert board.total == 16 and board.not_enough_data == 15 and board.improving == 1
    assert board.sentence == "1 of 16 indicators improving or at target; 15 without enough data to say."


def test_an_indicator_counting_no_series_is_not_assessed_and_counted_apart(agenda):
    """progress_series "none": the values and statistics are there, the verdict is not (as Open SDG without settings)."""
    table = observations({TOTAL: {"2015-16": 50, "2020-21": 60}})
    changed = with_indicator(agenda, progress_series=())
    trends = compute_trends(table, changed)
    summary = trends.indicators["kindergarten-readiness"]
    assert (summary.status, summary.words, summary.score) == ("not_assessed", "Not assessed", None)
    assert summary.headline.progress.growth_observed is not None  # the series is still measured
    board = scoreboard(trends, [indicator.id for indicator in changed.indicators])
    assert board.not_assessed == 1 and board.columns[-1] == "not_assessed"
    assert board.sentence == ("0 of 16 indicators improving or at target; 15 without enough data to say; "
                              "1 without a progress assessment.")
    assert "not_assessed" not in scoreboard(compute_trends(table, agenda), ["kindergarten-readiness"]).columns


@pytest.mark.parametrize("as_categories", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_series_are_those_pandas_grouping_gives(seed, as_categories):
    """The table is cut into series once, with numpy: the series, their order and their rows' order must be
    those of grouping by indicator and then by geography and the indicator's dimensions, in time order."""
    rng = np.random.default_rng(seed)
    count = 400
    table = pd.DataFrame({
        "indicator": rng.choice(["b-indicator", "a-indicator", "c-indicator"], count),
        "geography": rng.choice(["north", "south", AREA, None], count, p=[0.3, 0.3, 0.35, 0.05]),
        "sex": rng.choice(["", "", "Female", "Male"], count),
        "income": rng.choice(["", "", "", "Low income", None], count, p=[0.3, 0.3, 0.3, 0.07, 0.03]),
        "time": rng.choice([2015.0, 2016.0, 2017.0, 2018.0], count),
    })
    table.loc[table["indicator"] == "c-indicator", "income"] = ""  # a dimension the indicator does not use
    table["period"] = table["time"].astype(int).astype(str)
    table["value"] = np.where(rng.random(count) < 0.1, np.nan, rng.normal(size=count))
    table["status"] = rng.choice(["", "estimated"], count)
    if as_categories:
        for name in ("indicator", "geography", "sex", "income", "period", "status"):
            table[name] = table[name].astype("category")
    used = dimensions_by_indicator(table, ("sex", "income"))
    rows = group_series(table, used)

    expected = []
    for indicator, part in table.groupby("indicator", sort=True, observed=True):
        keys = ["geography", *used[indicator]]
        for key, series in part.groupby(keys, sort=True, observed=True):
            groups = tuple((dimension, group) for dimension, group in zip(used[indicator], key[1:]) if group)
            ordered = series.sort_values("time", kind="stable")
            expected.append((indicator, key[0], groups, ordered["period"].tolist(), ordered["value"].tolist()))
    got = [(rows.indicator[number], rows.geography[number], rows.groups[number],
            rows.period[start:end].tolist(), rows.value[start:end].tolist())
           for number, (start, end) in enumerate(zip(rows.starts, rows.ends))]
    assert repr(got) == repr(expected)  # repr: NaN values compare equal


@pytest.mark.parametrize("values", [
    {"2015": 50, "2016": 52, "2019": 58, "2020": 61},  # one point after another
    {"2015-16": 50, "2015": 49, "2020": 61, "2020-21": 60},  # two periods start in 2015 and two in 2020
])
def test_each_series_progress_is_the_method_applied_to_its_own_values(agenda, values):
    changed = with_indicator(agenda, target_value=None, target_period=None, baseline_period="2015",
                             progress_series=("total",))
    indicator = changed.indicators_by_id["kindergarten-readiness"]
    [trend] = compute_trends(observations({TOTAL: values}), changed).series
    assert trend.progress == assess_progress(list(values), list(values.values()), direction=indicator.direction,
                                             base_period="2015")
    assert trend.progress.base_value is not None and trend.progress.latest_value is not None


def test_a_series_with_no_value_at_all_has_no_progress_wherever_it_falls_in_the_table(agenda):
    # Every value of the last series suppressed: its base and latest points are past the end of the points with a
    # value, which the series before it used up.
    table = observations({TOTAL: {"2015-16": 50, "2020-21": 60}, NOT_LOW: {"2015-16": None, "2020-21": None}})
    trends = compute_trends(table, with_indicator(agenda, progress_series=("total",)))
    [blank] = [trend for trend in trends.series if trend.groups]
    assert (blank.status, blank.periods_with_value, blank.last_value) == ("not_available", 0, None)
    assert blank.progress.reason == "fewer than two periods with a value"
    only_blank = observations({NOT_LOW: {"2015-16": None, "2020-21": None}})
    assert compute_trends(only_blank, agenda).series[0].status == "not_available"
