"""The public site's content, asserted on the built example: embed pages, updates and feed, data page, charts."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator import api
from generator.publish.charts import selector_name
from generator.compute.trends.progress import assess_progress
from generator.publish.feed import ATOM

# The weight budget of one indicator page: its HTML (with its charts' data inline) and the one image it loads at
# once; the JavaScript every page shares is not counted.
PAGE_BUDGET_BYTES = 150 * 1024


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML page."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str, **wanted) -> list[dict]:
        return [attrs for name, attrs in self.tags
                if name == tag and all(attrs.get(key) == value for key, value in wanted.items())]


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def _specs(site: Path, path: str) -> dict[str, dict]:
    """Each chart's spec on a page, by chart name: the file its figure names, beside the page."""
    page = site / path
    return {attrs["data-chart"]: json.loads((page / attrs["data-spec-url"]).read_text(encoding="utf-8"))
            for attrs in _Elements(_page(site, path)).all("figure")}


@pytest.fixture(scope="module")
def site(example_build) -> Path:
    return example_build.site_dir


def test_embed_page_has_the_chart_verdict_source_and_table_without_the_site_chrome(site):
    html = _page(site, "embed/third-grade-reading")
    page = _Elements(html)
    [image] = page.all("img", **{"class": "chart__static"})
    assert (site / "embed" / "third-grade-reading" / image["src"]).resolve() == \
        (site / "indicators" / "third-grade-reading" / "headline.svg").resolve()
    assert image["alt"].startswith("Third-grade reading in Cedar River County")
    assert _specs(site, "embed/third-grade-reading")["headline"]["description"] == image["alt"]
    assert page.all("table") and "2024-25" in "".join(page.text)
    assert "class=\"status status--" in html, "the verdict is on the embed page"
    assert page.all("a", href="../../indicators/third-grade-reading/", target="_top")
    assert "Licence: CC-BY-4.0" in "".join(page.text)
    assert "md-nav" not in html and "md-header" not in html, "no navigation or site header"


@pytest.mark.parametrize("path", ["embed/third-grade-reading", "indicators/third-grade-reading", "updates", "data"])
def test_pages_load_nothing_from_other_hosts(site, path):
    page = _Elements(_page(site, path))
    loaded = [attrs.get("src") for attrs in page.all("script") + page.all("img") + page.all("iframe")]
    loaded += [attrs.get("href") for attrs in page.all("link") if attrs.get("rel") != "canonical"]
    assert [address for address in loaded if address and re.match(r"^(https?:)?//", address)] == []


def test_indicator_page_offers_the_embed_snippet_png_and_svg(site):
    html = _page(site, "indicators/third-grade-reading")
    assert ('&lt;iframe src="../../embed/third-grade-reading/" title="Third-grade reading (Cedar River Partnership)"'
            in html)
    assert 'href="headline.png"' in html and 'href="headline.svg"' in html


def test_updates_page_and_feed_list_the_same_releases(example_build, site):
    feed = ET.fromstring((site / "updates" / "feed.xml").read_bytes())
    assert feed.tag == f"{{{ATOM}}}feed"
    entries = feed.findall(f"{{{ATOM}}}entry")
    assert entries, "the example's packages are in the repository's history"
    html = _page(site, "updates")
    for entry in entries:
        anchor = entry.find(f"{{{ATOM}}}link").get("href").split("#", 1)[1]
        assert f'id="{anchor}"' in html
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", entry.find(f"{{{ATOM}}}updated").text)
    assert 'href="feed.xml" type="application/atom+xml"' in html
    home = _page(site, "")
    assert "Latest data updates" in home and 'href="updates/#' in home


def test_citation_cff_is_valid_cff_1_2_0(site):
    citation = yaml.safe_load((site / "data" / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["message"] and citation["title"]
    assert citation["authors"] and all(isinstance(author.get("name"), str) for author in citation["authors"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", str(citation["date-released"]))
    assert citation["license"] == "CC-BY-4.0" and citation["type"] == "dataset"


def test_data_page_checksums_match_the_files(site):
    html = _page(site, "data")
    # Linked from the site's root, where the data are for every language's data page.
    listed = re.findall(r'<a href="\.\./data/([^"]+)" download>[^<]+</a></th>.*?<code class="sha256">([0-9a-f]{64})'
                        r'</code>', html)
    assert len(listed) > 40, "every file, including each indicator's"
    paths = {path for path, _ in listed}
    assert {"observations.csv", "datapackage.json", "CITATION.cff", "indicators/third-grade-reading.json"} <= paths
    for path, digest in listed:
        assert hashlib.sha256((site / "data" / path).read_bytes()).hexdigest() == digest, path


def test_data_page_shows_each_files_schema_and_links_to_the_method(site):
    html = _page(site, "data")
    for caption in ("Columns of observations.csv", "Columns of trends.csv", "Columns of agenda/indicators.csv",
                    "Keys of an indicator's JSON file"):
        assert caption in html
    assert re.search(r"<code>period</code></th><td>string</td><td>[^<]+</td><td>required", html)
    assert 'href="../methodology/"' in html


def test_an_indicators_json_is_enough_to_recompute_its_status(site):
    """What a journalist does with /data/ and /methodology/ alone."""
    record = json.loads((site / "data" / "indicators" / "third-grade-reading.json").read_text(encoding="utf-8"))
    indicator = record["indicator"]
    headline = [row for row in record["observations"] if row["geography"] == "cedar-river-county"
                and not any(row[dimension] for dimension in ("race_ethnicity", "sex", "income"))]
    series = next(series for series in record["series"] if series["headline"])
    progress = assess_progress([row["period"] for row in headline], [row["value"] for row in headline],
                               direction=indicator["direction"], base_period=series["base_period"],
                               target=indicator["target_value"], target_period=indicator["target_period"])
    assert progress.status == series["status"]
    assert progress.score == pytest.approx(series["score"])


def test_group_charts_have_a_selector_bound_to_a_menu_of_every_group(site):
    specs = _specs(site, "indicators/third-grade-reading")
    geography = specs["geography"]
    [param] = geography["params"]
    assert param["name"] == selector_name("geography") and param["value"] is None
    assert param["bind"]["input"] == "select"
    assert param["bind"]["options"] == [None, "Cedar River County", "Eastport", "Millbrook"]
    assert "params" in specs["race_ethnicity"]
    assert "params" not in specs["headline"]


def _path_layers(spec: dict) -> list[list[dict]]:
    """The rows of each dashed line drawn from data of its own (the main line draws the shared rows)."""
    return [spec["datasets"][layer["data"]["name"]] for layer in spec["layer"]
            if layer["mark"].get("type") == "line" and layer["mark"].get("strokeDash")
            and layer.get("data", {}).get("name", "rows") != "rows"]


def test_headline_chart_draws_the_path_from_base_to_target(site):
    record = json.loads((site / "data" / "indicators" / "third-grade-reading.json").read_text(encoding="utf-8"))
    series = next(series for series in record["series"] if series["headline"])
    spec = _specs(site, "indicators/third-grade-reading")["headline"]
    [path] = _path_layers(spec)
    points = [(point["period"], point["value"]) for point in path]
    assert points == [(series["base_period"], series["base_value"]), ("2029-30", 70.0)]
    assert "2029-30" in spec["layer"][0]["encoding"]["x"]["scale"]["domain"], "the axis runs to the target period"


def test_no_path_to_target_without_a_target(site):
    spec = _specs(site, "indicators/apprenticeship-starts").get("headline")
    assert spec is not None and _path_layers(spec) == []


def test_indicator_pages_stay_within_their_weight_budget(site):
    weights = {}
    for folder in sorted((site / "indicators").iterdir()):
        html = (folder / "index.html").read_bytes()
        eager = [attrs["src"] for attrs in _Elements(html.decode("utf-8")).all("img")
                 if attrs.get("loading") != "lazy" and not attrs["src"].startswith("../../")]
        weights[folder.name] = len(html) + sum((folder / src).stat().st_size for src in eager)
    assert max(weights.values()) < PAGE_BUDGET_BYTES, weights


def test_partner_and_goal_pages_say_who_contributes_and_how_the_package_validated(example_build, site):
    warnings = [problem for problem in example_build.report.warnings if problem.partner == "county-health"]
    partner = _page(site, "partners/county-health")
    assert f"Valid: 0 errors and {len(warnings)} warning" in partner
    assert warnings and warnings[0].message.split(";")[0] in partner.replace("&#39;", "'")
    goal = _page(site, "goals/ready-for-school")
    assert 'class="contributors"' in goal
    assert 'href="../../partners/early-years-coalition/"' in goal and 'href="../../partners/county-health/"' in goal


def test_an_indicator_without_a_headline_series_says_what_there_is(project_copy):
    data = project_copy.datapackages / "cedar-river-schools" / "observations.csv"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("chronic-absenteeism,")
            or not re.match(r"chronic-absenteeism,[^,]+,cedar-river-county,,,,", line)]
    assert len(kept) < len(lines)
    data.write_text("".join(kept), encoding="utf-8")
    result = api.build(project_copy, project_copy.root / "site", docs_dir=project_copy.root / "docs")
    assert result.ok
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _page(result.site_dir, "indicators/chronic-absenteeism")))
    assert "No partner has published data" not in text
    assert "There is no total for Cedar River County yet, so there is no status" in text
    assert "Eastport" in text
    home = re.sub(r"\s+", " ", _page(result.site_dir, ""))
    assert "No total for Cedar River County yet; published by geography" in home


def test_search_finds_each_charts_description_but_not_its_table_of_numbers(site):
    import html as html_text
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for folder in sorted((site / "indicators").iterdir()):
        page = _page(site, f"indicators/{folder.name}")
        words = html_text.unescape(" ".join(entry["text"] for entry in index["docs"]
                                            if entry["location"].startswith(f"indicators/{folder.name}/")))
        descriptions = re.findall(r"<figcaption>(.*?)</figcaption>", page, re.S)
        captions = re.findall(r'<caption id="(?:table|gaps)-[^"]+">(.*?)</caption>', page, re.S)
        assert descriptions and captions, folder.name
        assert all(html_text.unescape(text) in words for text in descriptions), folder.name
        assert not any(html_text.unescape(text) in words for text in captions), folder.name


def test_search_finds_the_data_pages_words_but_not_each_indicators_checksums(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = " ".join(entry["text"] for entry in index["docs"] if entry["location"].startswith("data/"))
    html = _page(site, "data")
    indicator_files = re.findall(r'<a href="\.\./data/indicators/[^"]+" download>.*?<code class="sha256">([0-9a-f]{64})</code>',
                                 html)
    assert indicator_files and not any(digest in words for digest in indicator_files)
    assert "Citation File Format" in words and "sha256sum" in words
