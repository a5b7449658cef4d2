"""The common agenda's own rules: read and structurally valid, and consistent across its tables."""

from __future__ import annotations

import json
from pathlib import Path

from generator.load.agenda import (
    AGENDA_FOLDER,
    CORE_FIELDS,
    MEASURE_FIELDS,
    OBSERVATION_SCHEMA_FILE,
    REQUIRED_COLUMNS,
    RESERVED_NAMES,
    Agenda,
    agenda_from,
    agenda_metadata,
    progress_thresholds,
    read_tables,
)
from generator.load.descriptors import read_descriptor
from generator.compute.periods import PeriodError, parse_period
from generator.problems import WARNING, Problem, relative
from generator.validate.structure import clip, frictionless_problems


def check_agenda(folder: Path, root: Path) -> tuple[Agenda | None, list[Problem]]:
    """The agenda, or None with the problems that make it unusable (the agenda is the backbone's to fix): partners'
    files cannot be checked against an agenda whose tables or observation schema are not as agreed."""
    descriptor_path = folder / "datapackage.json"
    descriptor, problems = read_descriptor(descriptor_path, relative(descriptor_path, root), AGENDA_FOLDER)
    if descriptor is None:
        return None, problems
    problems = frictionless_problems(descriptor_path, root, partner=AGENDA_FOLDER)
    if problems:
        return None, problems
    schema_path = folder / OBSERVATION_SCHEMA_FILE
    schema_name = relative(schema_path, root)
    try:
        observation_schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return None, [Problem(
            "invalid-observation-schema",
            f"The agreed observation schema cannot be read: {error}.",
            f"Keep a valid Table Schema in {schema_name}.",
            schema_name,
            partner=AGENDA_FOLDER,
        )]
    tables = read_tables(descriptor_path)
    problems = _table_problems(tables, folder, root)
    if problems:
        return None, problems
    agenda = agenda_from(folder, descriptor, observation_schema, tables)
    problems = _schema_problems(agenda, root)
    if problems:
        return None, problems
    ignored = [Problem("ignored-property", item.message, "Write it as the Frictionless standard (or, for "
                       '"initiative", the example agenda) has it, or remove it.', relative(descriptor_path, root),
                       severity=WARNING, partner=AGENDA_FOLDER) for item in agenda_metadata(descriptor)[1]]
    return agenda, ignored + _consistency_problems(agenda, root)


def _table_problems(tables: dict[str, list[dict]], folder: Path, root: Path) -> list[Problem]:
    """Tables or columns the agenda lacks, and progress thresholds that the agreed pattern lets through but that
    are not numbers (1.2.3)."""
    problems = []
    descriptor_file = relative(folder / "datapackage.json", root)
    for name, columns in REQUIRED_COLUMNS.items():
        if name not in tables:
            problems.append(Problem(
                "missing-agenda-table", f'The agenda lists no resource "{name}".',
                f'Add {name}.csv and list it in datapackage.json as the example agenda does.', descriptor_file,
                partner=AGENDA_FOLDER))
            continue
        # The columns of its first row: a table without rows has nothing to read.
        missing = [column for column in columns if tables[name] and column not in tables[name][0]]
        if missing:
            problems.append(Problem(
                "missing-agenda-column", f"{name}.csv has no column " + ", ".join(f'"{column}"' for column in missing)
                + ".", f"Add the column to {name}.csv and to its schema in datapackage.json.",
                relative(folder / f"{name}.csv", root), 1, partner=AGENDA_FOLDER))
    for line, row in enumerate(tables.get("indicators", ()), start=2):
        text = row.get("progress_thresholds")
        if text and progress_thresholds(text) is None:
            problems.append(Problem(
                "invalid-thresholds", f'The progress thresholds of "{row.get("id")}", "{clip(text)}", are not three '
                "numbers.", "Write three numbers from the highest to the lowest, such as 0.95 0.6 0.",
                relative(folder / "indicators.csv", root), line, field="progress_thresholds", partner=AGENDA_FOLDER))
    return problems


def _schema_problems(agenda: Agenda, root: Path) -> list[Problem]:
    """Dimensions whose id another column already has, and an observation schema that is not the agreed fields
    with one column per dimension: the partners' files could not be read against it."""
    dimensions_file = relative(agenda.folder / "dimensions.csv", root)
    schema_file = relative(agenda.folder / OBSERVATION_SCHEMA_FILE, root)
    problems = [Problem(
        "reserved-dimension-id", f'The dimension id "{dimension.id}" is the name of a column the published files '
        "already have.", f'Give the dimension another id, such as "{dimension.id}_group", here and in '
        f"{OBSERVATION_SCHEMA_FILE}, indicators.csv and groups.csv.", dimensions_file, line, field="id",
        partner=AGENDA_FOLDER) for line, dimension in enumerate(agenda.dimensions, start=2)
        if dimension.id in RESERVED_NAMES]
    expected = [*CORE_FIELDS, *agenda.dimension_ids, *MEASURE_FIELDS]
    fields = agenda.observation_schema.get("fields") if isinstance(agenda.observation_schema, dict) else None
    names = [field.get("name") if isinstance(field, dict) else None for field in fields] \
        if isinstance(fields, list) else None
    if names != expected:
        problems.append(Problem(
            "schema-dimensions-mismatch",
            "The observation schema's fields are not indicator, period, geography, one column per "
            "dimension of dimensions.csv (in its order), then " + ", ".join(MEASURE_FIELDS) + ".",
            "Expected fields: " + ", ".join(expected) + ".", schema_file, partner=AGENDA_FOLDER))
    return problems


def _consistency_problems(agenda: Agenda, root: Path) -> list[Problem]:
    """Rules that tie the agenda's tables together beyond what its foreign keys can say."""
    problems: list[Problem] = []
    indicators_file = relative(agenda.folder / "indicators.csv", root)
    descriptor_file = relative(agenda.folder / "datapackage.json", root)

    def problem(rule, message, hint, file, line=None, field_name=None):
        problems.append(Problem(rule, message, hint, file, line, field=field_name, partner=AGENDA_FOLDER))

    if agenda.area not in agenda.geographies:
        problem("unknown-area", f'The initiative\'s area "{agenda.area}" is not in geographies.csv.',
                'Set "initiative.area" in datapackage.json to the id of the geography of the headline series.',
                descriptor_file)
    for line, indicator in enumerate(agenda.indicators, start=2):
        for dimension in indicator.dimensions:
            if dimension not in agenda.dimensions_by_id:
                problem("unknown-dimension", f'Indicator "{indicator.id}" lists dimension "{dimension}", '
                        "which is not in dimensions.csv.",
                        "Add the dimension to dimensions.csv and observation.schema.json, or remove it here.",
                        indicators_file, line, "dimensions")
        for column in ("baseline_period", "target_period"):
            label = getattr(indicator, column)
            if label:
                try:
                    parse_period(label)
                except PeriodError as error:
                    problem("invalid-period", str(error) + ".", "Correct the period.", indicators_file, line, column)
        for selector in indicator.progress_series:
            if selector != "total" and selector not in indicator.dimensions:
                problem("unknown-progress-series", f'Indicator "{indicator.id}" counts "{selector}" towards its '
                        "status, which is neither total nor one of its dimensions.",
                        "Write total and/or dimension ids that the indicator is broken down by, separated by spaces "
                        "(or none alone, for no status).",
                        indicators_file, line, "progress_series")
        if indicator.progress_thresholds and not (
                indicator.progress_thresholds[0] >= indicator.progress_thresholds[1] >= indicator.progress_thresholds[2]):
            problem("thresholds-out-of-order", f'The progress thresholds of "{indicator.id}" are not high, medium, '
                    "low.", "Write three numbers from the highest to the lowest, such as 0.95 0.6 0.",
                    indicators_file, line, "progress_thresholds")
        if (indicator.target_value is None) != (indicator.target_period is None):
            problem("incomplete-target", f'Indicator "{indicator.id}" has a target value or a target period, '
                    "but not both.", "Give both target_value and target_period, or neither.",
                    indicators_file, line, "target_value")
    dimensions_file = relative(agenda.folder / "dimensions.csv", root)
    for line, dimension in enumerate(agenda.dimensions, start=2):
        if dimension.reference_group and dimension.reference_group not in dimension.groups:
            problem("unknown-reference-group", f'The reference group "{dimension.reference_group}" of '
                    f'{dimension.id} is not one of its groups in groups.csv.',
                    "Write one of its groups exactly, or leave it blank to compare with the best-off group.",
                    dimensions_file, line, "reference_group")
    return problems
