"""The backbone's agenda commands: the common agenda's tables read and written as text, rows added and agendas
merged, each write checked by the agenda's own validation before it replaces anything.

    add_goal(project, id, title, summary)       a row of goals.csv
    add_indicator(project, IndicatorSpec)       a row of indicators.csv, its columns written from plain arguments
    merge_agendas(existing, imported, steward)  an imported agenda's goals, indicators, units, … added to another

A backbone never has to learn the columns' syntax (dimensions separated by spaces, a target in two columns, …):
each function takes plain values, says which argument is wrong in words, and writes the row. Whatever the agenda's
validation then finds (with file, line and column) stops the write: the agenda on disk is never left invalid.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from generator.compute.periods import PERIOD_FORMS, PeriodError, parse_period
from generator.load.activities import ACTIVITY_SCHEMA_FILE, activity_schema
from generator.load.agenda import AGENDA_FOLDER, CORE_FIELDS, MEASURE_FIELDS, NO_PROGRESS, OBSERVATION_SCHEMA_FILE
from generator.load.packages import SLUG, partner_folders
from generator.load.project import Project
from generator.problems import Problem, relative

TABLES = ("goals", "units", "dimensions", "groups", "geographies", "indicators")
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class AgendaError(Exception):
    """The agenda cannot be changed as asked; the message says what is wrong and what to do."""


class InvalidAgenda(AgendaError):
    """The change would leave the agenda invalid: `problems` say where, with file, line and column."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{problem.location}: {problem.message}" for problem in problems))


class AgendaClash(AgendaError):
    """Two agendas define one goal, indicator, unit, dimension or geography differently."""


@dataclass
class AgendaTables:
    """The agenda's files as text: the descriptor, the observation schema, and each table's header and rows."""

    descriptor: dict
    observation_schema: dict
    fields: dict[str, list[str]]  # table → its header
    rows: dict[str, list[dict[str, str]]]  # table → its rows, every cell as written

    @classmethod
    def read(cls, folder: Path) -> AgendaTables:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8-sig"))
        schema = json.loads((folder / OBSERVATION_SCHEMA_FILE).read_text(encoding="utf-8-sig"))
        fields, rows = {}, {}
        for resource in descriptor.get("resources", []):
            if resource.get("name") not in TABLES:
                continue
            with (folder / resource["path"]).open(encoding="utf-8-sig", newline="") as file:
                reader = csv.DictReader(file)
                rows[resource["name"]] = [{key: value or "" for key, value in row.items() if key is not None}
                                          for row in reader]
                fields[resource["name"]] = list(reader.fieldnames or [])
        return cls(descriptor, schema, fields, rows)

    def path_of(self, table: str) -> str:
        return next(resource["path"] for resource in self.descriptor["resources"] if resource["name"] == table)

    def ids(self, table: str, key: str = "id") -> list[str]:
        return [row.get(key, "") for row in self.rows.get(table, [])]

    def write(self, folder: Path) -> None:
        """Every file of the agenda, written into `folder` (which is created, or emptied of the agenda's files)."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "datapackage.json").write_text(json.dumps(self.descriptor, indent=2, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        (folder / OBSERVATION_SCHEMA_FILE).write_text(
            json.dumps(self.observation_schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        write_activity_schema(folder)
        for table in TABLES:
            (folder / self.path_of(table)).write_text(csv_text(self.fields[table], self.rows[table]),
                                                      encoding="utf-8")


def write_activity_schema(folder: Path) -> None:
    """The agreed activity schema, for partners to copy beside their activities.csv (load/activities.py)."""
    (folder / ACTIVITY_SCHEMA_FILE).write_text(json.dumps(activity_schema(), indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")


def csv_text(fields: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({name: row.get(name, "") for name in fields} for row in rows)
    return buffer.getvalue()


def replace_checked(project: Project, write) -> None:
    """Write the agenda through `write(folder)` into a copy of it, validate the copy, then swap it in.

    The copy's problems are reported at the real agenda's files; with any error nothing is changed.
    """
    from generator.validate.agenda_rules import check_agenda

    folder = project.agenda_folder
    staging = folder.parent / f".{folder.name}.new"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(folder, staging)
    try:
        write(staging)
        _, problems = check_agenda(staging, project.root)
        errors = [_at_agenda(problem, staging, folder, project.root) for problem in problems
                  if problem.severity == "error"]
        if errors:
            raise InvalidAgenda(errors)
        old = folder.parent / f".{folder.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _at_agenda(problem: Problem, staging: Path, folder: Path, root: Path) -> Problem:
    staged, real = relative(staging, root), relative(folder, root)
    if problem.file.startswith(staged + "/"):
        return Problem(problem.rule, problem.message, problem.hint, real + problem.file[len(staged):], problem.line,
                       problem.column, problem.field, problem.severity, problem.partner)
    return problem


def _append_row(folder: Path, tables: AgendaTables, table: str, row: dict) -> None:
    """One row at the end of a table, the lines before it left as they were written."""
    path = folder / tables.path_of(table)
    text = path.read_text(encoding="utf-8-sig")
    if text and not text.endswith("\n"):
        text += "\n"
    line = csv_text(tables.fields[table], [row]).split("\n", 1)[1]
    path.write_text(text + line, encoding="utf-8")


def _agenda(project: Project) -> AgendaTables:
    if not (project.agenda_folder / "datapackage.json").is_file():
        raise AgendaError(f"There is no common agenda at {relative(project.agenda_folder, project.root)}/: start "
                          "one with `indicators init`.")
    try:
        return AgendaTables.read(project.agenda_folder)
    except (OSError, ValueError, KeyError, StopIteration) as error:
        raise AgendaError(f"The common agenda cannot be read ({error}): run `indicators validate` to see where, "
                          "and fix it first.") from error


# Goals --------------------------------------------------------------------------------------------------------


def add_goal(project: Project, goal_id: str, title: str, summary: str = "") -> dict:
    """A goal at the end of goals.csv; returns its row."""
    tables = _agenda(project)
    problems = []
    if not ID.match(goal_id):
        problems.append(f'The goal id "{goal_id}" is not an id: use lower-case letters, digits and hyphens, as in '
                        "ready-for-school.")
    elif goal_id in tables.ids("goals"):
        title_now = next(row["title"] for row in tables.rows["goals"] if row["id"] == goal_id)
        problems.append(f'The agenda already has the goal "{goal_id}" ("{title_now}"): choose another id.')
    if not title.strip():
        problems.append("--title is empty: give the goal's title, as readers will see it.")
    if problems:
        raise AgendaError("\n".join(problems))
    row = {"id": goal_id, "title": _one_line(title), "summary": _one_line(summary)}
    replace_checked(project, lambda folder: _append_row(folder, tables, "goals", row))
    return row


# Shared indicators -------------------------------------------------------------------------------------------


@dataclass
class IndicatorSpec:
    """A shared indicator as `add-indicator` takes it: plain values, none in the columns' own syntax."""

    id: str
    goal: str
    title: str
    definition: str
    unit: str
    direction: str  # "increase" or "decrease": which way is better
    steward: str  # the partner's slug
    decimals: int = 1
    baseline_period: str = ""
    target_value: float | None = None
    target_period: str = ""
    dimensions: list[str] = field(default_factory=list)
    source: str = ""
    progress_series: list[str] = field(default_factory=list)  # empty: the headline series; ["none"]: no status
    limit: float | None = None
    next_update: str = ""


def add_indicator(project: Project, spec: IndicatorSpec) -> dict:
    """A shared indicator at the end of indicators.csv; returns its row. Every argument is checked first, in
    words naming it; then the agenda's own validation."""
    tables = _agenda(project)
    problems = _indicator_problems(spec, tables)
    if problems:
        raise AgendaError("\n".join(problems))
    row = {
        "id": spec.id, "goal": spec.goal, "title": _one_line(spec.title), "definition": _one_line(spec.definition),
        "unit": spec.unit, "direction": spec.direction, "decimals": str(spec.decimals),
        "baseline_period": spec.baseline_period, "target_value": _number_text(spec.target_value),
        "target_period": spec.target_period, "dimensions": " ".join(spec.dimensions), "steward": spec.steward,
        "source": _one_line(spec.source), "progress_series": " ".join(spec.progress_series),
        "limit": _number_text(spec.limit), "progress_thresholds": "", "next_update": _one_line(spec.next_update),
    }
    replace_checked(project, lambda folder: _append_row(folder, tables, "indicators", row))
    return row


def _indicator_problems(spec: IndicatorSpec, tables: AgendaTables) -> list[str]:
    problems = []
    if not ID.match(spec.id):
        problems.append(f'The indicator id "{spec.id}" is not an id: use lower-case letters, digits and hyphens, '
                        "as in third-grade-reading.")
    elif spec.id in tables.ids("indicators"):
        problems.append(f'The agenda already has the indicator "{spec.id}": choose another id.')
    goals = tables.ids("goals")
    if spec.goal not in goals:
        problems.append(f'--goal "{spec.goal}" is not a goal of the agenda: '
                        + (f"use one of {', '.join(goals)}, or add it" if goals else "it has none yet; add it")
                        + " with `indicators add-goal` first.")
    for name in ("title", "definition"):
        if not getattr(spec, name).strip():
            problems.append(f"--{name} is empty: give the indicator's {name}"
                            + (", one or two sentences on what is measured and why." if name == "definition"
                               else ", as readers will see it."))
    units = tables.ids("units")
    if spec.unit not in units:
        problems.append(f'--unit "{spec.unit}" is not a unit of the agenda: use one of {", ".join(units)}, or add '
                        f"it to {tables.path_of('units')} first.")
    if spec.direction not in ("increase", "decrease"):
        problems.append(f'--direction "{spec.direction}" is neither increase nor decrease: say which way is better.')
    if not 0 <= spec.decimals <= 6:
        problems.append(f"--decimals {spec.decimals} is not 0 to 6.")
    if not SLUG.match(spec.steward) or spec.steward == AGENDA_FOLDER:
        problems.append(f'--steward "{spec.steward}" is not a partner slug: lower-case letters, digits and '
                        "hyphens, as in county-health.")
    for flag, label in (("--baseline", spec.baseline_period), ("--target-period", spec.target_period)):
        if label:
            try:
                parse_period(label)
            except PeriodError:
                problems.append(f'{flag} "{label}" is not a period: write {PERIOD_FORMS}.')
    if (spec.target_value is None) != (not spec.target_period):
        problems.append("Give --target and --target-period together (the value and the period it is due), or "
                        "neither.")
    known_dimensions = tables.ids("dimensions")
    for dimension in spec.dimensions:
        if dimension not in known_dimensions:
            problems.append(f'--dimensions: "{dimension}" is not a dimension of the agenda'
                            + (f" (it has {', '.join(known_dimensions)})" if known_dimensions else " (it has none)")
                            + f"; add it to {tables.path_of('dimensions')}, {tables.path_of('groups')} and "
                            f"{OBSERVATION_SCHEMA_FILE} first.")
    for selector in spec.progress_series:
        if selector not in ("total", NO_PROGRESS, *spec.dimensions) or (
                selector == NO_PROGRESS and len(spec.progress_series) > 1):
            problems.append(f'--progress-series "{selector}" is not total, none or one of the indicator\'s '
                            "dimensions.")
    return problems


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def known_partners(project: Project) -> list[str]:
    return [folder.name for folder in partner_folders(project.datapackages)]


# Merging an imported agenda into another ----------------------------------------------------------------------


@dataclass
class Merged:
    """What merging added and updated, by table, for the importer to print."""

    tables: AgendaTables
    added: dict[str, list[str]]
    updated: dict[str, list[str]]
    new_dimensions: list[str]  # dimension ids added: each a new column of the observation schema


def merge_agendas(existing: AgendaTables, imported: AgendaTables, steward: str, existing_shown: str,
                  imported_shown: str) -> Merged:
    """`imported`'s goals, indicators, units, dimensions, groups and geographies added to `existing`.

    Nothing of `existing` changes silently: a row with the same id and other content is an `AgendaClash` naming
    both, except the indicators `steward` already stewards (an import again: updated, and listed as such) and units
    only those use. `existing` keeps its descriptor (name, initiative, licences); the observation schema gains one
    column per new dimension, after its own.
    """
    added: dict[str, list[str]] = {table: [] for table in TABLES}
    updated: dict[str, list[str]] = {table: [] for table in TABLES}
    clashes: list[str] = []
    rows = {table: [dict(row) for row in existing.rows.get(table, [])] for table in TABLES}
    line_of = {table: {row.get("id", ""): line for line, row in enumerate(existing.rows.get(table, []), start=2)}
               for table in TABLES}
    ours = {row["id"] for row in rows["indicators"] if row.get("steward") == steward}
    units_of_others = {row["unit"] for row in rows["indicators"] if row["id"] not in ours}

    def where(table: str, key: str) -> str:
        return f"{existing_shown}/{existing.path_of(table)} line {line_of[table][key]}"

    def compare(table: str, row: dict, fields: list[str], may_update: bool) -> None:
        key = row["id"]
        if key not in line_of[table]:
            rows[table].append(row)
            added[table].append(key)
            return
        index = next(position for position, old in enumerate(rows[table]) if old.get("id") == key)
        old = rows[table][index]
        differing = [name for name in fields if (old.get(name) or "") != (row.get(name) or "")]
        if not differing:
            return
        if may_update:
            rows[table][index] = {**old, **row}
            updated[table].append(key)
            return
        shown = ", ".join(f'{name} "{old.get(name, "")}" ≠ "{row.get(name, "")}"' for name in differing[:3])
        clashes.append(f'{table[:-1].capitalize()} "{key}" at {where(table, key)} differs from the "{key}" of '
                       f"{imported_shown} ({shown}).")

    for row in imported.rows["goals"]:
        compare("goals", row, ["title"], may_update=False)
    for row in imported.rows["units"]:
        compare("units", row, ["label", "symbol", "minimum", "maximum", "integer"],
                may_update=row["id"] not in units_of_others)
    for row in imported.rows["dimensions"]:
        compare("dimensions", row, ["label"], may_update=False)
    for row in imported.rows["geographies"]:
        compare("geographies", row, ["name"], may_update=False)
    for row in imported.rows["indicators"]:
        if row["id"] in line_of["indicators"] and row["id"] not in ours:
            old = rows["indicators"][line_of["indicators"][row["id"]] - 2]
            clashes.append(f'Indicator "{row["id"]}" at {where("indicators", row["id"])} ("{old["title"]}", '
                           f'stewarded by {old["steward"]}) is also an indicator of {imported_shown} '
                           f'("{row["title"]}").')
            continue
        compare("indicators", row, existing.fields["indicators"], may_update=True)
    if clashes:
        raise AgendaClash(" ".join(clashes) + " Nothing was written. Rename or remove the agenda's rows that "
                          "clash (or import as another partner whose ids differ), then import again.")
    known_groups = {(row["dimension"], row["group"]) for row in rows["groups"]}
    for row in imported.rows["groups"]:
        if (row["dimension"], row["group"]) not in known_groups:
            rows["groups"].append(row)
            known_groups.add((row["dimension"], row["group"]))
            added["groups"].append(f'{row["dimension"]}: {row["group"]}')

    new_dimensions = added["dimensions"]
    schema = dict(existing.observation_schema)
    if new_dimensions:
        imported_fields = {item["name"]: item for item in imported.observation_schema["fields"]}
        fields = list(schema["fields"])
        at = next(position for position, item in enumerate(fields) if item["name"] == MEASURE_FIELDS[0])
        schema["fields"] = fields[:at] + [imported_fields[name] for name in new_dimensions] + fields[at:]
    tables = AgendaTables(existing.descriptor, schema, dict(existing.fields), rows)
    return Merged(tables, added, updated, new_dimensions)


def dimension_order(tables: AgendaTables) -> list[str]:
    """The dimension columns of the observation schema, in its order."""
    names = [item["name"] for item in tables.observation_schema["fields"]]
    return [name for name in names if name not in CORE_FIELDS and name not in MEASURE_FIELDS]


def add_blank_columns(folder: Path, old_fields: list[str], new_fields: list[str], schema: dict) -> list[str]:
    """A partner package moved to an observation schema with more dimension columns: its schema copy replaced and
    each of its CSV files whose header is `old_fields` given the new columns, blank. Returns the files changed."""
    changed = []
    schema_file = folder / OBSERVATION_SCHEMA_FILE
    if schema_file.is_file():
        schema_file.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        changed.append(schema_file.name)
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.reader(file)
            header = next(reader, None)
            if header != old_fields:
                continue
            rows = [dict(zip(old_fields, row)) for row in reader]
        path.write_text(csv_text(new_fields, rows), encoding="utf-8")
        changed.append(path.name)
    return changed
