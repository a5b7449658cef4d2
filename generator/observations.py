"""The one tidy observations table that every later stage reads."""

from __future__ import annotations

import pandas as pd

from generator.agenda import MEASURE_FIELDS, Agenda
from generator.packages import PartnerPackage
from generator.periods import parse_period

NUMBER_FIELDS = ("value", "lower_bound", "upper_bound", "numerator", "denominator")


def key_fields(agenda: Agenda) -> list[str]:
    return ["indicator", "period", "geography", *agenda.dimension_ids]


def series_fields(agenda: Agenda) -> list[str]:
    """The fields that tell one series from another: every key field but the period."""
    return ["indicator", "geography", *agenda.dimension_ids]


def observations_table(packages: tuple[PartnerPackage, ...], agenda: Agenda) -> pd.DataFrame:
    """Every observation of every valid package: one row each, sorted, numbers as numbers.

    Columns: partner, the agreed observation fields (blank dimension = total), and `time`, the period as a
    number of years for ordering and growth rates.
    """
    fields = [*key_fields(agenda)[:3], *agenda.dimension_ids, *MEASURE_FIELDS]
    frames = []
    for package in packages:
        for file in package.files:
            frame = file.table[fields].copy()
            frame.insert(0, "partner", package.slug)
            frames.append(frame)
    if not frames:
        table = pd.DataFrame(columns=["partner", *fields], dtype="string")
    else:
        table = pd.concat(frames, ignore_index=True)
    for name in NUMBER_FIELDS:
        table[name] = pd.to_numeric(table[name].replace("", None), errors="coerce").astype("float64")
    times = {label: parse_period(label).time for label in table["period"].unique()}
    table["time"] = table["period"].map(times).astype("float64")
    table = table.sort_values(["indicator", "geography", *agenda.dimension_ids, "time"], kind="stable")
    return table.reset_index(drop=True)


def dimensions_by_indicator(observations: pd.DataFrame, dimensions: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Indicator id → the dimensions that have a group in some of its rows, in the agenda's order.

    One pass per dimension over the whole table: a national agenda has hundreds of dimensions and each indicator
    uses a few, so the later stages work on those only.
    """
    used: dict[str, list[str]] = {indicator: [] for indicator in observations["indicator"].unique()}
    for dimension in dimensions:
        for indicator in observations.loc[observations[dimension] != "", "indicator"].unique():
            used[indicator].append(dimension)
    return {indicator: tuple(names) for indicator, names in used.items()}
