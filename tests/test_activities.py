"""Mutually reinforcing activities: read from each partner's activities.csv, shown on the goal, indicator and partner
pages, published in the downloads. The bad inputs are cases of tests/validation_cases/ (activity-…)."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from generator.load.activities import activities_of, activity_schema
from generator.validate import validate_project


def text_of(page) -> str:
    return page.read_text(encoding="utf-8")


def test_the_example_partners_activities_are_read_and_valid(repo):
    from generator.load.project import Project

    validated = validate_project(Project(repo))
    assert validated.report.errors == []
    activities = activities_of(validated.packages)
    assert {activity.partner for activity in activities} == {
        "cedar-river-college", "cedar-river-schools", "county-health", "early-years-coalition", "youthworks"}
    outreach = next(activity for activity in activities if activity.activity == "Street outreach")
    assert (outreach.indicators, outreach.start, outreach.end, outreach.status) == (
        ("youth-disconnection",), "2019", "", "underway")
    assert outreach.when == "from 2019"
    # Earliest first: the plan of action reads in time.
    assert activities[0].start == "2018"
    for folder in (repo / "datapackages").iterdir():
        if (folder / "activity.schema.json").exists():
            assert json.loads(text_of(folder / "activity.schema.json")) == activity_schema(), folder.name


def test_each_goal_shows_its_plan_of_action(example_build):
    page = text_of(example_build.site_dir / "goals" / "ready-for-school" / "index.html")
    assert "Plan of action" in page
    plan = page[page.index('<h2 id="plan-of-action"'):page.index('<h2 id="partners-contributing-data"')]
    # Which partner does what, when, toward which indicator; an activity of another goal's partner appears too,
    # when one of its indicators belongs to this goal (home visiting moves low birthweight).
    assert "Home visiting for new parents" in plan and "Cedar River County Health Department" in plan
    assert "Quality preschool expansion" in plan and "2022-23 to 2026-27" in plan
    assert '<a href="../../indicators/preschool-enrollment/">Enrolment in quality preschool</a>' in plan
    assert "Street outreach" not in plan


def test_each_indicator_lists_the_activities_aimed_at_it_and_each_partner_its_own(example_build):
    indicator = text_of(example_build.site_dir / "indicators" / "youth-disconnection" / "index.html")
    aimed = indicator[indicator.index('<h2 id="activities-aimed-at-this-indicator"'):]
    assert "Street outreach" in aimed and "Paid work experience" in aimed and "Emergency completion grants" in aimed
    assert "Summer jobs for 16-year-olds" not in aimed, "it names the goal, not this indicator"

    partner = text_of(example_build.site_dir / "partners" / "youthworks" / "index.html")
    own = partner[partner.index('<h2 id="activities"'):partner.index('<h2 id="indicators-published"')]
    assert "Summer jobs for 16-year-olds" in own and "Paused" in own
    assert '<a href="../../goals/college-and-career/">Every young adult starts a career</a>' in own
    assert "Home visiting" not in own


def test_the_activities_are_published_in_the_downloads_and_the_data_package(example_build, repo):
    data = example_build.site_dir / "data"
    rows = list(csv.DictReader(io.StringIO(text_of(data / "activities.csv"))))
    submitted = sum(len(list(csv.DictReader(io.StringIO(text_of(path)))))
                    for path in (repo / "datapackages").glob("*/activities.csv"))
    assert len(rows) == submitted
    assert rows[0]["partner"] and set(rows[0]) == {"partner", *(field["name"] for field in activity_schema()["fields"])}
    descriptor = json.loads(text_of(data / "datapackage.json"))
    [resource] = [resource for resource in descriptor["resources"] if resource["name"] == "activities"]
    assert resource["path"] == "activities.csv"
    with zipfile.ZipFile(data / "youthworks.zip") as archive:
        assert "youthworks/activities.csv" in archive.namelist()
    assert 'href="../data/activities.csv"' in text_of(data / "index.html")
