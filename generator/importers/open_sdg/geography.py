"""Geography: the place each row names, and the geographies of the agenda with their parents.

`Country`, `Region`, `Sub-national area`, `Local authority`, `Welsh Unitary Authority`, `Scottish Council Area`,
`Health board`, `City` and `Geography (HydroBASINs ID)` name places, coarse to fine: a row's geography is the
finest one it names, and its parent the next coarser one it names (the most common parent wins). A row with only a
`GeoCode` takes the name that code has elsewhere in the repository. Geography ids are slugs of the names, so one
name is one geography whatever column it came from; its GeoCode is kept as its `code` in geographies.csv, by which
the platform's own boundary file (its features' `id` or `properties.geocode`) finds it for the maps. A row that names no place is the reporting area, a top-level
geography (`united-kingdom`) named by the `area` argument or else by the most common
`national_geographical_coverage` in the metadata; the headline series is the area's total.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from generator.importers.open_sdg.data_files import GEOCODE_COLUMNS, GEOGRAPHY_COLUMNS, DataFile, columns_named
from generator.importers.open_sdg.text import fold, slug

class Places:
    """The reporting area, and the names GeoCodes have wherever a row gives both."""

    def __init__(self, area_name: str, geocode_names: dict[str, tuple[str, str]]):
        self.area_name = area_name
        self.area_id = slug(area_name) or "area"
        self.geocode_names = geocode_names

    def id_of(self, name: str) -> str:
        return slug(name) or self.area_id if name else self.area_id

    def codes_by_id(self) -> dict[str, str]:
        """Geography id → its GeoCode: the first in order of the codes given beside its name anywhere."""
        codes: dict[str, str] = {}
        for code, (name, _) in sorted(self.geocode_names.items()):
            codes.setdefault(self.id_of(name), code)
        return codes


def geocode_names(raw_files: list[DataFile]) -> dict[str, tuple[str, str]]:
    """GeoCode → (name, kind), the most common finest name given beside it anywhere."""
    pairs: Counter = Counter()
    for raw in raw_files:
        geocode = columns_named(raw.header, GEOCODE_COLUMNS)
        named = columns_named(raw.header, GEOGRAPHY_COLUMNS)
        if not geocode or not named or raw.table.empty:
            continue
        name, kind = finest_place(raw.table, named)[:2]
        frame = pd.DataFrame({"code": raw.table[geocode[0]], "name": name, "kind": kind})
        frame = frame[(frame["code"] != "") & (frame["name"] != "")]
        pairs.update(frame.value_counts().to_dict())
    best: dict[str, tuple[int, str, str]] = {}
    for (code, name, kind), count in sorted(pairs.items()):
        if code not in best or count > best[code][0]:
            best[code] = (count, name, kind)
    return {code: (name, kind) for code, (_, name, kind) in best.items()}


def finest_place(table: pd.DataFrame, named: list[str]) -> tuple[pd.Series, pd.Series, list]:
    """Per row, the finest place named and its kind; and per place column, its places, its kind and the next
    coarser place each row names beside it (blank: none)."""
    name = pd.Series("", index=table.index, dtype=object)
    kind = name.copy()
    levels = []
    for column in named:  # coarse to fine
        filled = table[column] != ""
        label = fold(column)
        levels.append((table.loc[filled, column], label, name[filled]))
        name = name.where(~filled, table[column])
        kind = kind.where(~filled, label)
    return name, kind, levels


def geography_rows(named_places: list[pd.DataFrame], places: Places) -> list[dict]:
    """geographies.csv: the reporting area, then every place the rows name, coarse to fine, each with its
    parent."""
    frames = [frame for frame in named_places if not frame.empty]
    code_of = places.codes_by_id()
    rows = [{"id": places.area_id, "name": places.area_name, "kind": "reporting area", "parent": "",
             "code": code_of.get(places.area_id, "")}]
    if not frames:
        return rows
    named = pd.concat(frames, ignore_index=True)
    named = named[named["id"] != places.area_id]
    if named.empty:
        return rows
    rank = {kind: position for position, kind in enumerate(GEOGRAPHY_COLUMNS)}
    best_name = _most_common(named, "name")
    best_kind = _most_common(named, "kind")
    parents = named[(named["parent"] != "") & (named["parent"] != named["id"])]
    best_parent = _most_common(parents, "parent") if not parents.empty else {}
    parent_of = {key: best_parent.get(key, places.area_id) for key in best_name}
    for key in parent_of:  # a parent that leads back to the place itself is the area instead
        seen, walker = {key}, parent_of[key]
        while walker in parent_of and walker not in seen:
            seen.add(walker)
            walker = parent_of[walker]
        if walker in seen:
            parent_of[key] = places.area_id
    for key in parent_of:
        if parent_of[key] not in parent_of:
            parent_of[key] = places.area_id
    ordered = sorted(best_name, key=lambda key: (rank.get(best_kind[key], len(rank)), best_name[key].casefold(),
                                                 key))
    # A GeoCode no row names is its place's name as well (mapping.map_file), and the only place without a kind.
    rows += [{"id": key, "name": best_name[key], "kind": best_kind[key], "parent": parent_of[key],
              "code": code_of.get(key) or (best_name[key] if not best_kind[key] else "")} for key in ordered]
    return rows


def _most_common(frame: pd.DataFrame, column: str) -> dict[str, str]:
    counts = frame.groupby(["id", column], sort=True).size().reset_index(name="count")
    counts = counts.sort_values(["id", "count", column], ascending=[True, False, True], kind="stable")
    return dict(counts.drop_duplicates("id")[["id", column]].itertuples(index=False, name=None))

