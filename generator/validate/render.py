"""A Report as text for people, as GitHub workflow commands for pull requests, or as JSON for machines."""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import groupby

from generator.problems import ERROR, Problem, Report

# GitHub shows only the first ten error annotations of a step, so a file with many problems is cut at ten and
# says how many more there are: one bad file does not crowd out the others. The job summary lists them all.
ANNOTATIONS_PER_FILE = 10
# GitHub refuses a job summary over 1 MiB: a file's rows stop here, and the JSON report artifact has the rest.
SUMMARY_ROWS_PER_FILE = 100


def as_text(report: Report) -> str:
    lines = []
    for file, problems in _by_file(report.problems):
        lines.append(file)
        for problem in problems:
            where = _where(problem)
            lines.append(f"  {where}{problem.severity}: {problem.message} [{problem.rule}]")
            lines.append(f"    How to fix: {problem.hint}")
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def summary_line(report: Report) -> str:
    files = len(report.checked_files)
    verdict = "Valid" if report.valid else "Invalid"
    return (f"{verdict}: {_count(len(report.errors), 'error')} and {_count(len(report.warnings), 'warning')} "
            f"in {_count(files, 'file')} checked.")


def as_github(report: Report) -> tuple[str, str]:
    """Workflow commands for the log (annotations on the pull request) and Markdown for the job summary."""
    commands = []
    for file, problems in _by_file(report.problems):
        for problem in problems[:ANNOTATIONS_PER_FILE]:
            properties = [f"file={_property(problem.file)}"]
            if problem.line is not None:
                properties.append(f"line={problem.line}")
            properties.append(f"title={_property(problem.rule)}")
            text = f"{_where(problem)}{problem.message} How to fix: {problem.hint}"
            commands.append(f"::{problem.severity} {','.join(properties)}::{_data(text)}")
        if len(problems) > ANNOTATIONS_PER_FILE:
            rest = len(problems) - ANNOTATIONS_PER_FILE
            commands.append(f"::notice file={_property(file)},title=More problems::"
                            f"{_data(f'{rest} more problems in this file: see the job summary.')}")
    commands.append(summary_line(report))
    return "\n".join(commands) + "\n", as_markdown(report)


def as_markdown(report: Report) -> str:
    icon = "✅" if report.valid else "❌"
    lines = [f"## {icon} Data validation", "", summary_line(report), ""]
    by_partner: dict[str, list[Problem]] = defaultdict(list)
    for problem in report.problems:
        by_partner[problem.partner or "(project)"].append(problem)
    for partner, problems in by_partner.items():
        lines += [f"### {partner}", ""]
        for file, in_file in _by_file(problems):
            lines += [f"#### `{file}`", "", "| Where | Severity | Rule | Problem | How to fix |", "|---|---|---|---|---|"]
            for problem in in_file[:SUMMARY_ROWS_PER_FILE]:
                where = _where(problem).rstrip(": ") or "file"
                lines.append(f"| {where} | {problem.severity} | `{problem.rule}` | {_cell(problem.message)} | "
                             f"{_cell(problem.hint)} |")
            if len(in_file) > SUMMARY_ROWS_PER_FILE:
                lines += ["", f"…and {len(in_file) - SUMMARY_ROWS_PER_FILE} more problems in this file: see the "
                              "validation-report artifact (JSON) or run `indicators validate` locally."]
            lines.append("")
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _by_file(problems: list[Problem]):
    ordered = sorted(problems, key=lambda problem: (problem.file, problem.line or 0, problem.column or 0,
                                                    problem.severity != ERROR))
    for file, group in groupby(ordered, key=lambda problem: problem.file):
        yield file, list(group)


def _where(problem: Problem) -> str:
    if problem.line is None:
        return ""
    where = f"line {problem.line}"
    if problem.column is not None:
        where += f", column {problem.column}"
        if problem.field:
            where += f" ({problem.field})"
    return where + ": "


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _data(text: str) -> str:
    """Escapes for the message of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escapes for a property of a workflow command."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
