"""Revised values: an observation with the same key in two versions of a package, and a different value.

The updates page and the feed count them in each release; a pull request's check warns of each one. Both find them
here, so that a value the page calls revised is one the check warned about, and the other way round.

An observation's key is every field that is not a measure: the indicator, period, geography and each dimension
(a column a file lacks is blank). Values are compared as the numbers the site reads from them: 41.20 and 41.2 are
one value, a blank is a value of its own, and a change of unit, status or note alone revises no value.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from generator.load.agenda import MEASURE_FIELDS

# Two numbers closer than this are one value: the same number written with other digits, read back as float.
TOLERANCE = 1e-12
_ROW = "__row_of_after"


def observation_key(names: Iterable[str]) -> list[str]:
    """The fields, of `names`, that say which observation a row is: every one that is not a measure."""
    return [name for name in dict.fromkeys(names) if name not in MEASURE_FIELDS]


def revisions(before: pd.DataFrame, after: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The rows of `after` whose key is in `before` with another value, in after's order and with after's index.

    Both frames hold the `keys` columns and `value`, a number (NaN for a blank). The answer holds after's columns,
    and before's other columns with the suffix "_before" (so "value_before"). Of rows of `before` with one key, the
    first counts.
    """
    earlier = before.drop_duplicates(keys)
    matched = after.rename_axis(_ROW).reset_index().merge(earlier, on=keys, how="inner", suffixes=("", "_before"))
    revised = ~same_values(matched["value_before"].to_numpy("float64"), matched["value"].to_numpy("float64"))
    return matched[revised].set_index(_ROW).rename_axis(after.index.name)


def same_values(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """For each pair, whether it is one value: both blank, or numbers within TOLERANCE of each other."""
    with np.errstate(invalid="ignore"):  # a blank (NaN) on one side is simply not close
        return (np.isnan(before) & np.isnan(after)) | (np.abs(before - after) <= TOLERANCE)
