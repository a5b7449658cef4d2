"""The one tidy observations table that every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from generator.load.agenda import MEASURE_FIELDS, Agenda
from generator.load.cells import Column, TextTable
from generator.load.packages import PartnerPackage
from generator.compute.periods import parse_period

NUMBER_FIELDS = ("value", "lower_bound", "upper_bound", "numerator", "denominator")


def key_fields(agenda: Agenda) -> list[str]:
    return ["indicator", "period", "geography", *agenda.dimension_ids]


def observations_table(packages: tuple[PartnerPackage, ...], agenda: Agenda) -> pd.DataFrame:
    """Every observation of every valid package: one row each, sorted, numbers as numbers.

    Columns: partner, the agreed observation fields (blank dimension = total), and `time`, the period as a
    number of years for ordering and growth rates.
    """
    return observations_of_texts([(package.slug, file.text) for package in packages for file in package.files],
                                 agenda)


def observations_of_texts(texts: list[tuple[str, TextTable]], agenda: Agenda) -> pd.DataFrame:
    """The observations table of files read as text, each with its partner; each file has every agreed field."""
    fields = [*key_fields(agenda)[:3], *agenda.dimension_ids, *MEASURE_FIELDS]
    pieces: dict[str, list] = {name: [] for name in ["partner", *fields]}
    for partner, text in texts:
        pieces["partner"].append(pd.Categorical.from_codes(np.zeros(text.row_count, dtype="int8"),
                                                           _objects([partner])))
        for name in fields:
            pieces[name].append(_category(text[name]))
    if not pieces["partner"]:
        # No file: empty columns of the same kind, which the numbers and periods below are read from.
        table = pd.DataFrame({name: pd.Categorical.from_codes(np.zeros(0, dtype="int8"), _objects([]))
                              for name in pieces})
    else:
        # Text columns as categories, built file by file: a national agenda's ~180 dimension columns are blank on
        # almost every row, and as strings they made the UK table 248 MB. Categories are sorted, so sorting on
        # them orders rows as sorting the text did; the whole table is never held as strings.
        table = pd.DataFrame({name: _categories(name, parts) for name, parts in pieces.items()})
    del pieces
    for name in NUMBER_FIELDS:
        table[name] = numbers_of_texts(table[name].array)
    times = {label: parse_period(label).time for label in table["period"].unique()}
    table["time"] = table["period"].map(times).astype("float64")
    table = table.sort_values(["indicator", "geography", *agenda.dimension_ids, "time"], kind="stable")
    return table.reset_index(drop=True)


def _category(column: Column) -> pd.Categorical:
    """The file's column as categories, straight from the distinct texts and codes it was read as.

    Not through the file's pandas table: turning each code back into a text a row and then finding the distinct
    texts again took most of this table's time on the UK's data. A text no row has (the header's label can be one)
    is left out, and a missing one (a cell pandas added to a short row) is a missing value, as in the table.
    """
    texts = column.values.to_pylist()
    used = np.bincount(column.codes, minlength=len(texts)) > 0
    kept = used & np.array([text is not None for text in texts], dtype=bool)
    renumbered = np.full(len(texts), -1, dtype="int64")
    renumbered[kept] = np.arange(np.count_nonzero(kept))
    # Each file's few distinct texts as objects, whichever way the file was read: union_categoricals joins only
    # categories of one dtype.
    return pd.Categorical.from_codes(renumbered[column.codes], _objects(list(compress(texts, kept))))


def _objects(texts) -> pd.Index:
    return pd.Index(np.asarray(texts, dtype=object), dtype=object)


def _categories(name: str, parts: list[pd.Categorical]) -> pd.Categorical:
    return union_categoricals(parts, sort_categories=name not in NUMBER_FIELDS)


def numbers_of_texts(text: pd.Categorical) -> np.ndarray:
    """Float64 from a category column: each distinct text is parsed once, a blank or unreadable one is NaN.

    A pull request's check reads the values it compares with it too, so that the check and the updates page agree
    on which values were revised.
    """
    parsed = pd.to_numeric(pd.Series(text.categories, dtype="string").replace("", None), errors="coerce")
    numbers = np.append(parsed.to_numpy(dtype="float64", na_value=np.nan), np.nan)
    return numbers[text.codes]  # code -1 (missing) takes the NaN appended last


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


@dataclass(frozen=True)
class IndicatorRows:
    """The observations table cut by indicator: each indicator's rows with only the dimension columns it uses.

    The cut is made once, as each indicator's row positions; a frame is taken only when a stage asks for it, so no
    stage holds a second copy of the table. A national agenda has ~180 dimension columns and an indicator uses a
    few: taking them all for every indicator, in every stage, cost more than drawing the charts did.
    """

    table: pd.DataFrame
    positions: dict[str, np.ndarray]  # indicator id → its rows' positions in `table`, in the table's order
    dimensions: dict[str, tuple[str, ...]]  # indicator id → the dimensions with a group in some of its rows
    shared: tuple[str, ...]  # the columns every indicator keeps: all but the dimensions

    @classmethod
    def of(cls, table: pd.DataFrame, dimension_ids: tuple[str, ...],
           dimensions: dict[str, tuple[str, ...]] | None = None) -> IndicatorRows:
        """`dimensions` as `dimensions_by_indicator` gives them (Trends.dimensions_used); found here when None."""
        if dimensions is None:
            dimensions = dimensions_by_indicator(table, dimension_ids)
        positions = table.groupby("indicator", sort=False, observed=True).indices if len(table) else {}
        all_dimensions = set(dimension_ids)
        shared = tuple(name for name in table.columns if name not in all_dimensions)
        return cls(table, dict(positions), dict(dimensions), shared)

    def __iter__(self):
        """(indicator id, its rows), in the table's order of indicators."""
        for indicator_id in self.positions:
            yield indicator_id, self.rows(indicator_id)

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self.positions

    def columns(self, indicator_id: str) -> list[str]:
        return [*self.shared, *self.dimensions.get(indicator_id, ())]

    def rows(self, indicator_id: str, columns: list[str] | None = None) -> pd.DataFrame:
        """The indicator's rows (none if it has no data) with `columns`, by default its own columns."""
        names = self.columns(indicator_id) if columns is None else columns
        positions = self.positions.get(indicator_id, np.zeros(0, dtype="int64"))
        return pd.DataFrame({name: self.table[name].array.take(positions) for name in names},
                            index=self.table.index[positions], columns=names)
