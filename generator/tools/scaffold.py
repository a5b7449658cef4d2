"""`indicators new-partner SLUG`: a valid, empty partner package and a README telling the partner what to do."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader

from generator.load.activities import (
    ACTIVITIES_FILE,
    ACTIVITIES_RESOURCE,
    ACTIVITY_FIELDS,
    ACTIVITY_SCHEMA_FILE,
    activity_schema,
)
from generator.load.agenda import OBSERVATION_SCHEMA_FILE
from generator.load.packages import SLUG
from generator.load.project import Project


class ScaffoldError(Exception):
    """The package cannot be created; the message says why."""


def new_partner(project: Project, slug: str, title: str | None = None, today: date | None = None) -> Path:
    if not SLUG.match(slug) or slug == "common-agenda":
        raise ScaffoldError(f'"{slug}" is not a valid partner slug: use lower-case letters, digits and hyphens, '
                            "starting with a letter or digit, as in county-health.")
    folder = project.datapackages / slug
    if folder.exists():
        raise ScaffoldError(f"{folder.relative_to(project.root)} already exists; choose another slug or edit it.")
    schema_path = project.agenda_folder / OBSERVATION_SCHEMA_FILE
    if not schema_path.is_file():
        raise ScaffoldError(f"The agreed observation schema {schema_path.relative_to(project.root)} is missing.")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    fields = [field["name"] for field in schema["fields"]]
    name = title or slug.replace("-", " ").title()
    created = (today or date.today()).isoformat()
    descriptor = {
        "name": slug,
        "title": name,
        "description": f"Shared indicators published by {name}.",
        "version": "0.1.0",
        "created": f"{created}T00:00:00Z",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "contributors": [{"title": name, "role": "publisher"}],
        "partner": {"sector": "", "activities": ""},
        "resources": [{"name": "observations", "path": "observations.csv", "format": "csv",
                       "mediatype": "text/csv", "encoding": "utf-8", "schema": OBSERVATION_SCHEMA_FILE},
                      {"name": ACTIVITIES_RESOURCE, "path": ACTIVITIES_FILE, "format": "csv",
                       "mediatype": "text/csv", "encoding": "utf-8", "schema": ACTIVITY_SCHEMA_FILE}],
    }
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(fields)
    readme = Environment(loader=PackageLoader("generator.tools", "templates"), keep_trailing_newline=True).get_template(
        "partner-readme.md.j2").render(slug=slug, title=name, fields=schema["fields"],
                                       activity_fields=activity_schema()["fields"])

    folder.mkdir(parents=True)
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    shutil.copyfile(schema_path, folder / OBSERVATION_SCHEMA_FILE)
    (folder / "observations.csv").write_text(header.getvalue(), encoding="utf-8")
    (folder / ACTIVITY_SCHEMA_FILE).write_text(json.dumps(activity_schema(), indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
    (folder / ACTIVITIES_FILE).write_text(",".join(ACTIVITY_FIELDS) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(readme, encoding="utf-8")
    return folder
