"""Every valid input builds: whatever the validator accepts, the real build publishes, with no traceback.

Hypothesis writes small initiatives (an agenda and one or two partner packages) in which each optional property is
given, blank or missing, and texts are unusual but valid: very long, non-ASCII, right to left, emoji, markup, two
lines. Each example is validated, and then either rejected with Problems or built by the real pipeline (charts,
images, pages, downloads, MkDocs), whose published data package must itself be valid.

A build takes seconds, so the default run draws a few examples, always the same ones (`derandomize`), so that a pull
request fails for its own change and not for a new draw. `pytest --hypothesis-profile=thorough` (or
HYPOTHESIS_PROFILE=thorough) draws new examples, as many as the profile says (see conftest.py), and shrinks a
failure to its smallest case.

Each failure found is kept below the property as a plain test of its smallest input.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from frictionless import validate as frictionless_validate
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from generator import api
from initiatives import Initiative, Partner, small_initiative, write_project

THOROUGH = settings.get_current_profile_name() == "thorough"
BUILD = settings(
    max_examples=settings().max_examples if THOROUGH else 8,
    deadline=None,
    derandomize=not THOROUGH,
    database=None,  # failures are kept in this file as tests, not in a .hypothesis folder
    phases=list(Phase) if THOROUGH else [Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

AREA = "home-county"
UNUSUAL = [
    "An indicator whose title goes on and on " * 8,
    "Préparation à l'école — naïveté, façade, Ærø, Łódź",
    "التعليم للجميع في المقاطعة",  # right to left
    "חינוך לכל ילד",
    "📚 Reading for fun 🚀✨",
    "👩‍👩‍👧‍👦 Families",
    "中文标题：儿童阅读",
    "<script>alert(1)</script> & \"quoted\" 'single'",
    "*emphasis* _under_ [a link](https://example.org) `code` # not a heading |table|",
    "{{ not jinja }} {% raw %} ${not a template}",
    "---",
    "Title: with a colon",
    "  spaces around  ",
    "Two\nlines",
    "100%",
    "=SUM(A1:A9)",
    "\u202etxet desrever\u202c",
    "x",
]
TEXT_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co"))
texts = st.one_of(st.sampled_from(UNUSUAL), st.text(TEXT_ALPHABET, min_size=1, max_size=40))
# A property of a descriptor: missing (None), blank, or text; in a CSV file missing and blank are the same.
optional_texts = st.one_of(st.none(), st.just(""), texts)
web_addresses = st.sampled_from([None, "", "https://example.org/ünïcode?q=1&r=2", "javascript:alert(1)",
                                 "www.example.org", "LICENSE.md", "https://creativecommons.org/licenses/by/4.0/"])
PERIODS = {
    "year": [str(year) for year in range(2010, 2025)],
    "school year": [f"{year}-{(year + 1) % 100:02d}" for year in range(2010, 2024)],
    "quarter": [f"{year}-Q{quarter}" for year in range(2019, 2024) for quarter in range(1, 5)],
}
TARGET_PERIODS = {"year": "2030", "school year": "2029-30", "quarter": "2030-Q4"}
UNITS = {  # id → (minimum, maximum, integer)
    "percent": ("0", "100", "false"),
    "count": ("0", "", "true"),
    "change": ("", "", "false"),
}


def _given(properties: dict) -> dict:
    """The properties that are not None: None is a property left out."""
    return {key: value for key, value in properties.items() if value is not None}


licence_names = st.sampled_from([None, "", "CC-BY-4.0", "other", "ODC-By-1.0"])


@st.composite
def licences(draw) -> list[dict]:
    """One licence that has a name or a path (which the standard requires of one), then perhaps one that may not."""
    first = draw(st.sampled_from(["name", "path", "both"]))
    named = draw(st.sampled_from(["CC-BY-4.0", "other", "ODC-By-1.0"])) if first != "path" else draw(licence_names)
    linked = draw(web_addresses.filter(bool)) if first != "name" else draw(web_addresses)
    found = [_given({"name": named, "title": draw(optional_texts), "path": linked})]
    if draw(st.integers(0, 3)) == 0:
        found.append(_given({"name": draw(licence_names), "title": draw(optional_texts), "path": draw(web_addresses)}))
    return found


def rarely(strategy, instead):
    """The strategy, or one time in twenty `instead` (such as a value the validator is to reject)."""
    return st.integers(0, 19).flatmap(lambda number: instead if number == 19 else strategy)


def rarely_none(strategy):
    """The strategy, or one time in twenty None: a property left out that the validator requires."""
    return rarely(strategy, st.none())


@st.composite
def partner_descriptors(draw, slug: str) -> dict:
    return _given({
        "name": slug,
        "title": draw(optional_texts),
        "description": draw(optional_texts),
        "version": draw(st.sampled_from([None, "", "1.0.0", "2", 3])),
        "created": draw(st.sampled_from([None, "", "2024-03-01T00:00:00Z", "2024-03-01", "2024", "yesterday"])),
        "homepage": draw(web_addresses),
        "licenses": draw(rarely_none(licences())),
        "sources": draw(st.one_of(st.none(), st.lists(st.builds(
            lambda title, path: _given({"title": title, "path": path}), optional_texts, web_addresses), max_size=2))),
        "contributors": draw(st.one_of(st.none(), st.lists(st.builds(
            lambda title, role, email: _given({"title": title, "role": role, "email": email}), optional_texts,
            st.sampled_from([None, "", "publisher", "author"]), st.sampled_from([None, "", "data@example.org"])),
            max_size=2))),
        "partner": draw(st.one_of(st.none(), st.builds(
            lambda sector, activities, fictional: _given({"sector": sector, "activities": activities,
                                                          "fictional": fictional}),
            optional_texts, optional_texts, st.sampled_from([None, True, False])))),
    })


@st.composite
def agenda_descriptors(draw) -> dict:
    return _given({
        "name": "common-agenda",
        "title": draw(optional_texts),
        "description": draw(optional_texts),
        "version": draw(st.sampled_from([None, "", "1.0", "2025-01"])),
        "licenses": draw(st.one_of(st.none(), licences())),
        "initiative": _given({
            "name": draw(optional_texts), "vision": draw(optional_texts), "area": AREA,
            "fictional": draw(st.sampled_from([None, True, False])), "backbone": draw(optional_texts),
            "contact": draw(st.sampled_from([None, "", "data@example.org"])),
            "data_licence": draw(st.sampled_from([None, "", "CC-BY-4.0", "other"])),
        }),
    })


def _value(draw, unit: str, decimals: int) -> str:
    minimum, maximum, integer = UNITS[unit]
    if integer == "true":
        return str(draw(st.integers(0, 5000)))
    low = float(minimum) if minimum else -80.0
    high = float(maximum) if maximum else 80.0
    return f"{draw(st.floats(low, high, allow_nan=False)):.{decimals}f}"


@st.composite
def initiatives(draw) -> Initiative:
    partners = ["partner-a", "partner-b"][:draw(st.integers(1, 2))]
    goals = [{"id": f"goal-{number}", "title": draw(texts), "summary": draw(optional_texts)}
             for number in range(1, draw(st.integers(1, 2)) + 1)]
    units = [{"id": unit, "label": draw(texts), "symbol": draw(optional_texts), "minimum": minimum,
              "maximum": maximum, "integer": integer} for unit, (minimum, maximum, integer) in UNITS.items()]
    dimensions, groups, schema_fields = [], [], {}
    # A dimension named as a column the published files already have is rejected (reserved-dimension-id).
    ids = [draw(rarely(st.just(name), st.sampled_from(["time", "partner", "note", "score"])))
           for name in ("sex", "age_band")]
    for dimension in ids[:draw(st.integers(0, 2))]:
        names = draw(st.lists(texts, max_size=3, unique_by=str.strip))  # no groups at all: an empty dimension
        groups += [{"dimension": dimension, "group": name} for name in names]
        dimensions.append({"id": dimension, "label": draw(texts), "description": draw(optional_texts),
                           "reference_group": draw(st.sampled_from(["", *names]))})
        schema_fields[dimension] = _given({"title": draw(optional_texts), "description": draw(optional_texts)})
    geographies = [{"id": AREA, "name": draw(texts), "kind": draw(optional_texts)}]
    if draw(st.booleans()):
        geographies.append({"id": "second-place", "name": draw(texts), "kind": draw(optional_texts),
                            "parent": draw(st.sampled_from(["", AREA]))})

    indicators, rows = [], {slug: [] for slug in partners}
    for number in range(1, draw(st.integers(1, 3)) + 1):
        unit = draw(st.sampled_from(list(UNITS)))
        kind = draw(st.sampled_from(list(PERIODS)))
        decimals = draw(st.integers(0, 3))
        own = draw(st.lists(st.sampled_from([row["id"] for row in dimensions]), unique=True)) if dimensions else []
        periods = sorted(draw(st.lists(st.sampled_from(PERIODS[kind]), unique=True, max_size=5)))
        target = draw(st.booleans())
        indicator = {
            "id": f"indicator-{number}", "goal": draw(st.sampled_from(goals))["id"], "title": draw(texts),
            "definition": draw(texts), "unit": unit, "direction": draw(st.sampled_from(["increase", "decrease"])),
            "decimals": str(decimals),
            "baseline_period": draw(st.sampled_from(["", *periods[:1]])),
            "target_value": _value(draw, unit, decimals) if target else "",
            "target_period": TARGET_PERIODS[kind] if target else "",
            "dimensions": " ".join(own), "steward": draw(st.sampled_from([*partners, "nobody-yet"])),
            "source": draw(optional_texts) or "",
            "progress_series": draw(st.sampled_from(["", "total", "none", *(f"total {name}" for name in own)])),
            "limit": draw(st.sampled_from(["", "100"])) if unit == "percent" else "",
            # The agreed pattern lets "1.2.3 0 0" through; the validator rejects it (invalid-thresholds).
            "progress_thresholds": draw(rarely(st.sampled_from(["", "0.9 0.5 0"]), st.just("1.2.3 0 0"))),
            "next_update": draw(optional_texts) or "",
        }
        indicators.append(indicator)
        publisher = draw(st.sampled_from(partners))
        places = [place["id"] for place in geographies]
        for period in periods:
            cells = [{}]
            cells += [{name: row["group"]} for name in own for row in groups
                      if row["dimension"] == name and draw(st.booleans())]
            for place in places:
                for breakdown in cells:
                    if place != AREA and draw(st.booleans()):
                        continue
                    status = draw(st.sampled_from(["", "", "", "provisional", "estimated", "suppressed",
                                                   "break_in_series"]))
                    rows[publisher].append({
                        "indicator": indicator["id"], "period": period, "geography": place, **breakdown,
                        "unit": unit, "value": "" if status == "suppressed" else _value(draw, unit, decimals),
                        "status": status, "note": draw(optional_texts) or "",
                    })
    return Initiative(
        descriptor=draw(agenda_descriptors()),
        tables={"goals": goals, "units": units, "dimensions": dimensions, "groups": groups,
                "geographies": geographies, "indicators": indicators},
        partners={slug: Partner(draw(partner_descriptors(slug)), rows[slug]) for slug in partners},
        schema_fields=schema_fields,
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """One project folder for every example, so that the JavaScript bundle kept in build/cache is made once."""
    return tmp_path_factory.mktemp("property")


def build_or_reject(initiative: Initiative, root: Path, note=lambda what: None) -> api.BuildResult | None:
    """Validate the initiative; build it when valid. None: rejected, with Problems a partner can act on.

    `note` is told which it was (hypothesis's `event`, for the statistics of a run)."""
    project = write_project(initiative, root)
    report = api.validate(project).report
    for problem in report.problems:
        assert problem.rule and problem.message and problem.hint, problem
    if not report.valid:
        note("rejected: " + ", ".join(sorted({problem.rule for problem in report.errors})))
        return None
    note("built")
    result = api.build(project, root / "site", docs_dir=root / "build" / "docs", cache=False)
    assert result.ok, [problem.message for problem in result.report.errors]
    site = result.site_dir
    for indicator in initiative.tables["indicators"]:
        assert (site / "indicators" / indicator["id"] / "index.html").is_file(), indicator["id"]
    for slug in initiative.partners:
        assert (site / "partners" / slug / "index.html").is_file(), slug
    published = frictionless_validate(str(site / "data" / "datapackage.json"))
    assert published.valid, published.flatten(["type", "message"])[:5]
    return result


@BUILD
@given(initiative=initiatives())
def test_every_initiative_the_validator_accepts_builds(initiative, workspace):
    build_or_reject(initiative, workspace, note=event)


# The cases found, each kept as a plain test of its smallest input --------------------------------------------------


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_licence_with_a_title_and_no_path_is_shown_by_its_title_unlinked(tmp_path):
    """As `indicators import open-sdg` wrote it for a repository whose licence it did not know (issue 18)."""
    initiative = small_initiative()
    licence = {"name": "other", "title": "As stated by the publisher of the source repository"}
    initiative.descriptor["licenses"] = [licence]
    initiative.partners["river-schools"].descriptor["licenses"] = [licence]
    result = build_or_reject(initiative, tmp_path)
    assert result is not None, "the validator accepts a licence without a path, as the standard does"
    for page in ("data", "partners/river-schools"):
        html = (result.site_dir / page / "index.html").read_text(encoding="utf-8")
        assert "As stated by the publisher of the source repository" in _text(html), page
        assert not re.search(r"<a [^>]*>\s*As stated by", html), page
    published = json.loads((result.site_dir / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert published["licenses"] == [licence]


def _two_partners(initiative: Initiative) -> Initiative:
    """The small initiative with its second indicator published by a second partner."""
    schools = initiative.partners["river-schools"]
    library = Partner({**schools.descriptor, "name": "river-library", "title": "River Library"},
                      [row for row in schools.observations if row["indicator"] == "starts"])
    schools.observations = [row for row in schools.observations if row["indicator"] != "starts"]
    initiative.partners["river-library"] = library
    initiative.tables["indicators"][1]["steward"] = "river-library"
    return initiative


def test_packages_created_on_a_date_and_at_a_time_in_utc_build_together(tmp_path):
    """Found by the property: the site's date compared a date without a time zone with one that had one."""
    initiative = _two_partners(small_initiative())
    initiative.partners["river-schools"].descriptor["created"] = "2024-03-01"
    initiative.partners["river-library"].descriptor["created"] = "2024-02-01T00:00:00Z"
    result = build_or_reject(initiative, tmp_path)
    assert result is not None
    assert "2024-03-01" in (result.site_dir / "data" / "CITATION.cff").read_text(encoding="utf-8")


def test_every_optional_property_left_out_builds(tmp_path):
    """The agenda and a package with only what the validator requires. A package without `partner` details used
    to stop the build on the goal page ('dict object' has no attribute 'activities')."""
    initiative = small_initiative()
    initiative.descriptor = {"name": "common-agenda", "initiative": {"area": "river-county"}}
    schools = initiative.partners["river-schools"]
    schools.descriptor = {"name": "river-schools", "licenses": [{"path": "https://example.org/licence"}]}
    for row in initiative.tables["goals"]:
        row["summary"] = ""
    for row in initiative.tables["units"]:
        row.update(symbol="", minimum="", maximum="")
    for row in initiative.tables["dimensions"]:
        row.update(description="", reference_group="")
    for row in initiative.tables["geographies"]:
        row.update(kind="", parent="")
    for row in initiative.tables["indicators"]:
        row.update(baseline_period="", target_value="", target_period="", source="", progress_series="", limit="",
                   progress_thresholds="", next_update="")
    initiative.schema_fields = {}
    for row in schools.observations:
        row["note"] = ""
    result = build_or_reject(initiative, tmp_path)
    assert result is not None
    partner = (result.site_dir / "partners" / "river-schools" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>river-schools<", partner), "the slug stands for the missing title"
    assert '<dt>Licence</dt><dd><a href="https://example.org/licence">https://example.org/licence</a></dd>' in partner
    data = _text((result.site_dir / "data" / "index.html").read_text(encoding="utf-8"))
    assert "The common agenda names no licence of its own" in data
    home = (result.site_dir / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>Shared indicators<", home), "a plain name stands for the initiative's"


def test_a_property_of_the_wrong_type_is_left_out_with_a_warning_and_the_rest_builds(tmp_path):
    initiative = small_initiative()
    initiative.descriptor["initiative"]["vision"] = ["Every child reads."]
    schools = initiative.partners["river-schools"]
    schools.descriptor.update(partner="Education", contributors={"title": "Data team"}, version=2,
                              licenses=[{"name": "CC-BY-4.0", "path": ["https://creativecommons.org/"]}])
    project = write_project(initiative, tmp_path)
    report = api.validate(project).report
    assert report.valid
    ignored = {(problem.file, problem.message) for problem in report.warnings if problem.rule == "ignored-property"}
    assert ignored == {
        ("datapackages/common-agenda/datapackage.json",
         '"initiative.vision" should be text, but it is a list, so it is ignored.'),
        ("datapackages/river-schools/datapackage.json",
         '"partner" should be an object ({ … }), but it is text, so it is ignored.'),
        ("datapackages/river-schools/datapackage.json",
         '"contributors" should be a list of objects ([{ … }]), but it is an object, so it is ignored.'),
        ("datapackages/river-schools/datapackage.json",
         '"licenses[1].path" should be text, but it is a list, so it is ignored.'),
    }
    result = build_or_reject(initiative, tmp_path)
    assert result is not None
    partner = _text((result.site_dir / "partners" / "river-schools" / "index.html").read_text(encoding="utf-8"))
    assert "version 2" in partner and "CC-BY-4.0" in partner


@pytest.mark.parametrize("dimension", ["time", "partner", "note", "headline"])
def test_a_dimension_named_as_a_column_the_published_files_have_is_rejected(dimension, tmp_path):
    """Found by reading the stages after the property: "time" and "partner" stopped the build (they are columns
    the observations table adds), "note" stopped validation in frictionless (a field named twice), and "headline"
    published a trends.csv with two columns of that name, so an invalid data package."""
    initiative = small_initiative()
    initiative.tables["dimensions"][0]["id"] = dimension
    for row in initiative.tables["groups"]:
        row["dimension"] = dimension
    initiative.tables["indicators"][0].update(dimensions=dimension, progress_series=f"total {dimension}")
    initiative.schema_fields = {dimension: initiative.schema_fields["sex"]}
    for row in initiative.partners["river-schools"].observations:
        if "sex" in row:
            row[dimension] = row.pop("sex")
    report = api.validate(write_project(initiative, tmp_path)).report
    assert [(problem.rule, problem.file, problem.line, problem.message) for problem in report.errors] == [(
        "reserved-dimension-id", "datapackages/common-agenda/dimensions.csv", 2,
        f'The dimension id "{dimension}" is the name of a column the published files already have.')]


def test_the_reserved_names_are_the_columns_the_published_files_have():
    from generator.load.agenda import CORE_FIELDS, MEASURE_FIELDS, RESERVED_NAMES
    from generator.publish.downloads import TREND_FIELD_TYPES

    assert RESERVED_NAMES == {*CORE_FIELDS, *MEASURE_FIELDS, "partner", "time", *TREND_FIELD_TYPES}


def test_progress_thresholds_that_match_the_pattern_but_are_not_numbers_are_rejected(tmp_path):
    """The agreed pattern, -?[0-9.]+ three times, lets 1.2.3 through: validation stopped with a ValueError."""
    initiative = small_initiative()
    initiative.tables["indicators"][1]["progress_thresholds"] = "1.2.3 0 0"
    report = api.validate(write_project(initiative, tmp_path)).report
    assert [(problem.rule, problem.file, problem.line, problem.field) for problem in report.errors] == [
        ("invalid-thresholds", "datapackages/common-agenda/indicators.csv", 3, "progress_thresholds")]
    assert report.errors[0].message == 'The progress thresholds of "starts", "1.2.3 0 0", are not three numbers.'


def test_an_agenda_without_an_optional_column_or_with_a_table_missing(tmp_path):
    """The agenda's tables are the backbone's: a column it may leave out is blank throughout; a table or a column it
    may not is a problem, where reading the agenda stopped with a KeyError."""
    import json as json_module

    project = write_project(small_initiative(), tmp_path)
    descriptor_path = project.agenda_folder / "datapackage.json"
    descriptor = json_module.loads(descriptor_path.read_text(encoding="utf-8"))
    goals = next(resource for resource in descriptor["resources"] if resource["name"] == "goals")
    goals["schema"]["fields"] = [field for field in goals["schema"]["fields"] if field["name"] != "summary"]
    descriptor_path.write_text(json_module.dumps(descriptor), encoding="utf-8")
    goals_csv = project.agenda_folder / "goals.csv"
    goals_csv.write_text("id,title\nreading-well,Every child reads well\n", encoding="utf-8")
    validated = api.validate(project)
    assert validated.report.valid and validated.agenda.goals[0].summary == ""

    descriptor["resources"] = [resource for resource in descriptor["resources"] if resource["name"] != "geographies"]
    descriptor_path.write_text(json_module.dumps(descriptor), encoding="utf-8")
    report = api.validate(project).report
    assert [(problem.rule, problem.message) for problem in report.errors] == [
        ("missing-agenda-table", 'The agenda lists no resource "geographies".')]
