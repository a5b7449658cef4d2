"""Trends per series (indicator × geography × groups) and per indicator, from the observations table."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property

import numpy as np

import pandas as pd

from generator.agenda import Agenda, Indicator
from generator.observations import dimensions_by_indicator
from generator.periods import parse_period
from generator.trends.equity import EquityGaps, equity_gaps
from generator.trends.method import NOT_ASSESSED, NOT_AVAILABLE, TARGET_ACHIEVED, Thresholds, status_words
from generator.trends.progress import Progress, assess_progress, status_from_score
from generator.trends.statistical import StatisticalTrend, statistical_trend


@dataclass(frozen=True)
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
        return ", ".join(group for _, group in self.groups) or "Total"

    def to_dict(self, direction: str) -> dict:
        record = asdict(self)
        record["groups"] = {dimension: group for dimension, group in self.groups}
        record.pop("progress")
        record.pop("statistical")
        record.update(asdict(self.progress))
        record["status_words"] = self.words
        record.update({f"trend_{key}": value for key, value in asdict(self.statistical).items()})
        record["trend_verdict"] = self.statistical.verdict(direction)
        return record


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
    dimensions = agenda.dimension_ids
    indicators = agenda.indicators_by_id
    series: list[SeriesTrend] = []
    by_indicator: dict[str, list[SeriesTrend]] = {}
    rows_by_indicator: dict[str, pd.DataFrame] = {}
    dimensions_used = dimensions_by_indicator(observations, dimensions)
    # One indicator at a time, keyed by only the dimensions it uses: a national agenda has hundreds of dimensions
    # and each indicator a few, and grouping on all of them was most of this stage's time. The dimensions left
    # out are blank throughout the indicator, so the series and their order are those of grouping on all.
    for indicator_id, rows in observations.groupby("indicator", sort=True, observed=True):
        indicator = indicators[indicator_id]
        rows_by_indicator[indicator_id] = rows
        used = list(dimensions_used[indicator_id])
        own = by_indicator.setdefault(indicator_id, [])
        # Grouping slices every column of the frame for every series: only the ones a series trend reads.
        needed = rows[["geography", *used, "period", "time", "value", "status"]]
        for key, part in needed.groupby(["geography", *used], sort=True, observed=True):
            groups = tuple((dimension, group) for dimension, group in zip(used, key[1:]) if group)
            own.append(_series_trend(indicator, key[0], groups, part, agenda.area))
        series.extend(own)
    summaries = {}
    for indicator in agenda.indicators:
        gaps = _gaps(indicator, rows_by_indicator.get(indicator.id), dimensions_used.get(indicator.id, ()), agenda)
        summaries[indicator.id] = _indicator_trend(indicator, by_indicator.get(indicator.id, []), gaps, agenda)
    return Trends(tuple(series), summaries, dimensions_used)


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
            members, label = [headline] if headline else [], "Total"
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


def _gaps(indicator: Indicator, rows: pd.DataFrame | None, used: tuple[str, ...],
          agenda: Agenda) -> dict[str, EquityGaps]:
    """Equity gaps in the initiative's area, for each dimension the indicator is broken down by."""
    if rows is None:
        return {}
    gaps = {}
    # The dimensions the indicator does not use are blank in all its rows: comparing them would change nothing.
    dimensions = used
    in_area = rows[rows["geography"] == agenda.area]
    for dimension in indicator.dimensions:
        others = [other for other in dimensions if other != dimension]
        broken_down = in_area[(in_area[dimension] != "") & (in_area[others] == "").all(axis=1)]
        if broken_down.empty:
            continue
        definition = agenda.dimensions_by_id[dimension]
        gaps[dimension] = equity_gaps(
            broken_down.assign(group=broken_down[dimension])[["group", "period", "time", "value"]],
            direction=indicator.direction,
            groups=definition.groups,
            reference=definition.reference_group,
            base_period=indicator.baseline_period,
        )
    return gaps


def _series_trend(indicator: Indicator, geography: str, groups, rows: pd.DataFrame, area: str) -> SeriesTrend:
    # Plain arrays, not DataFrame filters: a national agenda has tens of thousands of series, and pandas' cost
    # per operation, not the arithmetic, was the time. The sort is the one DataFrame.sort_values("time") does.
    times = rows["time"].to_numpy(dtype="float64")
    order = np.argsort(times, kind="quicksort")
    times = times[order]
    periods = rows["period"].to_numpy(dtype=object)[order]
    values = rows["value"].to_numpy(dtype="float64")[order]
    statuses = rows["status"].to_numpy(dtype=object)[order]
    has_value = ~np.isnan(values)
    base_period = indicator.baseline_period
    breaks = periods[statuses == "break_in_series"].tolist()
    break_period = None
    if breaks:
        # Values before a break in series measure something else: progress is only measured after it.
        latest_break = breaks[-1]
        if base_period is None or parse_period(latest_break).time > parse_period(base_period).time:
            base_period = break_period = latest_break
    progress = assess_progress(
        periods[has_value].tolist(),
        values[has_value].tolist(),
        direction=indicator.direction,
        base_period=base_period,
        target=indicator.target_value,
        target_period=indicator.target_period,
        limit=indicator.limit,
        thresholds=Thresholds(*indicator.progress_thresholds) if indicator.progress_thresholds else None,
    )
    # The statistical trend reads the whole series after any break: a change of method is not a trend.
    after_break = has_value if break_period is None else has_value & (times >= parse_period(break_period).time)
    change = relative = movement = None
    if progress.base_value is not None and progress.latest_value is not None:
        change = progress.latest_value - progress.base_value
        relative = change / abs(progress.base_value) if progress.base_value else None
        rounded = round(change, indicator.decimals)
        movement = "up" if rounded > 0 else "down" if rounded < 0 else "flat"
    valued = int(has_value.sum())
    return SeriesTrend(
        indicator=indicator.id,
        geography=geography,
        groups=groups,
        headline=geography == area and not groups,
        periods_with_value=valued,
        first_period=periods[0],
        last_period=periods[-1],
        last_value=float(values[has_value][-1]) if valued else None,
        latest_flag=statuses[has_value][-1] if valued else "",
        break_period=break_period,
        change=change,
        relative_change=relative,
        movement=movement,
        has_target=indicator.has_target,
        progress=progress,
        statistical=statistical_trend(times[after_break].tolist(), values[after_break].tolist()),
    )
