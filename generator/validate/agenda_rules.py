"""The common agenda's own rules: read and structurally valid, and consistent across its tables."""

from __future__ import annotations

import json
from pathlib import Path

from generator.load.agenda import (
    AGENDA_FOLDER,
    CORE_FIELDS,
    MEASURE_FIELDS,
    OBSERVATION_SCHEMA_FILE,
    Agenda,
    agenda_metadata,
    observation_fields,
    read_agenda,
)
from generator.load.descriptors import read_descriptor
from generator.compute.periods import PeriodError, parse_period
from generator.problems import WARNING, Problem, relative
from generator.validate.structure import frictionless_problems


def check_agenda(folder: Path, root: Path) -> tuple[Agenda | None, list[Problem]]:
    """The agenda, or None with the problems that make it unusable (the agenda is the backbone's to fix)."""
    descriptor_path = folder / "datapackage.json"
    descriptor, problems = read_descriptor(descriptor_path, relative(descriptor_path, root), AGENDA_FOLDER)
    if descriptor is None:
        return None, problems
    problems = frictionless_problems(descriptor_path, root, partner=AGENDA_FOLDER)
    if problems:
        return None, problems
    schema_path = folder / OBSERVATION_SCHEMA_FILE
    try:
        json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        schema_name = relative(schema_path, root)
        return None, [Problem(
            "invalid-observation-schema",
            f"The agreed observation schema cannot be read: {error}.",
            f"Keep a valid Table Schema in {schema_name}.",
            schema_name,
            partner=AGENDA_FOLDER,
        )]
    agenda = read_agenda(folder)
    ignored = [Problem("ignored-property", item.message, "Write it as the Frictionless standard (or, for "
                       '"initiative", the example agenda) has it, or remove it.', relative(descriptor_path, root),
                       severity=WARNING, partner=AGENDA_FOLDER) for item in agenda_metadata(descriptor)[1]]
    return agenda, ignored + _consistency_problems(agenda, root)


def _consistency_problems(agenda: Agenda, root: Path) -> list[Problem]:
    """Rules that tie the agenda's tables together beyond what its foreign keys can say."""
    problems: list[Problem] = []
    indicators_file = relative(agenda.folder / "indicators.csv", root)
    descriptor_file = relative(agenda.folder / "datapackage.json", root)
    schema_file = relative(agenda.folder / OBSERVATION_SCHEMA_FILE, root)

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
    expected = [*CORE_FIELDS, *agenda.dimension_ids, *MEASURE_FIELDS]
    if observation_fields(agenda) != expected:
        problem("schema-dimensions-mismatch",
                "The observation schema's fields are not indicator, period, geography, one column per "
                "dimension of dimensions.csv (in its order), then " + ", ".join(MEASURE_FIELDS) + ".",
                "Expected fields: " + ", ".join(expected) + ".", schema_file)
    return problems
