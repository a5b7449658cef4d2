"""Period labels partners write, and the time each stands for."""

import re

import pytest

from generator.compute.periods import (
    PeriodError,
    axis_periods,
    axis_ticks,
    month_label,
    parse_period,
    periods_between,
)


@pytest.mark.parametrize("label, time, kind", [
    ("2024", 2024.0, "year"),
    ("2019-20", 2019.0, "range"),
    ("1999-00", 1999.0, "range"),
    ("2015-2016", 2015.0, "range"),
    ("2020-25", 2020.0, "range"),
    ("2024-Q3", 2024.5, "quarter"),
    ("2024-03", 2024 + 2 / 12, "month"),
    ("1993-01", 1993.0, "month"),
    # 2011-12 is the school or financial year; December 2011 is written 2011-M12 (SDMX's form).
    ("2011-12", 2011.0, "range"),
    ("2011-M12", 2011 + 11 / 12, "month"),
    ("2000-M01", 2000.0, "month"),
])
def test_periods_parse(label, time, kind):
    period = parse_period(label)
    assert (period.time, period.kind) == (pytest.approx(time), kind)


@pytest.mark.parametrize("label, says", [
    ("2019-5", "is not a period: write a year (2024), a school or financial year (2023-24), a quarter (2024-Q2) "
               "or a month (2024-03)"),
    ("24", "is not a period"),
    ("2019-13", "a month is 01 to 12, as in 2019-03"),
    ("2019-M13", "is not a period"),
    ("2020-2019", "ends before it starts"),
])
def test_bad_periods_say_why(label, says):
    with pytest.raises(PeriodError, match=re.escape(says)):
        parse_period(label)


def test_a_month_is_written_so_that_it_cannot_be_read_as_a_school_year():
    assert [month_label(2000, 1), month_label(2000, 2), month_label(2011, 12), month_label(2012, 12)] == [
        "2000-M01", "2000-02", "2011-M12", "2012-12"]
    for year in range(1990, 2030):
        for month in range(1, 13):
            period = parse_period(month_label(year, month))
            assert (period.kind, period.start_year, period.start_month) == ("month", year, month)


def test_periods_between_fill_gaps_in_the_same_style():
    assert periods_between(parse_period("2018-19"), parse_period("2021-22")) == [
        "2018-19", "2019-20", "2020-21", "2021-22"]
    assert periods_between(parse_period("2019"), parse_period("2021")) == ["2019", "2020", "2021"]
    assert periods_between(parse_period("2023-Q3"), parse_period("2024-Q1")) == ["2023-Q3", "2023-Q4", "2024-Q1"]
    assert periods_between(parse_period("1999-11"), parse_period("2000-03")) == [
        "1999-11", "1999-12", "2000-M01", "2000-02", "2000-03"]


def test_a_time_axis_of_months_runs_on_to_a_target_year_at_its_own_time():
    axis = axis_periods(["2024-02", "2023-11", "2025"])
    assert axis == ["2023-11", "2023-12", "2024-01", "2024-02", *(f"2024-{month:02d}" for month in range(3, 13)),
                    "2025"]
    assert axis_periods(["2023-Q3", "2024"]) == ["2023-Q3", "2023-Q4", "2024"]
    # Labels that cannot share one even axis keep their order in time.
    assert axis_periods(["2019-20", "2015"]) == ["2015", "2019-20"]


def test_an_axis_of_months_is_labelled_at_januaries():
    axis = axis_periods(["1993-01", "2023-02"])
    assert len(axis) == 362
    ticks = axis_ticks(axis, 16)
    assert len(ticks) <= 16 and ticks[0] == "1993-01"
    assert all(parse_period(label).start_month == 1 for label in ticks)
    assert axis_ticks(["2020", "2021", "2022"], 16) == ["2020", "2021", "2022"]


def test_a_month_or_quarter_has_begun_from_its_first_month():
    assert parse_period("2025-10").has_begun(2025, 10)
    assert not parse_period("2025-11").has_begun(2025, 10)
    assert not parse_period("2025-Q4").has_begun(2025, 9)
    assert parse_period("2025").has_begun(2025, 1) and parse_period("2025-26").has_begun(2025, 1)
