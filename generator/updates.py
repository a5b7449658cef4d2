"""Data releases: what each partner published when, read from the packages and the repository's history.

A release is one change to a partner's package that reached the published branch: with git, each first-parent
commit that touched `datapackages/<partner>/` (so a merged pull request is one release); without git, each
package as it is now, dated by its `created`. For each release we say which indicators changed, which periods
are new, which values were revised and which indicator statuses changed, by comparing the package's
observations with its previous version (read with `git show REV:path`).

Everything here is deterministic: dates come from commits and packages, never from the clock, so the same
repository gives the same updates page and feed.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

import pandas as pd

from generator.agenda import MEASURE_FIELDS, Agenda
from generator.observations import NUMBER_FIELDS, key_fields
from generator.packages import PartnerPackage
from generator.periods import is_period, parse_period
from generator.trends import compute_trends

# The page and the feed list at most this many releases, newest first: a feed reader needs the recent ones, and
# reading the whole history of a busy repository would slow every build.
MAX_RELEASES = 50
# A hung git (a network filesystem, a lock) must not hang the build.
GIT_TIMEOUT_SECONDS = 60
ATOM = "http://www.w3.org/2005/Atom"
# Before the first release there is no date to give the feed; this one is fixed so that rebuilds are identical.
EPOCH = "2000-01-01T00:00:00Z"
FROM_GIT = "git"
FROM_PACKAGES = "packages"


@dataclass(frozen=True)
class Revision:
    """One observation whose value changed between two versions of a package."""

    period: str
    geography: str
    groups: tuple[tuple[str, str], ...]  # (dimension, group); empty for the total
    before: float | None
    after: float | None


@dataclass(frozen=True)
class IndicatorChange:
    indicator: str
    new_periods: tuple[str, ...]  # periods with a value for the first time, in time order
    revised: tuple[Revision, ...]
    removed: int  # observations no longer published
    # The indicator's status from this partner's data before and after; None in a first publication.
    status_before: str | None
    status_after: str | None

    @property
    def status_changed(self) -> bool:
        return self.status_before is not None and self.status_before != self.status_after


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

    @property
    def updated(self) -> str:
        return max((release.date for release in self.releases if release.date), default=EPOCH)


class _NoHistory(Exception):
    """git cannot give the history; the message says why."""


def collect_updates(root: Path, agenda: Agenda, packages: tuple[PartnerPackage, ...],
                    limit: int = MAX_RELEASES) -> Updates:
    """The newest `limit` releases of every package, from git when `root` is in a repository, else from packages."""
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except _NoHistory as reason:
        releases = [_package_release(package, None, agenda) for package in packages]
        return Updates(_newest(releases, limit), FROM_PACKAGES, str(reason))
    releases = []
    for package in packages:
        releases += _git_releases(root, package, agenda, limit)
    return Updates(_newest(releases, limit), FROM_GIT)


def history_fingerprint(root: Path) -> str:
    """The newest commit touching the packages ("" without git): the updates page changes when it does."""
    try:
        return _git(root, "log", "--first-parent", "-n1", "--format=%H", "--", "./datapackages").strip()
    except _NoHistory:
        return ""


def _newest(releases: list[Release], limit: int) -> tuple[Release, ...]:
    ordered = sorted(releases, key=lambda release: (_instant(release.date), release.partner, release.key),
                     reverse=True)
    return tuple(ordered[:limit])


def _git_releases(root: Path, package: PartnerPackage, agenda: Agenda, limit: int) -> list[Release]:
    folder = _folder_in_repository(root, package)
    log = _git(root, "log", "--first-parent", f"-n{limit}", "--format=%H%x00%cI%x00%s", "--", f"./{folder}")
    releases = []
    newest_state = None
    for line in log.splitlines():
        commit, date, subject = line.split("\0", 2)
        after = _state_at(root, f"{commit}", folder)
        before = _state_at(root, f"{commit}^1", folder)
        if newest_state is None:
            newest_state = after
        if after is None or (before is not None and after.same_as(before)):
            continue  # the package was removed, or only its README changed: not a data release
        releases.append(_release(package, agenda, after, before, date, commit, subject))
    current = _State(package.version, _package_rows(package))
    if newest_state is None or not current.same_as(newest_state):
        # The package as built differs from its last commit (an uncommitted edit, a new partner): it is still
        # what the site publishes, so it is a release of its own, dated by the package.
        releases.append(_release(package, agenda, current, newest_state, _package_date(package), "", ""))
    return releases


def _package_release(package: PartnerPackage, before, agenda: Agenda) -> Release:
    return _release(package, agenda, _State(package.version, _package_rows(package)), before,
                    _package_date(package), "", "")


@dataclass(frozen=True)
class _State:
    """A version of a package: its version string and its observations as text, keyed like the observations table."""

    version: str
    rows: pd.DataFrame

    def same_as(self, other: _State) -> bool:
        return self.version == other.version and self.rows.equals(other.rows)


def _state_at(root: Path, revision: str, folder: str) -> _State | None:
    """The package at a revision, or None when it did not exist there."""
    try:
        descriptor = json.loads(_git(root, "show", f"{revision}:./{folder}/datapackage.json"))
    except (_NoHistory, ValueError):
        return None
    if not isinstance(descriptor, dict):
        return None
    frames = []
    for path in _data_paths(descriptor):
        try:
            text = _git(root, "show", f"{revision}:./{folder}/{path}")
            frames.append(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
        except (_NoHistory, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
            continue  # a file that could not be read then is left out, as the validator would have refused it
    return _State(str(descriptor.get("version") or ""), _text_rows(frames))


def _data_paths(descriptor: dict) -> list[str]:
    """The package's CSV files, only those inside the package (a path is data, never an instruction)."""
    paths = []
    for resource in descriptor.get("resources") or []:
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or not path.endswith(".csv"):
            continue
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or ":" in path:
            continue
        paths.append(pure.as_posix())
    return paths


def _package_rows(package: PartnerPackage) -> pd.DataFrame:
    return _text_rows([file.table for file in package.files if file.table is not None])


def _text_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The observation fields as text, sorted, so that two versions compare row by row."""
    if not frames:
        return pd.DataFrame(dtype=str)
    rows = pd.concat(frames, ignore_index=True).fillna("")
    rows = rows[sorted(rows.columns)]
    return rows.sort_values(list(rows.columns), kind="stable").reset_index(drop=True)


def _release(package: PartnerPackage, agenda: Agenda, after: _State, before: _State | None, date: str,
             commit: str, message: str) -> Release:
    new = _observations(after.rows, agenda, package.slug)
    old = _observations(before.rows, agenda, package.slug) if before is not None else None
    return Release(
        partner=package.slug,
        partner_title=package.title,
        version=after.version,
        previous_version=before.version if before is not None else "",
        date=date,
        commit=commit,
        message=message,
        changes=_changes(new, old, agenda),
        first=before is None,
    )


def _observations(rows: pd.DataFrame, agenda: Agenda, partner: str) -> pd.DataFrame:
    """Text rows as the observations table the trends read: known indicators, valid periods, numbers as numbers.

    An earlier version may hold rows today's validator refuses; they are left out rather than failing the build.
    """
    fields = [*key_fields(agenda), *MEASURE_FIELDS]
    table = rows.reindex(columns=fields, fill_value="").fillna("").astype(str)
    table = table[table["indicator"].isin(agenda.indicators_by_id) & table["period"].map(is_period).astype(bool)]
    table = table.copy()
    table.insert(0, "partner", partner)
    for name in NUMBER_FIELDS:
        table[name] = pd.to_numeric(table[name].replace("", None), errors="coerce").astype("float64")
    table["time"] = table["period"].map(lambda label: parse_period(label).time).astype("float64")
    table = table.drop_duplicates(subset=key_fields(agenda), keep="first")
    return table.sort_values([*key_fields(agenda)[:1], "geography", *agenda.dimension_ids, "time"],
                             kind="stable").reset_index(drop=True)


def _changes(new: pd.DataFrame, old: pd.DataFrame | None, agenda: Agenda) -> tuple[IndicatorChange, ...]:
    keys = key_fields(agenda)
    dimensions = agenda.dimension_ids
    before = old if old is not None else new.iloc[0:0]
    merged = new.merge(before, on=keys, how="outer", suffixes=("", "_before"), indicator=True)
    found = []
    for indicator in agenda.indicators:
        rows = merged[merged["indicator"] == indicator.id]
        if rows.empty:
            continue
        added = rows[rows["_merge"] == "left_only"]
        had_value = set(rows.loc[rows["value_before"].notna(), "period"])
        with_value = added[added["value"].notna()].sort_values("time")
        new_periods = tuple(dict.fromkeys(period for period in with_value["period"] if period not in had_value))
        both = rows[rows["_merge"] == "both"]
        revised = tuple(
            Revision(row["period"], row["geography"],
                     tuple((dimension, row[dimension]) for dimension in dimensions if row[dimension]),
                     _number(row["value_before"]), _number(row["value"]))
            for _, row in both.iterrows() if not _same(row["value"], row["value_before"])
        )
        removed = int((rows["_merge"] == "right_only").sum())
        found.append((indicator.id, new_periods, revised, removed))
    # Trends are computed only where a status can have changed: they are the slow part of reading a history.
    touched = [indicator for indicator, periods, revised, removed in found if periods or revised or removed]
    if old is not None and touched:
        statuses_after = compute_trends(new[new["indicator"].isin(touched)], agenda).indicators
        statuses_before = compute_trends(before[before["indicator"].isin(touched)], agenda).indicators
    changes = []
    for indicator, new_periods, revised, removed in found:
        if old is None:
            changes.append(IndicatorChange(indicator, new_periods, revised, removed, None, None))
        elif indicator in touched:
            changes.append(IndicatorChange(indicator, new_periods, revised, removed,
                                           statuses_before[indicator].status, statuses_after[indicator].status))
    return tuple(changes)


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _same(a, b) -> bool:
    a, b = _number(a), _number(b)
    return a == b if a is None or b is None else math.isclose(a, b, rel_tol=0, abs_tol=1e-12)


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


def _git(root: Path, *arguments: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(root), *arguments], capture_output=True, timeout=GIT_TIMEOUT_SECONDS)
    except FileNotFoundError:
        raise _NoHistory("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise _NoHistory(f"git did not answer within {GIT_TIMEOUT_SECONDS} seconds") from None
    if result.returncode != 0:
        message = " ".join(result.stderr.decode("utf-8", "replace").split()).removeprefix("fatal: ")
        raise _NoHistory(message or "the project is not a git repository with commits")
    return result.stdout.decode("utf-8", "replace")


# The feed -------------------------------------------------------------------------------------------------------

def release_summary(release: Release, agenda: Agenda, status_names: dict[str, str]) -> list[str]:
    """The release in sentences, one per indicator, shared by the page's plain text and the feed."""
    lines = []
    for change in release.changes:
        title = agenda.indicators_by_id[change.indicator].title
        parts = []
        if change.new_periods:
            parts.append(f"new {'period' if len(change.new_periods) == 1 else 'periods'} {_periods(change.new_periods)}")
        if change.revised:
            parts.append(f"{len(change.revised)} revised {'value' if len(change.revised) == 1 else 'values'}")
        if change.removed:
            parts.append(f"{change.removed} {'observation' if change.removed == 1 else 'observations'} withdrawn")
        if change.status_changed:
            parts.append(f"status changed from {status_names[change.status_before]} to "
                         f"{status_names[change.status_after]}")
        lines.append(f"{title}: {'; '.join(parts) or 'published'}.")
    return lines


def _periods(periods: tuple[str, ...]) -> str:
    if len(periods) <= 3:
        return ", ".join(periods)
    return f"{periods[0]} to {periods[-1]} ({len(periods)} periods)"


def atom_feed(updates: Updates, agenda: Agenda, title: str, status_names: dict[str, str],
              page_url: str = "./") -> bytes:
    """The releases as an Atom 1.0 feed. Built as a tree, so every partner's text is escaped by the serializer.

    Links are relative to the feed (it sits beside the updates page), since the generator does not know the
    address the site is published at.
    """
    ET.register_namespace("", ATOM)

    def element(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            node.text = text
        return node

    feed = ET.Element(f"{{{ATOM}}}feed")
    element(feed, "title", f"{title}: data releases")
    element(feed, "id", f"urn:collective-indicators:{agenda.name}:updates")
    element(feed, "updated", updates.updated)
    element(feed, "link", rel="alternate", type="text/html", href=page_url)
    element(feed, "link", rel="self", type="application/atom+xml", href="feed.xml")
    author = element(feed, "author")
    element(author, "name", title)
    element(feed, "generator", "collective-indicators")
    for release in updates.releases:
        entry = element(feed, "entry")
        version = f" version {release.version}" if release.version else ""
        element(entry, "title", f"{release.partner_title} published{version}")
        element(entry, "id", f"urn:collective-indicators:{agenda.name}:release:{release.key}")
        element(entry, "updated", release.date or updates.updated)
        element(entry, "link", rel="alternate", type="text/html", href=f"{page_url}#{release.key}")
        partner = element(entry, "author")
        element(partner, "name", release.partner_title)
        element(entry, "content", "\n".join(release_summary(release, agenda, status_names)) or
                "Package details changed; no observation changed.", type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
