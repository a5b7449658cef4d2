"""What merging a pull request would change on the site: the packages at the merge base against the working tree.

Both sides are read as a build reads them: validated, made into the one observations table, and their trends and
scoreboard computed. The packages at the merge base are written out of git's objects into a temporary folder and
read from there, so the earlier side is exactly what the site published. What changed in each indicator (new
periods, revised values, withdrawn observations) is `comparison.py`'s, partner by partner, as on the updates page;
each revised value is given with its line in the working tree's file, as the validator gives lines.

The preview informs and never judges: only a working tree that does not validate stops it (see `PreviewInvalid`).
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from generator.compute.observations import observations_table
from generator.compute.trends import Scoreboard, Trends, compute_trends, scoreboard
from generator.history import git
from generator.history.comparison import indicator_changes
from generator.load.agenda import Agenda, observation_fields
from generator.load.packages import PartnerPackage
from generator.load.project import Project
from generator.problems import Report
from generator.validate import validate_project


class PreviewInvalid(Exception):
    """The working tree does not validate, so there is no site to compare: `report` says why."""

    def __init__(self, report: Report):
        super().__init__("the data in the working tree are not valid")
        self.report = report


@dataclass(frozen=True)
class Latest:
    """The headline series' latest period and value; None where there is none."""

    period: str | None
    value: float | None


@dataclass(frozen=True)
class RevisedValue:
    period: str
    geography: str
    groups: tuple[tuple[str, str], ...]  # (dimension, group); empty for the total
    before: float | None
    after: float | None
    file: str  # the working tree's file, relative to the project
    line: int | None  # the physical line in it, 1 = the header


@dataclass(frozen=True)
class IndicatorPreview:
    indicator: str
    title: str
    partners: tuple[str, ...]  # whose changes these are
    new_periods: tuple[str, ...]
    revised: tuple[RevisedValue, ...]
    withdrawn: int  # observations no longer published
    status_before: str | None  # a status code of method.STATUSES; None when the indicator was not published
    status_after: str
    words_before: str | None  # the status as the site words it
    words_after: str
    latest_before: Latest
    latest_after: Latest
    decimals: int
    unit: str

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after


@dataclass(frozen=True)
class ScoreboardCount:
    improving: int
    total: int

    @classmethod
    def of(cls, board: Scoreboard) -> ScoreboardCount:
        return cls(board.improving, board.total)


@dataclass(frozen=True)
class Preview:
    base: str  # the REF as given
    merge_base: str  # the commit compared with
    indicators: tuple[IndicatorPreview, ...]  # the agenda's order, indicators whose status changed first
    scoreboard_before: ScoreboardCount
    scoreboard_after: ScoreboardCount

    def to_dict(self) -> dict:
        return {
            "base": self.base,
            "merge_base": self.merge_base,
            "scoreboard": {"before": asdict(self.scoreboard_before), "after": asdict(self.scoreboard_after)},
            "indicators": [{
                "indicator": change.indicator,
                "title": change.title,
                "partners": list(change.partners),
                "status": {"before": change.status_before, "after": change.status_after,
                           "before_words": change.words_before, "after_words": change.words_after,
                           "changed": change.status_changed},
                "latest": {"before": asdict(change.latest_before), "after": asdict(change.latest_after)},
                "new_periods": list(change.new_periods),
                "revised": [{**asdict(revision), "groups": dict(revision.groups)} for revision in change.revised],
                "withdrawn": change.withdrawn,
            } for change in self.indicators],
        }


@dataclass(frozen=True)
class _Side:
    agenda: Agenda | None
    packages: tuple[PartnerPackage, ...]
    trends: Trends | None


def preview(project: Project, base: str) -> Preview:
    """The site's changes from the merge base of `base` and HEAD to the working tree.

    Raises GitError when `base` cannot be compared with (not a branch, tag or commit; no history in common), and
    PreviewInvalid when the working tree does not validate.
    """
    merge_base = git.merge_base(project.root, base)
    validated = validate_project(project)
    if not validated.report.valid or validated.agenda is None:
        raise PreviewInvalid(validated.report)
    after = _side(validated.agenda, validated.packages)
    with tempfile.TemporaryDirectory(prefix="indicators-base-") as folder:
        before = _side_at(project, merge_base, Path(folder))
        return _compare(base, merge_base, before, after)


def _side(agenda: Agenda | None, packages: tuple[PartnerPackage, ...]) -> _Side:
    if agenda is None:
        return _Side(None, (), None)
    return _Side(agenda, packages, compute_trends(observations_table(packages, agenda), agenda))


def _side_at(project: Project, revision: str, folder: Path) -> _Side:
    """The packages as they were at `revision`, read as the build read them then.

    A package that would not validate now is still read (the site published it), but for files the build could
    not have read; an agenda that cannot be read at all leaves the earlier side empty: every indicator is new.
    """
    datapackages = project.datapackages.relative_to(project.root).as_posix()
    names = git.files_at(project.root, revision, datapackages)
    names = [name for name in names if "\n" not in name]  # git reads names a line each
    for name, data in zip(names, git.read_blobs(project.root, [f"{revision}:./{name}" for name in names])):
        if data is not None:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    earlier = Project(folder)
    if not earlier.agenda_folder.is_dir():
        return _Side(None, (), None)
    validated = validate_project(earlier)
    if validated.agenda is None:
        return _Side(None, (), None)
    # Of each package, the files that can be read with every agreed column: the rest cannot have been published.
    fields = observation_fields(validated.agenda)
    packages = tuple(replace(package, files=tuple(
        file for file in package.files if file.text is not None and all(name in file.text for name in fields)))
        for package in validated.packages)
    return _side(validated.agenda, packages)


def _compare(base: str, merge_base: str, before: _Side, after: _Side) -> Preview:
    agenda = after.agenda
    assert agenda is not None and after.trends is not None
    earlier_packages = {package.slug: package for package in before.packages}
    changes: dict[str, list] = {}
    for package in after.packages:
        earlier = earlier_packages.get(package.slug)
        texts = [file.text for file in package.files if file.text is not None]
        old_texts = None if earlier is None else [file.text for file in earlier.files if file.text is not None]
        for change in indicator_changes(texts, old_texts, agenda, package.slug):
            changes.setdefault(change.indicator, []).append((package, change))
    for slug, earlier in earlier_packages.items():  # a package removed: its rows are withdrawn
        if slug not in {package.slug for package in after.packages}:
            texts = [file.text for file in earlier.files if file.text is not None]
            for change in indicator_changes([], texts, agenda, slug):
                changes.setdefault(change.indicator, []).append((earlier, change))

    found = []
    for indicator in agenda.indicators:
        trend_after = after.trends.indicators[indicator.id]
        trend_before = before.trends.indicators.get(indicator.id) if before.trends is not None else None
        published_before = trend_before is not None and _published(before, indicator.id)
        latest_before = _latest(trend_before) if published_before else Latest(None, None)
        latest_after = _latest(trend_after)
        status_before = trend_before.status if published_before else None
        in_indicator = changes.get(indicator.id, [])
        if not in_indicator and status_before == trend_after.status and latest_before == latest_after:
            continue
        if not in_indicator and not published_before and not _published(after, indicator.id):
            continue  # neither side has data: nothing a reader would see changed
        revised = tuple(revision for package, change in in_indicator
                        for revision in _with_lines(package, indicator.id, change.revised, agenda.dimension_ids))
        found.append(IndicatorPreview(
            indicator=indicator.id,
            title=indicator.title,
            partners=tuple(dict.fromkeys(package.slug for package, _ in in_indicator)),
            new_periods=tuple(dict.fromkeys(period for _, change in in_indicator for period in change.new_periods)),
            revised=revised,
            withdrawn=sum(change.removed for _, change in in_indicator),
            status_before=status_before,
            status_after=trend_after.status,
            words_before=trend_before.words if published_before else None,
            words_after=trend_after.words,
            latest_before=latest_before,
            latest_after=latest_after,
            decimals=indicator.decimals,
            unit=indicator.unit,
        ))
    found.sort(key=lambda change: not change.status_changed)  # stable: the agenda's order within each
    ids = [indicator.id for indicator in agenda.indicators]
    board_after = scoreboard(after.trends, ids)
    board_before = _scoreboard_before(before, ids)
    return Preview(base, merge_base, tuple(found), board_before, ScoreboardCount.of(board_after))


def _published(side: _Side, indicator: str) -> bool:
    return side.trends is not None and bool(side.trends.series_of(indicator))


def _scoreboard_before(before: _Side, ids: list[str]) -> ScoreboardCount:
    """The earlier scoreboard over its own agenda's indicators, as the site showed it then."""
    if before.trends is None or before.agenda is None:
        return ScoreboardCount(0, 0)
    return ScoreboardCount.of(scoreboard(before.trends, [indicator.id for indicator in before.agenda.indicators]))


def _latest(trend) -> Latest:
    headline = trend.headline if trend is not None else None
    if headline is None:
        return Latest(None, None)
    return Latest(headline.last_period or None, headline.last_value)


def _with_lines(package: PartnerPackage, indicator: str, revisions, dimensions: tuple[str, ...]) -> list[RevisedValue]:
    """Each revision, with the file and physical line of its row in the working tree's package."""
    if not revisions:
        return []
    where: dict[tuple, tuple[str, int | None]] = {}
    for file in package.files:
        text = file.text
        if text is None or "indicator" not in text:
            continue
        names = [name for name in ("period", "geography", *dimensions) if name in text]
        for row in text["indicator"].isin([indicator]).nonzero()[0]:
            cells = {name: text[name][row] or "" for name in names}
            groups = tuple(sorted((name, cells[name]) for name in dimensions if cells.get(name)))
            key = (cells.get("period", ""), cells.get("geography", ""), groups)
            where.setdefault(key, (file.shown_as, file.layout.line(int(row) + 2)))
    answers = []
    for revision in revisions:
        file, line = where.get((revision.period, revision.geography, tuple(sorted(revision.groups))), ("", None))
        answers.append(RevisedValue(revision.period, revision.geography, revision.groups, revision.before,
                                    revision.after, file, line))
    return answers

