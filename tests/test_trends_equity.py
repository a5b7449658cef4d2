"""Equity gaps: each group against a reference group, from the base period to the latest."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.compute.periods import parse_period
from generator.compute.trends.equity import equity_gaps
from generator.compute.trends.method import CLOSING, LITTLE_CHANGED, NOT_ENOUGH_DATA, WIDENING

NAN = math.nan


def table(values: dict[str, dict[str, float | None]]) -> pandas.DataFrame:
    """Rows as the caller passes them, from {group: {period: value}}; None and NaN stand for suppressed."""
    return pandas.DataFrame(
        [
            dict(group=group, period=period, time=parse_period(period).time,
                 value=NAN if value is None else float(value))
            for group, series in values.items()
            for period, value in series.items()
        ],
        columns=["group", "period", "time", "value"],
    )


def only_gap(values, **options):
    options.setdefault("groups", list(values))
    result = equity_gaps(table(values), **options)
    (gap,) = result.gaps
    return gap


def test_known_answer_closing():
    gap = only_gap({"A": {"2015": 80, "2020": 82}, "B": {"2015": 60, "2020": 68}}, direction="increase")
    assert (gap.group, gap.reference, gap.base_period, gap.latest_period) == ("B", "A", "2015", "2020")
    assert (gap.base_value, gap.latest_value) == (60, 68)
    assert (gap.reference_base_value, gap.reference_latest_value) == (80, 82)
    assert (gap.base_difference, gap.latest_difference, gap.difference_change) == (20, 14, -6)
    assert gap.relative_change == pytest.approx(-0.30)
    assert (round(gap.base_ratio, 3), round(gap.latest_ratio, 3)) == (0.750, 0.829)
    assert (gap.movement, gap.levelling_down) == (CLOSING, False)


def test_known_answer_levelling_down():
    gap = only_gap({"A": {"2015": 80, "2020": 74}, "B": {"2015": 60, "2020": 66}}, direction="increase")
    assert (gap.base_difference, gap.latest_difference) == (20, 8)
    assert (gap.movement, gap.levelling_down) == (CLOSING, True)


@pytest.mark.parametrize(
    "reference_values, group_values, differences, ratios, movement, levelling_down",
    [
        # Lower is better: the best-off group has the lowest value, and the difference is group − reference.
        ((5, 4), (9, 6), (4, 2), (1.8, 1.5), CLOSING, False),
        ((5, 7), (9, 8), (4, 1), (1.8, 8 / 7), CLOSING, True),  # closed because the reference rose
        ((5, 4), (9, 10), (4, 6), (1.8, 2.5), WIDENING, False),
        ((5, 5), (9, 8.8), (4, 3.8), (1.8, 1.76), LITTLE_CHANGED, False),
    ],
)
def test_lower_is_better(reference_values, group_values, differences, ratios, movement, levelling_down):
    gap = only_gap({"A": dict(zip(["2015", "2020"], reference_values)),
                    "B": dict(zip(["2015", "2020"], group_values))}, direction="decrease")
    assert gap.reference == "A"
    assert (gap.base_difference, gap.latest_difference) == pytest.approx(differences)
    assert (gap.base_ratio, gap.latest_ratio) == pytest.approx(ratios)
    assert (gap.movement, gap.levelling_down) == (movement, levelling_down)


@pytest.mark.parametrize(
    "reference_values, group_values, little_change, movement, levelling_down",
    [
        ((80, 85), (60, 58), 0.10, WIDENING, False),  # 20 → 27
        ((80, 75), (60, 50), 0.10, WIDENING, False),  # 20 → 25: both worse, the gap too
        ((80, 80), (60, 61), 0.10, LITTLE_CHANGED, False),  # 20 → 19: less than a tenth of 20
        ((80, 80), (60, 59), 0.10, LITTLE_CHANGED, False),  # 20 → 21
        ((80, 80), (60, 63), 0.10, CLOSING, False),  # 20 → 17
        ((80, 75), (60, 74), 0.10, CLOSING, True),  # 20 → 1, with the reference 5 points worse
        ((8, 8), (0, 2), 0.25, CLOSING, False),  # 8 → 6: a change of exactly a quarter is not little
        ((8, 8), (0, 1.5), 0.25, LITTLE_CHANGED, False),  # 8 → 6.5
        ((80, 80), (60, 30), 0.10, WIDENING, False),  # 20 → 50
        ((80, 80), (60, 85), 0.10, CLOSING, False),  # 20 → −5: the group overtook, and the gap is smaller
        ((80, 80), (60, 110), 0.10, WIDENING, False),  # 20 → −30: overtook by more than it was behind
        ((70, 70), (70, 70), 0.10, LITTLE_CHANGED, False),  # no gap, and still none
        ((70, 70), (70, 67), 0.10, WIDENING, False),  # no gap, then one
        # Decimals whose differences are inexact in binary: 22.1 − 19.4 is 2.700000000000003.
        ((22.1, 22.1), (19.1, 19.4), 0.10, CLOSING, False),  # 3.0 → 2.7: exactly a tenth is not little
        ((20.0, 20.0), (12.1, 27.9), 0.10, WIDENING, False),  # 7.9 → −7.9: reversed, the same size
    ],
)
def test_movement(reference_values, group_values, little_change, movement, levelling_down):
    gap = only_gap({"A": dict(zip(["2015", "2020"], reference_values)),
                    "B": dict(zip(["2015", "2020"], group_values))},
                   direction="increase", reference="A", little_change=little_change)
    assert (gap.movement, gap.levelling_down) == (movement, levelling_down)
    assert gap.difference_change == gap.latest_difference - gap.base_difference


def test_relative_change_is_none_without_a_gap_at_the_base():
    gap = only_gap({"A": {"2015": 70, "2020": 70}, "B": {"2015": 70, "2020": 67}}, direction="increase")
    assert (gap.base_difference, gap.difference_change, gap.relative_change) == (0, 3, None)


def test_ratio_is_none_when_the_reference_value_is_zero():
    gap = only_gap({"A": {"2015": 0, "2020": 2}, "B": {"2015": 3, "2020": 5}}, direction="decrease")
    assert (gap.base_ratio, gap.latest_ratio) == (None, 2.5)


def test_declared_reference_is_used_even_when_not_best_off():
    values = {"A": {"2015": 80, "2020": 82}, "B": {"2015": 60, "2020": 68}, "C": {"2015": 70, "2020": 70}}
    result = equity_gaps(table(values), direction="increase", groups=["A", "B", "C"], reference="C")
    assert (result.reference, result.reference_declared) == ("C", True)
    assert [gap.group for gap in result.gaps] == ["A", "B"]
    # A is better off than the reference: its difference is negative.
    assert [gap.base_difference for gap in result.gaps] == [-10, 10]


@pytest.mark.parametrize(
    "reference, groups",
    [
        ("Z", ["A", "B"]),  # not in the rows at all
        ("C", ["A", "B", "C"]),  # in the rows, but every value suppressed
        (None, ["A", "B"]),
    ],
)
def test_without_a_usable_declared_reference_the_best_off_group_is_the_reference(reference, groups):
    values = {"A": {"2015": 80, "2020": 82}, "B": {"2015": 60, "2020": 68}, "C": {"2015": None, "2020": None}}
    result = equity_gaps(table(values), direction="increase", groups=groups, reference=reference)
    assert (result.reference, result.reference_declared) == ("A", False)
    assert [gap.group for gap in result.gaps] == [group for group in groups if group != "A"]
    assert all(gap.movement == NOT_ENOUGH_DATA for gap in result.gaps if gap.group == "C")


def test_best_off_is_chosen_in_the_latest_period_most_groups_share():
    # In 2021 only B has been published; in 2020 all three have, and C was best off then.
    values = {"A": {"2019": 70, "2020": 71, "2021": None},
              "B": {"2019": 60, "2020": 62, "2021": 90},
              "C": {"2019": 75, "2020": 73, "2021": None}}
    assert equity_gaps(table(values), direction="increase", groups=["A", "B", "C"]).reference == "C"
    assert equity_gaps(table(values), direction="decrease", groups=["A", "B", "C"]).reference == "B"


@pytest.mark.parametrize("groups, reference", [(["A", "B", "C"], "A"), (["B", "A", "C"], "B")])
def test_best_off_ties_go_to_the_group_named_first(groups, reference):
    values = {"A": {"2015": 80, "2020": 82}, "B": {"2015": 79, "2020": 82}, "C": {"2015": 60, "2020": 68}}
    result = equity_gaps(table(values), direction="increase", groups=groups)
    assert result.reference == reference
    assert [gap.group for gap in result.gaps] == [group for group in groups if group != reference]


def test_groups_are_reported_in_the_given_order_and_absent_ones_skipped():
    values = {"A": {"2015": 80, "2020": 82}, "B": {"2015": 60, "2020": 68}, "C": {"2015": 70, "2020": 71},
              "D": {"2015": 1, "2020": 1}}
    result = equity_gaps(table(values), direction="increase", groups=["C", "X", "A", "B"])
    assert result.reference == "A"
    assert [gap.group for gap in result.gaps] == ["C", "B"]  # X has no rows; D was not asked for


@pytest.mark.parametrize(
    "base_period, group_values, base, latest",
    [
        (None, {"2014": 50, "2015": 60, "2016": 62, "2020": 68}, "2014", "2020"),
        ("2015", {"2014": 50, "2015": 60, "2016": 62, "2020": 68}, "2015", "2020"),
        # The group's 2015 value is suppressed: the base moves to the next period both have a value for.
        ("2015", {"2014": 50, "2015": None, "2016": 62, "2020": 68}, "2016", "2020"),
        # A base period in no row at all (mid-2015): the first common period after its time.
        ("2015-Q3", {"2014": 50, "2015": 60, "2016": 62, "2020": 68}, "2016", "2020"),
        # The latest value suppressed: the latest common period is the one before.
        ("2015", {"2014": 50, "2015": 60, "2016": 62, "2020": None}, "2015", "2016"),
    ],
)
def test_base_and_latest_are_periods_both_groups_have(base_period, group_values, base, latest):
    values = {"A": {"2014": 79, "2015": 80, "2016": 81, "2020": 82}, "B": group_values}
    gap = only_gap(values, direction="increase", base_period=base_period)
    assert (gap.base_period, gap.latest_period) == (base, latest)
    assert gap.base_value == group_values[base]
    assert gap.reference_base_value == values["A"][base]


def test_reference_suppressed_in_the_base_period_moves_the_base_too():
    values = {"A": {"2015": None, "2016": 81, "2020": 82}, "B": {"2015": 60, "2016": 62, "2020": 68}}
    gap = only_gap(values, direction="increase", reference="A", base_period="2015")
    assert (gap.base_period, gap.base_difference, gap.latest_difference) == ("2016", 19, 14)


def test_one_common_period_gives_the_gap_now_but_no_movement():
    values = {"A": {"2015": 80, "2020": 82}, "B": {"2015": None, "2020": 68}}
    gap = only_gap(values, direction="increase")
    assert gap.movement == NOT_ENOUGH_DATA
    assert (gap.latest_period, gap.latest_value, gap.reference_latest_value) == ("2020", 68, 82)
    assert (gap.latest_difference, gap.latest_ratio) == (14, pytest.approx(68 / 82))
    assert (gap.base_period, gap.base_value, gap.base_difference, gap.difference_change,
            gap.relative_change, gap.base_ratio, gap.levelling_down) == (None, None, None, None, None, None, False)


def test_no_common_period_leaves_everything_unknown():
    values = {"A": {"2015": 80, "2020": None}, "B": {"2015": None, "2020": 68}}
    gap = only_gap(values, direction="increase", reference="A")
    assert gap.movement == NOT_ENOUGH_DATA
    assert (gap.latest_period, gap.latest_value, gap.latest_difference) == (None, None, None)


def test_common_periods_before_the_base_period_are_not_used():
    values = {"A": {"2014": 79, "2015": 80, "2020": None}, "B": {"2014": 50, "2015": 60, "2020": 68}}
    gap = only_gap(values, direction="increase", base_period="2016")
    assert (gap.movement, gap.latest_period) == (NOT_ENOUGH_DATA, None)


def test_school_years_are_ordered_by_time():
    values = {"A": {"2019-20": 82, "2015-16": 80}, "B": {"2019-20": 68, "2015-16": 60}}
    gap = only_gap(values, direction="increase")
    assert (gap.base_period, gap.latest_period, gap.movement) == ("2015-16", "2019-20", CLOSING)


def test_no_values_at_all():
    values = {"A": {"2015": None}, "B": {"2015": None}}
    assert equity_gaps(table(values), direction="increase", groups=["A", "B"], reference="A") == (
        equity_gaps(table({}), direction="increase", groups=["A", "B"]))
    result = equity_gaps(table(values), direction="increase", groups=["A", "B"])
    assert (result.reference, result.reference_declared, result.gaps) == (None, False, ())


@pytest.mark.parametrize(
    "rows, direction",
    [
        (table({"A": {"2015": 1}, "B": {"2015": 2}}), "higher"),
        (pandas.concat([table({"A": {"2015": 1}}), table({"A": {"2015": 2}})]), "increase"),
    ],
)
def test_bad_arguments_are_refused(rows, direction):
    with pytest.raises(ValueError):
        equity_gaps(rows, direction=direction, groups=["A", "B"])


# Properties, over small random breakdowns with suppressed values.
GROUPS = ["A", "B", "C", "D"]
PERIODS = ["2015", "2016", "2017-18", "2019", "2020"]


@st.composite
def breakdowns(draw):
    groups = draw(st.lists(st.sampled_from(GROUPS), min_size=1, max_size=4, unique=True))
    periods = draw(st.lists(st.sampled_from(PERIODS), min_size=2, max_size=5, unique=True))
    # About one value in four suppressed, so that most groups still share enough periods to move.
    suppressed = st.sampled_from([False, False, False, True])
    number = st.integers(min_value=-20, max_value=100)
    values = {group: {period: None if draw(suppressed) else draw(number) for period in periods}
              for group in groups}
    options = dict(
        direction=draw(st.sampled_from(["increase", "decrease"])),
        groups=draw(st.permutations(GROUPS + ["X"])),
        reference=draw(st.one_of(st.none(), st.sampled_from(GROUPS))),
        base_period=draw(st.one_of(st.none(), st.sampled_from(PERIODS[:3]))),
    )
    return values, options


def scaled(values, factor):
    return {group: {period: None if value is None else value * factor for period, value in series.items()}
            for group, series in values.items()}


def close(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return actual == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(breakdown=breakdowns(), factor=st.floats(min_value=0.01, max_value=100))
# A change of exactly a tenth (20 → 18), which rounding would call little changed once multiplied by 0.3.
@example(breakdown=({"A": {"2015": 80, "2020": 80}, "B": {"2015": 60, "2020": 62}},
                    dict(direction="increase", groups=["A", "B"])), factor=0.3)
def test_gaps_do_not_depend_on_the_unit(breakdown, factor):
    values, options = breakdown
    plain = equity_gaps(table(values), **options)
    rescaled = equity_gaps(table(scaled(values, factor)), **options)
    assert (rescaled.reference, rescaled.reference_declared) == (plain.reference, plain.reference_declared)
    assert len(rescaled.gaps) == len(plain.gaps)
    for before, after in zip(plain.gaps, rescaled.gaps):
        assert (after.group, after.base_period, after.latest_period) == (
            before.group, before.base_period, before.latest_period)
        for name in ("base_ratio", "latest_ratio", "relative_change"):
            assert close(getattr(after, name), getattr(before, name))
        for name in ("base_difference", "latest_difference", "difference_change"):
            expected = None if getattr(before, name) is None else getattr(before, name) * factor
            assert close(getattr(after, name), expected)
        assert (after.movement, after.levelling_down) == (before.movement, before.levelling_down)


@settings(max_examples=100, deadline=None)
@given(breakdown=breakdowns())
def test_negating_the_values_and_the_direction_changes_no_movement(breakdown):
    values, options = breakdown
    flipped = dict(options, direction="decrease" if options["direction"] == "increase" else "increase")
    plain = equity_gaps(table(values), **options)
    mirrored = equity_gaps(table(scaled(values, -1)), **flipped)
    assert (mirrored.reference, mirrored.reference_declared) == (plain.reference, plain.reference_declared)

    def negated(value):
        return None if value is None else -value

    expected = tuple(
        replace(gap, base_value=negated(gap.base_value), latest_value=negated(gap.latest_value),
                reference_base_value=negated(gap.reference_base_value),
                reference_latest_value=negated(gap.reference_latest_value))
        for gap in plain.gaps
    )
    # Differences and ratios come out the same, so the movement and levelling down must too.
    assert mirrored.gaps == expected
