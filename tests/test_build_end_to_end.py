"""The whole pipeline on the shipped example: from partner packages to a built site, checked from its files."""

from __future__ import annotations

import filecmp
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

from frictionless import validate as frictionless_validate

from generator import api
from generator.load.project import Project
from generator.compute.trends.method import IMPROVING, NOT_ASSESSED, NOT_AVAILABLE, STATUSES
from generator.load.agenda import read_agenda


def test_every_indicator_goal_and_partner_has_a_page(example_build, repo):
    site = example_build.site_dir
    agenda = read_agenda(repo / "datapackages" / "common-agenda")
    for indicator in agenda.indicators:
        page = site / "indicators" / indicator.id / "index.html"
        assert page.is_file(), indicator.id
        assert indicator.title in page.read_text(encoding="utf-8")
    for goal in agenda.goals:
        assert (site / "goals" / goal.id / "index.html").is_file()
    for partner in ("cedar-river-schools", "early-years-coalition", "cedar-river-college", "county-health",
                    "youthworks"):
        assert (site / "partners" / partner / "index.html").is_file()
        assert (site / "data" / f"{partner}.zip").is_file()
    for path in ("index.html", "data/index.html", "methodology/index.html", "about/index.html",
                 "contribute/index.html", "assets/javascripts/vega.js"):
        assert (site / path).is_file(), path


def test_scoreboard_counts_equal_the_statuses_in_trends_json(example_build):
    site = example_build.site_dir
    trends = json.loads((site / "data" / "trends.json").read_text(encoding="utf-8"))
    statuses = [indicator["status"] for indicator in trends["indicators"]]
    improving = sum(status in IMPROVING for status in statuses)
    without_data = statuses.count(NOT_AVAILABLE)

    home = (site / "index.html").read_text(encoding="utf-8")
    sentence = re.search(r"(\d+) of (\d+) indicators improving or at target(?:; (\d+) without enough data)?", home)
    assert sentence, "the home page states the scoreboard with its denominator"
    assert int(sentence[1]) == improving
    assert int(sentence[2]) == len(statuses)
    assert int(sentence[3] or 0) == without_data

    # The "All goals" row of the scoreboard table: one count per status, then the total.
    row = _table_row(home, "All goals")
    # "Not assessed" has a column only where some indicator has that status.
    shown = [status for status in STATUSES if status != NOT_ASSESSED or status in statuses]
    assert row == [str(statuses.count(status)) for status in shown] + [str(len(statuses))]


def test_the_example_shows_every_kind_of_verdict(example_build):
    """The example is meant to show a newcomer improving, worsening, met and unknown indicators."""
    trends = json.loads((example_build.site_dir / "data" / "trends.json").read_text(encoding="utf-8"))
    statuses = {indicator["id"]: indicator["status"] for indicator in trends["indicators"]}
    assert statuses["preschool-enrollment"] == "target_achieved"
    assert statuses["apprenticeship-starts"] == "not_available"
    assert statuses["eighth-grade-math"] == "deterioration"
    assert "substantial_progress" in statuses.values()
    headline = next(series for series in trends["series"]
                    if series["indicator"] == "third-grade-reading" and series["headline"])
    assert headline["break_period"] == "2021-22" and headline["base_period"] == "2021-22"
    assert headline["latest_flag"] == "provisional"


def test_published_data_package_is_valid_and_complete(example_build, repo):
    data = example_build.site_dir / "data"
    report = frictionless_validate(str(data / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:5]
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["licenses"], "the published package names its licence"
    assert {source["path"] for source in descriptor["sources"]} >= {"youthworks.zip", "county-health.zip"}

    observations = (data / "observations.csv").read_text(encoding="utf-8").splitlines()
    submitted = sum(len(path.read_text(encoding="utf-8").splitlines()) - 1
                    for path in (repo / "datapackages").glob("*/observations.csv"))
    assert len(observations) - 1 == submitted, "every submitted observation is published, once"

    per_indicator = json.loads((data / "indicators" / "teen-births.json").read_text(encoding="utf-8"))
    assert per_indicator["indicator"]["id"] == "teen-births"
    assert per_indicator["series"] and per_indicator["observations"]
    assert "86" in (data / "indicators" / "apprenticeship-starts.csv").read_text().split("\n")[1].split(","), \
        "counts are published as written, not as 86.0"


def test_every_chart_has_a_spec_file_and_a_table_and_the_headline_a_static_svg_and_png(example_build):
    page_folder = example_build.site_dir / "indicators" / "kindergarten-readiness"
    html = (page_folder / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'<figure class="chart" id="chart-([a-z_]+)" data-spec-url="([a-z_]+)\.vl\.json"', html)
    assert [name for name, _ in names][:1] == ["headline"]
    assert {"geography", "race_ethnicity", "sex", "income"} <= {name for name, _ in names}
    for name, file in names:
        assert file == name
        spec = json.loads((page_folder / f"{name}.vl.json").read_text(encoding="utf-8"))
        assert spec["description"], "every chart describes itself for screen readers"
        assert spec["datasets"], "the spec carries its data"
    # Only the headline chart is drawn by the build: the page's view without JavaScript and its share image.
    assert (page_folder / "headline.svg").read_text(encoding="utf-8").startswith("<svg")
    assert (page_folder / "headline.png").read_bytes().startswith(b"\x89PNG")
    assert '<meta property="og:image" content="headline.png">' in html
    assert sorted(path.name for path in page_folder.glob("*.svg")) == ["headline.svg", "sparkline.svg"]
    assert sorted(path.name for path in page_folder.glob("*.png")) == ["headline.png"]
    assert html.count("<table>") >= len(names), "every chart has its data table"
    assert "<script type=\"application/json\"" not in html, "specs are files, not part of the page"


def test_a_rebuild_with_unchanged_inputs_writes_identical_files(example_build, tmp_path, repo):
    again = api.build(Project(repo), tmp_path / "site", docs_dir=tmp_path / "docs")
    assert again.ok
    first, second = example_build.site_dir, again.site_dir
    files = sorted(path.relative_to(first) for path in first.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(second) for path in second.rglob("*") if path.is_file())
    _, mismatch, errors = filecmp.cmpfiles(first, second, [str(path) for path in files], shallow=False)
    assert not mismatch and not errors


def test_invalid_data_publish_nothing_and_say_where(project_copy: Project, tmp_path):
    observations = project_copy.datapackages / "youthworks" / "observations.csv"
    lines = observations.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    row[header.index("value")] = "eighty-six"
    lines[1] = ",".join(row) + "\n"
    lines.append(lines[2])  # the same observation twice
    unknown = lines[3].rstrip("\n").split(",")
    unknown[header.index("indicator")] = "apprenticeship-start"
    lines.append(",".join(unknown) + "\n")
    observations.write_text("".join(lines), encoding="utf-8")

    site = tmp_path / "published"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--project", str(project_copy.root), "build", "--site-dir", str(site)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert not site.exists(), "nothing is published from invalid data"
    output = result.stdout
    assert 'line 2, column 8 (value): error: "eighty-six" in column "value" is not a number.' in output
    assert f"line {len(lines) - 1}, column 1 (indicator): error: The observation of" in output
    assert f'line {len(lines)}, column 1 (indicator): error: "apprenticeship-start" is not a shared indicator' in output
    assert 'Did you mean "apprenticeship-starts"?' in output
    assert "datapackages/youthworks/observations.csv" in output


def test_a_failed_build_leaves_the_previous_site_in_place(project_copy: Project, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    (project_copy.datapackages / "youthworks" / "observations.csv").write_text(
        "not,the,agreed,columns\n", encoding="utf-8")
    result = api.build(project_copy, site, docs_dir=tmp_path / "docs")
    assert not result.ok and result.report.errors
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _table_row(html: str, first_cell: str) -> list[str]:
    parser = _Cells()
    parser.feed(html)
    row = next(row for row in parser.rows if row and row[0] == first_cell)
    return row[1:]


def test_markup_in_titles_is_shown_as_text_never_run(project_copy: Project, tmp_path):
    """MkDocs' theme prints navigation and page titles as HTML; the generator escapes what it hands over."""
    import csv

    goals = project_copy.agenda_folder / "goals.csv"
    rows = list(csv.reader(goals.open(encoding="utf-8")))
    rows[1][1] = "<script>alert(1)</script> Ready & able"
    with goals.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    descriptor_path = project_copy.datapackages / "youthworks" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["title"] = '<img src=x onerror="alert(2)">YouthWorks'
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")

    result = api.build(project_copy, tmp_path / "site", docs_dir=tmp_path / "docs")
    assert result.ok
    for page in (tmp_path / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, page
        assert "<img src=x" not in html, page
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ready &amp; able" in home
