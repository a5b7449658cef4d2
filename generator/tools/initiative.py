"""`indicators init`: a fresh clone becomes an initiative of one's own.

The example that ships with the generator (its agenda says `"fictional": true`) is removed: the agenda, the partner
packages that say `"partner": {"fictional": true}`, the narratives written for it, and the pages and settings that
name it. In its place: an agenda with the initiative's name, area, backbone, contact and licence, a handful of
common units, no goals and no shared indicators yet, which validates and builds into a site that says so. An agenda
that is not the example is never touched unless the caller forces it (and then no partner package is removed).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.cache import replace_folder
from generator.load.agenda import AGENDA_FOLDER, OBSERVATION_SCHEMA_FILE
from generator.load.agenda_schema import agenda_resources, observation_schema
from generator.load.packages import partner_folders
from generator.load.project import Project
from generator.tools.agenda import write_activity_schema

# Open licences by SPDX id (the Open Government Licence has none: OGL-UK-3.0 is SPDX's), as packages state them.
OPEN_LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "ODC-By-1.0": ("Open Data Commons Attribution License 1.0", "https://opendatacommons.org/licenses/by/1-0/"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication and License 1.0",
                 "https://opendatacommons.org/licenses/pddl/1-0/"),
    "OGL-UK-3.0": ("Open Government Licence v3.0",
                   "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
}
# The units most shared indicators are measured in; a backbone adds its own to units.csv.
STARTER_UNITS = (
    {"id": "percent", "label": "Percent", "symbol": "%", "minimum": "0", "maximum": "100", "integer": "false"},
    {"id": "count", "label": "Count", "symbol": "", "minimum": "0", "maximum": "", "integer": "true"},
    {"id": "rate_per_1000", "label": "Rate per 1,000", "symbol": "per 1,000", "minimum": "0", "maximum": "1000",
     "integer": "false"},
    {"id": "rate_per_100000", "label": "Rate per 100,000", "symbol": "per 100,000", "minimum": "0",
     "maximum": "100000", "integer": "false"},
    {"id": "number", "label": "Number", "symbol": "", "minimum": "", "maximum": "", "integer": "false"},
)
NARRATIVES = "narratives"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")


class InitError(Exception):
    """The initiative cannot be started as asked; the message says why and what to do."""


class RefusedError(InitError):
    """The agenda is not the fictional example, and replacing it was not forced."""


@dataclass(frozen=True)
class Initiative:
    """What `init` asks for."""

    name: str  # the initiative's name, as the site's title
    area: str  # the area it works in, by name (its id is made from it)
    backbone: str  # the backbone organisation
    contact: str  # an email address for questions about the data
    licence: str  # the data's licence, as an SPDX id such as CC-BY-4.0

    # What each is called when one is missing or wrong: the flag and the question.
    QUESTIONS = {
        "name": ("--name", "The initiative's name"),
        "area": ("--area", "The area it works in (a city, county or region)"),
        "backbone": ("--backbone", "The backbone organisation"),
        "contact": ("--contact", "A contact email for the data"),
        "licence": ("--licence", "The data's licence, as an SPDX id (such as CC-BY-4.0)"),
    }

    def problems(self) -> list[str]:
        """What is wrong with the answers, one sentence each naming the flag; empty when they will do."""
        found = [f"{flag} is empty: give {question[0].lower() + question[1:]}."
                 for key, (flag, question) in self.QUESTIONS.items() if not getattr(self, key).strip()]
        if self.area.strip() and not slug(self.area):
            found.append(f'--area "{self.area}" has no letter or digit to make an id of: give the area\'s name, '
                         "such as Cedar River County.")
        if self.contact.strip() and not EMAIL.match(self.contact.strip()):
            found.append(f'--contact "{self.contact}" is not an email address: give one, such as '
                         "data@example.org.")
        if self.licence.strip() and not SPDX_ID.match(self.licence.strip()):
            found.append(f'--licence "{self.licence}" is not an SPDX id: give one such as '
                         + ", ".join(OPEN_LICENCES) + ".")
        return found


@dataclass
class Started:
    """What `init` did, for the command to print."""

    agenda: Path
    removed: list[str] = field(default_factory=list)  # paths relative to the project, folders ending in /
    rewritten: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the backbone should know or do next


def slug(text: str) -> str:
    """An id from a name: lower case, ASCII letters and digits, hyphens between words."""
    folded = text.strip().casefold().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:63].strip("-")


def licence_of(spdx_id: str) -> dict:
    """The licence as packages state it: name, and title and link when it is a known open licence."""
    known = {key.casefold(): key for key in OPEN_LICENCES}
    name = known.get(spdx_id.strip().casefold(), spdx_id.strip())
    if name not in OPEN_LICENCES:
        return {"name": name}
    title, path = OPEN_LICENCES[name]
    return {"name": name, "title": title, "path": path}


def example_agenda(project: Project) -> dict | None:
    """The agenda's `initiative` when the agenda is the fictional example; None when it is anything else."""
    try:
        descriptor = json.loads((project.agenda_folder / "datapackage.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    initiative = descriptor.get("initiative") if isinstance(descriptor, dict) else None
    if isinstance(initiative, dict) and initiative.get("fictional") is True:
        return initiative
    return None


def _agenda_name(project: Project) -> str:
    try:
        descriptor = json.loads((project.agenda_folder / "datapackage.json").read_text(encoding="utf-8-sig"))
        name = descriptor["initiative"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return "another initiative"
    return f'"{name}"' if isinstance(name, str) and name else "another initiative"


def agenda_in_place(project: Project) -> bool:
    return project.agenda_folder.exists()


def start_initiative(project: Project, initiative: Initiative, *, force: bool = False,
                     today: date | None = None) -> Started:
    """Replace the fictional example by an empty agenda of `initiative`'s own; see the module's docstring."""
    problems = initiative.problems()
    if problems:
        raise InitError(" ".join(problems))
    example = example_agenda(project)
    if agenda_in_place(project) and example is None and not force:
        raise RefusedError(
            f"datapackages/{AGENDA_FOLDER}/ is the agenda of {_agenda_name(project)}, not the fictional example (its "
            'datapackage.json does not say "fictional": true), so init leaves it alone rather than replace its goals '
            "and shared indicators. To start over anyway, run init again with --force.")
    today = today or date.today()
    started = Started(project.agenda_folder)
    if example is not None:
        remove_example(project, started)
    elif agenda_in_place(project):
        kept = [folder.name for folder in partner_folders(project.datapackages)]
        if kept:
            started.notes.append("These partner packages were kept, and will not validate against the new agenda "
                                 "until they follow it: " + ", ".join(kept) + ".")
    write_empty_agenda(project.agenda_folder, initiative, today)
    name_the_site(project, initiative.name.strip(), example, started, area=initiative.area.strip(),
                  backbone=initiative.backbone.strip(), contact=initiative.contact.strip())
    return started


def write_empty_agenda(folder: Path, initiative: Initiative, today: date) -> None:
    """An agenda with no goals or shared indicators yet, written beside the old one and then swapped in."""
    licence = licence_of(initiative.licence)
    area_id = slug(initiative.area)
    name = initiative.name.strip()
    descriptor = {
        "name": AGENDA_FOLDER,
        "title": f"{name}: common agenda",
        "description": f"The vision, goals and shared indicators that the partners of {name} have agreed to measure "
                       "together.",
        "version": "0.1.0",
        "created": f"{today.isoformat()}T00:00:00Z",
        "licenses": [licence],
        "initiative": {
            "name": name,
            "fictional": False,
            "vision": "",
            "area": area_id,
            "backbone": initiative.backbone.strip(),
            "contact": initiative.contact.strip(),
            "data_licence": licence["name"],
        },
        "resources": agenda_resources(),
    }
    tables = {
        "goals": [], "units": list(STARTER_UNITS), "dimensions": [], "groups": [],
        "geographies": [{"id": area_id, "name": initiative.area.strip(), "kind": "", "parent": ""}],
        "indicators": [],
    }
    staging = folder.parent / f".{folder.name}.new"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    (staging / OBSERVATION_SCHEMA_FILE).write_text(
        json.dumps(observation_schema([]), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_activity_schema(staging)
    for resource in agenda_resources():
        names = [described["name"] for described in resource["schema"]["fields"]]
        with (staging / resource["path"]).open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=names, lineterminator="\n")
            writer.writeheader()
            writer.writerows({key: row.get(key, "") for key in names} for row in tables[resource["name"]])
    replace_folder(folder, staging)


def remove_example(project: Project, started: Started, keep: tuple[str, ...] = ()) -> None:
    """The example's partner packages and the narratives written for it (its agenda is replaced by the caller);
    the partners in `keep` are left alone, without a note."""
    root = project.root
    for folder in partner_folders(project.datapackages):
        if folder.name in keep:
            continue
        if _fictional_partner(folder):
            shutil.rmtree(folder)
            started.removed.append(f"{folder.relative_to(root).as_posix()}/")
        else:
            started.notes.append(f"{folder.relative_to(root).as_posix()}/ was kept: it does not say it is part of "
                                 "the fictional example. Make it follow the new agenda, or remove it.")
    narratives = project.site_src / NARRATIVES
    if narratives.is_dir():
        # Every narrative in a clone of the example was written for it: the home page's and its goals'.
        for path in sorted(narratives.rglob("*.md")):
            path.unlink()
            started.removed.append(path.relative_to(root).as_posix())
        for folder in sorted((path for path in narratives.rglob("*") if path.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()


def _about_page(name: str, area: str, backbone: str, contact: str) -> str:
    where = f", a collective-impact initiative in {area}" if area else ""
    kept_by = f"; {backbone}, the backbone organisation, keeps it" if backbone else ""
    ask = f"Questions about the data: [{contact}](mailto:{contact}).\n\n" if contact else ""
    return (
        "# About this site\n\n"
        f"This site is the **shared measurement system** of {name}{where}. Its partners work towards one common "
        f"agenda{kept_by}.\n\n"
        "## How it works\n\n"
        "- The partners agree a **common agenda**: a vision, goals and a short list of **shared indicators**, kept "
        "by the\n  backbone organisation in `datapackages/common-agenda/`.\n"
        "- Each partner publishes its data as a **Frictionless data package** in `datapackages/<partner>/`, by "
        "pull request.\n"
        "- Every pull request is validated: a partner sees exactly which file, line and column to fix.\n"
        "- On every merge the site is rebuilt: trends are computed, charts drawn, and every number published as "
        "open data.\n\n"
        f"{ask}See [how trends are computed](methodology/index.md) and [the data](data/index.md).\n")


def _fictional_partner(folder: Path) -> bool:
    try:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return False
    partner = descriptor.get("partner") if isinstance(descriptor, dict) else None
    return isinstance(partner, dict) and partner.get("fictional") is True


def name_the_site(project: Project, name: str, example: dict | None, started: Started, *, area: str = "",
                  backbone: str = "", contact: str = "") -> None:
    """The site's name in mkdocs.yml; and, where they name the example, the about page and CODEOWNERS."""
    root = project.root
    if project.mkdocs_yml.is_file():
        text = project.mkdocs_yml.read_text(encoding="utf-8")
        changed = re.sub(r"(?m)^site_name:.*$", f"site_name: {json.dumps(name, ensure_ascii=False)}", text)
        changed = re.sub(r"(?m)^site_description:.*$",
                         "site_description: " + json.dumps(f"Shared indicators of {name}.", ensure_ascii=False),
                         changed)
        if changed != text:
            project.mkdocs_yml.write_text(changed, encoding="utf-8")
            started.rewritten.append(project.mkdocs_yml.relative_to(root).as_posix())
    if example is None:
        return
    old_name = str(example.get("name") or "")
    about = project.site_src / "about.md"
    if about.is_file() and old_name and old_name in about.read_text(encoding="utf-8"):
        about.write_text(_about_page(name, area, backbone, contact), encoding="utf-8")
        started.rewritten.append(about.relative_to(root).as_posix())
        # Its translations (about.es.md) describe the example too, and there is no text to translate them from yet.
        for translated in sorted(project.site_src.glob("about.*.md")):
            if old_name in translated.read_text(encoding="utf-8"):
                translated.unlink()
                started.removed.append(translated.relative_to(root).as_posix())
    owners = root / ".github" / "CODEOWNERS"
    removed = {entry.rstrip("/") for entry in started.removed if entry.endswith("/")}
    if owners.is_file() and removed:
        lines = owners.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not any(line.startswith(f"/{folder}/") for folder in removed)]
        if kept != lines:
            owners.write_text("".join(kept), encoding="utf-8")
            started.rewritten.append(owners.relative_to(root).as_posix())
            started.notes.append(".github/CODEOWNERS still names the example's placeholder teams: replace them "
                                 "with your organisation's.")
