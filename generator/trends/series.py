"""Trends per series (indicator × geography × groups) and per indicator, from the observations table."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from generator.agenda import Agenda, Indicator
from generator.observations import series_fields
from generator.periods import parse_period
from generator.trends.method import NOT_AVAILABLE, status_words
from generator.trends.progress import Progress, assess_progress


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

    @property
    def status(self) -> str:
        return self.progress.status

    @property
    def words(self) -> str:
        return status_words(self.status, self.has_target)

    @property
    def label(self) -> str:
        return ", ".join(group for _, group in self.groups) or "Total"

    def to_dict(self) -> dict:
        record = asdict(self)
        record["groups"] = {dimension: group for dimension, group in self.groups}
        record.pop("progress")
        record.update(asdict(self.progress))
        record["status_words"] = self.words
        return record


@dataclass(frozen=True)
class IndicatorTrend:
    indicator: str
    headline: SeriesTrend | None
    series_count: int
    has_target: bool

    @property
    def status(self) -> str:
        # The headline series decides for now; the methodology issue combines chosen breakdowns.
        return self.headline.status if self.headline else NOT_AVAILABLE

    @property
    def words(self) -> str:
        return status_words(self.status, self.has_target)


@dataclass(frozen=True)
class Trends:
    series: tuple[SeriesTrend, ...]
    indicators: dict[str, IndicatorTrend]

    def series_of(self, indicator_id: str) -> list[SeriesTrend]:
        return [trend for trend in self.series if trend.indicator == indicator_id]


def compute_trends(observations: pd.DataFrame, agenda: Agenda) -> Trends:
    """Every series' trend; pure: the same table and agenda give the same trends."""
    fields = series_fields(agenda)
    dimensions = agenda.dimension_ids
    indicators = agenda.indicators_by_id
    series: list[SeriesTrend] = []
    for key, rows in observations.groupby(fields, sort=True, observed=True):
        indicator = indicators[key[0]]
        groups = tuple((dimension, group) for dimension, group in zip(dimensions, key[2:]) if group)
        series.append(_series_trend(indicator, key[1], groups, rows, agenda.area))
    by_indicator: dict[str, list[SeriesTrend]] = {}
    for trend in series:
        by_indicator.setdefault(trend.indicator, []).append(trend)
    summaries = {}
    for indicator in agenda.indicators:
        own = by_indicator.get(indicator.id, [])
        headline = next((trend for trend in own if trend.headline), None)
        summaries[indicator.id] = IndicatorTrend(indicator.id, headline, len(own), indicator.has_target)
    return Trends(tuple(series), summaries)


def _series_trend(indicator: Indicator, geography: str, groups, rows: pd.DataFrame, area: str) -> SeriesTrend:
    rows = rows.sort_values("time")
    with_value = rows[rows["value"].notna()]
    base_period = indicator.baseline_period
    breaks = rows.loc[rows["status"] == "break_in_series", "period"].tolist()
    break_period = None
    if breaks:
        # Values before a break in series measure something else: progress is only measured after it.
        latest_break = breaks[-1]
        if base_period is None or parse_period(latest_break).time > parse_period(base_period).time:
            base_period = break_period = latest_break
    progress = assess_progress(
        with_value["period"].tolist(),
        with_value["value"].tolist(),
        direction=indicator.direction,
        base_period=base_period,
        target=indicator.target_value,
        target_period=indicator.target_period,
    )
    change = relative = movement = None
    if progress.base_value is not None and progress.latest_value is not None:
        change = progress.latest_value - progress.base_value
        relative = change / abs(progress.base_value) if progress.base_value else None
        rounded = round(change, indicator.decimals)
        movement = "up" if rounded > 0 else "down" if rounded < 0 else "flat"
    return SeriesTrend(
        indicator=indicator.id,
        geography=geography,
        groups=groups,
        headline=geography == area and not groups,
        periods_with_value=len(with_value),
        first_period=rows["period"].iloc[0],
        last_period=rows["period"].iloc[-1],
        last_value=float(with_value["value"].iloc[-1]) if len(with_value) else None,
        latest_flag=with_value["status"].iloc[-1] if len(with_value) else "",
        break_period=break_period,
        change=change,
        relative_change=relative,
        movement=movement,
        has_target=indicator.has_target,
        progress=progress,
    )
