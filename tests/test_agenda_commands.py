"""`indicators add-goal` and `add-indicator`: the agenda's rows written from plain values, validated on write."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import run_indicators

from generator import api
from generator.load.agenda import read_agenda
from generator.tools.agenda import AgendaError, IndicatorSpec
from generator.validate import validate_project


def rows(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def started(project_copy):
    """A copy of the example turned into an initiative of its own, with no goals yet."""
    result = run_indicators(project_copy.root, "init", "--name", "Lakeside Promise", "--area", "Lakeside County",
                            "--backbone", "Lakeside Community Foundation", "--contact", "data@lakeside.example",
                            "--licence", "CC-BY-4.0")
    assert result.returncode == 0, result.stderr
    return project_copy


def test_add_goal_and_add_indicator_write_rows_that_validate(started):
    root = started.root
    goal = run_indicators(root, "add-goal", "healthy-start", "--title", "Every child has a healthy start",
                          "--summary", "Babies are born healthy,  and stay so.")
    assert goal.returncode == 0, goal.stderr
    assert 'Added the goal "healthy-start"' in goal.stdout
    assert run_indicators(root, "new-partner", "county-health").returncode == 0

    added = run_indicators(
        root, "add-indicator", "low-birthweight", "--goal", "healthy-start", "--title", "Low birthweight",
        "--definition", "Percentage of live births weighing less than 2,500 grams.", "--unit", "percent",
        "--direction", "decrease", "--steward", "county-health", "--decimals", "1", "--baseline", "2015",
        "--target", "6.5", "--target-period", "2030", "--source", "County birth records",
        "--next-update", "Autumn 2026, after the birth records close")
    assert added.returncode == 0, added.stderr
    assert "has no package yet" not in added.stdout

    agenda_folder = started.agenda_folder
    assert rows(agenda_folder / "goals.csv") == [
        {"id": "healthy-start", "title": "Every child has a healthy start", "summary": "Babies are born healthy, and "
                                                                                      "stay so."}]
    [row] = rows(agenda_folder / "indicators.csv")
    assert row["target_value"] == "6.5" and row["target_period"] == "2030" and row["dimensions"] == ""
    assert row["definition"] == "Percentage of live births weighing less than 2,500 grams."
    agenda = read_agenda(agenda_folder)
    indicator = agenda.indicators_by_id["low-birthweight"]
    assert (indicator.goal, indicator.unit, indicator.direction, indicator.steward) == (
        "healthy-start", "percent", "decrease", "county-health")
    assert (indicator.target_value, indicator.baseline_period, indicator.progress_series) == (6.5, "2015", ("total",))
    report = validate_project(started).report
    assert report.problems == [], [problem.message for problem in report.problems]


def test_the_python_api_takes_dimensions_and_progress_series_as_lists(started):
    agenda_folder = started.agenda_folder
    # A dimension the backbone added by hand: the command takes it by id, as a list, and writes the column syntax.
    with (agenda_folder / "dimensions.csv").open("a", encoding="utf-8") as file:
        file.write("sex,Sex,,\n")
    with (agenda_folder / "groups.csv").open("a", encoding="utf-8") as file:
        file.write("sex,Female\nsex,Male\n")
    schema = json.loads((agenda_folder / "observation.schema.json").read_text(encoding="utf-8"))
    schema["fields"].insert(3, {"name": "sex", "type": "string", "title": "Sex"})
    (agenda_folder / "observation.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    api.add_goal(started, "work", "Every young adult starts a career")
    api.add_indicator(started, IndicatorSpec(
        id="youth-employment", goal="work", title="Youth employment", definition="Share of 16-24s in work.",
        unit="percent", direction="increase", steward="youthworks", dimensions=["sex"],
        progress_series=["total", "sex"]))
    [row] = rows(agenda_folder / "indicators.csv")
    assert (row["dimensions"], row["progress_series"]) == ("sex", "total sex")


def test_bad_arguments_are_each_named_and_nothing_is_written(started):
    before = (started.agenda_folder / "indicators.csv").read_bytes()
    result = run_indicators(
        started.root, "add-indicator", "Low Birthweight", "--goal", "nope", "--title", "Low birthweight",
        "--definition", "d", "--unit", "pct", "--direction", "decrease", "--steward", "county-health",
        "--baseline", "2015-13", "--target", "5", "--dimensions", "sex, income")
    assert result.returncode == 1
    for message in (
            'The indicator id "Low Birthweight" is not an id: use lower-case letters, digits and hyphens',
            '--goal "nope" is not a goal of the agenda: it has none yet; add it with `indicators add-goal` first.',
            '--unit "pct" is not a unit of the agenda: use one of percent, count',
            '--baseline "2015-13" is not a period',
            "Give --target and --target-period together",
            '--dimensions: "sex" is not a dimension of the agenda (it has none)',
            '--dimensions: "income" is not a dimension of the agenda'):
        assert message in result.stderr, result.stderr
    assert (started.agenda_folder / "indicators.csv").read_bytes() == before

    again = run_indicators(started.root, "add-goal", "work", "--title", "Work")
    assert again.returncode == 0
    duplicate = run_indicators(started.root, "add-goal", "work", "--title", "Jobs")
    assert duplicate.returncode == 1
    assert 'The agenda already has the goal "work" ("Work"): choose another id.' in duplicate.stderr


def test_a_write_that_would_leave_the_agenda_invalid_is_refused_with_file_line_and_column(started):
    # The area is no longer a geography of the agenda: any change is validated, and refused, before it is written.
    (started.agenda_folder / "geographies.csv").write_text("id,name,kind,parent\nelsewhere,Elsewhere,,\n",
                                                           encoding="utf-8")
    goals = (started.agenda_folder / "goals.csv").read_bytes()
    result = run_indicators(started.root, "add-goal", "work", "--title", "Work")
    assert result.returncode == 1
    assert "indicators add-goal: the agenda would not be valid, so nothing was written:" in result.stderr
    assert ('datapackages/common-agenda/datapackage.json: The initiative\'s area "lakeside-county" is not in '
            "geographies.csv.") in result.stderr
    assert (started.agenda_folder / "goals.csv").read_bytes() == goals
    assert not list(started.datapackages.glob(".common-agenda.*"))


def test_without_an_agenda_the_commands_say_to_run_init(tmp_path):
    with pytest.raises(AgendaError, match="start one with `indicators init`"):
        api.add_goal(api.Project(tmp_path), "work", "Work")
