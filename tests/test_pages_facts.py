"""What indicator, goal and partner pages say about the rows (notes, suppressed periods, coverage, who publishes
what), from a small table whose answers are written out by hand. The pages find these in one pass over the whole
table, so the tests mix indicators and partners in one table and check that nothing leaks from one to another."""

from __future__ import annotations

import pandas as pd
import pytest

from generator.publish import pages
from generator.load.agenda import read_agenda
from conftest import REPO


@pytest.fixture(scope="module")
def agenda():
    return read_agenda(REPO / "datapackages" / "common-agenda")


def table(agenda, rows: list[dict]) -> pd.DataFrame:
    """An observations table of these rows: blank where a row does not say, periods timed as years."""
    columns = ["partner", "indicator", "period", "geography", *agenda.dimension_ids, "status", "note"]
    frame = pd.DataFrame([{name: row.get(name, "") for name in columns} for row in rows], columns=columns)
    frame["time"] = frame["period"].str[:4].astype("float64")
    return frame.astype({name: "category" for name in columns})


def test_notes_name_their_periods_earliest_first_and_stay_with_their_indicator(agenda):
    rows = table(agenda, [
        {"indicator": "low-birthweight", "period": "2019", "note": "Revised"},
        {"indicator": "low-birthweight", "period": "2016", "note": "Revised"},
        {"indicator": "low-birthweight", "period": "2016", "note": "Revised", "geography": "eastport"},
        {"indicator": "low-birthweight", "period": "2015", "note": "New method"},
        {"indicator": "infant-mortality", "period": "2017", "note": "Provisional count"},
        *({"indicator": "infant-mortality", "period": str(year), "note": "Estimated"} for year in range(2010, 2018)),
        {"indicator": "infant-mortality", "period": "2018"},
    ])
    assert pages._notes_by_indicator(rows) == {
        "low-birthweight": [("2015", "New method"), ("2016, 2019", "Revised")],
        "infant-mortality": [("2010, 2011, 2012, 2013, 2014, 2015 and others", "Estimated"),
                             ("2017", "Provisional count")],
    }


def test_suppressed_periods_are_listed_once_each_earliest_first(agenda):
    rows = table(agenda, [
        {"indicator": "low-birthweight", "period": "2021", "status": "suppressed"},
        {"indicator": "low-birthweight", "period": "2018", "status": "suppressed", "race_ethnicity": "Asian"},
        {"indicator": "low-birthweight", "period": "2021", "status": "suppressed", "race_ethnicity": "Black"},
        {"indicator": "low-birthweight", "period": "2019", "status": "provisional"},
        {"indicator": "infant-mortality", "period": "2015"},
    ])
    assert pages._suppressed_by_indicator(rows) == {"low-birthweight": ["2018", "2021"]}


def test_coverage_counts_rows_names_geographies_and_finds_the_areas_total(agenda):
    area = agenda.area
    rows = table(agenda, [
        # A total for the area in one indicator…
        {"indicator": "low-birthweight", "period": "2015", "geography": area},
        {"indicator": "low-birthweight", "period": "2015", "geography": "eastport", "income": "Low income"},
        # … and in another, only groups: the area's rows are not a total there.
        {"indicator": "infant-mortality", "period": "2015", "geography": area, "race_ethnicity": "Asian"},
        {"indicator": "infant-mortality", "period": "2015", "geography": "millbrook"},
        {"indicator": "infant-mortality", "period": "2016", "geography": "millbrook"},
    ])
    used = {"low-birthweight": ("income",), "infant-mortality": ("race_ethnicity",)}
    coverage = pages._coverage_by_indicator(rows, agenda, used)
    names = {key: geography.name for key, geography in agenda.geographies.items()}
    assert coverage["low-birthweight"] == {"rows": 2, "geographies": [names[area], names["eastport"]],
                                           "dimensions": ["family income"], "area_total": True}
    assert coverage["infant-mortality"] == {"rows": 3, "geographies": [names[area], names["millbrook"]],
                                            "dimensions": ["race and ethnicity"], "area_total": False}
    # Every indicator of the agenda has its coverage, those without rows too.
    assert set(coverage) == {indicator.id for indicator in agenda.indicators}
    assert coverage["kindergarten-readiness"] == {"rows": 0, "geographies": [], "dimensions": [],
                                                  "area_total": False}


def test_each_partner_is_counted_with_its_own_rows_only(agenda):
    rows = table(agenda, [
        {"partner": "county-health", "indicator": "low-birthweight", "period": "2015"},
        {"partner": "county-health", "indicator": "low-birthweight", "period": "2016"},
        {"partner": "county-health", "indicator": "infant-mortality", "period": "2015"},
        {"partner": "youthworks", "indicator": "low-birthweight", "period": "2017"},
    ])
    assert pages._published_by_partner(rows) == {
        "county-health": {"low-birthweight": 2, "infant-mortality": 1},
        "youthworks": {"low-birthweight": 1},
    }


def test_a_goal_of_more_indicators_than_the_navigation_lists_is_one_entry_its_page_lists_them(agenda):
    sizes = {goal.id: len(agenda.indicators_of(goal.id)) for goal in agenda.goals}
    limit = sorted(sizes.values())[0]  # the smallest goal fits; a larger one does not
    [goals] = [entry["Goals"] for entry in pages.navigation(agenda, (), False, [], most_listed=limit)
               if "Goals" in entry]
    for goal, entry in zip(agenda.goals, goals):
        [(title, items)] = entry.items()
        assert title == goal.title and items[0] == f"goals/{goal.id}/index.md"
        listed = [next(iter(item.values())) for item in items[1:]]
        assert listed == ([f"indicators/{indicator.id}/index.md" for indicator in agenda.indicators_of(goal.id)]
                          if sizes[goal.id] <= limit else [])
    assert any(size > limit for size in sizes.values()) and any(size <= limit for size in sizes.values())
