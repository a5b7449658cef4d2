"""Small initiatives written to disk: an agenda and its partners' packages, as plain data a test or hypothesis makes.

`small_initiative()` is a valid initiative of one goal, two indicators and one partner, every optional property
given; a test changes what it is about and writes it with `write_project`. The agenda's tables keep the shipped
example's schemas, and the observation schema is made from the initiative's dimensions, as the backbone would.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from generator.load.agenda import AGENDA_FOLDER, MEASURE_FIELDS, OBSERVATION_SCHEMA_FILE
from generator.load.project import Project
from generator.tools.benchmarks.initiative import in_one_language

REPO = Path(__file__).resolve().parent.parent
_EXAMPLE_AGENDA = json.loads((REPO / "datapackages" / AGENDA_FOLDER / "datapackage.json").read_text(encoding="utf-8"))
# A generated initiative's agenda has no translations: its site is built in mkdocs.yml's languages all the same, each
# of its texts marked as not translated.
AGENDA_RESOURCES = [resource for resource in _EXAMPLE_AGENDA["resources"] if resource["name"] != "translations"]
AGENDA_COLUMNS = {resource["name"]: [item["name"] for item in resource["schema"]["fields"]]
                  for resource in AGENDA_RESOURCES}
_EXAMPLE_SCHEMA = json.loads((REPO / "datapackages" / AGENDA_FOLDER / OBSERVATION_SCHEMA_FILE).read_text("utf-8"))
_SCHEMA_FIELDS = {item["name"]: item for item in _EXAMPLE_SCHEMA["fields"]}
OBSERVATION_COLUMNS = ["indicator", "period", "geography"]  # then the dimensions, then MEASURE_FIELDS


@dataclass
class Partner:
    descriptor: dict  # datapackage.json without its resources, which are always the one observations file
    observations: list[dict] = field(default_factory=list)  # column → text; a missing column is blank


@dataclass
class Initiative:
    descriptor: dict  # the agenda's datapackage.json without its resources
    tables: dict[str, list[dict]]  # goals, units, dimensions, groups, geographies, indicators: column → text
    partners: dict[str, Partner]
    # A dimension's column in the observation schema: its title and description, either may be missing.
    schema_fields: dict[str, dict] = field(default_factory=dict)

    @property
    def dimension_ids(self) -> list[str]:
        return [row["id"] for row in self.tables["dimensions"]]


def small_initiative() -> Initiative:
    """One goal, a percent and a count, one dimension of two groups, two geographies, two indicators (one with a
    target, broken down by sex) and one partner who publishes both, with every optional property given."""
    licence = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
               "path": "https://creativecommons.org/licenses/by/4.0/"}
    observations = []
    for year, value, female, male in ((2018, 40.0, 42.5, 37.5), (2019, 41.5, 43.0, 40.0), (2020, 44.0, 46.0, 42.0),
                                      (2021, 45.5, 47.5, 43.5)):
        observations += [
            {"indicator": "reading", "period": str(year), "geography": "river-county", "unit": "percent",
             "value": str(value), "note": "First year of the assessment." if year == 2018 else ""},
            {"indicator": "reading", "period": str(year), "geography": "river-county", "sex": "Female",
             "unit": "percent", "value": str(female)},
            {"indicator": "reading", "period": str(year), "geography": "river-county", "sex": "Male",
             "unit": "percent", "value": str(male)},
            {"indicator": "starts", "period": str(year), "geography": "river-county", "unit": "count",
             "value": str(int(value * 3))},
            {"indicator": "starts", "period": str(year), "geography": "eastside", "unit": "count",
             "value": str(int(value)), "status": "provisional" if year == 2021 else ""},
        ]
    return Initiative(
        descriptor={
            "name": AGENDA_FOLDER, "title": "River Partnership: common agenda",
            "description": "The goals and shared indicators of the River Partnership.", "version": "1.0.0",
            "created": "2025-01-01T00:00:00Z", "licenses": [licence],
            "initiative": {"name": "River Partnership", "fictional": True, "vision": "Every child reads.",
                           "area": "river-county", "backbone": "River Partnership office",
                           "contact": "data@river.example", "data_licence": "CC-BY-4.0"},
        },
        tables={
            "goals": [{"id": "reading-well", "title": "Every child reads well", "summary": "Reading opens doors."}],
            "units": [{"id": "percent", "label": "Percent", "symbol": "%", "minimum": "0", "maximum": "100",
                       "integer": "false"},
                      {"id": "count", "label": "Count", "symbol": "", "minimum": "0", "integer": "true"}],
            "dimensions": [{"id": "sex", "label": "Sex", "description": "As recorded.", "reference_group": "Male"}],
            "groups": [{"dimension": "sex", "group": "Female"}, {"dimension": "sex", "group": "Male"}],
            "geographies": [{"id": "river-county", "name": "River County", "kind": "county"},
                            {"id": "eastside", "name": "Eastside", "kind": "city", "parent": "river-county"}],
            "indicators": [
                {"id": "reading", "goal": "reading-well", "title": "Third-grade reading",
                 "definition": "Share of third graders reading at grade level.", "unit": "percent",
                 "direction": "increase", "decimals": "1", "baseline_period": "2018", "target_value": "60",
                 "target_period": "2030", "dimensions": "sex", "steward": "river-schools",
                 "source": "State assessment", "progress_series": "total sex", "limit": "100",
                 "next_update": "Autumn"},
                {"id": "starts", "goal": "reading-well", "title": "Library starts",
                 "definition": "Children who joined a library.", "unit": "count", "direction": "increase",
                 "decimals": "0", "steward": "river-schools"},
            ],
        },
        partners={"river-schools": Partner(
            descriptor={
                "name": "river-schools", "title": "River Schools", "description": "The county's schools.",
                "version": "1.0.0", "created": "2025-02-01T00:00:00Z", "homepage": "https://schools.example",
                "licenses": [licence],
                "contributors": [{"title": "Data team", "role": "publisher", "email": "data@schools.example"}],
                "sources": [{"title": "Student records", "path": "https://schools.example/records"}],
                "partner": {"sector": "Education", "activities": "Runs the schools.", "fictional": True},
            },
            observations=observations,
        )},
        schema_fields={"sex": {"title": "Sex", "description": "Blank for both sexes together."}},
    )


def write_project(initiative: Initiative, root: Path) -> Project:
    """The initiative as a project folder: the agenda, each partner's package, and the example's site_src and
    mkdocs.yml. Whatever `datapackages/` held before is replaced."""
    datapackages = root / "datapackages"
    if datapackages.exists():
        shutil.rmtree(datapackages)
    agenda = datapackages / AGENDA_FOLDER
    agenda.mkdir(parents=True)
    if not (root / "site_src").exists():
        shutil.copytree(REPO / "site_src", root / "site_src")
        # In one language: the example's build covers the others, and each language is another MkDocs build.
        in_one_language(Project(root))
    descriptor = {**copy.deepcopy(initiative.descriptor), "resources": copy.deepcopy(AGENDA_RESOURCES)}
    _write_json(agenda / "datapackage.json", descriptor)
    for name, columns in AGENDA_COLUMNS.items():
        _write_csv(agenda / f"{name}.csv", columns, initiative.tables[name])
    schema = observation_schema(initiative)
    _write_json(agenda / OBSERVATION_SCHEMA_FILE, schema)
    columns = [item["name"] for item in schema["fields"]]
    for slug, partner in initiative.partners.items():
        folder = datapackages / slug
        folder.mkdir()
        _write_json(folder / "datapackage.json", {**copy.deepcopy(partner.descriptor), "resources": [
            {"name": "observations", "path": "observations.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8", "schema": OBSERVATION_SCHEMA_FILE}]})
        _write_json(folder / OBSERVATION_SCHEMA_FILE, schema)
        _write_csv(folder / "observations.csv", columns, partner.observations)
    return Project(root)


def observation_schema(initiative: Initiative) -> dict:
    """The example's observation schema with the initiative's dimensions in place of the example's."""
    dimensions = [{"name": dimension, "type": "string", **initiative.schema_fields.get(dimension, {})}
                  for dimension in initiative.dimension_ids]
    return {**{key: value for key, value in _EXAMPLE_SCHEMA.items() if key != "fields"},
            "fields": [*(_SCHEMA_FIELDS[name] for name in OBSERVATION_COLUMNS), *dimensions,
                       *(_SCHEMA_FIELDS[name] for name in MEASURE_FIELDS)]}


def _write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[row.get(column, "") for column in columns] for row in rows])
    path.write_text(text.getvalue(), encoding="utf-8")
