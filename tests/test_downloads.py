"""Downloads: spreadsheet files are safe to open, the data package keeps every value exact."""

import hashlib

import pandas as pd
import pytest

from generator.publish.downloads import FORMULA_STARTS, _json, _json_pieces, iter_downloads
from generator.publish.site import write_files


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The oracle of the column-wise writer, in pandas: the same rows, with every text cell that a spreadsheet would run as a formula prefixed with an apostrophe.

    Only text columns change: numbers stay numbers. The data package's own files keep every value exact.
    """
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_numeric_dtype(safe[column]):
            continue
        text = safe[column].astype("string")
        risky = text.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
        if risky.any():
            safe[column] = safe[column].astype(object)
            safe.loc[risky, column] = "'" + text[risky]
    return safe


def test_formula_like_text_is_neutralised_for_spreadsheets_and_numbers_are_not():
    frame = pd.DataFrame({
        "note": ['=HYPERLINK("http://example.invalid","x")', "+1 call", "-5 means none", "@SUM(A1)", "plain", ""],
        "value": [1.0, -2.0, 3.0, None, 5.0, 6.0],
    })
    safe = spreadsheet_safe(frame)
    assert safe["note"].tolist() == ["'=HYPERLINK(\"http://example.invalid\",\"x\")", "'+1 call", "'-5 means none",
                                     "'@SUM(A1)", "plain", ""]
    assert safe["value"].tolist()[:3] == [1.0, -2.0, 3.0], "a negative number is a number, not a formula"
    assert frame["note"][0].startswith("="), "the original rows are not changed"


def test_the_package_keeps_values_exact_and_the_indicator_csv_is_neutralised(project_copy, tmp_path):
    from generator import api

    observations = project_copy.datapackages / "youthworks" / "observations.csv"
    lines = observations.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    first[-1] = '"=1+1 (a note)"'
    lines[1] = ",".join(first)
    observations.write_text("\n".join(lines) + "\n", encoding="utf-8")
    indicator = first[0]

    result = api.build(project_copy, tmp_path / "site", docs_dir=tmp_path / "docs")
    assert result.ok
    data = tmp_path / "site" / "data"
    assert ",=1+1 (a note)\n" in (data / "observations.csv").read_text(encoding="utf-8")
    assert "'=1+1 (a note)" in (data / "indicators" / f"{indicator}.csv").read_text(encoding="utf-8")


def _downloads_of(project):
    from generator.compute.observations import IndicatorRows, observations_table
    from generator.compute.trends import compute_trends
    from generator.validate import validate_project

    validated = validate_project(project)
    assert validated.report.valid
    agenda, packages = validated.agenda, validated.packages
    table = observations_table(packages, agenda)
    trends = compute_trends(table, agenda)
    rows = IndicatorRows.of(table, agenda.dimension_ids, trends.dimensions_used)
    return agenda, table, trends, {path: data if isinstance(data, bytes) else b"".join(data)
                                   for path, data in iter_downloads(rows, trends, agenda, packages)}


def _with_awkward_notes(project):
    """The example with notes that need quoting, look like formulas or are missing, and a row without a value."""
    path = project.datapackages / "youthworks" / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    notes = ['"a note, with a comma"', '"she said ""yes"""', '"=SUM(A1:A3)"', "-5 means none", "@home", ""]
    for number, note in enumerate(notes, start=1):
        cells = lines[number].split(",")
        cells[-1] = note
        lines[number] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return project


def test_the_csv_files_are_the_bytes_pandas_writes_of_the_same_rows(project_copy):
    # What the downloads were written with before they were written column by column: the bytes must not move.
    from generator.publish.downloads import TREND_FIELDS
    from generator.publish.csvfiles import FLOAT_FORMAT

    def to_csv(frame: pd.DataFrame) -> bytes:
        return frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n").encode("utf-8")

    agenda, table, trends, files = _downloads_of(_with_awkward_notes(project_copy))
    published = table.drop(columns=["time"])
    assert files["observations.csv"] == to_csv(published)
    assert b'"a note, with a comma"' in files["observations.csv"]
    for indicator in agenda.indicators:
        unused = set(agenda.dimension_ids) - set(trends.dimensions_used.get(indicator.id, ()))
        rows = published[published["indicator"] == indicator.id].drop(columns=sorted(unused))
        assert files[f"indicators/{indicator.id}.csv"] == to_csv(spreadsheet_safe(rows)), indicator.id
    directions = {indicator.id: indicator.direction for indicator in agenda.indicators}
    records = []
    for trend in trends.series:
        record = trend.to_dict(directions[trend.indicator])
        records.append({**record, **{dimension: record["groups"].get(dimension, "")
                                     for dimension in agenda.dimension_ids}})
    columns = ["indicator", "geography", *agenda.dimension_ids, *TREND_FIELDS]
    assert files["trends.csv"] == to_csv(pd.DataFrame(records, columns=columns))


def test_the_json_files_hold_every_row_with_missing_numbers_as_null_and_the_same_bytes_each_time(project_copy):
    import json

    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    agenda, table, trends, files = _downloads_of(_with_awkward_notes(project_copy))
    for path, data in files.items():
        if path.endswith(".json"):
            json.loads(data, parse_constant=refuse)
    published = table.drop(columns=["time"])
    blank_value = 0
    for indicator in agenda.indicators:
        unused = set(agenda.dimension_ids) - set(trends.dimensions_used.get(indicator.id, ()))
        rows = published[published["indicator"] == indicator.id].drop(columns=sorted(unused))
        expected = [{key: None if isinstance(value, float) and value != value else value for key, value in row.items()}
                    for row in rows.to_dict(orient="records")]
        record = json.loads(files[f"indicators/{indicator.id}.json"])
        assert record["observations"] == expected, indicator.id
        assert [list(row) for row in record["observations"]] == [list(row) for row in expected], "column order"
        blank_value += sum(row["value"] is None for row in record["observations"])
    assert blank_value, "the example has a suppressed value, written as null"
    assert _downloads_of(project_copy)[3] == files, "the same inputs give the same bytes"


@pytest.mark.parametrize("items", [[], [{"x": 1, "nested": [1, {"z": None}], "empty": {}},
                                        {"x": float("nan"), "text": "a\nb"}], [[], {}, 3, "x"]])
def test_a_json_file_written_in_pieces_has_the_bytes_of_one_written_whole(items):
    value = {"generator": {"name": "collective-indicators"}, "indicators": [{"id": "a"}]}
    assert b"".join(_json_pieces(value, "series", items)) == _json({**value, "series": items})
    assert b"".join(_json_pieces(value, "series", iter(items))) == _json({**value, "series": items}), \
        "items made one at a time, as the series' records are"


def test_a_file_written_in_pieces_is_kept_when_its_bytes_are_unchanged_and_replaced_when_not(tmp_path):
    pieces = [b"indicator,value\n", memoryview(b"a,1\nb,2\n")]
    [first] = write_files(tmp_path, [("data/x.csv", iter(pieces))]).values()
    assert first.path.read_bytes() == b"indicator,value\na,1\nb,2\n" and first.lines == 3 and first.size == 24
    assert first.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()
    inode = first.path.stat().st_ino
    write_files(tmp_path, [("data/x.csv", iter(pieces))])
    assert first.path.stat().st_ino == inode, "the same bytes: the file is kept"
    write_files(tmp_path, [("data/x.csv", iter([b"indicator,value\n", b"a,3\n"]))])
    assert first.path.read_bytes() == b"indicator,value\na,3\n" and first.path.stat().st_ino != inode
    assert [path.name for path in (tmp_path / "data").iterdir()] == ["x.csv"], "no partial file is left"
