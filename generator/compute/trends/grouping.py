"""The observations table cut into series once, as plain arrays, for the trends to work on all series together.

A national agenda has tens of thousands of series of a few periods each: handing each series to pandas and to
the statistics one at a time spent the time on the cost of each call, not on the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SeriesRows:
    """Every series' observations, series after series, each series' rows in time order.

    The series come in the order grouping the table by indicator, then by geography and the indicator's
    dimensions (sorted) gives; rows at the same time keep their order in the table.
    """

    indicator: tuple[str, ...]  # per series
    geography: tuple[str, ...]  # per series
    groups: tuple[tuple[tuple[str, str], ...], ...]  # per series: its (dimension, group) pairs, empty for the total
    starts: np.ndarray  # per series: its first row; it ends where the next one starts
    period: np.ndarray  # per row, the label (objects)
    time: np.ndarray  # per row, float64
    value: np.ndarray  # per row, float64, NaN where there is no value
    status: np.ndarray  # per row, the status flag (objects)

    @cached_property  # asked for once a series by the equity gaps
    def ends(self) -> np.ndarray:
        return np.append(self.starts[1:], len(self.time))

    def __len__(self) -> int:
        return len(self.starts)


def group_series(observations: pd.DataFrame, dimensions_used: dict[str, tuple[str, ...]]) -> SeriesRows:
    """The table's series, each keyed by geography and only the dimensions its indicator uses.

    `dimensions_used` gives each indicator's dimensions (as `dimensions_by_indicator` finds them): a national
    agenda has hundreds of dimensions and each indicator a few, and the ones left out are blank throughout the
    indicator, so the series and their order are those of grouping on all of them. As in pandas' grouping, a
    row with no indicator, geography or group (a missing value, not a blank) belongs to no series.
    """
    indicator_codes, indicator_ids = _sorted_codes(observations["indicator"])
    geography_codes, geographies = _sorted_codes(observations["geography"])
    times = observations["time"].to_numpy(dtype="float64")
    dimension_codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    rows_in_order: list[np.ndarray] = []
    indicator: list[str] = []
    geography: list[str] = []
    groups: list[tuple[tuple[str, str], ...]] = []
    starts: list[np.ndarray] = []
    row_count = 0
    by_indicator = np.argsort(indicator_codes, kind="stable")
    sorted_codes = indicator_codes[by_indicator]
    boundaries = np.flatnonzero(sorted_codes[1:] != sorted_codes[:-1]) + 1
    for rows in np.split(by_indicator, boundaries):
        if not len(rows) or indicator_codes[rows[0]] < 0:
            continue
        indicator_id = indicator_ids[indicator_codes[rows[0]]]
        used = dimensions_used[indicator_id]
        for dimension in used:
            if dimension not in dimension_codes:
                dimension_codes[dimension] = _sorted_codes(observations[dimension])
        keys = np.stack([geography_codes[rows], *(dimension_codes[dimension][0][rows] for dimension in used)])
        complete = (keys >= 0).all(axis=0)
        rows, keys = rows[complete], keys[:, complete]
        if not len(rows):
            continue
        # lexsort sorts by its last key first and is stable: geography, then the dimensions, then time.
        order = np.lexsort([times[rows], *keys[::-1]])
        rows, keys = rows[order], keys[:, order]
        first_rows = np.flatnonzero(np.r_[True, (keys[:, 1:] != keys[:, :-1]).any(axis=0)])
        for key in keys[:, first_rows].T.tolist():
            indicator.append(indicator_id)
            geography.append(geographies[key[0]])
            labels = (dimension_codes[dimension][1][code] for dimension, code in zip(used, key[1:]))
            groups.append(tuple((dimension, label) for dimension, label in zip(used, labels) if label))
        rows_in_order.append(rows)
        starts.append(first_rows + row_count)
        row_count += len(rows)
    order = np.concatenate(rows_in_order) if rows_in_order else np.zeros(0, dtype="intp")
    return SeriesRows(
        indicator=tuple(indicator),
        geography=tuple(geography),
        groups=tuple(groups),
        starts=np.concatenate(starts) if starts else np.zeros(0, dtype="intp"),
        period=_labels(observations["period"])[order],
        time=times[order],
        value=observations["value"].to_numpy(dtype="float64")[order],
        status=_labels(observations["status"])[order],
    )


def _labels(column: pd.Series) -> np.ndarray:
    """The column's text a row, as objects (NaN where missing): each row refers to its code's one text.

    Not `to_numpy(dtype=object)`, which makes a new text object a row from categories held by pyarrow.
    """
    codes, labels = _sorted_codes(column)
    return np.append(labels, np.nan)[codes]  # code -1 (missing) takes the NaN appended last


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A code per row, ordered as grouping with sort=True orders the column, and the label of each code.

    A category column is grouped in the order of its categories (the observations table's are sorted), any
    other column in the order of its values; a missing value has code -1.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), np.asarray(column.cat.categories, dtype=object)
    codes, labels = pd.factorize(column, sort=True)
    return codes, np.asarray(labels, dtype=object)
