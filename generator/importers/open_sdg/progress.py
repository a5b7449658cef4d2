"""Progress settings: Open SDG's `progress_calculation_options` as each shared indicator's direction, baseline,
target, limit and counted series.

The options (from the metadata or indicator-config; nested `group`s are flattened) are matched to shared
indicators by their `series` and `unit` (an entry without one matches every series or unit). Open SDG's defaults
apply to a matched entry: direction `negative` → decrease, `positive` → increase (default decrease), `base_year` →
baseline_period (default 2015), `target` with `target_year` (default 2030) → target, `limit` → limit. A
`disaggregation` on a dimension counts that dimension's groups towards the status (this project averages all its
groups, where Open SDG took one; noted); on the reporting area it means the headline. A shared indicator without
settings gets no progress status (progress_series `none`), as Open SDG computes none without them; its direction
stays "increase" for the charts, and a note says so.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from generator.importers.open_sdg.data_files import GEOCODE_COLUMNS, GEOGRAPHY_COLUMNS
from generator.importers.open_sdg.geography import Places
from generator.importers.open_sdg.mapping import SharedIndicator, dimension_id
from generator.importers.open_sdg.reconcile import MetadataNote
from generator.importers.open_sdg.text import fold
from generator.load.agenda import NO_PROGRESS

if TYPE_CHECKING:
    from generator.importers.open_sdg.agenda import AgendaIndicator


def _progress_entries(meta: dict) -> list[dict]:
    options = meta.get("progress_calculation_options")
    entries: list[dict] = []

    def flatten(items) -> None:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("group"), list):
                flatten(item["group"])
            elif isinstance(item, dict):
                entries.append(item)

    flatten(options)
    if not entries and meta.get("auto_progress_calculation") is True:
        entries.append({})  # Open SDG then measures the headline with its defaults
    return entries


def apply_progress(indicator: AgendaIndicator, item: SharedIndicator, meta: dict, where: str,
                   notes: list[MetadataNote], places: Places) -> None:
    """Direction, baseline, target, limit and counted series from Open SDG's progress settings."""
    entries = [entry for entry in _progress_entries(meta) if _progress_matches(entry, item)]
    if not entries:
        # Open SDG computes no status without progress settings: neither does the imported site.
        indicator.progress_series = NO_PROGRESS
        notes.append(MetadataNote(where, "no-progress-settings", f'{indicator.id}: no progress settings, so, as on '
                                  "Open SDG, no progress status; to assess it, set direction (and a target) in "
                                  "indicators.csv and progress_series to total."))
        return
    entry = entries[0]
    if len(entries) > 1 and any(_progress_settings(other) != _progress_settings(entry) for other in entries[1:]):
        notes.append(MetadataNote(where, "progress-settings-differ", f"{indicator.id}: several progress settings "
                                  "match this series with different directions, targets or limits; the first is used."))
    direction = str(entry.get("direction", "negative")).strip().casefold()
    indicator.direction = "increase" if direction == "positive" else "decrease"
    if "direction" not in entry:
        notes.append(MetadataNote(where, "default-direction", f'{indicator.id}: the progress settings give no '
                                  'direction; Open SDG\'s default (negative) makes it "decrease".'))
    indicator.baseline_period = _year_text(entry.get("base_year"), 2015)
    target = _number(entry.get("target"))
    if target is not None:
        indicator.target_value = target
        indicator.target_period = _year_text(entry.get("target_year"), 2030)
    limit = _number(entry.get("limit"))
    if limit is not None:
        indicator.limit = limit
    selectors: list[str] = []
    for candidate in entries:
        chosen = "total"
        for disaggregation in candidate.get("disaggregation") or []:
            if not isinstance(disaggregation, dict):
                continue
            field_name = str(disaggregation.get("field", ""))
            group = str(disaggregation.get("value", ""))
            if fold(field_name) in GEOGRAPHY_COLUMNS + GEOCODE_COLUMNS:
                if places.id_of(group) != places.area_id:
                    notes.append(MetadataNote(where, "progress-series-approximated", f"{indicator.id}: Open SDG "
                                              f"measured progress in {group}; the agenda measures the headline."))
                continue
            key = dimension_id(field_name)
            if key in indicator.dimensions and re.fullmatch(r"[a-z_]+", key):
                chosen = key
                notes.append(MetadataNote(where, "progress-series-approximated", f'{indicator.id}: Open SDG '
                                          f'measured progress for "{group}" only; the agenda averages every group of '
                                          f"{key}."))
            else:
                notes.append(MetadataNote(where, "progress-series-approximated", f'{indicator.id}: the progress '
                                          f'settings select "{field_name}", which is not a dimension of this '
                                          "indicator; the headline is used."))
        if chosen not in selectors:
            selectors.append(chosen)
    indicator.progress_series = "" if selectors == ["total"] else " ".join(selectors)


def _progress_matches(entry: dict, item: SharedIndicator) -> bool:
    series = entry.get("series")
    unit = entry.get("unit")
    series_ok = series is None or fold(str(series)) == fold(item.series)
    unit_ok = unit is None or fold(str(unit)) in (fold(item.raw_unit), fold(item.unit_label), item.unit)
    return series_ok and unit_ok


def _progress_settings(entry: dict) -> tuple:
    return tuple(entry.get(key) for key in ("direction", "target", "target_year", "limit", "base_year"))


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _year_text(value, default: int) -> str:
    number = _number(value)
    return str(int(number)) if number is not None and 1000 <= number <= 9999 else str(default)
