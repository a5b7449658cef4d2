"""Open data: every published number as CSV and JSON, each partner package as a zip, and one data package.

Everything is returned as bytes keyed by its path under /data/, so writing them is the site's job and a
rebuild from the same inputs gives the same bytes.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import fields, is_dataclass
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import yaml

from generator import __version__
from generator.load.activities import ACTIVITY_FIELDS, activities_of, activity_schema
from generator.publish.languages import N_
from generator.load.agenda import Agenda
from generator.publish.csvfiles import cells, iter_rows, join_rows
from generator.publish.jsonfiles import LAST_LIST_CLOSED, json_cells, last_list_opened, with_records
from generator.compute.observations import IndicatorRows
from generator.load.packages import PartnerPackage
from generator.compute.trends.series import SeriesTrend, Trends, record_column

AGENDA_TABLES = ("goals", "indicators", "units", "dimensions", "groups", "geographies")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Indented to stay readable, keys in the order written; orjson writes a missing number (NaN) as null.
_JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_APPEND_NEWLINE


def iter_downloads(observations: IndicatorRows, trends: Trends, agenda: Agenda, packages: tuple[PartnerPackage, ...],
                   zipped: dict[str, bytes] | None = None) -> Iterator[tuple[str, bytes | Iterator[bytes | memoryview]]]:
    """(path under /data/, content) of each file, one at a time, the largest as pieces to write one after another:
    a national initiative's downloads are gigabytes, so the build writes each as it comes rather than holding them
    all. `zipped`: packages' zips made already (`zipped_package`), by slug."""
    table = observations.table
    published = [name for name in table.columns if name != "time"]
    # Each column's cells are made once for the whole table, then each file takes its rows: the data package's
    # file keeps every text exact, the per-indicator files are for spreadsheets.
    exact = {name: cells(table[name]) for name in published}
    yield "observations.csv", iter_rows(published, [exact[name] for name in published])
    # A number is written the same in both.
    safe = {name: exact[name] if pd.api.types.is_numeric_dtype(table[name].dtype)
            else cells(table[name], text=formula_safe) for name in published}
    del exact
    records = {name: json_cells(table[name]) for name in published}
    directions = {indicator.id: indicator.direction for indicator in agenda.indicators}
    trend_records = {indicator.id: _indicator_trend_record(trends.indicators[indicator.id])
                     for indicator in agenda.indicators}
    dimensions = set(agenda.dimension_ids)
    no_rows = np.zeros(0, dtype=np.int64)
    for indicator in agenda.indicators:
        positions = observations.positions.get(indicator.id, no_rows)
        # Only the dimensions the indicator has: a national agenda's 173 blank columns on every row made these
        # files 871 MB of the UK site's 1.0 GB.
        own = set(trends.dimensions_used.get(indicator.id, ()))
        columns = [name for name in published if name not in dimensions or name in own]
        yield f"indicators/{indicator.id}.csv", join_rows(columns, [safe[name] for name in columns], positions)
        yield f"indicators/{indicator.id}.json", with_records(_json({
            "indicator": _indicator_record(indicator),
            **trend_records[indicator.id],
            "series": [trend.to_dict(indicator.direction) for trend in trends.series_of(indicator.id)],
            "observations": [],
        }), columns, [records[name] for name in columns], positions)
    del safe, records  # every observation's cells, a few hundred megabytes at national scale
    yield "trends.json", _json_pieces({
        "generator": {"name": "collective-indicators", "version": __version__},
        "method": "Progress status by compound annual growth (Statistics Canada; Open SDG 2.4.0); see /methodology/.",
        "indicators": [
            {**_indicator_record(indicator), **trend_records[indicator.id]} for indicator in agenda.indicators
        ],
    }, "series", (trend.to_dict(directions[trend.indicator]) for trend in trends.series))
    yield "trends.csv", _trends_csv(trends.series, directions, agenda)
    yield "activities.csv", activities_csv(packages)
    for name in AGENDA_TABLES:
        yield f"agenda/{name}.csv", (agenda.folder / f"{name}.csv").read_bytes()
    for package in packages:
        yield f"{package.slug}.zip", (zipped or {}).get(package.slug) or zipped_package(package.folder)
    yield "datapackage.json", _json(data_package(agenda, packages))
    yield "CITATION.cff", citation_cff(agenda, packages)


def activities_csv(packages: tuple[PartnerPackage, ...]) -> bytes:
    """Every partner's activities (load/activities.py), earliest first, each with its partner: one file."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["partner", *ACTIVITY_FIELDS], lineterminator="\n")
    writer.writeheader()
    writer.writerows(activity.record() for activity in activities_of(packages))
    return buffer.getvalue().encode("utf-8")


# Files of /data/ outside the data package, with what the data page says of them.
OTHER_DOWNLOADS = {"CITATION.cff": N_("How to cite these data, in the Citation File Format (CFF 1.2.0)")}


def data_licence(agenda: Agenda) -> str:
    """The licence of the site's data as an SPDX id: the initiative's `data_licence`, or the agenda's first licence."""
    if agenda.initiative.data_licence:
        return agenda.initiative.data_licence
    return agenda.licences[0].short_name if agenda.licences else ""


def release_date(packages: tuple[PartnerPackage, ...]) -> str:
    """The newest package's `created` day: the data's release date, so that a rebuild gives the same files."""
    days = sorted(package.created[:10] for package in packages if len(package.created) >= 10
                  and package.created[:4].isdigit())
    return days[-1] if days else ""


def citation_cff(agenda: Agenda, packages: tuple[PartnerPackage, ...]) -> bytes:
    """CITATION.cff (CFF 1.2.0) for the site's data: the backbone and every partner are its authors."""
    name = agenda.display_name
    authors = [{"name": name}]
    authors += [{"name": package.title} for package in packages]
    citation = {
        "cff-version": "1.2.0",
        "message": "If you use these data, please cite them as below.",
        "type": "dataset",
        "title": f"{name}: shared indicators data",
        "authors": authors,
        "abstract": agenda.description or None,
        "version": agenda.version or None,
        "date-released": release_date(packages) or None,
        "license": data_licence(agenda) or None,
        "keywords": ["collective impact", "shared measurement", "open data"],
    }
    if agenda.initiative.contact:
        citation["contact"] = [{"name": agenda.initiative.backbone or name, "email": agenda.initiative.contact}]
    text = yaml.safe_dump({key: value for key, value in citation.items() if value is not None},
                          sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


def _indicator_record(indicator) -> dict:
    return {
        "id": indicator.id, "goal": indicator.goal, "title": indicator.title, "unit": indicator.unit,
        "direction": indicator.direction, "decimals": indicator.decimals,
        "baseline_period": indicator.baseline_period, "target_value": indicator.target_value,
        "target_period": indicator.target_period, "steward": indicator.steward,
        "progress_series": list(indicator.progress_series), "limit": indicator.limit,
        "next_update": indicator.next_update,
    }


def _indicator_trend_record(summary) -> dict:
    """The indicator's verdict and everything it was computed from, so that a reader can recompute it."""
    return {
        "status": summary.status,
        "status_words": summary.words,
        "score": summary.score,
        "counted": [{"label": part.label, "score": part.score,
                     "series": [{"geography": trend.geography, "groups": dict(trend.groups),
                                 "score": trend.progress.score, "status": trend.status} for trend in part.series]}
                    for part in summary.counted],
        "thresholds_override": _plain(summary.thresholds) if summary.thresholds else None,
        "equity_gaps": {dimension: _plain(gaps) for dimension, gaps in summary.gaps.items()},
    }


def _plain(value):
    """A dataclass as nested dicts and lists, as `asdict` gives it but without its deep copy of every value."""
    if is_dataclass(value):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(kind))


def _trends_csv(series: tuple[SeriesTrend, ...], directions: dict[str, str],
                agenda: Agenda) -> Iterator[bytes | memoryview]:
    """A row per series, made a column at a time from the series and written a block of rows at a time: neither a
    record per series nor the whole table is ever held."""
    columns = [cells(pd.Series(record_column(series, name, directions))) for name in ("indicator", "geography")]
    columns += [cells(groups) for groups in _groups_by_dimension(series, agenda.dimension_ids)]
    # pandas chooses each field's type (a number with None is a float, …) as for any table of records.
    columns += [cells(pd.Series(record_column(series, name, directions))) for name in TREND_FIELDS]
    return iter_rows(["indicator", "geography", *agenda.dimension_ids, *TREND_FIELDS], columns)


def _groups_by_dimension(series: tuple[SeriesTrend, ...], dimensions: tuple[str, ...]) -> list[pd.Series]:
    """Each series' group in each dimension, blank where it has none: most series have a group in one or two."""
    codes = {dimension: np.zeros(len(series), dtype=np.int32) for dimension in dimensions}
    groups: dict[str, dict[str, int]] = {dimension: {"": 0} for dimension in dimensions}
    for row, trend in enumerate(series):
        for dimension, group in trend.groups:
            if dimension in codes:
                codes[dimension][row] = groups[dimension].setdefault(group, len(groups[dimension]))
    return [pd.Series(pd.Categorical.from_codes(codes[dimension], list(groups[dimension])))
            for dimension in dimensions]


# The columns of trends.csv after the series key, in order, with their Table Schema types.
TREND_FIELD_TYPES = {
    "headline": "boolean", "periods_with_value": "integer", "first_period": "string", "last_period": "string",
    "last_value": "number", "latest_flag": "string", "break_period": "string", "status": "string", "status_words": "string",
    "base_period": "string", "base_value": "number", "latest_period": "string", "latest_value": "number",
    "change": "number", "relative_change": "number", "movement": "string", "has_target": "boolean",
    "growth_observed": "number", "growth_required": "number", "progress_value": "number", "score": "number",
    "limit_adjustment": "number", "reason": "string",
    "trend_periods": "integer", "trend_s": "number", "trend_variance": "number", "trend_z": "number",
    "trend_p_value": "number", "trend_slope_per_year": "number", "trend_confidence": "number",
    "trend_trend": "string", "trend_verdict": "string",
}
TREND_FIELDS = tuple(TREND_FIELD_TYPES)
TREND_FIELD_DESCRIPTIONS = {
    "indicator": "The indicator's id (agenda/indicators.csv).",
    "geography": "The geography's id (agenda/geographies.csv).",
    "headline": "True for the headline series: the total for the initiative's area.",
    "periods_with_value": "How many periods have a value.",
    "first_period": "The first period given.",
    "last_period": "The latest period given, even when its value is suppressed.",
    "last_value": "The latest value given.",
    "latest_flag": "The status flag of the latest value (provisional, estimated, …); blank when final.",
    "break_period": "Where a break in series moved the base period to; blank without a break.",
    "status": "The progress status code (see /methodology/).",
    "status_words": "The progress status in words.",
    "base_period": "The base period the progress is measured from.",
    "base_value": "The value in the base period.",
    "latest_period": "The latest period with a value.",
    "latest_value": "The value in the latest period.",
    "change": "Latest minus base value, in the indicator's unit.",
    "relative_change": "The change divided by the base value.",
    "movement": "up, down or flat, after rounding to the indicator's decimals.",
    "has_target": "True when the indicator has a target.",
    "growth_observed": "Compound annual growth from base to latest.",
    "growth_required": "Compound annual growth from base that reaches the target in time.",
    "progress_value": "The progress value P compared with the thresholds (given too when the target is met).",
    "score": "The score from -5 to 5.",
    "limit_adjustment": "The natural-limit factor C, when a limit applies.",
    "reason": "Why there is no status, in words.",
    "trend_periods": "Periods in the Mann-Kendall test.",
    "trend_s": "The Mann-Kendall statistic S.",
    "trend_variance": "The variance of S, corrected for ties.",
    "trend_z": "The standardised statistic Z.",
    "trend_p_value": "The two-sided p-value.",
    "trend_slope_per_year": "Sen's slope, per year.",
    "trend_confidence": "The confidence level of the test.",
    "trend_trend": "The direction of the Mann-Kendall trend, if significant, or why there is none.",
    "trend_verdict": "The statistical trend in the desired direction, in words.",
}


def data_package(agenda: Agenda, packages: tuple[PartnerPackage, ...]) -> dict:
    """The descriptor of /data/datapackage.json; the data page reads its schemas too, so both always agree."""
    observation_schema = dict(agenda.observation_schema)
    observation_schema["fields"] = [
        {"name": "partner", "type": "string", "title": "Partner", "description": "The partner package it came from."},
        *agenda.observation_schema["fields"],
    ]
    observation_schema.pop("fieldsMatch", None)
    agenda_descriptor = json.loads((agenda.folder / "datapackage.json").read_text(encoding="utf-8"))
    agenda_resources = []
    for resource in agenda_descriptor["resources"]:
        if resource["name"] in AGENDA_TABLES:
            agenda_resources.append({**resource, "path": f"agenda/{resource['name']}.csv"})
    trend_fields = [{"name": "indicator", "type": "string", "description": TREND_FIELD_DESCRIPTIONS["indicator"]},
                    {"name": "geography", "type": "string", "description": TREND_FIELD_DESCRIPTIONS["geography"]},
                    *({"name": dimension.id, "type": "string",
                       "description": f"The {dimension.label.lower()} group; blank for all groups."}
                      for dimension in agenda.dimensions),
                    *({"name": name, "type": kind, "description": TREND_FIELD_DESCRIPTIONS.get(name, "")}
                      for name, kind in TREND_FIELD_TYPES.items())]
    activities_schema = activity_schema()
    activities_schema["fields"] = [
        {"name": "partner", "type": "string", "title": "Partner", "description": "The partner package it came from."},
        *activities_schema["fields"],
    ]
    activities_schema.pop("fieldsMatch", None)
    for described in activities_schema["fields"]:
        # Unique in one partner's file, not across partners.
        described.get("constraints", {}).pop("unique", None)
    return {
        "name": f"{agenda.name}-data",
        "title": f"{agenda.display_name}: all published data",
        "description": agenda.description,
        "version": agenda.version,
        "licenses": [licence.to_descriptor() for licence in agenda.licences],
        "sources": [{"title": package.title, "path": f"{package.slug}.zip"} for package in packages],
        "resources": [
            {"name": "observations", "path": "observations.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8", "schema": observation_schema,
             "description": "Every observation of every partner package, one row each."},
            {"name": "trends", "path": "trends.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "schema": {"fields": trend_fields, "missingValues": [""]},
             "description": "The computed trend of every series; trends.json holds the same as JSON."},
            {"name": "activities", "path": "activities.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8", "schema": activities_schema,
             "description": "The partners' mutually reinforcing activities: what each does, when, toward which "
                            "goals and shared indicators."},
            *agenda_resources,
        ],
    }


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """The text, prefixed with an apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _json(value) -> bytes:
    return orjson.dumps(value, option=_JSON_OPTIONS)


def _json_pieces(value: dict, key: str, items: Iterable) -> Iterator[bytes]:
    """`_json({**value, key: list(items)})` a piece at a time, the items one by one, each made only when written:
    trends.json holds every series of a national initiative, hundreds of megabytes of JSON."""
    head = _json({**value, key: []})
    opened = last_list_opened(head)
    number = -1
    for number, item in enumerate(items):
        if number == 0:
            yield opened
        text = orjson.dumps(item, option=_JSON_OPTIONS & ~orjson.OPT_APPEND_NEWLINE)
        # An item of the list is two levels in; JSON text holds no line end but those indentation makes.
        yield (b"\n    " if number == 0 else b",\n    ") + text.replace(b"\n", b"\n    ")
    yield head if number < 0 else LAST_LIST_CLOSED


def zipped_package(folder: Path) -> bytes:
    """The package exactly as submitted, with fixed timestamps so that the same files give the same zip.

    zlib compresses and checksums without holding Python's lock, so a build zips the packages in a thread while it
    validates them: a national initiative's took seconds of a core that validation leaves idle.
    """
    slug = folder.name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_symlink() or not path.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            info = zipfile.ZipInfo(f"{slug}/{relative.as_posix()}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
