"""Partner boundaries for a pull request: one partner's package at a time, and the common agenda on its own.

A pull request that touches two partners' packages cannot be reviewed by either partner alone, and a change
to the common agenda changes what every partner's data mean: the backbone opens it in its own pull request.
The changed files are those git lists between the merge base of the base branch and HEAD, as GitHub shows
them on the pull request.

A partner changing a value it published before is allowed (statistics get revised) but never silent: each
revised value is a warning naming the line, so reviewers see it and the partner explains it in the note.
"""

from __future__ import annotations

import csv
import io
import subprocess
from collections import defaultdict
from pathlib import PurePosixPath

from generator.load.agenda import AGENDA_FOLDER
from generator.load.lines import FileLayout
from generator.problems import WARNING, Problem
from generator.load.project import Project

# A message names at most this many files of each partner, then says how many more there are.
FILES_NAMED = 5
# `git diff` on a large repository with a cold cache can take a while; a hung git must not hang CI forever.
GIT_TIMEOUT_SECONDS = 120
# A revision of a whole series would otherwise bury the report: name this many per file, then count the rest.
REVISIONS_NAMED = 20
# The columns that hold what was measured; every other column of an observation says which observation it is.
MEASUREMENT_FIELDS = frozenset({"unit", "value", "lower_bound", "upper_bound", "numerator", "denominator", "status",
                                "note"})


class GitError(Exception):
    """git could not list the changes; the message is git's own, or says why git did not run."""


def check_changes(project: Project, base: str) -> list[Problem]:
    """The partner-boundary problems of the changes between the merge base of `base` and HEAD."""
    try:
        merge_base = _merge_base(project, base)
        paths = changed_files(project, base, merge_base)
        revisions = revised_values(project, merge_base, paths)
    except GitError as error:
        return [Problem(
            "git-error",
            f'The changes since "{base}" cannot be listed: {error}',
            "Check that the folder is a git repository and that the base branch has been fetched with its "
            "history (in GitHub Actions: actions/checkout with fetch-depth: 0), then pass it as --base, "
            "for example --base origin/main.",
            ".",
        )]
    return boundary_problems(paths) + revisions


def changed_files(project: Project, base: str, merge_base: str | None = None) -> list[str]:
    """Every path changed between the merge base of `base` and HEAD, relative to the project's root.

    Renames are listed as a deletion and an addition, so a file moved from one partner's folder to another's
    counts for both partners. A project kept in a subfolder of a larger repository sees only the changes
    under that folder.
    """
    merge_base = merge_base or _merge_base(project, base)
    output = _git(project, "diff", "--name-only", "--no-renames", "--relative", "-z", merge_base, "HEAD", "--")
    return [path for path in output.split("\0") if path]


def revised_values(project: Project, merge_base: str, paths: list[str]) -> list[Problem]:
    """A warning for each observation whose value or status differs from the one published at the merge base.

    Only partners' CSV files that existed at the merge base are compared; a file that is not an observation
    table, or not readable as CSV, is left to validation, which reports it properly.
    """
    problems: list[Problem] = []
    for path in paths:
        folder = _package_folder(path)
        if folder is None or folder == AGENDA_FOLDER or not path.endswith(".csv"):
            continue
        current_file = project.root / path
        if not current_file.is_file():
            continue
        try:
            before = _git(project, "show", f"{merge_base}:./{path}")
        except GitError:
            continue  # a new file revises nothing
        problems += _revisions_in_file(before, current_file, path, folder)
    return problems


def _revisions_in_file(before_text: str, current_file, path: str, partner: str) -> list[Problem]:
    try:
        before = _observations_by_key(csv.reader(io.StringIO(before_text)))
        with current_file.open(newline="", encoding="utf-8") as file:
            records = list(csv.reader(file))
    except (csv.Error, UnicodeDecodeError, OSError):
        return []
    if before is None or not records:
        return []
    header = records[0]
    key_columns, revised_columns = _columns(header)
    if not key_columns or not revised_columns:
        return []
    layout = FileLayout(current_file)
    problems: list[Problem] = []
    revised = 0
    for record_number, record in enumerate(records[1:], start=2):
        if len(record) != len(header):
            continue
        key = tuple(record[i] for i in key_columns)
        old = before.get(key)
        new = {header[i]: record[i] for i in revised_columns}
        if old is None or all(_same(old[name], new[name]) for name in new):
            continue
        revised += 1
        if revised > REVISIONS_NAMED:
            continue
        what = ", ".join(f"{name} {old[name] or '(empty)'} → {new[name] or '(empty)'}"
                         for name in new if not _same(old[name], new[name]))
        observation = ", ".join(value for value in key if value)
        problems.append(Problem(
            "revised-value",
            f"A value published before is revised ({observation}): {what}.",
            "Revisions are published with a note: say in the note column why the value changed (for example "
            "\"Revised: late registrations counted\"), so readers and reviewers know.",
            path, layout.line(record_number), header.index("value") + 1 if "value" in header else None,
            "value", WARNING, partner,
        ))
    if revised > REVISIONS_NAMED:
        problems.append(Problem(
            "revised-value",
            f"{revised - REVISIONS_NAMED} more values published before are revised in this file "
            f"({revised} in all; the first {REVISIONS_NAMED} are listed).",
            "Check that revising so many values is intended, and explain the revision in the note column.",
            path, None, None, None, WARNING, partner,
        ))
    return problems


def _observations_by_key(reader) -> dict[tuple, dict[str, str]] | None:
    header = next(reader, None)
    if not header:
        return None
    key_columns, revised_columns = _columns(header)
    if not key_columns or not revised_columns:
        return None
    return {tuple(record[i] for i in key_columns): {header[i]: record[i] for i in revised_columns}
            for record in reader if len(record) == len(header)}


def _same(before: str, after: str) -> bool:
    """Equal as numbers when both are numbers: rewriting 41.20 as 41.2 revises nothing."""
    try:
        return float(before) == float(after)
    except ValueError:
        return before.strip() == after.strip()


def _columns(header: list[str]) -> tuple[list[int], list[int]]:
    """Positions of the columns naming an observation, and of the value; empty when the file is not observations."""
    if "indicator" not in header or "period" not in header:
        return [], []
    keys = [i for i, name in enumerate(header) if name not in MEASUREMENT_FIELDS]
    return keys, [header.index("value")] if "value" in header else []


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


def _merge_base(project: Project, base: str) -> str:
    if not base or base.startswith("-"):
        # git would read it as an option (`--output=FILE` writes a file), never as a branch.
        raise GitError(f'"{base}" is not a branch, tag or commit.')
    _git(project, "rev-parse", "--git-dir")  # outside a repository, `git diff` would compare folders instead
    merge_base = _git(project, "merge-base", "--end-of-options", base, "HEAD").strip()
    if not merge_base:
        raise GitError(f'HEAD and "{base}" have no commit in common (in a shallow clone, the commits that join '
                       "them may not have been fetched).")
    return merge_base


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


def _git(project: Project, *arguments: str) -> str:
    try:
        result = subprocess.run(
            ["git", "-C", str(project.root), *arguments],
            capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=GIT_TIMEOUT_SECONDS,
        )
    except FileNotFoundError:
        raise GitError("git is not installed, or not on the PATH.") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git did not answer within {GIT_TIMEOUT_SECONDS} seconds.") from None
    if result.returncode == 1 and arguments[0] == "merge-base" and not result.stderr.strip():
        return ""  # the two commits share no history
    if result.returncode != 0:
        message = " ".join(result.stderr.split()) or f"git exited with status {result.returncode}."
        raise GitError(message.removeprefix("fatal: "))
    return result.stdout
