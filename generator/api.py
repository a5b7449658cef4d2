"""The Python API: each CLI verb is a function here, usable from a notebook or a test.

    validate(project)            -> Validated (agenda, packages, report)
    build(project, site_dir)     -> BuildResult (report, and the paths written when valid); its steps are
                                    `generator.pipeline`'s
    init(project, initiative)    -> Started (what was removed and written): the example becomes one's own
    add_goal(project, id, title) -> the row written to goals.csv
    add_indicator(project, spec) -> the row written to indicators.csv (spec: IndicatorSpec)
    compare(project, base)       -> Preview: what merging the working tree into `base` would change on the site
"""

from __future__ import annotations

from pathlib import Path

from generator.history.preview import Preview, PreviewInvalid, preview
from generator.load.project import Project
from generator.pipeline import BuildResult, build
from generator.tools import agenda as agenda_tools
from generator.tools.agenda import IndicatorSpec
from generator.tools.initiative import Initiative, Started, start_initiative
from generator.validate import Validated, validate_project

__all__ = ["Project", "validate", "build", "BuildResult", "Initiative", "init", "IndicatorSpec", "add_goal",
           "add_indicator", "compare", "Preview", "PreviewInvalid"]


def validate(project: Project, paths: list[Path] | None = None) -> Validated:
    return validate_project(project, paths)


def init(project: Project, initiative: Initiative, *, force: bool = False) -> Started:
    """Turn a clone of the fictional example into `initiative`'s own: the example removed, an empty agenda written.

    Raises `InitError` for answers that will not do, and `RefusedError` for an agenda that is not the example
    (unless `force`).
    """
    return start_initiative(project, initiative, force=force)


def add_goal(project: Project, goal_id: str, title: str, summary: str = "") -> dict:
    """A goal at the end of the agenda's goals.csv, checked before it is written (`tools.agenda.add_goal`)."""
    return agenda_tools.add_goal(project, goal_id, title, summary)


def add_indicator(project: Project, spec: IndicatorSpec) -> dict:
    """A shared indicator at the end of indicators.csv, from plain values (`tools.agenda.add_indicator`)."""
    return agenda_tools.add_indicator(project, spec)


def compare(project: Project, base: str) -> Preview:
    """What merging the working tree into `base` (a branch, tag or commit) would change on the site, indicator by
    indicator: new periods, revised values with their lines, withdrawn observations, status, latest value, and the
    scoreboard (`history.preview`).

    Raises `history.git.GitError` when `base` cannot be compared with, and `PreviewInvalid` (with the validation
    report) when the working tree is not valid.
    """
    return preview(project, base)
