"""Chart specs made from a small observations table, and what vl-convert draws from them."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from generator.publish import charts, render_worker
from generator.load.agenda import Geography, read_agenda
from generator.cache import Store
from generator.publish.images import Drawing, Images
from generator.compute.periods import month_label, parse_period
from generator.compute.trends import compute_trends

INDICATOR = "kindergarten-readiness"
AREA = "cedar-river-county"


@pytest.fixture(scope="module")
def agenda(repo):
    return read_agenda(repo / "datapackages" / "common-agenda")


def render_images(specs: dict[str, str], store: Store) -> Images:
    """The images of `specs` (by key), drawn as a build draws them, unless in the store."""
    with Drawing(store, expected=len(specs)) as drawing:
        for key in sorted(specs):
            drawing.draw(key, specs[key])
        return drawing.wait()


def render_svgs(specs: dict[str, dict]) -> dict[str, str]:
    """Static SVG for each spec, by the same key, drawn afresh (into a temporary store)."""
    with tempfile.TemporaryDirectory(prefix="images-") as folder:
        images = render_images({key: charts.spec_text(spec) for key, spec in specs.items()}, Store(Path(folder)))
        return {key: path.read_text(encoding="utf-8") for key, path in images.svgs.items()}


def with_places(agenda, count: int):
    """The example agenda with `count` more places inside the county."""
    places = {f"place-{number}": Geography(f"place-{number}", f"Place {number}", "town", AREA)
              for number in range(1, count + 1)}
    return dataclasses.replace(agenda, geographies={**agenda.geographies, **places})


def observations(geographies: list[str]) -> pd.DataFrame:
    rows = [{"partner": "early-years-coalition", "indicator": INDICATOR, "period": period, "geography": geography,
             "race_ethnicity": "", "sex": "", "income": "", "unit": "percent", "value": 50.0 + position + step,
             "lower_bound": None, "upper_bound": None, "numerator": None, "denominator": None, "status": "",
             "note": "", "time": parse_period(period).time}
            for position, geography in enumerate(geographies)
            for step, period in enumerate(["2021-22", "2022-23", "2023-24"])]
    return pd.DataFrame(rows)


def geography_chart(agenda, places: int) -> charts.Chart:
    agenda = with_places(agenda, places)
    table = observations([AREA, *(f"place-{number}" for number in range(1, places + 1))])
    trends = compute_trends(table, agenda)
    indicator = agenda.indicators_by_id[INDICATOR]
    [chart] = [chart for chart in charts.indicator_charts(indicator, table, trends.series_of(INDICATOR), agenda)
               if chart.name == "geography"]
    return chart


def test_a_chart_of_a_few_groups_names_each_line_in_its_own_colour(agenda):
    chart = geography_chart(agenda, 3)
    assert chart.spec["layer"][0]["encoding"]["color"]["legend"] is not None
    assert [row["group"] for row in chart.spec["datasets"]["latest"]] == [
        "Cedar River County", "Place 1", "Place 2", "Place 3"]
    assert "groups the lines are not told apart" not in chart.description


def test_a_chart_of_many_groups_draws_them_in_grey_and_names_only_the_chosen_one(agenda):
    chart = geography_chart(agenda, charts.MANY_GROUPS + 3)
    groups = charts.MANY_GROUPS + 4
    assert f"With {groups} groups the lines are not told apart in the picture" in chart.description
    assert all("color" not in layer.get("encoding", {}) for layer in chart.spec["layer"]), "no legend"
    [param] = chart.spec["params"]
    assert param["bind"]["options"][1:] == ["Cedar River County", *(f"Place {n}" for n in range(1, groups))]
    assert len(chart.table.columns) == groups + 1, "the table still has every group"

    nothing_chosen = render_svgs({"chart": chart.static_spec})["chart"]
    assert ">Place 7</text>" not in nothing_chosen and nothing_chosen.count("<text") < 30
    chosen = {**chart.static_spec, "params": [{**param, "value": "Place 7"}]}
    assert ">Place 7</text>" in render_svgs({"chart": chosen})["chart"], "the chosen group is named at its end"


def test_images_are_drawn_with_vl_converts_own_fonts_only_and_the_build_keeps_its_environment(agenda, tmp_path,
                                                                                              monkeypatch):
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    chart = geography_chart(agenda, 3)
    svg = render_svgs({"chart": chart.static_spec})["chart"]
    assert ">Place 3</text>" in svg
    assert "FONTCONFIG_FILE" not in os.environ, "Chromium, started by the same process, must keep the system's fonts"

    # What each drawing process is given: a fontconfig file whose only font folder is empty.
    render_worker.use_bundled_fonts(str(tmp_path / "fonts"))
    config = Path(os.environ["FONTCONFIG_FILE"])
    folders = re.findall(r"<dir>(.*?)</dir>", config.read_text(encoding="utf-8"))
    assert folders == [str(tmp_path / "fonts" / "none")]
    assert Path(folders[0]).is_dir() and not any(Path(folders[0]).iterdir())


def test_the_drawing_processes_report_their_own_peak_memory_not_the_builds(agenda, tmp_path):
    # A build holding a gigabyte when it starts its drawing processes: each is forked from it before it runs Python
    # afresh, and ru_maxrss would report the build's gigabyte as the process's own.
    held = bytearray(1024 * 1024 * 1024)
    held[::4096] = b"\1" * len(held[::4096])
    chart = geography_chart(agenda, 3)
    drawn = render_images({"chart": charts.spec_text(chart.static_spec)}, Store(tmp_path))
    assert drawn.misses == 1 and drawn.svgs["chart"].is_file()
    assert 0 < drawn.workers_peak_mb < 1024, drawn.workers_peak_mb


def test_the_value_axis_never_labels_two_ticks_alike(agenda):
    # Values of one decimal over a narrow range: Vega's ticks at 0.05 apart read 0.2, 0.3, 0.3, 0.4, 0.4, 0.5.
    table = observations([AREA]).assign(value=[0.2, 0.2, 0.5])
    indicator = dataclasses.replace(agenda.indicators_by_id[INDICATOR], target_value=None, target_period=None)
    assert indicator.decimals == 1
    [headline] = [chart for chart in charts.indicator_charts(indicator, table, compute_trends(table, agenda)
                                                             .series_of(INDICATOR), agenda) if chart.name == "headline"]
    svg = render_svgs({"chart": headline.static_spec})["chart"]
    labels = re.findall(r">(\d+\.\d)%?</text>", svg)
    assert len(labels) >= 3 and len(labels) == len(set(labels)), labels


def test_a_monthly_series_is_charted_on_a_time_axis_and_gets_a_status(agenda):
    # Ten years of months, April 2020 missing, towards a target for the year 2025.
    indicator = agenda.indicators_by_id["preschool-enrollment"]
    assert (indicator.target_period, indicator.baseline_period) == ("2025", "2015")
    periods = [month_label(year, month) for year in range(2015, 2025) for month in range(1, 13)][:-6]
    table = pd.DataFrame([
        {"partner": "early-years-coalition", "indicator": indicator.id, "period": period, "geography": AREA,
         "race_ethnicity": "", "sex": "", "income": "", "unit": "percent", "value": 40.0 + step / 10,
         "lower_bound": None, "upper_bound": None, "numerator": None, "denominator": None, "status": "",
         "note": "", "time": parse_period(period).time}
        for step, period in enumerate(periods) if period != "2020-04"])

    [headline] = compute_trends(table, agenda).series_of(indicator.id)
    progress = headline.progress
    assert (progress.base_period, progress.latest_period) == ("2015-01", "2024-06")
    # Growth per year, from months: 9 years and 5 months from January 2015 to June 2024.
    assert progress.growth_observed == pytest.approx((progress.latest_value / 40.0) ** (1 / (9 + 5 / 12)) - 1)
    assert headline.status == "moderate_progress"

    [chart, *_] = charts.indicator_charts(indicator, table, [headline], agenda)
    x = chart.spec["layer"][0]["encoding"]["x"]
    domain = x["scale"]["domain"]
    # Every month from the first to the target, evenly spaced: the missing month is a gap, the target year sits
    # twelve steps after January 2024; the axis is labelled at Januaries.
    assert domain[0] == "2015-01" and "2020-04" in domain and domain[-2:] == ["2024-12", "2025"]
    assert len(domain) == 10 * 12 + 1
    assert x["axis"]["values"][:3] == ["2015-01", "2016-01", "2017-01"]
    assert "from 40.0% in 2015-01 to 51.3% in 2024-06" in chart.description
    assert "<svg" in render_svgs({"chart": chart.static_spec})["chart"]


def test_a_spec_is_the_json_modules_text_whatever_its_numbers_and_texts():
    # orjson writes a spec unless the json module would write it otherwise: its floats with an exponent.
    spec = {"values": [8.331861918937016e-05, -2.4745895807818797e-05, 1e16, 1e-7, 1e22, -0.0, 123.0, 0.1 + 0.2,
                       None, True],
            "text": 'a "quoted" \n\x01 é ∑ \u2028 😀', "b": {"z": 1, "a": [1, 2]}, "a": []}
    assert charts.spec_text(spec) == json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert charts.spec_text({"value": 0.5, "n": 10**30}) == '{"n":1000000000000000000000000000000,"value":0.5}'
