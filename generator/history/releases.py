"""Data releases: what each partner published when, read from the packages and the repository's history.

A release is one change to a partner's package that reached the published branch: with git, each first-parent
commit that touched `datapackages/<partner>/` (so a merged pull request is one release); without git, each
package as it is now, dated by its `created`. For each release we say which indicators changed, which periods
are new, which values were revised and which indicator statuses changed, by comparing the package's
observations with its previous version (`comparison.py`), read from git's objects.

Everything here is deterministic: dates come from commits and packages, never from the clock, so the same
repository gives the same updates page and feed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from generator.cache import Store, key
from generator.history import git
from generator.history.comparison import IndicatorChange, indicator_changes, row_hashes
from generator.history.git import GitError
from generator.load.agenda import Agenda
from generator.load.cells import TextTable, read_cells
from generator.load.packages import PartnerPackage
from generator.load.activities import ACTIVITIES_RESOURCE

# The page and the feed list at most this many releases, newest first: a feed reader needs the recent ones, and
# reading the whole history of a busy repository would slow every build.
MAX_RELEASES = 50
FROM_GIT = "git"
FROM_PACKAGES = "packages"
RELEASES = "releases"  # their kind of entry in the build's store


@dataclass(frozen=True)
class Release:
    partner: str  # the package's folder name
    partner_title: str
    version: str
    previous_version: str  # "" for a first release
    date: str  # RFC 3339, from the commit or the package's `created`; "" when neither gives one
    commit: str  # the full commit hash; "" for a release read from the package itself
    message: str  # the commit's subject line
    changes: tuple[IndicatorChange, ...]
    first: bool  # the package's first publication: everything in it is new

    @property
    def key(self) -> str:
        """Stable and unique among releases: for anchors on the page and ids in the feed."""
        return f"{self.partner}-{self.commit[:12] or 'package-' + (self.version or 'unversioned')}"


@dataclass(frozen=True)
class Updates:
    releases: tuple[Release, ...]  # newest first, at most MAX_RELEASES
    source: str  # FROM_GIT or FROM_PACKAGES
    note: str = ""  # why the history is not from git, in words for the page


def collect_updates(root: Path, agenda: Agenda, packages: tuple[PartnerPackage, ...],
                    limit: int = MAX_RELEASES, store: Store | None = None, salt: str = "") -> Updates:
    """The newest `limit` releases of every package, from git when `root` is in a repository, else from packages.

    With a `store` (the build's), each commit's release is kept under a hash of the commit, its parent,
    the package and `salt` (what else a release depends on: the agenda's files and the generator's code). A
    commit never changes, so a build after one merged pull request computes that one release.
    """
    try:
        git.require_commits(root)
    except GitError as reason:
        releases = [_release(package, agenda, _Version.of_package(package, ()), None, _package_date(package), "", "")
                    for package in packages]
        return Updates(_newest(releases, limit), FROM_PACKAGES, str(reason))
    repository = _Repository(root)
    releases = []
    for package in packages:
        releases += _git_releases(repository, package, agenda, limit, store, salt)
    return Updates(_newest(releases, limit), FROM_GIT)


def history_fingerprint(root: Path) -> str:
    """The newest commit touching the packages ("" without git): the updates page changes when it does."""
    try:
        return git.newest_commit(root, "datapackages")
    except GitError:
        return ""


def _newest(releases: list[Release], limit: int) -> tuple[Release, ...]:
    ordered = sorted(releases, key=lambda release: (_instant(release.date), release.partner, release.key),
                     reverse=True)
    return tuple(ordered[:limit])


def _git_releases(repository: _Repository, package: PartnerPackage, agenda: Agenda, limit: int,
                  store: Store | None, salt: str) -> list[Release]:
    folder = _folder_in_repository(repository.root, package)
    commits = git.first_parent_commits(repository.root, folder, limit)
    keys = {commit.hash: _release_key(salt, package, folder, commit.hash, commit.parent) for commit in commits}
    stored = {commit: _stored_release(store, key) for commit, key in keys.items()}
    to_read = [revision for commit in commits if stored[commit.hash] is _MISSING
               for revision in (commit.hash, commit.parent) if revision]
    newest = commits[0].hash if commits else None
    current = _Version.of_package(package, repository.files_on_disk(package.folder, _data_paths(package.descriptor))
                                  if commits else ())
    repository.know(current, package)
    versions = repository.versions(folder, [*to_read, *([newest] if newest else [])])
    releases = []
    for commit in commits:
        release = stored[commit.hash]
        if release is _MISSING:
            after, before = versions[commit.hash], versions[commit.parent] if commit.parent else None
            if after is None or (before is not None and after.same_as(before)):
                release = None  # the package was removed, or only its README changed: not a data release
            else:
                release = _release(package, agenda, after, before, commit.date, commit.hash, commit.subject)
            if store is not None:
                store.save(RELEASES, keys[commit.hash], (keys[commit.hash], release))
        if release is not None:
            releases.append(release)
    newest_version = versions[newest] if newest else None
    if newest_version is None or not current.same_as(newest_version):
        # The package as built differs from its last commit (an uncommitted edit, a new partner): it is still
        # what the site publishes, so it is a release of its own, dated by the package.
        releases.append(_release(package, agenda, current, newest_version, _package_date(package), "", ""))
    return releases


def _release(package: PartnerPackage, agenda: Agenda, after: _Version, before: _Version | None, date: str,
             commit: str, message: str) -> Release:
    """The release of `after`, compared with `before`."""
    return Release(
        partner=package.slug,
        partner_title=package.title,
        version=after.version,
        previous_version=before.version if before is not None else "",
        date=date,
        commit=commit,
        message=message,
        changes=indicator_changes(after.texts, before.texts if before is not None else None, agenda, package.slug),
        first=before is None,
    )


class _Version:
    """A version of a package: its version string and its data files, read only when their rows are asked for.

    `files` names the data files by path and git's blob id, so that two versions with the same files are the same
    without reading them; () when they are not known.
    """

    def __init__(self, version: str, files: tuple[tuple[str, str], ...], read: Callable[[], list[TextTable]]):
        self.version = version
        self.files = files
        self._read = read

    @classmethod
    def of_package(cls, package: PartnerPackage, files: tuple[tuple[str, str], ...]) -> _Version:
        return cls(package.version, files, lambda: [file.text for file in package.files if file.text is not None])

    @cached_property
    def texts(self) -> list[TextTable]:
        return self._read()

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the rows as text, in any order, and of the columns' names: equal when only the order moved."""
        names = sorted({name for text in self.texts for name in text.names})
        rows = [row_hashes(text, names) for text in self.texts]
        digest = hashlib.sha256("\0".join(names).encode())
        digest.update(np.sort(np.concatenate(rows) if rows else np.zeros(0, np.uint64)).tobytes())
        return digest.hexdigest()

    def same_as(self, other: _Version) -> bool:
        if self.version != other.version:
            return False
        return (bool(self.files) and self.files == other.files) or self.fingerprint == other.fingerprint


class _Repository:
    """The packages' history in one git repository; each file's blob is read once however many versions hold it."""

    def __init__(self, root: Path):
        self.root = root
        self._texts: dict[str, TextTable | None] = {}  # blob → the file's rows; None when it cannot be read

    def versions(self, folder: str, revisions: list[str]) -> dict[str, _Version | None]:
        """The package in `folder` at each revision, None where it did not exist; two git calls in all."""
        revisions = list(dict.fromkeys(revisions))
        found: dict[str, _Version | None] = {}
        descriptors = git.read_blobs(self.root, [f"{revision}:./{folder}/datapackage.json" for revision in revisions])
        paths: dict[str, list[str]] = {}
        for revision, data in zip(revisions, descriptors):
            try:
                descriptor = json.loads(data) if data is not None else None
            except ValueError:
                descriptor = None
            if isinstance(descriptor, dict):
                paths[revision] = _data_paths(descriptor)
                found[revision] = str(descriptor.get("version") or "")
            else:
                found[revision] = None
        names = [(revision, path) for revision, revision_paths in paths.items() for path in revision_paths]
        blobs = git.blob_ids(self.root, [f"{revision}:./{folder}/{path}" for revision, path in names])
        files: dict[str, list[tuple[str, str]]] = {revision: [] for revision in paths}
        for (revision, path), blob in zip(names, blobs):
            if blob is not None:  # a file missing then is left out, as the validator would have refused it
                files[revision].append((path, blob))
        return {revision: None if version is None else self._version(version, tuple(files[revision]))
                for revision, version in found.items()}

    def files_on_disk(self, folder: Path, paths: list[str]) -> tuple[tuple[str, str], ...]:
        """The files as they are on disk, with git's ids, to compare with a commit's without reading either."""
        existing = [path for path in paths if (folder / path).is_file()]
        if not existing:
            return ()
        return tuple(zip(existing, git.hash_files(self.root, [folder / path for path in existing])))

    def know(self, version: _Version, package: PartnerPackage) -> None:
        """Take the files of the package as built for any version with the same blobs: the newest commit's files
        are usually the package's, and reading them again was most of a release's time."""
        read = [file for file in package.files if file.text is not None]
        if len(version.files) != len(read):
            return
        for (_, blob), file in zip(version.files, read):
            self._texts[blob] = file.text

    def _version(self, version: str, files: tuple[tuple[str, str], ...]) -> _Version:
        return _Version(version, files, lambda: self._read([blob for _, blob in files]))

    def _read(self, blobs: list[str]) -> list[TextTable]:
        """The rows of each file that can be read; the blobs not read before are read in one git process."""
        unread = [blob for blob in dict.fromkeys(blobs) if blob not in self._texts]
        with git.blob_files(self.root, unread) as paths:
            for blob, path in zip(unread, paths):
                self._texts[blob] = None if path is None else _read_text(path)
        return [text for text in (self._texts[blob] for blob in blobs) if text is not None]


def _read_text(path: Path) -> TextTable | None:
    """A data file of an earlier version, read as the package reader reads one; None if it cannot be."""
    cells = read_cells(path)
    text = cells.table(path) if cells is not None else None
    if text is not None:
        return text
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, index_col=False)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    frame.columns = [str(column).strip() for column in frame.columns]
    return TextTable.of_frame(frame)


def _data_paths(descriptor: dict) -> list[str]:
    """The package's observations files, only those inside the package (a path is data, never an instruction);
    not its activities, which hold no values."""
    paths = []
    for resource in descriptor.get("resources") or []:
        if isinstance(resource, dict) and resource.get("name") == ACTIVITIES_RESOURCE:
            continue
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or not path.endswith(".csv"):
            continue
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or ":" in path or "\n" in path:
            continue
        paths.append(pure.as_posix())
    return paths


# Each commit's release, kept in the build cache: a commit never changes, so neither does its release.

def _release_key(salt: str, package: PartnerPackage, folder: str, commit: str, parent: str) -> str:
    return key("release", salt, package.slug, package.title, folder, commit, parent)


_MISSING = object()  # no release stored under a key (a commit that is no release is stored as None)


def _stored_release(store: Store | None, entry: str):
    """The release stored under `entry`, None for a commit that is no release, _MISSING when nothing usable is."""
    stored = store.load(RELEASES, entry) if store is not None else None
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == entry and (
            stored[1] is None or isinstance(stored[1], Release)):
        return stored[1]
    return _MISSING


def _package_date(package: PartnerPackage) -> str:
    return _rfc3339(package.created)


def _rfc3339(text: str) -> str:
    """An RFC 3339 date-time for the feed; a bare date is midnight UTC; "" when the text is not a date."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat().replace("+00:00", "Z")


def _instant(date: str) -> float:
    try:
        return datetime.fromisoformat(date.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return float("-inf")


def _folder_in_repository(root: Path, package: PartnerPackage) -> str:
    return package.folder.resolve().relative_to(root.resolve()).as_posix()
