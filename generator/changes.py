"""Partner boundaries for a pull request: one partner's package at a time, and the common agenda on its own.

A pull request that touches two partners' packages cannot be reviewed by either partner alone, and a change
to the common agenda changes what every partner's data mean: the backbone opens it in its own pull request.
The changed files are those git lists between the merge base of the base branch and HEAD, as GitHub shows
them on the pull request.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import PurePosixPath

from generator.agenda import AGENDA_FOLDER
from generator.problems import Problem
from generator.project import Project

# A message names at most this many files of each partner, then says how many more there are.
FILES_NAMED = 5
# `git diff` on a large repository with a cold cache can take a while; a hung git must not hang CI forever.
GIT_TIMEOUT_SECONDS = 120


class GitError(Exception):
    """git could not list the changes; the message is git's own, or says why git did not run."""


def check_changes(project: Project, base: str) -> list[Problem]:
    """The partner-boundary problems of the changes between the merge base of `base` and HEAD."""
    try:
        paths = changed_files(project, base)
    except GitError as error:
        return [Problem(
            "git-error",
            f'The changes since "{base}" cannot be listed: {error}',
            "Check that the folder is a git repository and that the base branch has been fetched with its "
            "history (in GitHub Actions: actions/checkout with fetch-depth: 0), then pass it as --base, "
            "for example --base origin/main.",
            ".",
        )]
    return boundary_problems(paths)


def changed_files(project: Project, base: str) -> list[str]:
    """Every path changed between the merge base of `base` and HEAD, relative to the project's root.

    Renames are listed as a deletion and an addition, so a file moved from one partner's folder to another's
    counts for both partners. A project kept in a subfolder of a larger repository sees only the changes
    under that folder.
    """
    if not base or base.startswith("-"):
        # git would read it as an option (`--output=FILE` writes a file), never as a branch.
        raise GitError(f'"{base}" is not a branch, tag or commit.')
    _git(project, "rev-parse", "--git-dir")  # outside a repository, `git diff` would compare folders instead
    merge_base = _git(project, "merge-base", "--end-of-options", base, "HEAD").strip()
    if not merge_base:
        raise GitError(f'HEAD and "{base}" have no commit in common (in a shallow clone, the commits that join '
                       "them may not have been fetched).")
    output = _git(project, "diff", "--name-only", "--no-renames", "--relative", "-z", merge_base, "HEAD", "--")
    return [path for path in output.split("\0") if path]


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
