"""Trends per series (indicator × geography × groups) and per indicator, from the observations table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from collections.abc import Sequence
from functools import cached_property
from operator import attrgetter

import numpy as np
import pandas as pd

from generator.load.agenda import Agenda, Indicator
from generator.compute.observations import dimensions_by_indicator
from generator.compute.periods import parse_period
from generator.compute.trends.equity import EquityGaps, equity_gaps_of_values
from generator.compute.trends.grouping import SeriesRows, group_series
from generator.compute.trends.method import NOT_ASSESSED, NOT_AVAILABLE, TARGET_ACHIEVED, Thresholds, status_words
from generator.compute.trends.progress import Progress, assess_progress, progress_between, status_from_score
from generator.compute.trends.statistical import StatisticalTrend, statistical_trends
from generator.speech import N_


@dataclass(frozen=True, slots=True)
class SeriesTrend:
    indicator: str
    geography: str
    groups: tuple[tuple[str, str], ...]  # (dimension, group) pairs; empty for the total
    headline: bool  # the total for the initiative's area
    periods_with_value: int
    first_period: str
    last_period: str  # the latest period given, even when its value is suppressed
    last_value: float | None  # the latest value given, whether or not there is a trend
    latest_flag: str  # the status flag of the latest value, such as "provisional"
    break_period: str | None  # where a break in series moved the base period to
    change: float | None  # latest minus base, in the unit
    relative_change: float | None  # change over the base value
    movement: str | None  # "up", "down" or "flat" (after rounding to the indicator's decimals)
    has_target: bool
    progress: Progress
    statistical: StatisticalTrend

    @property
    def status(self) -> str:
        return self.progress.status

    @property
    def words(self) -> str:
        return status_words(self.status, self.has_target)

    @property
    def label(self) -> str:
        return ", ".join(group for _, group in self.groups) or N_("Total")

    def to_dict(self, direction: str) -> dict:
        """The series as one flat record: its own fields, its progress's, then its statistical trend's (trend_…).

        Field by field rather than by `asdict`, which deep-copies every value: the UK's 21,000 series took seconds.
        """
        record = dict(zip(_RECORD_FIELDS, _record_values(self)))
        record["groups"] = {dimension: group for dimension, group in self.groups}
        record.update(zip(_PROGRESS_FIELDS, _progress_values(self.progress)))
        record["status_words"] = self.words
        record.update(zip(_STATISTICAL_KEYS, _statistical_values(self.statistical)))
        record["trend_verdict"] = self.statistical.verdict(direction)
        return record


# The fields of a series' record, in order; each holds a number, a text, a flag or None.
_RECORD_FIELDS = tuple(item.name for item in fields(SeriesTrend) if item.name not in ("progress", "statistical"))
_PROGRESS_FIELDS = tuple(item.name for item in fields(Progress))
_STATISTICAL_FIELDS = tuple(item.name for item in fields(StatisticalTrend))
_STATISTICAL_KEYS = tuple(f"trend_{name}" for name in _STATISTICAL_FIELDS)
_record_values = attrgetter(*_RECORD_FIELDS)
_progress_values = attrgetter(*_PROGRESS_FIELDS)
_statistical_values = attrgetter(*_STATISTICAL_FIELDS)


def record_column(series: Sequence[SeriesTrend], name: str, directions: dict[str, str]) -> list:
    """The field `name` of each series' record (`to_dict`; `directions` by indicator id), but not "groups".

    A column at a time for trends.csv: a record a series was a dict of some fifty keys, and the 400,000 series of a
    national-scale initiative's records a gigabyte held at once.
    """
    if name == "trend_verdict":
        return [trend.statistical.verdict(directions[trend.indicator]) for trend in series]
    if name in _RECORD_FIELDS:
        get = attrgetter(name)
    elif name in _PROGRESS_FIELDS:
        get = attrgetter(f"progress.{name}")
    elif name == "status_words":
        get = attrgetter("words")
    elif name in _STATISTICAL_KEYS:
        get = attrgetter(f"statistical.{name[len('trend_'):]}")
    else:
        raise KeyError(f"a series' record has no field {name!r}")
    return [get(trend) for trend in series]


@dataclass(frozen=True)
class CountedPart:
    """Series that count once towards an indicator's status: the headline, or one dimension's groups."""

    label: str
    series: tuple[SeriesTrend, ...]  # those with a score

    @property
    def score(self) -> float:
        return sum(trend.progress.score for trend in self.series) / len(self.series)


@dataclass(frozen=True)
class IndicatorTrend:
    indicator: str
    headline: SeriesTrend | None
    series_count: int
    has_target: bool
    status: str
    score: float | None  # the mean of the counted parts' scores
    counted: tuple[CountedPart, ...]
    thresholds: Thresholds | None  # the agenda's override of the published thresholds, if any
    gaps: dict[str, EquityGaps]  # by dimension id, for the initiative's area

    @property
    def words(self) -> str:
        return status_words(self.status, self.has_target)


@dataclass(frozen=True)
class Trends:
    series: tuple[SeriesTrend, ...]
    indicators: dict[str, IndicatorTrend]
    # Indicator id → the dimensions its observations use, for the stages after this one to work on only those.
    dimensions_used: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def series_of(self, indicator_id: str) -> list[SeriesTrend]:
        return list(self._by_indicator.get(indicator_id, ()))

    @cached_property
    def _by_indicator(self) -> dict[str, list[SeriesTrend]]:
        # Charts, pages and downloads ask once per indicator: scanning every series each time was quadratic.
        index: dict[str, list[SeriesTrend]] = {}
        for trend in self.series:
            index.setdefault(trend.indicator, []).append(trend)
        return index


def compute_trends(observations: pd.DataFrame, agenda: Agenda) -> Trends:
    """Every series' trend; pure: the same table and agenda give the same trends."""
    dimensions_used = dimensions_by_indicator(observations, agenda.dimension_ids)
    rows = group_series(observations, dimensions_used)
    series = _series_trends(rows, agenda)
    by_indicator: dict[str, list[SeriesTrend]] = {}
    for trend in series:
        by_indicator.setdefault(trend.indicator, []).append(trend)
    gaps = _gaps(rows, agenda)
    summaries = {
        indicator.id: _indicator_trend(indicator, by_indicator.get(indicator.id, []), gaps.get(indicator.id, {}),
                                       agenda)
        for indicator in agenda.indicators
    }
    return Trends(tuple(series), summaries, dimensions_used)


def combined_trends(parts: list[Trends], agenda: Agenda) -> Trends:
    """The Trends of parts of the indicators (each computed from its indicators' rows) as one, as computing them
    together gives them: series in the order of their indicators' ids, each indicator's summary from its own part."""
    if len(parts) == 1:
        return parts[0]
    used = {key: value for part in parts for key, value in part.dimensions_used.items()}
    own = {key: part.indicators[key] for part in parts for key in part.dimensions_used}
    order = {indicator_id: position for position, indicator_id in enumerate(sorted(used))}
    series = sorted((trend for part in parts for trend in part.series), key=lambda trend: order[trend.indicator])
    # An indicator without rows has the same summary in every part: the last's.
    return Trends(series=tuple(series),
                  indicators={indicator.id: own.get(indicator.id, parts[-1].indicators[indicator.id])
                              for indicator in agenda.indicators},
                  dimensions_used=used)


def _indicator_trend(indicator: Indicator, own: list[SeriesTrend], gaps: dict[str, EquityGaps],
                     agenda: Agenda) -> IndicatorTrend:
    """The indicator's status from the series the agenda counts (the method's indicator level).

    Each counted dimension's groups are averaged first, so a dimension with five groups weighs as much as the
    headline. With one counted series the indicator takes that series' status as it is: mapping its score back
    would disagree with it whenever the agenda overrides the thresholds.
    """
    headline = next((trend for trend in own if trend.headline), None)
    parts = []
    for selector in indicator.progress_series:
        if selector == "total":
            members, label = [headline] if headline else [], N_("Total")
        else:
            members = [trend for trend in own if trend.geography == agenda.area and len(trend.groups) == 1
                       and trend.groups[0][0] == selector]
            label = agenda.dimensions_by_id[selector].label
        scored = tuple(trend for trend in members if trend.progress.score is not None)
        if scored:
            parts.append(CountedPart(label, scored))
    scored_series = [trend for part in parts for trend in part.series]
    if not indicator.progress_series:
        status, score = NOT_ASSESSED, None
    elif not parts:
        status, score = NOT_AVAILABLE, None
    elif len(scored_series) == 1:
        status, score = scored_series[0].status, scored_series[0].progress.score
    else:
        score = sum(part.score for part in parts) / len(parts)
        achieved = all(trend.status == TARGET_ACHIEVED for trend in scored_series)
        status = TARGET_ACHIEVED if achieved else status_from_score(score)
    return IndicatorTrend(
        indicator=indicator.id,
        headline=headline,
        series_count=len(own),
        has_target=indicator.has_target,
        status=status,
        score=score,
        counted=tuple(parts),
        thresholds=Thresholds(*indicator.progress_thresholds) if indicator.progress_thresholds else None,
        gaps=gaps,
    )


def _series_trends(rows: SeriesRows, agenda: Agenda) -> list[SeriesTrend]:
    """Each series' trend: the statistical trends of all series at once, the rest series by series."""
    if not len(rows):
        return []
    indicators = [agenda.indicators_by_id[indicator_id] for indicator_id in rows.indicator]
    thresholds = {indicator.id: Thresholds(*indicator.progress_thresholds) if indicator.progress_thresholds
                  else None for indicator in agenda.indicators}
    lengths = rows.ends - rows.starts
    has_value = ~np.isnan(rows.value)
    valued = np.add.reduceat(has_value, rows.starts)
    # The points of each series with a value, one series after another.
    valued_starts = (np.cumsum(valued) - valued).tolist()
    valued_periods = rows.period[has_value]
    valued_values = rows.value[has_value]
    valued_statuses = rows.status[has_value]

    breaks = np.where(rows.status == "break_in_series", np.arange(len(rows.status)), -1)
    break_periods = [
        _break_period(rows.period[row], indicator.baseline_period) if row >= 0 else None
        for row, indicator in zip(np.maximum.reduceat(breaks, rows.starts).tolist(), indicators)
    ]
    # The statistical trend reads the whole series after any break: a change of method is not a trend.
    break_times = [-math.inf if period is None else parse_period(period).time for period in break_periods]
    tested = has_value & (rows.time >= np.repeat(break_times, lengths))
    statistical = statistical_trends(np.add.reduceat(tested, rows.starts), rows.time[tested], rows.value[tested])

    base_periods = [period or indicator.baseline_period for period, indicator in zip(break_periods, indicators)]
    counted, tied = _points_from_base(rows.time[has_value], valued, base_periods)
    series = []
    firsts, lasts = rows.period[rows.starts].tolist(), rows.period[rows.ends - 1].tolist()
    # Each series' point at its base period and its latest point: (time, period, value) as Python numbers, as the
    # method computes with them. Only those two: all points as Python objects were some 300 MB for 5 million.
    latest = np.asarray(valued_starts, dtype=np.int64) + valued - 1
    base = latest + 1 - np.asarray(counted, dtype=np.int64)
    valued_times = rows.time[has_value]

    def points_at(at: np.ndarray) -> list[tuple[float, str, float] | None]:
        # A series with fewer than two points from its base has no progress to measure: its points are not read.
        if not len(valued_times):
            return [None] * len(at)
        at = np.clip(at, 0, len(valued_times) - 1)
        return list(zip(*(column[at].tolist() for column in (valued_times, valued_periods, valued_values))))

    base_points, latest_points = points_at(base), points_at(latest)
    for number, (indicator, start, count) in enumerate(zip(indicators, valued_starts, valued.tolist())):
        values = valued_values[start:start + count].tolist()
        method = dict(direction=indicator.direction, target=indicator.target_value,
                      target_period=indicator.target_period, limit=indicator.limit, thresholds=thresholds[indicator.id])
        if tied[number]:
            # Two periods that start at the same time (2015 and 2015-16): the method's own ordering decides.
            progress = assess_progress(valued_periods[start:start + count].tolist(), values,
                                       base_period=base_periods[number], **method)
        else:
            progress = progress_between(base_points[number], latest_points[number], counted[number], **method)
        change = relative = movement = None
        if progress.base_value is not None and progress.latest_value is not None:
            change = progress.latest_value - progress.base_value
            relative = change / abs(progress.base_value) if progress.base_value else None
            rounded = round(change, indicator.decimals)
            movement = "up" if rounded > 0 else "down" if rounded < 0 else "flat"
        geography, groups = rows.geography[number], rows.groups[number]
        series.append(SeriesTrend(
            indicator=indicator.id,
            geography=geography,
            groups=groups,
            headline=geography == agenda.area and not groups,
            periods_with_value=count,
            first_period=firsts[number],
            last_period=lasts[number],
            last_value=values[-1] if count else None,
            latest_flag=valued_statuses[start + count - 1] if count else "",
            break_period=break_periods[number],
            change=change,
            relative_change=relative,
            movement=movement,
            has_target=indicator.has_target,
            progress=progress,
            statistical=statistical[number],
        ))
    return series


def _points_from_base(times: np.ndarray, counts: np.ndarray, base_periods: list[str | None]) -> tuple[list, list]:
    """For series laid one after another (`counts` points each, in time order): how many of each one's points are
    from its base period on, and whether two of its points share a time."""
    base_times = np.array([-math.inf if period is None else parse_period(period).time for period in base_periods])
    ends = np.cumsum(counts)
    starts = ends - counts
    eligible = np.concatenate([[0], np.cumsum(times >= np.repeat(base_times, counts))])
    same = np.zeros(len(times), dtype=bool)
    same[1:] = times[1:] == times[:-1]
    same[starts[counts > 0]] = False  # a series' first point and the last of the series before it
    repeats = np.concatenate([[0], np.cumsum(same)])
    return (eligible[ends] - eligible[starts]).tolist(), (repeats[ends] - repeats[starts] > 0).tolist()


def _break_period(latest_break: str, base_period: str | None) -> str | None:
    """The period progress is measured from after the latest break in series, if the break is after the base.

    Values before a break in series measure something else: progress is only measured after it.
    """
    if base_period is None or parse_period(latest_break).time > parse_period(base_period).time:
        return latest_break
    return None


def _gaps(rows: SeriesRows, agenda: Agenda) -> dict[str, dict[str, EquityGaps]]:
    """Equity gaps in the initiative's area: indicator id → dimension id → the gaps between its groups.

    A dimension's groups are the series in the area broken down by that dimension alone.
    """
    broken_down: dict[tuple[str, str], list[int]] = {}
    for number, (geography, groups) in enumerate(zip(rows.geography, rows.groups)):
        if geography == agenda.area and len(groups) == 1:
            broken_down.setdefault((rows.indicator[number], groups[0][0]), []).append(number)
    gaps: dict[str, dict[str, EquityGaps]] = {}
    for indicator in agenda.indicators:
        for dimension in indicator.dimensions:
            numbers = broken_down.get((indicator.id, dimension))
            if not numbers:
                continue
            values: dict[str, dict[str, float]] = {}
            times: dict[str, float] = {}
            for number in numbers:
                values[rows.groups[number][0][1]] = _values_by_period(rows, number, times)
            definition = agenda.dimensions_by_id[dimension]
            gaps.setdefault(indicator.id, {})[dimension] = equity_gaps_of_values(
                values,
                times,
                direction=indicator.direction,
                groups=definition.groups,
                reference=definition.reference_group,
                base_period=indicator.baseline_period,
            )
    return gaps


def _values_by_period(rows: SeriesRows, number: int, times: dict[str, float]) -> dict[str, float]:
    """Series `number`'s values by period (none where suppressed), noting each period's time in `times`."""
    start, end = rows.starts[number], rows.ends[number]
    periods = rows.period[start:end].tolist()
    if len(set(periods)) < len(periods):
        repeated = next(period for period in periods if periods.count(period) > 1)
        raise ValueError(f"more than one row for group {rows.groups[number][0][1]!r} in period {repeated!r}")
    values = {}
    for period, time, value in zip(periods, rows.time[start:end].tolist(), rows.value[start:end].tolist()):
        times[period] = time
        if not math.isnan(value):
            values[period] = value
    return values
