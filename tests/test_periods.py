"""Period labels partners write, and the time each stands for."""

import pytest

from generator.compute.periods import PeriodError, parse_period, periods_between


@pytest.mark.parametrize("label, time, kind", [
    ("2024", 2024.0, "year"),
    ("2019-20", 2019.0, "range"),
    ("1999-00", 1999.0, "range"),
    ("2015-2016", 2015.0, "range"),
    ("2024-Q3", 2024.5, "quarter"),
])
def test_periods_parse(label, time, kind):
    period = parse_period(label)
    assert (period.time, period.kind) == (time, kind)


@pytest.mark.parametrize("label, says", [
    ("2019-5", "is not a period"),
    ("24", "is not a period"),
    ("2019-05", "months are not periods here"),
    ("2020-2019", "ends before it starts"),
])
def test_bad_periods_say_why(label, says):
    with pytest.raises(PeriodError, match=says):
        parse_period(label)


def test_periods_between_fill_gaps_in_the_same_style():
    assert periods_between(parse_period("2018-19"), parse_period("2021-22")) == [
        "2018-19", "2019-20", "2020-21", "2021-22"]
    assert periods_between(parse_period("2019"), parse_period("2021")) == ["2019", "2020", "2021"]
