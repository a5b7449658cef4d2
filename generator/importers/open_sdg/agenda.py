"""The agenda: the shared indicators of every file, with their titles, definitions and sources, and the goals,
units, dimensions, groups and geographies they use.

An Open SDG indicator with metadata but no imported rows keeps its id and is listed in indicators.csv, so the site
gives it a page that says no partner has published data for it yet.

Titles and definitions. Title: `indicator_name` when it is text rather than a translation key such as
`global_indicators.1-2-1-title`, else `graph_title`, else `indicator_available`, else "Indicator 1.2.1"; a series
of an indicator with several takes its title from `graph_titles` when that names it, else "<title>: <series>"
(the series alone when the metadata has no title), with the unit in brackets when units differ. Definition:
`indicator_definition`, `national_indicator_description`, `computation_definitions`, `indicator_available`, the
first that has text. Source: the organisations of the active sources, and the next release of the first when it
is known.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from generator.importers.open_sdg.geography import Places, geography_rows
from generator.importers.open_sdg.goals import goal_id, goal_rows
from generator.importers.open_sdg.mapping import MappedFile, SharedIndicator
from generator.importers.open_sdg.progress import apply_progress
from generator.importers.open_sdg.reconcile import MetadataNote
from generator.importers.open_sdg.text import fold, natural_key, plain_text
from generator.importers.open_sdg.units import NO_UNIT, unit_facts, unit_id_of, unit_row, units_of_rows

_NO_RELEASE = {"", "tbc", "tba", "n/a", "na", "none", "unknown", "discontinued"}


@dataclass
class AgendaIndicator:
    id: str
    goal: str
    title: str
    definition: str
    unit: str
    direction: str
    decimals: int
    dimensions: list[str]
    source: str
    baseline_period: str = ""
    target_value: float | None = None
    target_period: str = ""
    progress_series: str = ""
    limit: float | None = None
    next_update: str = ""
    has_data: bool = True


@dataclass
class ImportedAgenda:
    goals: list[dict]
    indicators: list[AgendaIndicator]
    units: list[dict]
    dimensions: list[dict]
    groups: list[dict]
    geographies: list[dict]
    area: str
    dimension_order: list[str]


def assemble_agenda(mapped: list[MappedFile], metadata: dict[str, dict], metadata_files: dict[str, str],
                    places: Places, notes: list[MetadataNote]) -> ImportedAgenda:
    """The agenda's tables from every mapped file and the metadata; what the metadata does not say goes to
    `notes`."""
    dimension_order, dimension_rows, group_rows = _dimensions(mapped)
    units = unit_facts(mapped)
    indicators: list[AgendaIndicator] = []
    with_data = {file.raw.indicator for file in mapped if file.indicators}
    by_source: dict[str, list[SharedIndicator]] = {}
    for file in mapped:
        by_source.setdefault(file.raw.indicator, []).extend(file.indicators)
    for source_id in sorted(set(metadata) | {file.raw.indicator for file in mapped}, key=natural_key):
        meta = metadata.get(source_id, {})
        shared = by_source.get(source_id) or [_metadata_only(source_id, meta, mapped)]
        where = metadata_files.get(source_id, f"data/indicator_{source_id}.csv")
        if source_id not in metadata:
            notes.append(MetadataNote(f"data/indicator_{source_id}.csv", "missing-metadata",
                                      f"Indicator {source_id} has data but no metadata: its title and definition "
                                      "are placeholders."))
        for item in shared:
            indicators.append(_agenda_indicator(item, meta, dimension_order, where, notes, places))
        if source_id not in with_data:
            units.setdefault(shared[0].unit, {"labels": Counter({shared[0].unit_label: 1}), "values": []})
    goals = goal_rows({indicator.goal for indicator in indicators}, metadata)
    geographies = geography_rows([file.places for file in mapped], places)
    unit_rows = [unit_row(unit_id, facts) for unit_id, facts in sorted(units.items())]
    return ImportedAgenda(goals, indicators, unit_rows, dimension_rows, group_rows, geographies, places.area_id,
                          dimension_order)


def _metadata_only(source_id: str, meta: dict, mapped: list[MappedFile]) -> SharedIndicator:
    label = plain_text(meta.get("computation_units")) or NO_UNIT
    raw = next((file.raw for file in mapped if file.raw.indicator == source_id), None)
    if raw is not None and NO_UNIT == label and not raw.table.empty:
        units = units_of_rows(raw.table, raw.header)
        label = next((text for text in units if text), NO_UNIT)
    return SharedIndicator(source_id, source_id, "", label, unit_id_of(label), label, has_data=False)


def _dimensions(mapped: list[MappedFile]) -> tuple[list[str], list[dict], list[dict]]:
    files_using: Counter = Counter()
    spellings: dict[str, Counter] = {}
    groups: dict[str, dict[str, None]] = {}
    for file in mapped:
        for key, label in file.dimension_labels.items():
            files_using[key] += 1
            spellings.setdefault(key, Counter())[label] += len(file.observations)
            bucket = groups.setdefault(key, {})
            for value in pd.unique(file.observations[key]):
                if value:
                    bucket.setdefault(value, None)
    order = sorted(files_using, key=lambda key: (-files_using[key], key))
    rows = []
    for key in order:
        label = sorted(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0][0]
        rows.append({"id": key, "label": label,
                     "description": f'The Open SDG column "{label}". Blank means all groups together.',
                     "reference_group": ""})
    group_rows = [{"dimension": key, "group": group} for key in order for group in groups[key]]
    return order, rows, group_rows


def _agenda_indicator(item: SharedIndicator, meta: dict, dimension_order: list[str], where: str,
                      notes: list[MetadataNote], places: Places) -> AgendaIndicator:
    goal = goal_id(item.source_indicator)
    title = _title(item, meta)
    definition = next((text for text in (plain_text(meta.get(key)) for key in (
        "indicator_definition", "national_indicator_description", "computation_definitions",
        "indicator_available")) if text), "") or f"{title}. The source gives no definition."
    indicator = AgendaIndicator(
        id=item.id, goal=goal, title=title, definition=definition, unit=item.unit, direction="increase",
        decimals=item.decimals, dimensions=[key for key in dimension_order if key in item.dimensions],
        source=_source_text(meta), next_update=_next_update(meta), has_data=item.has_data,
    )
    apply_progress(indicator, item, meta, where, notes, places)
    return indicator


def _title(item: SharedIndicator, meta: dict) -> str:
    name = plain_text(meta.get("indicator_name"))
    if re.fullmatch(r"[\w-]+(\.[\w-]+)+", name):  # a translation key, such as global_indicators.1-2-1-title
        name = ""
    base = name or plain_text(meta.get("graph_title")) or plain_text(meta.get("indicator_available"))
    series_vary, units_vary = item.varies
    untitled = not base
    if untitled and item.series:
        series_vary = True  # without a title of its own, the series names the indicator
    base = base or "Indicator " + item.source_indicator.replace("-", ".")
    if not (series_vary or units_vary):
        return base
    for entry in meta.get("graph_titles") or []:
        if not isinstance(entry, dict) or not plain_text(entry.get("title")) or not ("series" in entry or
                                                                                   "unit" in entry):
            continue
        series_match = "series" not in entry or fold(str(entry["series"])) == fold(item.series)
        unit_match = "unit" not in entry or fold(str(entry["unit"])) in (fold(item.raw_unit), fold(item.unit_label))
        if series_match and unit_match:
            title = plain_text(entry["title"])
            return _with_unit(title, item.unit_label) if units_vary and "unit" not in entry else title
    if series_vary and item.series:
        base = plain_text(item.series) if untitled else f"{base}: {plain_text(item.series)}"
    return _with_unit(base, item.unit_label) if units_vary else base


def _with_unit(title: str, unit_label: str) -> str:
    return title if unit_label.casefold() in title.casefold() else f"{title} ({unit_label})"


def _source_text(meta: dict) -> str:
    names = []
    for number in range(1, 100):
        if f"source_organisation_{number}" not in meta and f"source_active_{number}" not in meta:
            if number > 12:
                break
            continue
        if meta.get(f"source_active_{number}") is False:
            continue
        name = plain_text(meta.get(f"source_organisation_{number}"))
        if name and name not in names:
            names.append(name)
    for entry in meta.get("sources") or []:
        name = plain_text(entry.get("organisation")) if isinstance(entry, dict) else ""
        if name and name not in names:
            names.append(name)
    return "; ".join(names)


def _next_update(meta: dict) -> str:
    for number in range(1, 13):
        if meta.get(f"source_active_{number}") is False or f"source_organisation_{number}" not in meta:
            continue
        release = plain_text(meta.get(f"source_next_release_{number}"))
        return "" if release.casefold().rstrip(".") in _NO_RELEASE else release
    return ""

