"""Units: the unit of each row, its id, and the facts units.csv states about it.

The unit column is `Units`, else `Unit measure` (when both exist and `Unit measure` says more than `Units`, the
label is "Units (Unit measure)"); a blank unit takes the metadata's `computation_units`. `Unit multiplier` keeps
values as given and goes into the label: "GBP (thousands)". Unit ids are snake_case slugs of the label, so labels
that differ only by case or punctuation are one unit. A percent-like unit (%, percent, proportion; not a change or
growth rate) has minimum 0 and maximum 100 when every value lies in that range; a count (Number…, Count,
Individuals) has minimum 0 when no value is negative and is `integer` when every value is whole.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import pandas as pd

from generator.importers.open_sdg.data_files import UNIT_COLUMNS, columns_named
from generator.importers.open_sdg.text import fold, slug

if TYPE_CHECKING:
    from generator.importers.open_sdg.mapping import MappedFile

NO_UNIT = "Unit not stated"
_SCALES = {"units": "", "unit": "", "ones": "", "1": "", "": "", "tens": "tens", "hundreds": "hundreds",
           "thousands": "thousands", "thousand": "thousands", "millions": "millions", "million": "millions",
           "billions": "billions", "billion": "billions", "trillions": "trillions"}


def unit_id_of(label: str) -> str:
    text = label.replace("(%)", " ").replace("%", " percent ")
    return (slug(text, "_") or "unit")[:60].strip("_")


def units_of_rows(table: pd.DataFrame, header: list[str]) -> pd.Series:
    """The unit of each row: `Units`, else `Unit measure`; both when `Unit measure` says more than `Units`."""
    found = columns_named(header, UNIT_COLUMNS)
    if not found:
        return pd.Series("", index=table.index, dtype=object)
    units = table[found[0]]
    if len(found) == 1:
        return units
    measure = table[found[1]]
    units = units.where(units != "", measure)
    pairs = pd.DataFrame({"units": units, "measure": measure}).drop_duplicates()
    if not pairs["units"].duplicated().any():
        return units  # the measure follows from the unit: it adds nothing
    differs = (measure != "") & (measure.str.casefold() != units.str.casefold())
    return units.where(~differs, units + " (" + measure + ")")


def unit_with_multiplier(unit: str, multiplier: str) -> str:
    """The unit with its multiplier, unless the unit says it already: "GBP (thousands)", "GBP (£ thousands)"."""
    scale = _SCALES.get(fold(multiplier))
    if scale is None:
        scale = "" if fold(multiplier) == fold(unit) else multiplier
    said = {"thousands": r"thousand|000s|kilo", "millions": r"million", "billions": r"billion"}.get(scale)
    if scale and re.search(said or re.escape(scale), unit, re.I):
        scale = ""
    return f"{unit} ({scale})" if scale else unit



def unit_facts(mapped: list[MappedFile]) -> dict[str, dict]:
    """Unit id → the labels written for it (with their row counts) and its values, for units.csv."""
    units: dict[str, dict] = {}
    for file in mapped:
        labels = {indicator.unit: indicator.unit_label for indicator in file.indicators}
        for unit_id, rows in file.observations.groupby("unit", sort=False):
            facts = units.setdefault(unit_id, {"labels": Counter(), "values": [], "decimal_point": False})
            facts["labels"][labels.get(unit_id, unit_id)] += len(rows)
            # The validator reads 6195.0 as not whole, so a unit written with decimal points cannot be integer.
            facts["decimal_point"] |= bool(rows["value"].str.contains(".", regex=False).any())
            facts["values"].append(pd.to_numeric(rows["value"].where(rows["value"] != "", None), errors="coerce"))
    return units


def unit_row(unit_id: str, facts: dict) -> dict:
    label = sorted(facts["labels"].items(), key=lambda item: (-item[1], item[0]))[0][0]
    values = pd.concat(facts["values"]).dropna() if facts["values"] else pd.Series(dtype=float)
    folded = label.casefold()
    percent_like = bool(re.search(r"%|percent|proportion", folded)) and not re.search(r"change|growth|rate of",
                                                                                      folded)
    count_like = bool(re.match(r"(number|count|individuals|median count)\b", folded))
    row = {"id": unit_id, "label": label, "symbol": "%" if percent_like else "", "minimum": "", "maximum": "",
           "integer": "false"}
    if percent_like and (values.empty or values.between(0, 100).all()):
        row["minimum"], row["maximum"] = "0", "100"
    if count_like:
        if values.empty or (values >= 0).all():
            row["minimum"] = "0"
        if not values.empty and ((values % 1) == 0).all() and not facts.get("decimal_point"):
            row["integer"] = "true"
    return row

