"""Maps: the agenda's boundaries (geographies.geojson), how they are checked, and the map each indicator with
values for two or more mapped geographies gets."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil

import pandas as pd
import pytest
import vl_convert

from generator.compute.periods import parse_period
from generator.compute.trends import compute_trends
from generator.load.agenda import read_agenda
from generator.load.boundaries import BOUNDARIES_FILE, MAX_BYTES
from generator.publish import charts, geometry
from generator.validate.agenda_rules import check_agenda

INDICATOR = "kindergarten-readiness"
AREA = "cedar-river-county"
PERIODS = ["2021-22", "2022-23", "2023-24"]


@pytest.fixture(scope="module")
def agenda(repo):
    return read_agenda(repo / "datapackages" / "common-agenda")


def observations(values: dict[str, list[float | None]]) -> pd.DataFrame:
    """Kindergarten readiness for each geography, one value a period of PERIODS (None: no row)."""
    return pd.DataFrame([
        {"partner": "early-years-coalition", "indicator": INDICATOR, "period": period, "geography": geography,
         "race_ethnicity": "", "sex": "", "income": "", "unit": "percent", "value": value, "lower_bound": None,
         "upper_bound": None, "numerator": None, "denominator": None, "status": "", "note": "",
         "time": parse_period(period).time}
        for geography, series in values.items() for period, value in zip(PERIODS, series) if value is not None])


def map_of(agenda, values, direction="increase") -> charts.Chart | None:
    indicator = dataclasses.replace(agenda.indicators_by_id[INDICATOR], direction=direction)
    agenda = dataclasses.replace(agenda, indicators=tuple(
        indicator if item.id == INDICATOR else item for item in agenda.indicators))
    table = observations(values)
    trends = compute_trends(table, agenda)
    made = charts.indicator_charts(indicator, table, trends.series_of(INDICATOR), agenda)
    return next((chart for chart in made if chart.name == charts.MAP), None)


VALUES = {AREA: [60.0, 61.0, 62.0], "eastport": [55.0, 57.5, 58.0], "millbrook": [70.0, 68.0, 66.5]}


def test_the_example_ships_a_boundary_for_each_of_its_geographies(agenda):
    assert set(agenda.boundaries) == set(agenda.geographies)


def test_a_map_colours_the_mapped_geographies_by_their_value_in_the_period_chosen(agenda):
    chart = map_of(agenda, VALUES)
    spec = chart.spec
    assert not chart.has_image  # drawn in the browser; its table stands in without JavaScript
    outline, no_value, valued = spec["layer"]
    # The boundaries are inline: the features of the mapped geographies, the area's outline behind them.
    assert [feature["id"] for feature in spec["datasets"]["boundaries"]] == ["eastport", "millbrook"]
    assert [feature["id"] for feature in spec["datasets"]["outline"]] == [AREA]
    assert no_value["data"] == {"name": "boundaries"} and outline["data"] == {"name": "outline"}
    # The rows of the period chosen are joined to their boundary, and drawn as its shape.
    [param] = spec["params"]
    assert param["value"] == "2023-24"
    assert param["bind"]["input"] == "select" and param["bind"]["options"] == PERIODS
    filtered, lookup = valued["transform"]
    assert filtered == {"filter": f"datum.period == {param['name']}"}
    assert lookup == {"lookup": "geography", "from": {"data": {"name": "boundaries"}, "key": "id"}, "as": "geo"}
    assert valued["encoding"]["shape"] == {"field": "geo", "type": "geojson"}
    assert {row["geography"] for row in spec["datasets"]["rows"]} == {"eastport", "millbrook"}
    # One colour means one value whichever period is shown: the scale spans every period's values.
    color = valued["encoding"]["color"]
    assert color["scale"] == {"scheme": "viridis", "domain": [55.0, 70.0], "reverse": False}
    assert color["legend"]["title"] == ["Percent", "Higher is better →"]
    assert [tip["title"] for tip in valued["encoding"]["tooltip"]] == ["Geography", "Period", "Value", "Status"]
    # Nothing is fetched: no URL anywhere in the spec.
    assert '"url"' not in chart.spec_json and "http" not in chart.spec_json.replace(
        "https://vega.github.io/schema/vega-lite", "")


def test_where_lower_is_better_the_scale_is_reversed_so_the_pale_end_is_always_the_better(agenda):
    chart = map_of(agenda, VALUES, direction="decrease")
    color = chart.spec["layer"][2]["encoding"]["color"]
    assert color["scale"]["reverse"] is True
    assert color["legend"]["title"] == ["Percent", "← Lower is better"]
    assert "Lower is better" in chart.description


def test_a_map_has_a_table_of_geography_period_and_value_and_says_in_words_who_is_highest(agenda):
    chart = map_of(agenda, VALUES)
    assert chart.table.columns == ("Geography", "Period", "Value")
    assert chart.table.rows[:2] == (("Eastport", "2023-24", "58.0%"), ("Millbrook", "2023-24", "66.5%"))
    assert len(chart.table.rows) == 6
    assert "highest value is Millbrook's (66.5%) and the lowest Eastport's (58.0%)" in chart.description
    assert "In 2023-24" in chart.description


def test_no_map_without_two_mapped_geographies_or_without_boundaries(agenda):
    assert map_of(agenda, {AREA: [60.0, 61.0, 62.0], "eastport": [55.0, 56.0, 57.0]}) is None
    assert map_of(dataclasses.replace(agenda, boundaries={}), VALUES) is None


def test_a_geography_without_a_value_for_the_period_is_left_grey_not_dropped(agenda):
    chart = map_of(agenda, {"eastport": [55.0, 57.0, 58.0], "millbrook": [70.0, 68.0, None]})
    spec = chart.spec
    assert spec["params"][0]["value"] == "2023-24"
    assert [feature["id"] for feature in spec["datasets"]["boundaries"]] == ["eastport", "millbrook"]
    assert spec["datasets"]["outline"][0]["id"] == AREA
    assert "only Eastport has a value" in chart.description


def test_the_map_is_drawn_with_each_geography_in_its_colour(agenda):
    """Vega draws it (vl-convert, as a browser would): GeoJSON's winding is turned for d3-geo, or a ring would
    fill the whole map."""
    spec = {**map_of(agenda, VALUES).spec, "width": 400}
    svg = vl_convert.vegalite_to_svg(spec, vl_version=charts.VEGA_LITE_VERSION)
    # The shapes carry no ARIA labels (the live chart is one image, named by its description): told apart by fill.
    fills = re.findall(r'<path[^>]*fill="([^"]+)"', svg)
    valued = [colour for colour in fills if colour.startswith("rgb(")]
    assert len(valued) == 2 and valued[0] != valued[1], "Eastport and Millbrook, each in the colour of its value"
    assert "#cccccc" in fills  # the "no value" layer, drawn below and covered
    assert 'fill="#f2f2f2"' in svg  # the county behind
    # Fitted to the county (390 by 360 once the legend has its room), not to a globe wound inside out.
    [county] = re.findall(r'd="(M[^"]*)" fill="#f2f2f2"', svg)
    xs = [float(x) for x in re.findall(r"[ML](-?[0-9.]+),", county)]
    assert 0 <= min(xs) and max(xs) <= 400


def test_winding_for_d3_turns_outer_rings_clockwise_and_holes_anticlockwise():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]  # anticlockwise, as RFC 7946 winds an outer ring
    hole = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]  # clockwise
    wound = geometry.wound_for_d3({"type": "Polygon", "coordinates": [square, hole]})
    assert wound["coordinates"] == [square[::-1], hole[::-1]]
    assert geometry.wound_for_d3(wound) == wound


# The boundary file, checked with the agenda: every bad input's message names the file and the feature.

def checked(tmp_path, repo, collection=None, text=None):
    folder = tmp_path / "common-agenda"
    shutil.copytree(repo / "datapackages" / "common-agenda", folder)
    if collection is not None or text is not None:
        (folder / BOUNDARIES_FILE).write_text(text if text is not None else json.dumps(collection, indent=1),
                                              encoding="utf-8")
    return check_agenda(folder, tmp_path)


def feature(key, coordinates=None, kind="Polygon"):
    ring = [[-92.0, 42.0], [-91.9, 42.0], [-91.9, 42.1], [-92.0, 42.0]]
    return {"type": "Feature", "id": key, "properties": {},
            "geometry": {"type": kind, "coordinates": coordinates if coordinates is not None else [ring]}}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_the_example_boundaries_are_valid(tmp_path, repo):
    agenda, problems = checked(tmp_path, repo)
    assert problems == [] and set(agenda.boundaries) == {AREA, "eastport", "millbrook"}


def test_a_feature_of_an_unknown_geography_is_an_error_naming_its_index_and_the_file(tmp_path, repo):
    agenda, problems = checked(tmp_path, repo, collection(feature("eastport"), feature("millbrook"),
                                                          feature(AREA), feature("westport")))
    [problem] = problems
    assert problem.rule == "unknown-boundary-geography" and problem.severity == "error"
    assert problem.file == f"common-agenda/{BOUNDARIES_FILE}"
    assert problem.message.startswith('Feature 3 of geographies.geojson (features[3], counting from 0) has the id '
                                      '"westport", which is not a geography of geographies.csv.')
    assert '"eastport"' in problem.hint and "remove the feature" in problem.hint
    assert set(agenda.boundaries) == {AREA, "eastport", "millbrook"}


def test_a_feature_may_name_its_geography_by_properties_id_or_by_the_geographys_code(tmp_path, repo):
    agenda = read_agenda(repo / "datapackages" / "common-agenda")
    coded = {**feature("x"), "id": None, "properties": {"geocode": "E06000001"}}
    by_property = {**feature("x"), "id": None, "properties": {"id": "millbrook"}}
    folder = tmp_path / "common-agenda"
    shutil.copytree(repo / "datapackages" / "common-agenda", folder)
    geographies = (folder / "geographies.csv").read_text(encoding="utf-8").splitlines()
    (folder / "geographies.csv").write_text("\n".join([geographies[0] + ",code", *(
        line + (",E06000001" if line.startswith("eastport") else ",") for line in geographies[1:])]) + "\n",
        encoding="utf-8")
    (folder / BOUNDARIES_FILE).write_text(json.dumps(collection(coded, by_property)), encoding="utf-8")
    checked_agenda, problems = check_agenda(folder, tmp_path)
    assert problems == [] and set(checked_agenda.boundaries) == {"eastport", "millbrook"}
    assert checked_agenda.geographies["eastport"].code == "E06000001"
    assert agenda.geographies["eastport"].code == ""


@pytest.mark.parametrize("bad, rule, words", [
    (feature("eastport", kind="Point", coordinates=[-92.0, 42.0]), "invalid-boundary-geometry",
     'Feature 0 of geographies.geojson (features[0], counting from 0), the boundary of "eastport", has a geometry '
     'of type "Point"'),
    (feature("eastport", coordinates=[[[-92.0, 42.0], [-91.9, 42.0], [-91.9, 42.1], [-91.95, 42.0]]]),
     "invalid-boundary-geometry", "is not closed"),
    (feature("eastport", coordinates=[[[-92.0, 42.0], ["a", 42.0], [-91.9, 42.1], [-92.0, 42.0]]]),
     "invalid-boundary-geometry", 'holds ["a", 42.0], not a position'),
    (feature("eastport", coordinates=[[[420000.0, 42.0], [-91.9, 42.0], [-91.9, 42.1], [420000.0, 42.0]]]),
     "invalid-boundary-geometry", "longitude and latitude, WGS 84"),
    ({**feature("eastport"), "id": None}, "boundary-without-id", "Feature 0 of geographies.geojson (features[0], "
                                                                 "counting from 0) names no geography"),
    ({"type": "Polygon"}, "invalid-boundary", "is not a GeoJSON Feature"),
])
def test_a_feature_that_cannot_be_drawn_is_an_error_naming_it(tmp_path, repo, bad, rule, words):
    _, problems = checked(tmp_path, repo, collection(bad))
    [problem] = problems
    assert (problem.rule, problem.severity) == (rule, "error")
    assert words in problem.message and problem.file.endswith(BOUNDARIES_FILE)


def test_two_boundaries_of_one_geography_are_an_error(tmp_path, repo):
    _, problems = checked(tmp_path, repo, collection(feature("eastport"), feature("eastport")))
    [problem] = problems
    assert problem.rule == "duplicate-boundary" and "after feature 0" in problem.message
    assert "MultiPolygon" in problem.hint


def test_a_boundary_file_that_is_not_json_is_an_error_at_its_line_and_column(tmp_path, repo):
    _, problems = checked(tmp_path, repo, text='{"type": "FeatureCollection",\n "features": [}\n')
    [problem] = problems
    assert (problem.rule, problem.line, problem.column) == ("invalid-boundaries", 2, 15)
    assert "not valid JSON" in problem.message


def test_a_topology_in_the_geojson_file_is_not_a_feature_collection_and_is_told_where_it_goes(tmp_path, repo):
    _, problems = checked(tmp_path, repo, {"type": "Topology", "objects": {}, "arcs": []})
    [problem] = problems
    assert problem.rule == "invalid-boundaries" and '"Topology"' in problem.message
    assert "geographies.topojson" in problem.hint


def test_a_boundary_file_over_the_size_limit_is_an_error_saying_how_to_simplify_it(tmp_path, repo):
    padding = " " * (MAX_BYTES + 1)
    _, problems = checked(tmp_path, repo, text=json.dumps(collection(feature("eastport"))) + padding)
    [problem] = problems
    assert problem.rule == "boundaries-too-large" and "the limit is 5 MB" in problem.message
    assert "mapshaper" in problem.hint and "-simplify" in problem.hint


def test_a_geography_with_observations_and_no_boundary_is_a_warning(tmp_path, repo):
    from generator.load.project import Project
    from generator.validate import validate_project

    project = tmp_path / "project"
    shutil.copytree(repo / "datapackages", project / "datapackages")
    shutil.copy(repo / "mkdocs.yml", project / "mkdocs.yml")
    boundaries = project / "datapackages" / "common-agenda" / BOUNDARIES_FILE
    kept = json.loads(boundaries.read_text(encoding="utf-8"))
    kept["features"] = [item for item in kept["features"] if item["id"] != "millbrook"]
    boundaries.write_text(json.dumps(kept), encoding="utf-8")
    report = validate_project(Project(project)).report
    assert report.valid
    [warning] = [problem for problem in report.problems if problem.rule == "geography-without-boundary"]
    assert warning.severity == "warning" and warning.file == f"datapackages/common-agenda/{BOUNDARIES_FILE}"
    assert warning.message.startswith('"millbrook" (Millbrook) has observations (datapackages/')
    assert '"id": "millbrook"' in warning.hint


def test_no_dimension_may_take_the_name_of_the_map(tmp_path, repo):
    folder = tmp_path / "common-agenda"
    shutil.copytree(repo / "datapackages" / "common-agenda", folder)
    for name in ("dimensions.csv", "groups.csv", "indicators.csv", "observation.schema.json"):
        path = folder / name
        path.write_text(re.sub(r"\bsex\b", "map", path.read_text(encoding="utf-8")), encoding="utf-8")
    _, problems = check_agenda(folder, tmp_path)
    assert any(problem.rule == "reserved-dimension-id" and "each indicator's map" in problem.message
               for problem in problems)


def test_the_open_sdg_importer_keeps_geocodes_so_the_platforms_boundaries_find_their_geographies(tmp_path, repo):
    from datetime import date
    from pathlib import Path

    from generator.importers import import_open_sdg

    excerpt = Path(__file__).parent / "fixtures" / "open-sdg-excerpt"
    shutil.copy(repo / "mkdocs.yml", tmp_path / "mkdocs.yml")
    import_open_sdg(excerpt, tmp_path, "uk-sdg", area="United Kingdom", today=date(2025, 10, 1))
    folder = tmp_path / "datapackages" / "common-agenda"
    header, *rows = (folder / "geographies.csv").read_text(encoding="utf-8").splitlines()
    assert header == "id,name,kind,parent,code"
    assert "england,England,country,united-kingdom,E92000001" in rows
    # The platform's own boundary file, as Open SDG sites keep them: features named by their GeoCode.
    england = {**feature("x"), "id": None, "properties": {"geocode": "E92000001", "name": "England"}}
    (folder / BOUNDARIES_FILE).write_text(json.dumps(collection(england)), encoding="utf-8")
    agenda, problems = check_agenda(folder, tmp_path)
    assert [problem for problem in problems if problem.severity == "error"] == []
    assert set(agenda.boundaries) == {"england"}


def test_an_agenda_whose_geographies_have_no_code_column_stays_valid(tmp_path, repo):
    """`code` came with maps: the agenda's schema lists it (`indicators init` and the importer write it), and an
    agenda written before, without the column, is still read."""
    from generator.load.agenda_schema import agenda_resources

    folder = tmp_path / "common-agenda"
    shutil.copytree(repo / "datapackages" / "common-agenda", folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    [written] = [resource for resource in agenda_resources() if resource["name"] == "geographies"]
    descriptor["resources"] = [written if resource["name"] == "geographies" else resource
                               for resource in descriptor["resources"]]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert "code" not in (folder / "geographies.csv").read_text(encoding="utf-8").splitlines()[0]
    agenda, problems = check_agenda(folder, tmp_path)
    assert problems == [] and agenda.geographies["eastport"].code == ""


# TopoJSON: two squares sharing an edge, as a quantized, delta-encoded topology (arcs: the shared edge, then each
# square's other three sides).
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.01, 0.01], "translate": [-92.0, 42.0]},
    "arcs": [[[10, 0], [0, 10]], [[10, 10], [-10, 0], [0, -10], [10, 0]], [[10, 0], [10, 0], [0, 10], [-10, 0]]],
    "objects": {"places": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "id": "eastport", "arcs": [[0, 1]]},
        {"type": "Polygon", "properties": {"id": "millbrook"}, "arcs": [[2, -1]]},
    ]}},
}


def test_a_topojson_file_is_read_as_its_objects_geometries(tmp_path, repo):
    from generator.load.boundaries import TOPOJSON_FILE, topology_features

    collection = topology_features(TOPOLOGY)
    [eastport, millbrook] = collection["features"]
    assert eastport["id"] == "eastport" and millbrook["properties"] == {"id": "millbrook"}
    assert eastport["geometry"]["coordinates"] == [[[-91.9, 42.0], [-91.9, 42.1], [-92.0, 42.1], [-92.0, 42.0],
                                                    [-91.9, 42.0]]]
    assert millbrook["geometry"]["coordinates"][0][0] == [-91.9, 42.0]
    assert millbrook["geometry"]["coordinates"][0][-1] == [-91.9, 42.0]
    folder = tmp_path / "common-agenda"
    shutil.copytree(repo / "datapackages" / "common-agenda", folder)
    (folder / BOUNDARIES_FILE).unlink()
    (folder / TOPOJSON_FILE).write_text(json.dumps(TOPOLOGY), encoding="utf-8")
    agenda, problems = check_agenda(folder, tmp_path)
    assert problems == [] and set(agenda.boundaries) == {"eastport", "millbrook"}
    assert set(read_agenda(folder).boundaries) == {"eastport", "millbrook"}


def test_a_topojson_file_with_an_unknown_geography_or_a_missing_arc_names_it(tmp_path, repo):
    from generator.load.boundaries import TOPOJSON_FILE

    folder = tmp_path / "common-agenda"
    shutil.copytree(repo / "datapackages" / "common-agenda", folder)
    (folder / BOUNDARIES_FILE).unlink()
    unknown = json.loads(json.dumps(TOPOLOGY))
    unknown["objects"]["places"]["geometries"][1]["properties"]["id"] = "westport"
    (folder / TOPOJSON_FILE).write_text(json.dumps(unknown), encoding="utf-8")
    _, [problem] = check_agenda(folder, tmp_path)
    assert problem.rule == "unknown-boundary-geography" and problem.file.endswith(TOPOJSON_FILE)
    assert problem.message.startswith('Geometry 1 of geographies.topojson (counting from 0 through its objects) has '
                                      'the id "westport"')
    broken = json.loads(json.dumps(TOPOLOGY))
    broken["objects"]["places"]["geometries"][0]["arcs"] = [[0, 7]]
    (folder / TOPOJSON_FILE).write_text(json.dumps(broken), encoding="utf-8")
    _, [problem] = check_agenda(folder, tmp_path)
    assert problem.rule == "invalid-boundaries" and "names arc 7, which the file does not have" in problem.message
    (folder / BOUNDARIES_FILE).write_text(json.dumps(collection()), encoding="utf-8")
    _, [problem] = check_agenda(folder, tmp_path)
    assert problem.rule == "two-boundary-files"


def test_an_import_merged_into_a_real_agenda_keeps_its_boundaries(tmp_path, repo):
    from datetime import date
    from pathlib import Path

    from generator.importers import import_open_sdg
    from generator.load.project import Project
    from generator.validate import validate_project

    shutil.copytree(repo / "datapackages", tmp_path / "datapackages")
    shutil.copy(repo / "mkdocs.yml", tmp_path / "mkdocs.yml")
    descriptor_path = tmp_path / "datapackages" / "common-agenda" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["initiative"]["fictional"] = False  # a real agenda: an import merges into it
    descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    boundaries = (repo / "datapackages" / "common-agenda" / BOUNDARIES_FILE).read_bytes()
    excerpt = Path(__file__).parent / "fixtures" / "open-sdg-excerpt"
    result = import_open_sdg(excerpt, tmp_path, "uk-sdg", area="United Kingdom", today=date(2025, 10, 1))
    assert result.merged is not None
    assert (tmp_path / "datapackages" / "common-agenda" / BOUNDARIES_FILE).read_bytes() == boundaries
    report = validate_project(Project(tmp_path)).report
    assert report.errors == [], [problem.message for problem in report.errors[:3]]
    # The imported places have no boundary: each is warned of (the maps leave it out), not refused.
    assert {problem.message.split('"')[1] for problem in report.warnings
            if problem.rule == "geography-without-boundary"} == {"united-kingdom", "england"}


def test_the_example_site_shows_each_map_among_the_breakdowns_with_its_table_and_no_request(example_build):
    page = example_build.site_dir / "indicators" / "kindergarten-readiness"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<figure class="chart" id="chart-([a-z_]+)"', html)[:3] == ["headline", "geography", "map"]
    assert '<figure class="chart" id="chart-map" data-spec-url="map.vl.json" data-chart="map">' in html
    assert '<h3 id="map-by-geography">Map by geography<' in html
    assert "the menu under the map chooses the period" in html
    assert '<caption id="table-map">Kindergarten readiness by geography, the values in the map' in html
    assert not (page / "map.svg").exists(), "a map is drawn in the browser, not at build time"
    spec = json.loads((page / "map.vl.json").read_text(encoding="utf-8"))
    assert spec["params"][0]["value"] == "2024-25"
    text = json.dumps(spec)
    assert '"url"' not in text and "tile" not in text


def test_a_map_carries_its_boundaries_to_about_a_metre():
    third = [[-92 - 1 / 3, 42.0], [-91.9, 42.0], [-91.9, 42 + 1 / 3, 100.0], [-92 - 1 / 3, 42.0]]
    feature_drawn = geometry.map_feature("eastport", "Eastport", {"type": "Polygon", "coordinates": [third]})
    assert feature_drawn["geometry"]["coordinates"][0][1] == [-91.9, 42.33333]  # and the altitude dropped
