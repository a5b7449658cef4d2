"""Partner boundaries for a pull request: one partner's package at a time, and the common agenda on its own.

A pull request that touches two partners' packages cannot be reviewed by either partner alone, and a change
to the common agenda changes what every partner's data mean: the backbone opens it in its own pull request.
The changed files are those git lists between the merge base of the base branch and HEAD, as GitHub shows
them on the pull request.

A partner changing a value it published before is allowed (statistics get revised) but never silent: each
revised value is a warning naming the line, so reviewers see it and the partner explains it in the note.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from generator.compute.observations import numbers_of_texts
from generator.history import git
from generator.history.git import GitError
from generator.history.revisions import observation_key, revisions
from generator.load.agenda import AGENDA_FOLDER
from generator.load.cells import Cells, CellsLayout, read_cells
from generator.problems import WARNING, Problem
from generator.load.project import Project

# A message names at most this many files of each partner, then says how many more there are.
FILES_NAMED = 5
# A revision of a whole series would otherwise bury the report: name this many per file, then count the rest.
REVISIONS_NAMED = 20


def check_changes(project: Project, base: str) -> list[Problem]:
    """The partner-boundary problems of the changes between the merge base of `base` and HEAD."""
    try:
        merge_base = git.merge_base(project.root, base)
        paths = git.changed_files(project.root, merge_base)
        revisions = revised_values(project, merge_base, paths)
    except GitError as error:
        return [Problem(
            "git-error",
            f'The changes since "{base}" cannot be listed: {error}.',
            "Check that the folder is a git repository and that the base branch has been fetched with its "
            "history (in GitHub Actions: actions/checkout with fetch-depth: 0), then pass it as --base, "
            "for example --base origin/main.",
            ".",
        )]
    return boundary_problems(paths) + revisions


def revised_values(project: Project, merge_base: str, paths: list[str]) -> list[Problem]:
    """A warning for each observation whose value differs from the one published at the merge base.

    Only partners' CSV files that existed at the merge base are compared; a file that is not an observation
    table, or not readable as CSV, is left to validation, which reports it properly.
    """
    compared = [(path, _package_folder(path)) for path in paths
                if _package_folder(path) not in (None, AGENDA_FOLDER) and path.endswith(".csv")
                # git reads names a line each: a name with a line break cannot be asked for (nor is it valid).
                and "\n" not in path and (project.root / path).is_file()]
    problems: list[Problem] = []
    with git.blob_files(project.root, [f"{merge_base}:./{path}" for path, _ in compared]) as earlier:
        for (path, partner), before in zip(compared, earlier):
            if before is not None:  # a new file revises nothing
                problems += _revisions_in_file(before, project.root / path, path, partner)
    return problems


def _revisions_in_file(before_file: Path, current_file: Path, path: str, partner: str) -> list[Problem]:
    before, after = read_cells(before_file), read_cells(current_file)
    if before is None or after is None or not all(_is_observations(cells) for cells in (before, after)):
        return []
    keys = observation_key(after.header)
    revised = revisions(_observations(before, keys), _observations(after, keys), keys)
    layout = CellsLayout(current_file, after)
    problems = []
    for record, row in revised.head(REVISIONS_NAMED).iterrows():
        observation = ", ".join(text for text in row[keys] if text)
        was, now = row["value_as_written_before"] or "(empty)", row["value_as_written"] or "(empty)"
        problems.append(Problem(
            "revised-value",
            f"A value published before is revised ({observation}): value {was} → {now}.",
            "Revisions are published with a note: say in the note column why the value changed (for example "
            "\"Revised: late registrations counted\"), so readers and reviewers know.",
            path, layout.line(record), after.header.index("value") + 1, "value", WARNING, partner,
        ))
    if len(revised) > REVISIONS_NAMED:
        problems.append(Problem(
            "revised-value",
            f"{len(revised) - REVISIONS_NAMED} more values published before are revised in this file "
            f"({len(revised)} in all; the first {REVISIONS_NAMED} are listed).",
            "Check that revising so many values is intended, and explain the revision in the note column.",
            path, None, None, None, WARNING, partner,
        ))
    return problems


def _is_observations(cells: Cells) -> bool:
    return {"indicator", "period", "value"} <= set(cells.header)


def _observations(cells: Cells, keys: list[str]) -> pd.DataFrame:
    """The file's rows by record number: the key's texts (blank where the file lacks the column), and the value as
    written and as a number."""
    def texts(name: str) -> pd.Categorical:
        if name not in cells.header:
            return pd.Categorical.from_codes(np.zeros(cells.row_count, dtype=np.int8), [""])
        column = cells.columns[cells.header.index(name)]
        return pd.Categorical.from_codes(column.codes, column.texts)

    written = texts("value")
    return pd.DataFrame({**{name: texts(name) for name in keys}, "value_as_written": written,
                         "value": numbers_of_texts(written)}, index=cells.record_numbers())


def boundary_problems(paths: list[str]) -> list[Problem]:
    """What is wrong with changing these paths (relative to the project's root) in one pull request."""
    by_partner: dict[str, list[str]] = defaultdict(list)
    agenda: list[str] = []
    for path in paths:
        folder = _package_folder(path)
        if folder == AGENDA_FOLDER:
            agenda.append(path)
        elif folder is not None:
            by_partner[folder].append(path)
    partners = sorted(by_partner)
    only_partner = partners[0] if len(partners) == 1 else None

    problems = []
    if len(partners) > 1:
        named = "; ".join(f'"{slug}" ({_files(by_partner[slug])})' for slug in partners)
        problems.append(Problem(
            "several-partners",
            f"This change touches the packages of {len(partners)} partners: {named}.",
            "Open one pull request per partner, so that each partner reviews and answers for its own data: "
            "move the changes to each package onto a branch of their own.",
            by_partner[partners[0]][0],
        ))
    if partners and agenda:
        whose = " and ".join(f'"{slug}"' for slug in partners) if len(partners) <= 2 else f"{len(partners)} partners"
        problems.append(Problem(
            "partner-changes-agenda",
            f"This change touches the common agenda ({_files(agenda)}) as well as the package of {whose}.",
            f"Changes to datapackages/{AGENDA_FOLDER}/ are the backbone's, agreed by all partners: open them in "
            "a pull request of their own, and keep this one to the partner's package.",
            agenda[0],
            partner=only_partner,
        ))
    return problems


def _package_folder(path: str) -> str | None:
    """The folder under datapackages/ that a path lies in; None for a path elsewhere or a file beside them."""
    parts = PurePosixPath(path).parts
    if len(parts) >= 3 and parts[0] == "datapackages":
        return parts[1]
    return None


def _files(paths: list[str]) -> str:
    named = ", ".join(paths[:FILES_NAMED])
    if len(paths) > FILES_NAMED:
        named += f" and {len(paths) - FILES_NAMED} more"
    return named
