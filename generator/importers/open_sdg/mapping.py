"""Mapping one data file: its rows become observations of shared indicators, or are reported with their reason.

Shared indicators. One shared indicator per Open SDG indicator, series and unit. Open SDG shows each series and
each unit as a chart of its own, and its progress settings select a series and a unit, so together they are what
this project calls an indicator (one unit, one direction, one target). The first combination in the file keeps
the indicator's own id (`1-2-1`); the others add the part that differs, as slugs: `1-2-1-number` (another unit),
`3-3-3-number-of-cases` (another series, cut at a word within 40 characters), both when the unit does not follow
from the series, and `-2`, `-3` … if an id would still be taken. `decimals` is what the values need (0 to 6), at
most what three significant digits of the typical value need: the data keep every digit, the site shows 13.7
rather than 13.739383846794336.

Dimensions. Every other column (not year, value, unit, unit multiplier, series, observation status or a
geography) is a dimension: its id is the snake_case of the column name (`Ethnic group` and `Ethnic Group` are
one dimension, labelled by the more common spelling; a name clashing with an observation field gets
`_dimension`), its groups are the distinct values, in order of first appearance. A column that is blank in every
imported row is left out. Every indicator lists the dimensions its rows use.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from generator.compute.periods import parse_period
from generator.importers.open_sdg.data_files import (
    GEOCODE_COLUMNS,
    GEOGRAPHY_COLUMNS,
    MULTIPLIER_COLUMNS,
    SERIES_COLUMNS,
    STATUS_COLUMNS,
    UNIT_COLUMNS,
    VALUE_COLUMNS,
    YEAR_COLUMNS,
    DataFile,
    columns_named,
    map_unique,
)
from generator.importers.open_sdg.geography import Places, finest_place
from generator.importers.open_sdg.periods import period_from_year
from generator.importers.open_sdg.reconcile import ReportedRow, SourceFile
from generator.importers.open_sdg.statuses import blank_value_reason, status_from_observation_status
from generator.importers.open_sdg.text import plain_text, slug
from generator.importers.open_sdg.units import NO_UNIT, unit_id_of, unit_with_multiplier, units_of_rows
from generator.load.agenda import CORE_FIELDS, MEASURE_FIELDS

OBSERVATION_FIELDS_BEFORE = CORE_FIELDS
OBSERVATION_FIELDS_AFTER = MEASURE_FIELDS
RESERVED_NAMES = set(OBSERVATION_FIELDS_BEFORE) | set(OBSERVATION_FIELDS_AFTER)
SERIES_SLUG_LENGTH = 40
# Fewer files than this are mapped in this process: starting another costs more than it saves.
FILES_FOR_A_SECOND_PROCESS = 32


@dataclass
class SharedIndicator:
    id: str
    source_indicator: str  # the Open SDG id
    series: str
    raw_unit: str
    unit: str  # unit id
    unit_label: str
    dimensions: set[str] = field(default_factory=set)
    decimals: int = 1
    has_data: bool = True
    varies: tuple[bool, bool] = (False, False)  # series, unit differ within the Open SDG indicator


@dataclass
class MappedFile:
    raw: DataFile
    observations: pd.DataFrame  # observation fields (dimension columns: only this file's), imported rows only
    dimension_labels: dict[str, str]  # dimension id → the column name in this file
    indicators: list[SharedIndicator]
    places: pd.DataFrame  # id, name, kind, parent: one row per place a row names, with repeats
    reconciliation: SourceFile


def map_files(files: list[DataFile], metadata: dict[str, dict], places: Places, today: date,
              taken: set[str]) -> list[MappedFile]:
    """`map_file` of each file, in order: in two processes where there are two cores and a process can be forked.

    Mapping a national repository is pandas' cost per call on each of its hundreds of small files (2.6 s of the UK's
    4.8 s import), on one core while the other idled. A forked process inherits the files rather than receiving them
    pickled, and sends each mapped file back without its raw file, which this process holds already.
    """
    workers = min(2, os.cpu_count() or 1)
    if workers < 2 or len(files) < FILES_FOR_A_SECOND_PROCESS or "fork" not in multiprocessing.get_all_start_methods():
        return [map_file(raw, metadata.get(raw.indicator, {}), places, today, taken) for raw in files]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_hold,
                             initargs=(files, metadata, places, today, taken)) as pool:
        mapped = list(pool.map(_map_held, range(len(files))))
    return [dataclasses.replace(file, raw=raw) for file, raw in zip(mapped, files)]


_held: tuple = ()  # in a mapping process: what `map_files` was given


def _hold(*given) -> None:
    global _held
    _held = given


def _map_held(number: int) -> MappedFile:
    files, metadata, places, today, taken = _held
    raw = files[number]
    return dataclasses.replace(map_file(raw, metadata.get(raw.indicator, {}), places, today, taken), raw=None)


def map_file(raw: DataFile, meta: dict, places: Places, today: date, taken: set[str]) -> MappedFile:
    """The file's rows as observations, and the rows that cannot be, each with its line and reason."""
    table, header = raw.table, raw.header
    reported: list[ReportedRow] = list(raw.reported)
    keep = pd.Series(True, index=table.index)
    lines = table["_line"]

    def report(mask: pd.Series, rule: str, reason, cells: pd.Series | None = None) -> None:
        """Report the rows of `mask` not reported yet: `reason` is text, or a function of the row's cell in `cells`."""
        nonlocal keep
        failing = mask & keep
        if not failing.any():
            return
        if cells is None:
            texts = [reason] * int(failing.sum())
        else:
            texts = [reason(cell) for cell in cells[failing]]
        reported.extend(ReportedRow(int(line), rule, text) for line, text in zip(lines[failing], texts))
        keep = keep & ~failing

    def column(names: tuple[str, ...]) -> pd.Series:
        found = columns_named(header, names)
        return table[found[0]] if found else pd.Series("", index=table.index, dtype=object)

    year, value_text = column(YEAR_COLUMNS), column(VALUE_COLUMNS)
    if not columns_named(header, YEAR_COLUMNS) or not columns_named(header, VALUE_COLUMNS):
        missing = "Year" if not columns_named(header, YEAR_COLUMNS) else "Value"
        report(keep, "unreadable-period" if missing == "Year" else "value-not-a-number",
               f"The file has no {missing} column.")

    # Periods: one parse per distinct label.
    parsed = {label: period_from_year(label) for label in pd.unique(year)}
    period = map_unique(year, lambda label: parsed[label][0] or "")
    period_note = map_unique(year, lambda label: parsed[label][1])
    period_rule = map_unique(year, lambda label: parsed[label][2])
    blank_value = value_text == ""
    report((period_rule == "no-data-placeholder") & blank_value, "no-data-placeholder",
           lambda label: f'A placeholder, not an observation: "{label}".', year)
    report(period == "", "unreadable-period", lambda label: parsed[label][3], year)

    # Values and statuses.
    number = pd.to_numeric(value_text.where(~blank_value, None), errors="coerce")
    not_number = ~blank_value & (number.isna() | ~np.isfinite(number.astype(float).fillna(0)))
    report(not_number, "value-not-a-number", lambda text: f'The value "{text}" is not a number.', value_text)
    status_text = column(STATUS_COLUMNS)
    statuses = {text: status_from_observation_status(text) for text in pd.unique(status_text)}
    flag = map_unique(status_text, lambda text: statuses[text][0])
    status_note = map_unique(status_text, lambda text: statuses[text][1])
    says_missing = map_unique(status_text, lambda text: statuses[text][2]).astype(bool)
    report(blank_value & ~says_missing, "blank-value", blank_value_reason, status_text)
    suppressed = blank_value & says_missing
    flag = flag.where(~suppressed, "suppressed")
    status_note = status_note.where(~suppressed, status_text)

    future = period.isin({label for label in pd.unique(period[keep])
                          if label and not parse_period(label).has_begun(today.year, today.month)})
    report(future, "future-period", lambda label: f"The period {label} has not begun yet: only periods that have "
                                                  "begun are published.", period)

    # Geography.
    named = columns_named(header, GEOGRAPHY_COLUMNS)
    geocode = column(GEOCODE_COLUMNS)
    name, kind, levels = finest_place(table, named)
    coded = (name == "") & (geocode != "")
    if coded.any():
        name = name.where(~coded, map_unique(geocode, lambda code: places.geocode_names.get(code, (code,))[0]))
        kind = kind.where(~coded, map_unique(geocode, lambda code: places.geocode_names.get(code, ("", ""))[1]))
    geography = map_unique(name, places.id_of)

    # Units and series.
    unit_text = units_of_rows(table, header)
    fallback = plain_text(meta.get("computation_units")) or NO_UNIT
    unit_text = unit_text.where(unit_text != "", fallback)
    multiplier = column(MULTIPLIER_COLUMNS)
    pair = unit_text + "\x1f" + multiplier
    unit_label = map_unique(pair, lambda key: unit_with_multiplier(*key.split("\x1f")))
    unit = map_unique(unit_label, unit_id_of)
    series = column(SERIES_COLUMNS)

    # Dimensions: every other column; two spellings of one name are one dimension.
    special = {*columns_named(header, YEAR_COLUMNS + VALUE_COLUMNS + UNIT_COLUMNS + MULTIPLIER_COLUMNS
                              + SERIES_COLUMNS + STATUS_COLUMNS + GEOCODE_COLUMNS), *named}
    dimensions: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    for name_in_file in header:
        if name_in_file in special:
            continue
        key = dimension_id(name_in_file)
        values = table[name_in_file]
        if key in dimensions:
            earlier = dimensions[key]
            report((earlier != "") & (values != "") & (earlier != values), "conflicting-columns",
                   f'The columns "{labels[key]}" and "{name_in_file}" are one dimension and give different values.')
            dimensions[key] = earlier.where(earlier != "", values)
        else:
            dimensions[key], labels[key] = values, name_in_file

    # Shared indicators: one per series and unit, in the order they first appear.
    combination = series + "\x1f" + unit
    combinations = list(pd.unique(combination[keep]))
    indicators = _shared_indicators(raw.indicator, combinations, unit_text, unit_label, combination, taken)
    ids = {key: indicator.id for key, indicator in zip(combinations, indicators)}
    indicator_column = map_unique(combination, ids.get)

    note = _join_notes(period_note, status_note)
    observations = pd.DataFrame({"indicator": indicator_column, "period": period, "geography": geography,
                                 **dimensions, "unit": unit, "value": _number_text(value_text, number),
                                 "status": flag, "note": note, "_line": lines})

    key_fields = ["indicator", "period", "geography", *dimensions]
    kept = observations[keep]
    repeated = kept.duplicated(key_fields, keep="first")
    if repeated.any():
        first = kept.groupby(key_fields, sort=False, dropna=False)["_line"].transform("first")
        report(repeated.reindex(keep.index, fill_value=False), "duplicate-observation",
               lambda line: f"The same indicator, period, geography and groups as line {int(line)}: only the first is "
                            "imported.", first.reindex(keep.index))

    observations = observations[keep]
    dimensions_used = {key for key in dimensions if (observations[key] != "").any()}
    observations = observations[[*OBSERVATION_FIELDS_BEFORE, *sorted(dimensions_used),
                                 "unit", "value", "status", "note"]]
    for indicator in indicators:
        rows = observations if len(indicators) == 1 else observations[observations["indicator"] == indicator.id]
        indicator.dimensions = {key for key in dimensions_used if (rows[key] != "").any()}
        indicator.decimals = _decimals(pd.to_numeric(rows["value"].where(rows["value"] != "", None),
                                                     errors="coerce"))
    reported.sort(key=lambda row: row.line)
    reconciliation = SourceFile(raw.shown, raw.rows_in_file, int(keep.sum()), reported)
    # Every place a kept row names, with the next coarser place it names: the geographies and their parents.
    place_frames = [pd.DataFrame({"id": map_unique(values, places.id_of), "name": values, "kind": label,
                                  "parent": map_unique(coarser, places.id_of)})[keep[values.index]]
                    for values, label, coarser in levels]
    if coded.any():
        place_frames.append(pd.DataFrame({"id": geography[coded], "name": name[coded], "kind": kind[coded],
                                          "parent": ""})[keep[coded]])
    places_named = pd.concat(place_frames, ignore_index=True) if place_frames else pd.DataFrame(
        columns=["id", "name", "kind", "parent"])
    return MappedFile(raw, observations, {key: labels[key] for key in dimensions_used}, indicators,
                      places_named, reconciliation)


def dimension_id(label: str) -> str:
    """A column name as a dimension id: snake_case, never an observation field's name."""
    key = slug(label, "_") or "dimension"
    if key[0].isdigit():
        key = "d_" + key
    return key + "_dimension" if key in RESERVED_NAMES else key


def _join_notes(*columns: pd.Series) -> pd.Series:
    joined = columns[0]
    for column in columns[1:]:
        both = (joined != "") & (column != "")
        joined = (joined + np.where(both, "; ", "") + column)
    return joined


def _shared_indicators(source_id: str, combinations: list[str], unit_text: pd.Series, unit_label: pd.Series,
                       combination: pd.Series, taken: set[str]) -> list[SharedIndicator]:
    """One shared indicator per series and unit; the first keeps the Open SDG id, the others add what differs.

    `taken` holds every id given so far and every Open SDG id, so that no two shared indicators share one.
    """
    if not combinations:
        return []
    parts = [key.split("\x1f") for key in combinations]
    series_vary = len({part[0] for part in parts}) > 1
    # A unit that follows from the series says nothing the series does not.
    units_of_series = Counter(part[0] for part in parts)
    units_vary = len({part[1] for part in parts}) > 1 and (not series_vary or max(units_of_series.values()) > 1)
    first = ~combination.duplicated()
    raw_units = dict(zip(combination[first], unit_text[first]))
    labels = dict(zip(combination[first], unit_label[first]))
    indicators = []
    for position, (series_name, unit_id) in enumerate(parts):
        if position == 0:
            identifier = source_id
        else:
            suffix = []
            if series_vary:
                suffix.append(_short_slug(series_name) or "total")
            if units_vary:
                suffix.append(slug(unit_id))
            identifier = "-".join([source_id, *suffix])
        candidate, number = identifier, 1
        while position and candidate in taken:
            number += 1
            candidate = f"{identifier}-{number}"
        taken.add(candidate)
        key = combinations[position]
        indicators.append(SharedIndicator(candidate, source_id, series_name, raw_units[key], unit_id, labels[key],
                                          varies=(series_vary, units_vary)))
    return indicators


def _short_slug(text: str) -> str:
    """The slug cut at a word, at most SERIES_SLUG_LENGTH characters."""
    whole = slug(text)
    if len(whole) <= SERIES_SLUG_LENGTH:
        return whole
    cut = whole[:SERIES_SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return cut if cut else whole[:SERIES_SLUG_LENGTH]


PLAIN_DECIMAL = re.compile(r"-?(\d+\.?\d*|\.\d+)", re.ASCII)


def _number_text(text: pd.Series, number: pd.Series) -> pd.Series:
    """The value as written when it is a plain decimal number, else the number in plain decimal notation."""
    plain = map_unique(text, lambda value: value == "" or PLAIN_DECIMAL.fullmatch(value) is not None).astype(bool)
    if plain.all():
        return text
    rewritten = number[~plain].map(lambda value: "" if pd.isna(value) else
                                   np.format_float_positional(float(value), trim="-"))
    return text.where(plain, rewritten)


def _decimals(numbers: pd.Series) -> int:
    """Decimals to show: as many as the values have (0 to 6), but no more than three significant digits of the
    typical value need, so 13.739383846794336 shows as 13.7 (the data keep every digit)."""
    values = numbers.dropna().unique().astype(float)
    if not len(values):
        return 1
    given = 6
    for decimals in range(7):
        if np.all(np.abs(np.round(values, decimals) - values) <= 1e-9 * np.maximum(1.0, np.abs(values))):
            given = decimals
            break
    typical = float(np.median(np.abs(values[values != 0]))) if np.any(values != 0) else 1.0
    readable = max(1, 2 - math.floor(math.log10(typical)))
    return int(min(given, readable, 6))

