"""Two versions of a partner's package compared, indicator by indicator: new periods, revised values (as
`revisions.py` defines them), withdrawn observations, and the indicator's status before and after.

Only indicators with a row that is not in both versions are compared: most rows of a release did not change, and
one hash a row sets them aside before the slow part (the observations table and the trends) is reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.compute.observations import key_fields, observations_of_texts
from generator.compute.periods import is_period
from generator.compute.trends import compute_trends
from generator.history.revisions import revisions
from generator.load.agenda import MEASURE_FIELDS, Agenda
from generator.load.cells import Column, TextTable


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


def indicator_changes(after: list[TextTable], before: list[TextTable] | None, agenda: Agenda,
                      partner: str) -> tuple[IndicatorChange, ...]:
    """What changed in each indicator from `before` to `after` (the rows of each version's data files); with no
    `before`, a first publication, in which every period with a value is new."""
    if before is None:
        return _changes(_observations(after, agenda, partner), None, agenda)
    changed = _indicators_of_changed_rows(after, before)
    return _changes(_observations(after, agenda, partner, changed), _observations(before, agenda, partner, changed),
                    agenda)


def _indicators_of_changed_rows(texts: list[TextTable], other_texts: list[TextTable]) -> set[str]:
    """The indicators of the rows, as text, of either version that the other does not have."""
    names = sorted({name for text in [*texts, *other_texts] for name in text.names})
    hashes = {id(text): row_hashes(text, names) for text in [*texts, *other_texts]}

    def all_rows(version: list[TextTable]) -> np.ndarray:
        return np.concatenate([hashes[id(text)] for text in version]) if version else np.zeros(0, np.uint64)

    indicators = set()
    for version, other in ((texts, other_texts), (other_texts, texts)):
        elsewhere = all_rows(other)
        for text in version:
            if "indicator" in text:
                column = text["indicator"]
                only_here = ~np.isin(hashes[id(text)], elsewhere)
                indicators.update(column.texts[np.unique(column.codes[only_here])].tolist())
    return indicators


def _observations(texts: list[TextTable], agenda: Agenda, partner: str,
                  indicators: set[str] | None = None) -> pd.DataFrame:
    """A version's rows as the observations table the trends read: known indicators, valid periods, each key once.

    Only the rows of `indicators`, when given. An earlier version may hold rows today's validator refuses; they are
    left out rather than failing the build. Of rows with the same key, the first is kept.
    """
    fields = [*key_fields(agenda)[:3], *agenda.dimension_ids, *MEASURE_FIELDS]
    kept = []
    for text in texts:
        if "indicator" not in text or "period" not in text:
            continue
        known = agenda.indicators_by_id if indicators is None else indicators & set(agenda.indicators_by_id)
        rows = np.flatnonzero(text["indicator"].isin(known)
                              & text["period"].each(lambda label: label is not None and is_period(label), bool))
        blank = Column(pa.array([""], pa.large_string()), np.zeros(len(rows), dtype=np.int8))
        kept.append((partner, TextTable(tuple(fields), tuple(
            Column(text[name].values, text[name].codes[rows]) if name in text else blank for name in fields),
            len(rows))))
    table = observations_of_texts(kept, agenda)
    keys = pd.util.hash_pandas_object(table[key_fields(agenda)], index=False)
    maybe = keys.duplicated(keep=False).to_numpy()
    if not maybe.any():
        return table
    # Rows with equal hashes are compared key by key: only those, so a table without repeats costs one hash a row.
    repeated = table.loc[maybe].duplicated(subset=key_fields(agenda), keep="first")
    return table.drop(index=repeated.index[repeated]).reset_index(drop=True)


def _changes(new: pd.DataFrame, old: pd.DataFrame | None, agenda: Agenda) -> tuple[IndicatorChange, ...]:
    if old is None:
        periods = _periods_with_value(new)
        return tuple(IndicatorChange(indicator.id, periods.get(indicator.id, ()), (), 0, None, None)
                     for indicator in agenda.indicators if indicator.id in periods)
    keys = key_fields(agenda)
    # Rows that are the same in both versions cannot change anything: only the others are matched by key. (Two
    # different rows with one 64-bit hash would be taken for the same: about one chance in 10^9 at the UK's size.)
    compared = [*keys, *MEASURE_FIELDS]
    new_hashes = pd.util.hash_pandas_object(new[compared], index=False).to_numpy()
    old_hashes = pd.util.hash_pandas_object(old[compared], index=False).to_numpy()
    changed_new = new[~np.isin(new_hashes, old_hashes)]
    changed_old = old[~np.isin(old_hashes, new_hashes)]
    merged = changed_new.merge(changed_old[keys], on=keys, how="outer", indicator=True)
    # In the order of their keys, as the page has always listed them.
    revised = {indicator: _revisions_of(rows, agenda.dimension_ids) for indicator, rows in
               revisions(changed_old, changed_new, keys).sort_values(keys).groupby("indicator", observed=True)}
    had_value = old.loc[old["value"].notna() & old["indicator"].isin(merged["indicator"].unique()),
                        ["indicator", "period"]]
    had_value = {indicator: set(rows["period"]) for indicator, rows in had_value.groupby("indicator", observed=True)}
    found = {}
    for indicator, rows in merged.groupby("indicator", sort=False, observed=True):
        added = rows[rows["_merge"] == "left_only"]
        with_value = added[added["value"].notna()].sort_values("time", kind="stable")
        before = had_value.get(indicator, set())
        new_periods = tuple(dict.fromkeys(period for period in with_value["period"] if period not in before))
        removed = int((rows["_merge"] == "right_only").sum())
        if new_periods or indicator in revised or removed:
            found[indicator] = (new_periods, revised.get(indicator, ()), removed)
    if not found:
        return ()
    # Trends are computed only where a status can have changed: they are the slow part of reading a history.
    touched = list(found)
    statuses_after = compute_trends(new[new["indicator"].isin(touched)], agenda).indicators
    statuses_before = compute_trends(old[old["indicator"].isin(touched)], agenda).indicators
    return tuple(IndicatorChange(indicator.id, *found[indicator.id], statuses_before[indicator.id].status,
                                 statuses_after[indicator.id].status)
                 for indicator in agenda.indicators if indicator.id in found)


def _revisions_of(rows: pd.DataFrame, dimensions: tuple[str, ...]) -> tuple[Revision, ...]:
    used = [dimension for dimension in dimensions if (rows[dimension] != "").any()]
    columns = zip(*(rows[name] for name in ["period", "geography", "value_before", "value", *used]))
    return tuple(Revision(period, geography, tuple((name, group) for name, group in zip(used, groups) if group),
                          _number(before), _number(after))
                 for period, geography, before, after, *groups in columns)


def _periods_with_value(rows: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Indicator id → the periods in which it has a value, in time order; () for an indicator with rows but none."""
    valued = rows.loc[rows["value"].notna(), ["indicator", "period", "time"]].drop_duplicates(["indicator", "period"])
    valued = valued.sort_values(["time", "period"], kind="stable")
    periods = {indicator: () for indicator in rows["indicator"].unique()}
    for indicator, group in valued.groupby("indicator", sort=False, observed=True):
        periods[indicator] = tuple(group["period"])
    return periods


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def row_hashes(text: TextTable, names: list[str]) -> np.ndarray:
    """One hash a row of the texts in `names`, a column the file lacks counting as blank."""
    rows = np.zeros(text.row_count, dtype=np.uint64)
    for name in names:
        if name in text:
            column = text[name]
            cells = pd.util.hash_array(np.asarray(column.texts, dtype=object))[column.codes]
        else:
            cells = np.full(text.row_count, pd.util.hash_array(np.array([""], dtype=object))[0])
        rows = rows * _MIX ^ cells
    return rows


# Odd, so that multiplying by it loses no bit of a hash: each column's hash is mixed into the row's in turn.
_MIX = np.uint64(0x100000001B3)
