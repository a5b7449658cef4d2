"""Downloads: spreadsheet files are safe to open, the data package keeps every value exact."""

import pandas as pd

from generator.downloads import spreadsheet_safe


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
