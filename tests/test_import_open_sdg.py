"""`import_open_sdg`: an Open SDG data repository becomes a valid agenda and partner package, and a site.

The excerpt in tests/fixtures/open-sdg-excerpt/ is copied unchanged from the UK's Open SDG data repository
(see its README); the other sources here are written by the tests, one case each.
"""

from __future__ import annotations

import csv
import filecmp
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import run_indicators
from frictionless import validate as frictionless_validate

from generator import api
from generator.load.agenda import read_agenda
from generator.importers import (
    OpenSdgError,
    import_open_sdg,
    period_from_year,
    plain_text,
    reconciliation_text,
    status_from_observation_status,
)
from generator.importers.open_sdg.licence import source_licence
from generator.load.project import Project
from generator.validate import validate_project

EXCERPT = Path(__file__).parent / "fixtures" / "open-sdg-excerpt"
TODAY = date(2025, 10, 1)
MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>|&[a-zA-Z]+;|&#\d+;|\[[^\]]*\]\([^)]*\)|\*\*")


def records_after_header(path: Path) -> int:
    """The rows of a source file counted independently of the importer: CSV records after the header line."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    header = next(index for index, row in enumerate(rows) if any(cell.strip() for cell in row))
    return len(rows) - header - 1


def table(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_excerpt_imports_validates_and_builds(tmp_path, repo):
    shutil.copy(repo / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(repo / "site_src", tmp_path / "site_src")

    result = import_open_sdg(EXCERPT, tmp_path, "uk-sdg", area="United Kingdom", today=TODAY)

    # Every row of every file is imported or reported, with its line and reason.
    assert [file.file for file in result.files] == [
        "data/indicator_1-1-1.csv", "data/indicator_3-1-1.csv", "data/indicator_5-2-2.csv",
        "data/indicator_10-3-1.csv", "data/indicator_16-7-1.csv"]
    for file in result.files:
        assert file.rows_in_file == records_after_header(EXCERPT / file.file), file.file
        assert file.rows_imported + file.rows_reported == file.rows_in_file, file.file
        for row in file.reported:
            assert row.line > 1 and row.rule and row.reason, row
    assert result.balanced
    reported = {(file.file, row.line, row.rule) for file in result.files for row in file.reported}
    assert reported == {
        ("data/indicator_10-3-1.csv", 80, "blank-value"),
        ("data/indicator_16-7-1.csv", 2, "no-data-placeholder"),
        ("data/indicator_16-7-1.csv", 3, "blank-line"),
    }
    summary = reconciliation_text(result)
    assert f"{result.rows_in_files:,} rows: {result.rows_imported:,} imported, {result.rows_reported:,} reported" \
        in summary

    # The project's own validator finds nothing wrong, and the partner package is a valid Frictionless package.
    report = validate_project(Project(tmp_path)).report
    assert report.errors == []
    agenda_folder = tmp_path / "datapackages" / "common-agenda"
    partner_folder = tmp_path / "datapackages" / "uk-sdg"
    assert filecmp.cmp(agenda_folder / "observation.schema.json", partner_folder / "observation.schema.json",
                       shallow=False)
    assert frictionless_validate(str(partner_folder / "datapackage.json")).valid
    assert "Open Government Licence v3.0" in (partner_folder / "README.md").read_text(encoding="utf-8")

    agenda = read_agenda(agenda_folder)
    indicators = agenda.indicators_by_id
    # One indicator per series and unit; the first keeps the Open SDG id.
    assert list(indicators) == ["1-1-1", "3-1-1", "3-1-1-maternal-mortality-ratio", "3-4-1", "5-2-2", "10-3-1",
                                "16-7-1"]
    assert indicators["3-1-1"].unit != indicators["3-1-1-maternal-mortality-ratio"].unit
    assert [goal.id for goal in agenda.goals] == ["1", "3", "5", "10", "16"]
    assert agenda.goals[0].title == "Goal 1: No poverty"
    assert agenda.area == "united-kingdom"
    # No markup survives in titles and definitions (1-1-1's metadata has paragraphs and links).
    for indicator in agenda.indicators:
        for text in (indicator.title, indicator.definition, indicator.source):
            assert not MARKUP.search(text), (indicator.id, text)
            assert "\n" not in text
    # The indicator with metadata and no data, and the one whose file holds only a placeholder, are on the agenda.
    assert "3-4-1" in indicators and "16-7-1" in indicators
    assert set(result.indicators_without_data) == {"3-4-1", "16-7-1"}

    observations = table(partner_folder / "observations.csv")
    periods = {row["period"] for row in observations}
    assert {"2003-05", "2004-05", "2007-2009"} <= periods  # 2003-05, 2004/05, 2007/08 to 2008/09
    statuses = {(row["indicator"], row["status"], row["note"]) for row in observations}
    assert ("1-1-1", "estimated", "") in statuses
    assert ("3-1-1", "", "Definition differs") in statuses
    assert ("5-2-2", "suppressed", "Missing value; suppressed") in statuses
    assert all(row["value"] == "" for row in observations if row["status"] == "suppressed")

    # The site builds, with a page for every indicator; the one without data says so.
    built = api.build(Project(tmp_path), tmp_path / "site", docs_dir=tmp_path / "docs")
    assert built.ok, [problem.message for problem in built.report.errors]
    for indicator in agenda.indicators:
        page = built.site_dir / "indicators" / indicator.id / "index.html"
        assert page.is_file(), indicator.id
    no_data = (built.site_dir / "indicators" / "3-4-1" / "index.html").read_text(encoding="utf-8")
    assert "No partner has published data for this indicator yet" in no_data
    # Without progress settings Open SDG gives no status, and neither does the imported site.
    poverty = (built.site_dir / "indicators" / "1-1-1" / "index.html").read_text(encoding="utf-8")
    assert "Not assessed" in poverty and "agreed no progress assessment" in poverty


def test_progress_settings_become_direction_target_and_counted_series(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(EXCERPT, source)
    (source / "indicator-config").mkdir()
    (source / "indicator-config" / "3-1-1.yml").write_text(
        "progress_calculation_options:\n"
        "  - series: Maternal mortality rate\n"
        "    direction: negative\n"
        "    target: 10\n"
        "    target_year: 2030\n"
        "  - group:\n"
        "    - series: Maternal mortality ratio\n"
        "      direction: negative\n"
        "      base_year: 2010\n"
        "      limit: 0\n", encoding="utf-8")
    (source / "indicator-config" / "10-3-1.yml").write_text(
        "graph_title: Victims of hate crime\n"
        "progress_calculation_options:\n"
        "  - disaggregation:\n"
        "    - field: Sex\n"
        "      value: Female\n"
        "    direction: negative\n", encoding="utf-8")
    (source / "indicator-config" / "5-2-2.yml").write_text("auto_progress_calculation: true\n", encoding="utf-8")

    result = import_open_sdg(source, tmp_path / "project", "uk-sdg", area="United Kingdom", today=TODAY)

    assert validate_project(Project(tmp_path / "project")).report.errors == []
    rows = {row["id"]: row for row in table(tmp_path / "project" / "datapackages" / "common-agenda" / "indicators.csv")}
    rate, ratio = rows["3-1-1"], rows["3-1-1-maternal-mortality-ratio"]
    assert (rate["direction"], rate["target_value"], rate["target_period"], rate["baseline_period"]) == \
        ("decrease", "10", "2030", "2015")  # Open SDG's default base year
    assert (ratio["direction"], ratio["limit"], ratio["target_value"], ratio["baseline_period"]) == \
        ("decrease", "0", "", "2010")
    hate_crime = rows["10-3-1"]
    assert hate_crime["title"] == "Victims of hate crime"  # indicator-config overrides the metadata
    assert (hate_crime["direction"], hate_crime["progress_series"]) == ("decrease", "sex")
    assert rows["5-2-2"]["direction"] == "decrease"  # Open SDG's default direction when progress is on
    assert rows["1-1-1"]["direction"] == "increase"
    rules = {(note.rule, note.message.split(":")[0]) for note in result.notes}
    assert ("no-progress-settings", "1-1-1") in rules
    assert rows["1-1-1"]["progress_series"] == "none"  # Open SDG computes no status without settings
    assert ("default-direction", "5-2-2") in rules
    assert ("progress-series-approximated", "10-3-1") in rules
    assert ("default-direction", "3-1-1") not in rules


def test_every_bad_row_is_reported_with_its_line_and_reason(tmp_path):
    source = tmp_path / "source"
    (source / "data").mkdir(parents=True)
    (source / "meta").mkdir()
    (source / "data" / "indicator_9-9-9.csv").write_text(
        "Year,Sex,Units,Observation status,Value\n"   # 1
        "2015,,Percentage (%),Normal value,10\n"       # 2
        "2016,,Percentage (%),,11\n"                   # 3
        "2016,,Percentage (%),,12\n"                   # 4 the same observation as line 3
        "2017,Female,Percentage (%),Provisional,5\n"   # 5
        "201x,,Percentage (%),,3\n"                    # 6 not a year
        "2018,,Percentage (%),,n/a\n"                  # 7 not a number
        "2019,,Percentage (%),,\n"                     # 8 blank, nothing says why
        "2020,,Percentage (%),Missing value,\n"        # 9 blank and missing: published as suppressed
        "2099,,Percentage (%),,1\n"                    # 10 not begun yet
        "2021,,Percentage (%),,1,2\n"                  # 11 one cell too many
        '"2019/20",Male,Number,,"7"\n'                 # 12 another unit: another indicator
        "1993 01,,Percentage (%),,4\n"                # 13 a month: imported as 1993-01
        "2025 11,,Percentage (%),,4\n",               # 14 a month that has not begun yet
        encoding="utf-8")
    (source / "meta" / "9-9-9.md").write_text(
        "---\ngraph_title: '<b>Test</b> &amp; <a href=\"https://example.org/x\">more</a>'\n"
        "computation_definitions: '[Read me](https://example.org/y) **now**<br>please'\n---\nBody\n",
        encoding="utf-8")

    result = import_open_sdg(source, tmp_path / "project", "test", area="Testland", today=TODAY)

    [file] = result.files
    assert (file.rows_in_file, file.rows_imported, file.rows_reported) == (13, 6, 7)
    assert [(row.line, row.rule) for row in file.reported] == [
        (4, "duplicate-observation"), (6, "unreadable-period"), (7, "value-not-a-number"), (8, "blank-value"),
        (10, "future-period"), (11, "wrong-cell-count"), (14, "future-period")]
    assert "as line 3: only the first" in file.reported[0].reason
    assert "2025-11 has not begun" in file.reported[-1].reason
    assert validate_project(Project(tmp_path / "project")).report.errors == []

    folder = tmp_path / "project" / "datapackages"
    indicators = {row["id"]: row for row in table(folder / "common-agenda" / "indicators.csv")}
    assert set(indicators) == {"9-9-9", "9-9-9-number"}
    assert indicators["9-9-9"]["title"] == "Test & more (https://example.org/x) (Percentage (%))"
    assert indicators["9-9-9"]["definition"] == "Read me (https://example.org/y) now please"
    units = {row["id"]: row for row in table(folder / "common-agenda" / "units.csv")}
    assert (units["percentage"]["minimum"], units["percentage"]["maximum"], units["percentage"]["symbol"]) == \
        ("0", "100", "%")
    assert (units["number"]["minimum"], units["number"]["integer"]) == ("0", "true")
    observations = table(folder / "test" / "observations.csv")
    assert [(row["period"], row["status"], row["note"]) for row in observations if row["status"]] == [
        ("2017", "provisional", ""), ("2020", "suppressed", "Missing value")]
    assert [row["geography"] for row in observations] == ["testland"] * 6
    assert "1993-01" in [row["period"] for row in observations]


def test_importing_into_the_example_replaces_it_and_importing_again_merges(tmp_path, repo):
    shutil.copytree(repo / "datapackages", tmp_path / "datapackages")
    first = import_open_sdg(EXCERPT, tmp_path, "uk-sdg", today=TODAY)
    # The fictional example is replaced as `indicators init` would: its partners are gone, not left invalid.
    assert "datapackages/youthworks/" in first.example_removed
    assert first.other_partners == () and first.merged is None
    assert sorted(path.name for path in (tmp_path / "datapackages").iterdir()) == ["common-agenda", "uk-sdg"]
    stale = tmp_path / "datapackages" / "common-agenda" / "stale.txt"
    stale.write_text("left over", encoding="utf-8")
    second = import_open_sdg(EXCERPT, tmp_path, "uk-sdg", today=TODAY)
    # The agenda is now the import's own, a real one: importing again merges into it, and finds nothing new.
    assert second.merged is not None and not any(second.merged.added.values())
    assert not any(second.merged.updated.values())
    assert "Merged into the agenda in place: nothing new." in reconciliation_text(second)
    assert not stale.exists()
    assert second.rows_imported == first.rows_imported
    assert not any(path.name.startswith(".import-") for path in (tmp_path / "datapackages").iterdir())


def real_agenda(repo, root: Path) -> Path:
    """The example's data as if it were a real initiative's: its agenda no longer says it is fictional."""
    shutil.copytree(repo / "datapackages", root / "datapackages")
    descriptor_path = root / "datapackages" / "common-agenda" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["initiative"]["fictional"] = False
    descriptor_path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    return root


def test_importing_into_a_real_agenda_adds_to_it_and_gives_its_partners_the_new_columns(tmp_path, repo):
    root = real_agenda(repo, tmp_path)
    goals_before = table(root / "datapackages" / "common-agenda" / "goals.csv")
    result = import_open_sdg(EXCERPT, root, "uk-sdg", area="United Kingdom", today=TODAY)
    assert result.example_removed == () and result.other_partners == ()
    assert result.merged.added["indicators"] == ["1-1-1", "3-1-1", "3-1-1-maternal-mortality-ratio", "3-4-1",
                                                 "5-2-2", "10-3-1", "16-7-1"]
    assert result.merged.added["goals"] == ["1", "3", "5", "10", "16"]
    agenda = read_agenda(root / "datapackages" / "common-agenda")
    # The agenda's own rows first and unchanged; its initiative too.
    assert table(root / "datapackages" / "common-agenda" / "goals.csv")[:len(goals_before)] == goals_before
    assert agenda.initiative.name == "Cedar River Partnership" and agenda.area == "cedar-river-county"
    assert "kindergarten-readiness" in agenda.indicators_by_id and "3-1-1" in agenda.indicators_by_id
    # The new dimensions are new columns of the observation schema: every partner package is given them, blank.
    assert set(result.migrated) == {"cedar-river-college", "cedar-river-schools", "county-health",
                                    "early-years-coalition", "youthworks"}
    assert "New dimension columns, blank, added to youthworks: observation.schema.json, observations.csv." \
        in reconciliation_text(result)
    report = validate_project(Project(root)).report
    assert report.errors == [], [problem.message for problem in report.errors[:5]]


def test_an_import_that_clashes_with_a_real_agenda_names_both_and_writes_nothing(tmp_path, repo):
    root = real_agenda(repo, tmp_path)
    goals = root / "datapackages" / "common-agenda" / "goals.csv"
    goals.write_text(goals.read_text(encoding="utf-8") + "3,Everyone is healthy,\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in (root / "datapackages").rglob("*") if path.is_file()}

    result = run_indicators(root, "import", "open-sdg", str(EXCERPT), "--partner", "uk-sdg")

    assert result.returncode == 1
    assert ('Goal "3" at datapackages/common-agenda/goals.csv line 6 differs from the "3" of the import of '
            'open-sdg-excerpt (title "Everyone is healthy" ≠ "Goal 3: Good health and well-being")') in result.stderr
    assert "Nothing was written" in result.stderr
    after = {path: path.read_bytes() for path in (root / "datapackages").rglob("*") if path.is_file()}
    assert after == before
OGL = {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
       "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}


def test_both_packages_state_the_licence_the_source_names(tmp_path):
    import_open_sdg(EXCERPT, tmp_path, "uk-sdg", today=TODAY)

    # The excerpt's LICENSE names the Open Government Licence for the data and MIT for the code: the data's wins.
    for folder in ("common-agenda", "uk-sdg"):
        descriptor = json.loads((tmp_path / "datapackages" / folder / "datapackage.json").read_text(encoding="utf-8"))
        assert descriptor["licenses"] == [OGL], folder
    agenda = read_agenda(tmp_path / "datapackages" / "common-agenda")
    assert agenda.initiative.data_licence == "OGL-UK-3.0"


def test_a_source_without_a_licence_file_states_what_its_publisher_says(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(EXCERPT, source)
    (source / "LICENSE").unlink()

    import_open_sdg(source, tmp_path / "project", "uk-sdg", today=TODAY)

    descriptor = json.loads((tmp_path / "project" / "datapackages" / "uk-sdg" / "datapackage.json")
                            .read_text(encoding="utf-8"))
    assert descriptor["licenses"] == [{"name": "other", "title": "As stated by the publisher of the source repository"}]


@pytest.mark.parametrize("file, text, name, path", [
    ("LICENSE", "The MIT License (MIT)\n\nCopyright (c) 2020 A Statistics Office\n\nPermission is hereby granted, "
     "free of charge, to any person obtaining a copy", "MIT", "https://opensource.org/licenses/MIT"),
    ("LICENCE.md", "Data published under the\nOpen Government Licence v3.0.", "OGL-UK-3.0",
     "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
    ("license.txt", "This work is licensed under a Creative Commons Attribution 4.0 International License.",
     "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("LICENSE", "CC0 1.0 Universal. Statement of Purpose ...", "CC0-1.0",
     "https://creativecommons.org/publicdomain/zero/1.0/"),
    ("LICENSE", "Copyright 2024. All rights reserved.", "other", None),
    ("README.md", "Open Government Licence v3.0", "other", None),  # not a licence file
])
def test_the_licence_is_recognised_by_its_words(tmp_path, file, text, name, path):
    (tmp_path / file).write_text(text, encoding="utf-8")
    licence = source_licence(tmp_path)
    assert (licence["name"], licence.get("path")) == (name, path)


def test_a_folder_that_is_not_open_sdg_or_a_bad_slug_is_refused(tmp_path):
    with pytest.raises(OpenSdgError, match="not an Open SDG data repository"):
        import_open_sdg(tmp_path, tmp_path / "project", "uk-sdg")
    with pytest.raises(OpenSdgError, match="not a valid partner slug"):
        import_open_sdg(EXCERPT, tmp_path / "project", "UK SDG")


@pytest.mark.parametrize("year, period", [
    ("2015", "2015"), ("2021.0", "2021"), ("2015-16", "2015-16"), ("2015/16", "2015-16"),
    ("2001/2002", "2001-2002"), ("2018 to 2020", "2018-2020"), ("2015/16 to 2017/18", "2015-2018"),
    ("2002/03-2007/08", "2002-2008"), ("2000 Q1", "2000-Q1"), ("2019/20 [Note 5]", "2019-20"),
    ("2001-2005 (baseline)", "2001-2005"), ("17 May to 11 June 2023", "2023"), ("1999/00", "1999-00"),
    # Months: Open SDG writes them "1993 01"; the twelve that would read as a school year get SDMX's M.
    ("1993 01", "1993-01"), ("2023 12", "2023-12"), ("Jan 1993", "1993-01"), ("September 2020", "2020-09"),
    ("2000 01", "2000-M01"), ("2011 12", "2011-M12"), ("2000/01", "2000-01"),
])
def test_open_sdg_years_become_periods(year, period):
    assert period_from_year(year)[0] == period


@pytest.mark.parametrize("year, rule", [
    ("1993 13", "unreadable-period"), ("1974a", "unreadable-period"), ("", "unreadable-period"),
    ("2015-2030", "unreadable-period"), ("There is no data for this indicator yet", "no-data-placeholder"),
])
def test_years_that_are_not_periods_say_why(year, rule):
    label, _, found, reason = period_from_year(year)
    assert label is None and found == rule and reason


@pytest.mark.parametrize("status, flag, note, missing", [
    ("Normal value", "", "", False), ("Undefined", "", "", False), ("", "", "", False),
    ("Estimated value", "estimated", "", False), ("estimate", "estimated", "", False),
    ("Provisional", "provisional", "", False), ("Time series break", "break_in_series", "", False),
    ("Low reliability; Time series break", "break_in_series", "Low reliability", False),
    ("Definition differs", "", "Definition differs", False),
    ("Missing value; suppressed", "", "Missing value; suppressed", True), ("Missing data", "", "Missing data", True),
])
def test_observation_status_becomes_flag_and_note(status, flag, note, missing):
    assert status_from_observation_status(status) == (flag, note, missing)


def test_html_and_markdown_become_plain_text():
    assert plain_text('<p> Poverty &amp; <a href ="https://pip.worldbank.org/home"> the World Bank </a></p>') == \
        "Poverty & the World Bank (https://pip.worldbank.org/home)"
    assert plain_text("one<br> <br>two") == "one two"
    assert plain_text("&lt;script&gt;alert(1)&lt;/script&gt;safe") == "safe"
    assert plain_text(["a", "<i>b</i>"]) == "a; b"
    assert plain_text(None) == "" and plain_text(2015) == "2015"


def test_files_mapped_in_a_second_process_give_the_same_packages_and_accounting(tmp_path, monkeypatch):
    # A national repository's files are mapped in two processes (mapping.map_files); the excerpt's five are too few,
    # unless the threshold is lowered.
    from generator.importers.open_sdg import mapping

    serial = import_open_sdg(EXCERPT, tmp_path / "serial", "uk-sdg", area="United Kingdom", today=TODAY)
    mapped_here, original = [], mapping.map_file
    monkeypatch.setattr(mapping, "FILES_FOR_A_SECOND_PROCESS", 2)
    monkeypatch.setattr(mapping, "map_file", lambda *given: mapped_here.append(1) or original(*given))
    parallel = import_open_sdg(EXCERPT, tmp_path / "parallel", "uk-sdg", area="United Kingdom", today=TODAY)
    assert not mapped_here, "the files were mapped in other processes"
    assert parallel.files == serial.files and parallel.notes == serial.notes

    def files(folder: Path) -> list[Path]:
        return sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())

    written = files(tmp_path / "serial")
    assert written and written == files(tmp_path / "parallel")
    for path in written:
        assert (tmp_path / "parallel" / path).read_bytes() == (tmp_path / "serial" / path).read_bytes(), path
