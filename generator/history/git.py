"""The one place that runs git: every question the history asks of the repository, and what failing answers mean.

Every call has a timeout, because a hung git (a network filesystem, a lock) must not hang a build or a pull
request's check; and every failure is a GitError whose message says why in words fit for a page or a report:
git's own message without its "fatal: ", or why git did not run. Paths are given relative to the folder git
runs in (`./path`), so a project kept in a subfolder of a larger repository reads its own files.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Generous, as a cold `git diff` or `git log` on a large repository can take a while; a hung git still ends.
TIMEOUT_SECONDS = 120


class GitError(Exception):
    """git could not answer; the message is git's own, or says why git did not run."""


@dataclass(frozen=True)
class Commit:
    hash: str
    parent: str  # the first parent; "" for a root commit
    date: str  # the committer's date, RFC 3339
    subject: str


def first_parent_commits(root: Path, path: str, limit: int) -> list[Commit]:
    """The newest `limit` commits of the first-parent line that touched `path`, newest first: on a branch that
    takes pull requests by merge, each merged pull request is one commit."""
    log = _text(root, "log", "--first-parent", f"-n{limit}", "--format=%H%x00%P%x00%cI%x00%s", "--", f"./{path}")
    return [Commit(commit, parents.split(" ")[0], date, subject)
            for commit, parents, date, subject in (line.split("\0", 3) for line in log.splitlines())]


def newest_commit(root: Path, path: str) -> str:
    """The newest first-parent commit that touched `path`; "" when none did."""
    return _text(root, "log", "--first-parent", "-n1", "--format=%H", "--", f"./{path}").strip()


def require_commits(root: Path) -> None:
    """Return quietly when `root` is in a repository with at least one commit, else raise GitError saying why."""
    if not _text(root, "rev-parse", "--verify", "--quiet", "HEAD", allowed=(0, 1)).strip():
        raise GitError("the project is not a git repository with commits")


def merge_base(root: Path, base: str) -> str:
    """The newest commit that HEAD and `base` (a branch, tag or commit) share."""
    if not base or base.startswith("-"):
        # git would read it as an option (`--output=FILE` writes a file), never as a branch.
        raise GitError(f'"{base}" is not a branch, tag or commit')
    _text(root, "rev-parse", "--git-dir")  # outside a repository, `git diff` would compare folders instead
    # git says "no merge base" by exiting with 1 and saying nothing.
    shared = _text(root, "merge-base", "--end-of-options", base, "HEAD", allowed=(0, 1)).strip()
    if not shared:
        raise GitError(f'HEAD and "{base}" have no commit in common (in a shallow clone, the commits that join '
                       "them may not have been fetched)")
    return shared


def changed_files(root: Path, since: str) -> list[str]:
    """Every path under `root` changed between the commit `since` and HEAD, relative to `root`.

    Renames are listed as a deletion and an addition, so a file moved between two folders counts for both.
    """
    output = _text(root, "diff", "--name-only", "--no-renames", "--relative", "-z", since, "HEAD", "--")
    return [path for path in output.split("\0") if path]


def files_at(root: Path, revision: str, path: str) -> list[str]:
    """Every file under `path` (relative to `root`) in the commit `revision`, relative to `root`."""
    output = _text(root, "ls-tree", "-r", "-z", "--name-only", "--end-of-options", revision, "--", f"./{path}")
    return [name for name in output.split("\0") if name]


def read_blobs(root: Path, names: list[str]) -> list[bytes | None]:
    """The contents of each blob, named `revision:./path` or by its id, in one git process; None where there is
    no such file."""
    return _cat_file(root, names, contents=True)


@contextmanager
def blob_files(root: Path, names: list[str]) -> Iterator[list[Path | None]]:
    """Each blob of `read_blobs` in a file of its own, for readers that read files (the CSV reader does); None
    where there is no such file. The files are removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix="indicators-blobs-") as folder:
        paths: list[Path | None] = []
        for number, data in enumerate(read_blobs(root, names)):
            paths.append(None if data is None else Path(folder) / f"{number}.csv")
            if data is not None:
                paths[-1].write_bytes(data)
        yield paths


def blob_ids(root: Path, names: list[str]) -> list[str | None]:
    """The id of each blob named `revision:./path`, in one git process; None where there is no such file."""
    return [None if blob is None else blob.decode() for blob in _cat_file(root, names, contents=False)]


def hash_files(root: Path, paths: list[Path]) -> list[str]:
    """git's id of each file on disk: equal to a blob's id when the file holds what the blob holds."""
    if not paths:
        return []
    return _text(root, "hash-object", "--", *(str(path) for path in paths)).split()


def _text(root: Path, *arguments: str, allowed: tuple[int, ...] = (0,)) -> str:
    """git's output, as text, for `git -C root ARGUMENTS`; GitError when it exits with a status not `allowed`."""
    return _run(root, list(arguments), allowed=allowed).decode("utf-8", "replace")


def _cat_file(root: Path, names: list[str], contents: bool) -> list[bytes | None]:
    if not names:
        return []
    if any("\n" in name for name in names):
        raise GitError("a file name holds a line break")  # it would be read as two names
    output = _run(root, ["cat-file", "--batch" if contents else "--batch-check"],
                  stdin="".join(f"{name}\n" for name in names).encode())
    at, answers = 0, []
    for _ in names:
        end = output.index(b"\n", at)
        header = output[at:end].split(b" ")
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            answers.append(None)  # missing, or not a file
            continue
        if not contents:
            answers.append(header[0])
            continue
        size = int(header[2])
        answers.append(output[at: at + size])
        at += size + 1  # the contents are followed by a line break
    return answers


def _run(root: Path, arguments: list[str], allowed: tuple[int, ...] = (0,), stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(root), *arguments], input=stdin, capture_output=True,
                                timeout=TIMEOUT_SECONDS)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git did not answer within {TIMEOUT_SECONDS} seconds") from None
    if result.returncode not in allowed:
        message = " ".join(result.stderr.decode("utf-8", "replace").split()).removeprefix("fatal: ")
        raise GitError(message or f"git {arguments[0]} exited with status {result.returncode}")
    return result.stdout
