"""Validation: the agenda and every partner package, checked by frictionless and by the initiative's rules.

Validation never changes its inputs; it returns what it loaded and a Report of Problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.load.agenda import AGENDA_FOLDER, Agenda, observation_fields
from generator.load.packages import DataFile, PartnerPackage, load_package, partner_folders
from generator.load.project import Project
from generator.problems import ERROR, WARNING, Problem, Report, relative
from generator.load.activities import ACTIVITY_FIELDS, activity_schema
from generator.validate.activities import activity_problems
from generator.validate.agenda_rules import check_agenda, partner_translation_problems, unmapped_geography_problems
from generator.validate.fast import fast_table_problems
from generator.validate.rules import duplicate_problems, observation_problems
from generator.validate.structure import table_problems
from generator.whereabouts import processing

__all__ = ["Problem", "Report", "Validated", "validate_project", "ERROR", "WARNING"]

# Data files of at least this size are read by pyarrow and checked a column at a time (validation/fast.py), with
# the very problems frictionless would report; smaller ones by frictionless, which is quicker to start.
FAST_PATH_BYTES = 1024 * 1024

# After these, a file's rows cannot be trusted to line up with its columns, so the rules would only add noise.
_STRUCTURE_RULES = {
    "blank-label", "duplicate-label", "extra-label", "missing-label", "incorrect-label", "extra-cell",
    "missing-cell", "encoding-error", "source-error", "scheme-error", "format-error",
}


@dataclass(frozen=True)
class Validated:
    """What validation loaded, and what it found."""

    agenda: Agenda | None
    packages: tuple[PartnerPackage, ...]
    report: Report


def validate_project(project: Project, paths: list[Path] | None = None) -> Validated:
    """Validate the agenda and all partner packages; with `paths`, report only the problems under them.

    Every package is always loaded, because an observation given twice by two partners is a problem of both.
    """
    root = project.root
    report = Report()
    with processing(relative(project.agenda_folder / "datapackage.json", root)):
        agenda, agenda_problems = check_agenda(project.agenda_folder, root)
    report.extend(agenda_problems)
    report.checked_files.append(relative(project.agenda_folder / "datapackage.json", root))
    if agenda is None:
        return Validated(None, (), _only_under(report, paths, root))

    folders = partner_folders(project.datapackages)
    slugs = {folder.name for folder in folders}
    for line, indicator in enumerate(agenda.indicators, start=2):
        if indicator.steward not in slugs:
            report.problems.append(Problem(
                "unknown-steward",
                f'The steward of "{indicator.id}" is "{indicator.steward}", which has no package in datapackages/.',
                "Correct the steward, or add the partner's package with `indicators new-partner`.",
                relative(project.agenda_folder / "indicators.csv", root), line, field="steward",
                severity=WARNING, partner=AGENDA_FOLDER,
            ))

    packages: list[PartnerPackage] = []
    sound_files = []
    for folder in folders:
        with processing(relative(folder / "datapackage.json", root)):
            package, problems = load_package(folder, agenda, root, fast_from_bytes=FAST_PATH_BYTES)
        report.extend(problems)
        if package is not None:
            packages.append(package)
            sound_files += _check_files(package, agenda, root, report)
    report.extend(duplicate_problems(sound_files, agenda))
    report.extend(unmapped_geography_problems(agenda, sound_files, root))
    report.extend(partner_translation_problems(agenda, packages, root))
    return Validated(agenda, tuple(packages), _only_under(report, paths, root))


def _check_files(package: PartnerPackage, agenda: Agenda, root: Path, report: Report) -> list[tuple[str, DataFile]]:
    """Check each of the package's files into `report`; the files whose rows the rules could read."""
    sound_files = []
    for file in package.files:
        with processing(file.shown_as):
            report.checked_files.append(file.shown_as)
            if file.unreadable:
                continue  # already reported with its line; frictionless would only guess around it
            if file.cells is not None:  # read by pyarrow, as files of FAST_PATH_BYTES or more are
                structure = fast_table_problems(file.path, agenda.observation_schema, root, package.slug, file.cells)
            else:
                structure = table_problems(file.path, agenda.observation_schema, root, package.slug)
            report.extend(structure)
            broken = any(problem.rule in _STRUCTURE_RULES for problem in structure)
            if file.text is None and not broken:
                report.problems.append(Problem(
                    "unreadable-csv", "The file cannot be read as CSV with one row per line.",
                    "Open it in a text editor: every row needs as many commas as the header, and a value holding "
                    'a comma or a line break goes between double quotes ("like, this").',
                    file.shown_as, partner=package.slug,
                ))
            if file.text is None or broken:
                continue
            missing = [name for name in observation_fields(agenda) if name not in file.text]
            if missing:
                # frictionless can miss this when the header repeats a label or a blank line comes first.
                report.problems.append(Problem(
                    "unreadable-header", "The first line is not the agreed header: it lacks "
                    + ", ".join(f'"{name}"' for name in missing) + ".",
                    "Make line 1 the header row with every agreed field once, separated by commas: "
                    + ",".join(observation_fields(agenda)) + ".",
                    file.shown_as, 1, partner=package.slug,
                ))
                continue
            report.extend(observation_problems(file, agenda, package.slug))
            sound_files.append((package.slug, file))
    for file in package.activity_files:
        with processing(file.shown_as):
            report.checked_files.append(file.shown_as)
            report.extend(_activity_file_problems(file, agenda, root, package.slug))
    return sound_files


def _activity_file_problems(file, agenda: Agenda, root: Path, partner: str) -> list[Problem]:
    """activities.csv: its structure and types by frictionless, then the rules of validate/activities.py."""
    if file.unreadable:
        return []  # already reported with its line
    problems = table_problems(file.path, activity_schema(), root, partner)
    if file.text is None or any(problem.rule in _STRUCTURE_RULES for problem in problems):
        if file.text is None and not problems:
            problems.append(Problem(
                "unreadable-csv", "The file cannot be read as CSV with one row per line.",
                "Open it in a text editor: every row needs as many commas as the header, and a value holding a "
                'comma or a line break goes between double quotes ("like, this").', file.shown_as, partner=partner))
        return problems
    missing = [name for name in ACTIVITY_FIELDS if name not in file.text]
    if missing:
        return [*problems, Problem(
            "unreadable-header", "The first line is not the agreed header: it lacks "
            + ", ".join(f'"{name}"' for name in missing) + ".",
            "Make line 1 the header row with every agreed field once, separated by commas: "
            + ",".join(ACTIVITY_FIELDS) + ".", file.shown_as, 1, partner=partner)]
    return [*problems, *activity_problems(file, agenda, partner)]


def _only_under(report: Report, paths: list[Path] | None, root: Path) -> Report:
    if not paths:
        return report
    prefixes = [relative(path, root).rstrip("/") for path in paths]

    def wanted(file: str) -> bool:
        return file.startswith(f"datapackages/{AGENDA_FOLDER}/") or any(
            file == prefix or file.startswith(prefix + "/") for prefix in prefixes
        )

    return Report(
        [problem for problem in report.problems if wanted(problem.file)],
        [file for file in report.checked_files if wanted(file)],
    )
