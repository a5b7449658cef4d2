"""Import an Open SDG data repository: its indicators become the common agenda, its data one partner package.

An Open SDG data repository (https://open-sdg.org) keeps one CSV per indicator in `data/indicator_<id>.csv`
(`Year`, disaggregation columns, `Units`, `Series`, `GeoCode`, `Observation status`, …, `Value`), the indicator's
metadata as YAML in `meta/<id>.md` (front matter) or `meta/<id>.yml`, and per-indicator settings in
`indicator-config/<id>.yml`, which override the metadata. `import_open_sdg` reads that layout and writes
`datapackages/common-agenda/` and `datapackages/<partner>/` in this project's layout. Nothing is lost silently:
every record of every data file is either imported or reported with its line and the reason
(`ImportResult.files`), and what the metadata could not say is listed in `ImportResult.notes`.

How Open SDG's model maps onto this one
---------------------------------------

Shared indicators. One shared indicator per Open SDG indicator, series and unit. Open SDG shows each series and
each unit as a chart of its own, and its progress settings select a series and a unit, so together they are what
this project calls an indicator (one unit, one direction, one target). The first combination in the file keeps
the indicator's own id (`1-2-1`); the others add the part that differs, as slugs: `1-2-1-number` (another unit),
`3-3-3-number-of-cases` (another series, cut at a word within 40 characters), both when the unit does not follow
from the series, and `-2`, `-3` … if an id would still be taken. An indicator with metadata but no imported rows
keeps its id and is listed in indicators.csv, so the site gives it a page that says no partner has published data
for it yet. `decimals` is what the values need (0 to 6), at most what three significant digits of the typical
value need: the data keep every digit, the site shows 13.7 rather than 13.739383846794336.

Goals. The number before the first hyphen: `1-2-1` belongs to goal `1`. Titles are the UN's short goal names
("Goal 1: No poverty", summary "End poverty in all its forms everywhere") unless the metadata gives
`goal_name`/`goal_title` as text; an id outside 1–17 gets "Goal <id>".

Titles and definitions. Title: `indicator_name` when it is text rather than a translation key such as
`global_indicators.1-2-1-title`, else `graph_title`, else `indicator_available`, else "Indicator 1.2.1"; a series
of an indicator with several takes its title from `graph_titles` when that names it, else "<title>: <series>"
(the series alone when the metadata has no title), with the unit in brackets when units differ. Definition:
`indicator_definition`, `national_indicator_description`, `computation_definitions`, `indicator_available`, the
first that has text. HTML becomes plain text on one line (tags removed, entities decoded, a link kept as
"text (url)"), and so does Markdown link and emphasis syntax: no markup reaches the agenda. Source: the
organisations of the active sources, and the next release of the first when it is known.

Units. The unit column is `Units`, else `Unit measure` (when both exist and `Unit measure` says more than `Units`,
the label is "Units (Unit measure)"); a blank unit takes the metadata's `computation_units`. `Unit multiplier` keeps
values as given and goes into the label: "GBP (thousands)". Unit ids are snake_case slugs of the label, so labels
that differ only by case or punctuation are one unit. A percent-like unit (%, percent, proportion; not a change or
growth rate) has minimum 0 and maximum 100 when every value lies in that range; a count (Number…, Count,
Individuals) has minimum 0 when no value is negative and is `integer` when every value is whole.

Geography. `Country`, `Region`, `Sub-national area`, `Local authority`, `Welsh Unitary Authority`,
`Scottish Council Area`, `Health board`, `City` and `Geography (HydroBASINs ID)` name places, coarse to fine: a
row's geography is the finest one it names, and its parent the next coarser one it names (the most common
parent wins). A row with only a `GeoCode` takes the name that code has elsewhere in the repository. Geography ids
are slugs of the names, so one name is one geography whatever column it came from. A row that names no place
is the reporting area, a top-level geography (`united-kingdom`) named by the `area` argument or else by the most
common `national_geographical_coverage` in the metadata; the headline series is the area's total.

Dimensions. Every other column (not year, value, unit, unit multiplier, series, observation status or a
geography) is a dimension: its id is the snake_case of the column name (`Ethnic group` and `Ethnic Group` are
one dimension, labelled by the more common spelling; a name clashing with an observation field gets
`_dimension`), its groups are the distinct values, in order of first appearance. A column that is blank in every
imported row is left out. Every indicator lists the dimensions its rows use.

Periods. `2015` stays; `2015-16`, `2015/16`, `2015/2016`, `2015 to 2016` and `2015/16 to 2017/18` become ranges
(`2015-16`, `2015-2016`, `2015-2018`); `2015 Q1` becomes `2015-Q1`; a span of dates such as survey fieldwork
("17 May to 11 June 2023") becomes its year or years; a trailing remark such as `(baseline)` or `[Note 5]`, and
a span of dates, is kept in the note as the year was written. A month (`1993 01`) or any other text is reported as
unreadable: this project has no monthly periods. A text without a single digit and no value is reported as a
placeholder ("There is no data for this indicator yet").

Status. `Observation status` → status: blank, `Normal value` and `Undefined` → final (blank); `Estimated value`,
`estimate` → estimated; `Provisional value` → provisional; `Time series break` → break_in_series; anything else
(`Definition differs`, `Low reliability`, …) → the note, as are the parts of a compound status that are not the
flag. A blank value whose status says it is missing (`Missing value`, `Missing data; suppressed`, SDMX M/L/O/Q)
becomes a suppressed observation with the status as its note: the gap is published, marked. A blank value with
no such status is reported, not imported.

Progress settings. `progress_calculation_options` (from the metadata or indicator-config; nested `group`s are
flattened) are matched to shared indicators by their `series` and `unit` (an entry without one matches every
series or unit). Open SDG's defaults apply to a matched entry: direction `negative` → decrease, `positive` →
increase (default decrease), `base_year` → baseline_period (default 2015), `target` with `target_year` (default
2030) → target, `limit` → limit. A `disaggregation` on a dimension counts that dimension's groups towards the
status (this project averages all its groups, where Open SDG took one; noted); on the reporting area it means the
headline. A shared indicator without settings gets no progress status (progress_series `none`), as Open SDG
computes none without them; its direction stays "increase" for the charts, and a note says so.

Reconciliation. The rows of a file are its CSV records after the header, blank lines included, so that imported
plus reported is every line a reader sees. Rows reported, by rule: `blank-line`, `wrong-cell-count`,
`no-data-placeholder`, `unreadable-period`, `future-period` (the project publishes periods that have begun),
`value-not-a-number`, `blank-value`, `conflicting-columns` (two spellings of one column disagree) and
`duplicate-observation` (the same indicator, period, geography and groups as an earlier line, after mapping).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from generator.load.agenda import AGENDA_FOLDER, CORE_FIELDS, MEASURE_FIELDS, NO_PROGRESS, OBSERVATION_SCHEMA_FILE
from generator.load.packages import SLUG
from generator.compute.periods import PERIOD_PATTERN, PeriodError, parse_period

__all__ = ["ImportResult", "MetadataNote", "OpenSdgError", "ReportedRow", "SourceFile", "import_open_sdg",
           "period_from_year", "plain_text", "reconciliation_text", "reported_rows_csv",
           "status_from_observation_status"]

SDG_GOALS = {
    1: ("No poverty", "End poverty in all its forms everywhere."),
    2: ("Zero hunger", "End hunger, achieve food security and improved nutrition and promote sustainable "
                       "agriculture."),
    3: ("Good health and well-being", "Ensure healthy lives and promote well-being for all at all ages."),
    4: ("Quality education", "Ensure inclusive and equitable quality education and promote lifelong learning "
                             "opportunities for all."),
    5: ("Gender equality", "Achieve gender equality and empower all women and girls."),
    6: ("Clean water and sanitation", "Ensure availability and sustainable management of water and sanitation "
                                      "for all."),
    7: ("Affordable and clean energy", "Ensure access to affordable, reliable, sustainable and modern energy "
                                       "for all."),
    8: ("Decent work and economic growth", "Promote sustained, inclusive and sustainable economic growth, full "
                                           "and productive employment and decent work for all."),
    9: ("Industry, innovation and infrastructure", "Build resilient infrastructure, promote inclusive and "
                                                   "sustainable industrialization and foster innovation."),
    10: ("Reduced inequalities", "Reduce inequality within and among countries."),
    11: ("Sustainable cities and communities", "Make cities and human settlements inclusive, safe, resilient "
                                               "and sustainable."),
    12: ("Responsible consumption and production", "Ensure sustainable consumption and production patterns."),
    13: ("Climate action", "Take urgent action to combat climate change and its impacts."),
    14: ("Life below water", "Conserve and sustainably use the oceans, seas and marine resources for sustainable "
                             "development."),
    15: ("Life on land", "Protect, restore and promote sustainable use of terrestrial ecosystems, sustainably "
                         "manage forests, combat desertification, and halt and reverse land degradation and halt "
                         "biodiversity loss."),
    16: ("Peace, justice and strong institutions", "Promote peaceful and inclusive societies for sustainable "
                                                   "development, provide access to justice for all and build "
                                                   "effective, accountable and inclusive institutions at all "
                                                   "levels."),
    17: ("Partnerships for the goals", "Strengthen the means of implementation and revitalize the Global "
                                       "Partnership for Sustainable Development."),
}

# Columns with a fixed role, by their name folded (lower case, single spaces, underscores as spaces).
YEAR_COLUMNS = ("year",)
VALUE_COLUMNS = ("value",)
UNIT_COLUMNS = ("units", "unit measure")  # in order of preference
MULTIPLIER_COLUMNS = ("unit multiplier", "unit mult")
SERIES_COLUMNS = ("series",)
STATUS_COLUMNS = ("observation status", "obs status")
GEOCODE_COLUMNS = ("geocode",)
# Columns that name places, coarse to fine; each is the kind of the geographies it names.
GEOGRAPHY_COLUMNS = ("country", "sub-national area", "region", "health board", "local authority",
                     "welsh unitary authority", "scottish council area", "city", "geography (hydrobasins id)")

OBSERVATION_FIELDS_BEFORE = CORE_FIELDS
OBSERVATION_FIELDS_AFTER = MEASURE_FIELDS
RESERVED_NAMES = set(OBSERVATION_FIELDS_BEFORE) | set(OBSERVATION_FIELDS_AFTER)

_FINAL_STATUSES = {"", "normal value", "normal", "undefined", "final", "a"}
_FLAGS = {"estimated value": "estimated", "estimated": "estimated", "estimate": "estimated", "e": "estimated",
          "provisional value": "provisional", "provisional": "provisional", "p": "provisional",
          "time series break": "break_in_series", "break in series": "break_in_series", "b": "break_in_series"}
_FLAG_PRIORITY = ("break_in_series", "provisional", "estimated")
_MISSING_CODES = {"m", "l", "o", "q"}  # SDMX: missing, not collected, not applicable, suppressed
_SCALES = {"units": "", "unit": "", "ones": "", "1": "", "": "", "tens": "tens", "hundreds": "hundreds",
           "thousands": "thousands", "thousand": "thousands", "millions": "millions", "million": "millions",
           "billions": "billions", "billion": "billions", "trillions": "trillions"}
_NO_RELEASE = {"", "tbc", "tba", "n/a", "na", "none", "unknown", "discontinued"}
SERIES_SLUG_LENGTH = 40
NO_UNIT = "Unit not stated"
_ARCHIVED = "An archived indicator: Open SDG does not publish it."


class OpenSdgError(Exception):
    """The source cannot be imported at all (not an Open SDG repository, or a bad partner slug)."""


@dataclass(frozen=True)
class ReportedRow:
    """A source record that was not imported: where it is and why."""

    line: int  # physical line in the source file (1 = first line)
    rule: str  # a stable code, such as "unreadable-period"
    reason: str  # in words, naming the value


@dataclass
class SourceFile:
    """The reconciliation of one data file: every record after the header is imported or reported."""

    file: str  # relative to the source folder, with forward slashes
    rows_in_file: int  # records after the header, blank lines included
    rows_imported: int
    reported: list[ReportedRow] = field(default_factory=list)

    @property
    def rows_reported(self) -> int:
        return len(self.reported)

    @property
    def balanced(self) -> bool:
        return self.rows_imported + self.rows_reported == self.rows_in_file


@dataclass(frozen=True)
class MetadataNote:
    """Something about the agenda the source did not say, or a file that was not read."""

    file: str
    rule: str  # such as "default-direction", "skipped-file", "unreadable-metadata"
    message: str


@dataclass
class ImportResult:
    source: Path
    target: Path
    partner: str
    files: list[SourceFile]
    notes: list[MetadataNote]
    goals: int
    indicators: int
    indicators_without_data: tuple[str, ...]
    dimensions: int
    geographies: int
    units: int
    other_partners: tuple[str, ...]  # packages already in the target, written for another agenda

    @property
    def rows_in_files(self) -> int:
        return sum(file.rows_in_file for file in self.files)

    @property
    def rows_imported(self) -> int:
        return sum(file.rows_imported for file in self.files)

    @property
    def rows_reported(self) -> int:
        return sum(file.rows_reported for file in self.files)

    @property
    def balanced(self) -> bool:
        return all(file.balanced for file in self.files)

    def reported_by_rule(self) -> dict[str, int]:
        counts = Counter(row.rule for file in self.files for row in file.reported)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def notes_by_rule(self) -> dict[str, int]:
        counts = Counter(note.rule for note in self.notes)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def import_open_sdg(source: Path, target: Path, partner: str, *, area: str | None = None,
                    title: str | None = None, today: date | None = None) -> ImportResult:
    """Read the Open SDG repository `source`; write the agenda and the partner package `partner` under `target`.

    `target` is a project folder: `target/datapackages/common-agenda/` and `target/datapackages/<partner>/` are
    replaced (both are written in full first, so a failure leaves the old ones in place). `area` names the
    headline geography; `title` the partner; `today` dates the packages and bounds the periods.
    """
    source, target = Path(source), Path(target)
    if not SLUG.match(partner) or partner == AGENDA_FOLDER:
        raise OpenSdgError(f'"{partner}" is not a valid partner slug: use lower-case letters, digits and hyphens, '
                           "as in uk-sdg.")
    if not (source / "data").is_dir() and not (source / "meta").is_dir():
        raise OpenSdgError(f"{source} is not an Open SDG data repository: it has neither data/ nor meta/.")
    today = today or date.today()
    notes: list[MetadataNote] = []
    metadata, metadata_files = _read_metadata(source, notes)
    raw_files = [_read_data_file(path, source) for path in _data_files(source, notes)]
    area_name = area or _area_name(metadata)
    places = _Places(area_name, _geocode_names(raw_files))
    taken = set(metadata) | {raw.indicator for raw in raw_files}  # ids a new indicator may not take
    mapped = [_map_file(raw, metadata.get(raw.indicator, {}), places, today, taken) for raw in raw_files]
    agenda = _assemble(mapped, metadata, metadata_files, places, notes)
    licence = _licence(source)
    _write(target, partner, agenda, mapped, licence, area_name, title or f"{area_name} SDG data", source, today)
    without_data = tuple(indicator.id for indicator in agenda.indicators if not indicator.has_data)
    others = tuple(folder.name for folder in sorted((target / "datapackages").iterdir())
                   if folder.is_dir() and folder.name not in (AGENDA_FOLDER, partner)
                   and not folder.name.startswith((".", "_")))
    return ImportResult(
        source=source,
        target=target,
        partner=partner,
        files=[file.reconciliation for file in mapped],
        notes=notes,
        goals=len(agenda.goals),
        indicators=len(agenda.indicators),
        indicators_without_data=without_data,
        dimensions=len(agenda.dimensions),
        geographies=len(agenda.geographies),
        units=len(agenda.units),
        other_partners=others,
    )


# Text ---------------------------------------------------------------------------------------------------------


class _TextOnly(HTMLParser):
    """The text of an HTML fragment: blocks become spaces, a link "text (url)", scripts and styles nothing."""

    _BLOCKS = {"p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6",
               "blockquote", "hr", "dd", "dt"}
    _HIDDEN = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str | None, int]] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag):
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append(" ")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.parts[start:]).strip()
            if href and href.startswith(("http://", "https://")) and href.rstrip("/") not in text:
                self.parts.append(f" ({href})" if text else href)

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<!--.*?-->", re.S)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*([^)\s]+)[^)]*\)")


def plain_text(value: object) -> str:
    """Metadata as one line of plain text: no HTML, no Markdown link or emphasis syntax."""
    if value is None or isinstance(value, (dict, bool)):
        return ""
    if isinstance(value, list):
        return "; ".join(text for text in (plain_text(item) for item in value) if text)
    text = str(value)
    for _ in range(3):  # "&lt;p&gt;" decodes to a tag, which the next pass removes
        parser = _TextOnly()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
        if not _TAG.search(text):
            break
    text = _TAG.sub(" ", text)
    text = _MARKDOWN_LINK.sub(lambda m: f"{m[1]} ({m[2]})" if m[1] and m[1] != m[2] else m[2], text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(^|\s)#{1,6}\s", " ", text)
    return " ".join(text.split())


def _slug(text: str, separator: str = "-") -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", separator, folded).strip(separator)


def _fold(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


def _dimension_id(label: str) -> str:
    key = _slug(label, "_") or "dimension"
    if key[0].isdigit():
        key = "d_" + key
    return key + "_dimension" if key in RESERVED_NAMES else key


def _unit_id(label: str) -> str:
    text = label.replace("(%)", " ").replace("%", " percent ")
    return (_slug(text, "_") or "unit")[:60].strip("_")


def _natural_key(indicator: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in indicator.split("-"))


def _map_unique(column: pd.Series, function) -> pd.Series:
    """`function` of each distinct value, spread over the column: one call per value, not per row."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    results = np.empty(len(uniques), dtype=object)
    for position, value in enumerate(uniques):
        results[position] = function(value)
    return pd.Series(results[codes], index=column.index, dtype=object)


# Metadata -----------------------------------------------------------------------------------------------------

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_metadata(source: Path, notes: list[MetadataNote]) -> tuple[dict[str, dict], dict[str, str]]:
    """Indicator id → its metadata (meta/*.md front matter, then meta/*.yml, then indicator-config/*.yml on top),
    and indicator id → the first of those files, to name in notes."""
    layers: list[list[Path]] = [[], [], []]
    for number, folder in enumerate((source / "meta", source / "indicator-config")):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            shown = path.relative_to(source).as_posix()
            suffix = path.suffix.lower()
            if not path.is_file() or suffix not in (".md", ".yml", ".yaml") or (number and suffix == ".md"):
                notes.append(MetadataNote(shown, "skipped-file", "Not metadata (meta/*.md, meta/*.yml and "
                                          "indicator-config/*.yml are read)."))
            elif path.stem.startswith("archived"):
                notes.append(MetadataNote(shown, "skipped-file", _ARCHIVED))
            else:
                layers[2 if number else 0 if suffix == ".md" else 1].append(path)
    metadata: dict[str, dict] = {}
    files: dict[str, str] = {}
    for path in [path for layer in layers for path in layer]:
        shown = path.relative_to(source).as_posix()
        values = _read_yaml(path, shown, notes, front_matter=path.suffix.lower() == ".md")
        metadata.setdefault(_indicator_key(path.stem), {}).update(values)
        files.setdefault(_indicator_key(path.stem), shown)
    return metadata, files


def _read_yaml(path: Path, shown: str, notes: list[MetadataNote], front_matter: bool) -> dict:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    first_line = 1
    if front_matter:
        match = re.match(r"^\s*---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", text, re.S | re.M)
        if not match:
            notes.append(MetadataNote(shown, "unreadable-metadata", "No YAML front matter between --- lines."))
            return {}
        first_line = text[:match.start(1)].count("\n") + 1
        text = match[1]
    try:
        values = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + first_line})" if mark else ""
        notes.append(MetadataNote(shown, "unreadable-metadata", f"The YAML cannot be read{where}: "
                                  f"{getattr(error, 'problem', None) or error}."))
        return {}
    if values is None:
        return {}
    if not isinstance(values, dict):
        notes.append(MetadataNote(shown, "unreadable-metadata", "The YAML is not a set of keys and values."))
        return {}
    return values


def _indicator_key(stem: str) -> str:
    return _slug(stem.replace(".", "-"))


def _area_name(metadata: dict[str, dict]) -> str:
    coverage = Counter(plain_text(meta.get("national_geographical_coverage")) for meta in metadata.values())
    coverage.pop("", None)
    return coverage.most_common(1)[0][0] if coverage else "National"


def _licence(source: Path) -> dict:
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(source.glob("LICEN[CS]E*"))
             if path.is_file()]
    text = " ".join(" ".join(texts).split())
    if re.search(r"Open Government Licen[cs]e v?3", text, re.I):
        return {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}
    if re.search(r"Creative Commons Attribution 4\.0|CC[- ]BY[- ]4\.0", text, re.I):
        return {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
    if re.search(r"CC0|Public Domain Dedication", text, re.I):
        return {"name": "CC0-1.0", "title": "Creative Commons Zero v1.0 Universal",
                "path": "https://creativecommons.org/publicdomain/zero/1.0/"}
    return {"name": "other", "title": "As stated by the publisher of the source repository"}


def _attribution(licence: dict) -> str:
    if licence["name"] == "OGL-UK-3.0":
        return "Contains public sector information licensed under the Open Government Licence v3.0."
    return f"Licensed under {licence['title']}."


# Data files ---------------------------------------------------------------------------------------------------


@dataclass
class _RawFile:
    path: Path
    shown: str
    indicator: str  # the Open SDG indicator id, from the file name
    header: list[str]
    table: pd.DataFrame  # the usable records, every cell stripped text, with `_line`
    rows_in_file: int
    reported: list[ReportedRow]


def _data_files(source: Path, notes: list[MetadataNote]) -> list[Path]:
    folder = source / "data"
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.iterdir()):
        shown = path.relative_to(source).as_posix()
        if path.is_file() and path.name.startswith("indicator_") and path.suffix.lower() == ".csv":
            files.append(path)
        elif path.stem.startswith("archived"):
            notes.append(MetadataNote(shown, "skipped-file", _ARCHIVED))
        else:
            notes.append(MetadataNote(shown, "skipped-file", "Not an indicator data file (data/indicator_*.csv)."))
    return sorted(files, key=lambda path: _natural_key(_indicator_key(path.stem[len("indicator_"):])))


def _read_data_file(path: Path, source: Path) -> _RawFile:
    """Every record with the physical line it starts on; blank and ragged records reported, not read."""
    shown = path.relative_to(source).as_posix()
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records, lines, reported = [], [], []
    rows_in_file = 0
    previous_end = 0
    for record in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if header is None:
            if any(cell.strip() for cell in record):
                header = _unique_names([cell.strip().lstrip("\ufeff") for cell in record])
            continue
        rows_in_file += 1
        if not any(cell.strip() for cell in record):
            reported.append(ReportedRow(line, "blank-line", "The line is blank."))
        elif len(record) != len(header):
            reported.append(ReportedRow(line, "wrong-cell-count", f"The row has {len(record)} cells and the header "
                                        f"{len(header)}: a comma is missing or a value holding one is not quoted."))
        else:
            records.append(record)
            lines.append(line)
    header = header or []
    table = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(columns=header)
    for name in header:
        table[name] = _map_unique(table[name], str.strip) if len(table) else table[name].astype(object)
    table["_line"] = np.array(lines, dtype=np.int64)
    indicator = _indicator_key(path.stem[len("indicator_"):])
    return _RawFile(path, shown, indicator, header, table, rows_in_file, reported)


def _unique_names(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    unique = []
    for position, name in enumerate(names, start=1):
        name = name or f"Column {position}"
        seen[name] += 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def _columns(header: list[str], names: tuple[str, ...]) -> list[str]:
    """The header's columns whose folded name is one of `names`, in the order of `names`."""
    by_fold = {}
    for column in header:
        by_fold.setdefault(_fold(column), column)
    return [by_fold[name] for name in names if name in by_fold]


# Places -------------------------------------------------------------------------------------------------------


class _Places:
    """The reporting area, and the names GeoCodes have wherever a row gives both."""

    def __init__(self, area_name: str, geocode_names: dict[str, tuple[str, str]]):
        self.area_name = area_name
        self.area_id = _slug(area_name) or "area"
        self.geocode_names = geocode_names

    def id_of(self, name: str) -> str:
        return _slug(name) or self.area_id if name else self.area_id


def _geocode_names(raw_files: list[_RawFile]) -> dict[str, tuple[str, str]]:
    """GeoCode → (name, kind), the most common finest name given beside it anywhere."""
    pairs: Counter = Counter()
    for raw in raw_files:
        geocode = _columns(raw.header, GEOCODE_COLUMNS)
        named = _columns(raw.header, GEOGRAPHY_COLUMNS)
        if not geocode or not named or raw.table.empty:
            continue
        name, kind = _finest(raw.table, named)[:2]
        frame = pd.DataFrame({"code": raw.table[geocode[0]], "name": name, "kind": kind})
        frame = frame[(frame["code"] != "") & (frame["name"] != "")]
        pairs.update(frame.value_counts().to_dict())
    best: dict[str, tuple[int, str, str]] = {}
    for (code, name, kind), count in sorted(pairs.items()):
        if code not in best or count > best[code][0]:
            best[code] = (count, name, kind)
    return {code: (name, kind) for code, (_, name, kind) in best.items()}


def _finest(table: pd.DataFrame, named: list[str]) -> tuple[pd.Series, pd.Series, list]:
    """Per row, the finest place named and its kind; and per place column, its places, its kind and the next
    coarser place each row names beside it (blank: none)."""
    name = pd.Series("", index=table.index, dtype=object)
    kind = name.copy()
    levels = []
    for column in named:  # coarse to fine
        filled = table[column] != ""
        label = _fold(column)
        levels.append((table.loc[filled, column], label, name[filled]))
        name = name.where(~filled, table[column])
        kind = kind.where(~filled, label)
    return name, kind, levels


# Mapping one file ---------------------------------------------------------------------------------------------


@dataclass
class _SharedIndicator:
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
class _MappedFile:
    raw: _RawFile
    observations: pd.DataFrame  # observation fields (dimension columns: only this file's), imported rows only
    dimension_labels: dict[str, str]  # dimension id → the column name in this file
    indicators: list[_SharedIndicator]
    places: pd.DataFrame  # id, name, kind, parent: one row per place a row names, with repeats
    reconciliation: SourceFile


def _map_file(raw: _RawFile, meta: dict, places: _Places, today: date, taken: set[str]) -> _MappedFile:
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
        found = _columns(header, names)
        return table[found[0]] if found else pd.Series("", index=table.index, dtype=object)

    year, value_text = column(YEAR_COLUMNS), column(VALUE_COLUMNS)
    if not _columns(header, YEAR_COLUMNS) or not _columns(header, VALUE_COLUMNS):
        missing = "Year" if not _columns(header, YEAR_COLUMNS) else "Value"
        report(keep, "unreadable-period" if missing == "Year" else "value-not-a-number",
               f"The file has no {missing} column.")

    # Periods: one parse per distinct label.
    parsed = {label: period_from_year(label) for label in pd.unique(year)}
    period = _map_unique(year, lambda label: parsed[label][0] or "")
    period_note = _map_unique(year, lambda label: parsed[label][1])
    period_rule = _map_unique(year, lambda label: parsed[label][2])
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
    flag = _map_unique(status_text, lambda text: statuses[text][0])
    status_note = _map_unique(status_text, lambda text: statuses[text][1])
    says_missing = _map_unique(status_text, lambda text: statuses[text][2]).astype(bool)
    report(blank_value & ~says_missing, "blank-value", _blank_value_reason, status_text)
    suppressed = blank_value & says_missing
    flag = flag.where(~suppressed, "suppressed")
    status_note = status_note.where(~suppressed, status_text)

    starts = {label: parse_period(label).start_year for label in pd.unique(period[keep]) if label}
    future = period.isin({label for label, start in starts.items() if start > today.year})
    report(future, "future-period", lambda label: f"The period {label} has not begun yet: only periods that have "
                                                  "begun are published.", period)

    # Geography.
    named = _columns(header, GEOGRAPHY_COLUMNS)
    geocode = column(GEOCODE_COLUMNS)
    name, kind, levels = _finest(table, named)
    coded = (name == "") & (geocode != "")
    if coded.any():
        name = name.where(~coded, _map_unique(geocode, lambda code: places.geocode_names.get(code, (code,))[0]))
        kind = kind.where(~coded, _map_unique(geocode, lambda code: places.geocode_names.get(code, ("", ""))[1]))
    geography = _map_unique(name, places.id_of)

    # Units and series.
    unit_text = _unit_text(table, header)
    fallback = plain_text(meta.get("computation_units")) or NO_UNIT
    unit_text = unit_text.where(unit_text != "", fallback)
    multiplier = column(MULTIPLIER_COLUMNS)
    pair = unit_text + "\x1f" + multiplier
    unit_label = _map_unique(pair, lambda key: _unit_label(*key.split("\x1f")))
    unit = _map_unique(unit_label, _unit_id)
    series = column(SERIES_COLUMNS)

    # Dimensions: every other column; two spellings of one name are one dimension.
    special = {*_columns(header, YEAR_COLUMNS + VALUE_COLUMNS + UNIT_COLUMNS + MULTIPLIER_COLUMNS + SERIES_COLUMNS
                         + STATUS_COLUMNS + GEOCODE_COLUMNS), *named}
    dimensions: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    for name_in_file in header:
        if name_in_file in special:
            continue
        key = _dimension_id(name_in_file)
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
    indicator_column = _map_unique(combination, ids.get)

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
               lambda line: f"The same indicator, period, geography and groups as line {line}: only the first is "
                            "imported.", first.reindex(keep.index))

    observations = observations[keep]
    dimensions_used = {key for key in dimensions if (observations[key] != "").any()}
    observations = observations[[*OBSERVATION_FIELDS_BEFORE, *sorted(dimensions_used),
                                 "unit", "value", "status", "note"]]
    for indicator in indicators:
        rows = observations[observations["indicator"] == indicator.id]
        indicator.dimensions = {key for key in dimensions_used if (rows[key] != "").any()}
        indicator.decimals = _decimals(pd.to_numeric(rows["value"].where(rows["value"] != "", None),
                                                     errors="coerce"))
    reported.sort(key=lambda row: row.line)
    reconciliation = SourceFile(raw.shown, raw.rows_in_file, int(keep.sum()), reported)
    # Every place a kept row names, with the next coarser place it names: the geographies and their parents.
    place_frames = [pd.DataFrame({"id": _map_unique(values, places.id_of), "name": values, "kind": label,
                                  "parent": _map_unique(coarser, places.id_of)})[keep[values.index]]
                    for values, label, coarser in levels]
    if coded.any():
        place_frames.append(pd.DataFrame({"id": geography[coded], "name": name[coded], "kind": kind[coded],
                                          "parent": ""})[keep[coded]])
    places_named = pd.concat(place_frames, ignore_index=True) if place_frames else pd.DataFrame(
        columns=["id", "name", "kind", "parent"])
    return _MappedFile(raw, observations, {key: labels[key] for key in dimensions_used}, indicators,
                       places_named, reconciliation)


_YEAR_REMARK = re.compile(r"^(?P<label>.*?\d.*?)\s*(?P<remark>\[[^\]]*\]|\([^)]*\))$")
_PERIOD_FORMS = (
    (re.compile(r"(\d{4})(?:\.0+)?"), lambda m: m[1]),
    (re.compile(r"(\d{4})\s*[-/–]\s*(\d{2}|\d{4})"), lambda m: f"{m[1]}-{m[2]}"),
    (re.compile(r"(\d{4})\s*-?\s*Q([1-4])", re.I), lambda m: f"{m[1]}-Q{m[2]}"),
    (re.compile(r"(\d{4})\s+to\s+(\d{4})", re.I), lambda m: f"{m[1]}-{m[2]}"),
    (re.compile(r"(\d{4})\s*/\s*(\d{2})\s*(?:to|-|–)\s*(\d{4})\s*/\s*(\d{2})", re.I),
     lambda m: f"{m[1]}-{_end_year(f'{m[3]}-{m[4]}')}"),
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# A span of dates, such as survey fieldwork: "17 May to 11 June 2023" is 2023, "Nov 2022 to Feb 2023" 2022-2023.
_DATE_SPAN = re.compile(rf"(?:\d{{1,2}}\s+)?{_MONTH}(?:\s+(\d{{4}}))?\s*(?:to|-|–)\s*"
                        rf"(?:\d{{1,2}}\s+)?{_MONTH}\s+(\d{{4}})", re.I)


def _end_year(label: str) -> int:
    period = parse_period(label)
    return period.start_year + period.span


def _blank_value_reason(status: str) -> str:
    if not status:
        return "The value is blank and no observation status says why."
    return f'The value is blank and the observation status ("{status}") does not say it is missing.'


def period_from_year(label: str) -> tuple[str | None, str, str, str]:
    """(period, note, rule, reason): the period label the project uses, or None with the rule and reason."""
    text = " ".join(label.split())
    if not text:
        return None, "", "unreadable-period", "The year is blank."
    if not re.search(r"\d", text):
        return None, "", "no-data-placeholder", f'"{label}" is not a year.'
    note = ""
    remark = _YEAR_REMARK.match(text)
    if remark:
        text, note = remark["label"], f'Year given as "{label}".'
    for pattern, build in _PERIOD_FORMS:
        match = pattern.fullmatch(text)
        if match:
            try:
                period = build(match)
                parse_period(period)
            except PeriodError as error:
                return None, "", "unreadable-period", str(error) + "."
            if re.fullmatch(PERIOD_PATTERN, period):
                return period, note, "", ""
    span = _DATE_SPAN.fullmatch(text)
    if span:
        first, last = int(span[1] or span[2]), int(span[2])
        period = str(first) if first == last else f"{first}-{last}"
        try:
            parse_period(period)
        except PeriodError as error:
            return None, "", "unreadable-period", str(error) + "."
        return period, f'Year given as "{label}".', "", ""
    if re.fullmatch(r"\d{4}\s*[-/ ]\s*(0[1-9]|1[0-2])|(0[1-9]|1[0-2])\s*[-/ ]\s*\d{4}", text):
        return None, "", "unreadable-period", (f'"{label}" is a month: periods here are years, school or financial '
                                               "years and quarters.")
    return None, "", "unreadable-period", (f'"{label}" is not a year (2015), a year range (2015-16) or a quarter '
                                           "(2015 Q1).")


def status_from_observation_status(text: str) -> tuple[str, str, bool]:
    """(flag, note, says the value is missing) for one Observation status."""
    if _fold(text) in _FINAL_STATUSES:
        return "", "", False
    parts = [part.strip() for part in re.split(r"[;|]", text) if part.strip()]
    flags = [_FLAGS.get(_fold(part)) for part in parts]
    chosen = next((flag for flag in _FLAG_PRIORITY if flag in flags), "")
    missing = any("missing" in _fold(part) or "suppress" in _fold(part) or _fold(part) in _MISSING_CODES
                  for part in parts)
    rest = [part for part, flag in zip(parts, flags) if flag != chosen and _fold(part) not in _FINAL_STATUSES]
    return chosen, "; ".join(rest), missing


def _join_notes(*columns: pd.Series) -> pd.Series:
    joined = columns[0]
    for column in columns[1:]:
        both = (joined != "") & (column != "")
        joined = (joined + np.where(both, "; ", "") + column)
    return joined


def _unit_text(table: pd.DataFrame, header: list[str]) -> pd.Series:
    """The unit of each row: `Units`, else `Unit measure`; both when `Unit measure` says more than `Units`."""
    found = _columns(header, UNIT_COLUMNS)
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


def _unit_label(unit: str, multiplier: str) -> str:
    """The unit with its multiplier, unless the unit says it already: "GBP (thousands)", "GBP (£ thousands)"."""
    scale = _SCALES.get(_fold(multiplier))
    if scale is None:
        scale = "" if _fold(multiplier) == _fold(unit) else multiplier
    said = {"thousands": r"thousand|000s|kilo", "millions": r"million", "billions": r"billion"}.get(scale)
    if scale and re.search(said or re.escape(scale), unit, re.I):
        scale = ""
    return f"{unit} ({scale})" if scale else unit


def _shared_indicators(source_id: str, combinations: list[str], unit_text: pd.Series, unit_label: pd.Series,
                       combination: pd.Series, taken: set[str]) -> list[_SharedIndicator]:
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
                suffix.append(_slug(unit_id))
            identifier = "-".join([source_id, *suffix])
        candidate, number = identifier, 1
        while position and candidate in taken:
            number += 1
            candidate = f"{identifier}-{number}"
        taken.add(candidate)
        key = combinations[position]
        indicators.append(_SharedIndicator(candidate, source_id, series_name, raw_units[key], unit_id, labels[key],
                                           varies=(series_vary, units_vary)))
    return indicators


def _short_slug(text: str) -> str:
    """The slug cut at a word, at most SERIES_SLUG_LENGTH characters."""
    slug = _slug(text)
    if len(slug) <= SERIES_SLUG_LENGTH:
        return slug
    cut = slug[:SERIES_SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return cut if cut else slug[:SERIES_SLUG_LENGTH]


def _number_text(text: pd.Series, number: pd.Series) -> pd.Series:
    """The value as written when it is a plain decimal number, else the number in plain decimal notation."""
    plain = text.astype("string[pyarrow]").str.fullmatch(r"-?(\d+\.?\d*|\.\d+)").fillna(False).astype(bool)
    plain = plain | (text == "")
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


# The agenda ---------------------------------------------------------------------------------------------------


@dataclass
class _AgendaIndicator:
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
class _Agenda:
    goals: list[dict]
    indicators: list[_AgendaIndicator]
    units: list[dict]
    dimensions: list[dict]
    groups: list[dict]
    geographies: list[dict]
    area: str
    dimension_order: list[str]


def _assemble(mapped: list[_MappedFile], metadata: dict[str, dict], metadata_files: dict[str, str],
              places: _Places, notes: list[MetadataNote]) -> _Agenda:
    dimension_order, dimension_rows, group_rows = _dimensions(mapped)
    units = _units(mapped)
    indicators: list[_AgendaIndicator] = []
    with_data = {file.raw.indicator for file in mapped if file.indicators}
    by_source: dict[str, list[_SharedIndicator]] = {}
    for file in mapped:
        by_source.setdefault(file.raw.indicator, []).extend(file.indicators)
    for source_id in sorted(set(metadata) | {file.raw.indicator for file in mapped}, key=_natural_key):
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
    goals = _goals(indicators, metadata)
    geographies = _geographies(mapped, places)
    unit_rows = [_unit_row(unit_id, facts) for unit_id, facts in sorted(units.items())]
    return _Agenda(goals, indicators, unit_rows, dimension_rows, group_rows, geographies, places.area_id,
                   dimension_order)


def _metadata_only(source_id: str, meta: dict, mapped: list[_MappedFile]) -> _SharedIndicator:
    label = plain_text(meta.get("computation_units")) or NO_UNIT
    raw = next((file.raw for file in mapped if file.raw.indicator == source_id), None)
    if raw is not None and NO_UNIT == label and not raw.table.empty:
        units = _unit_text(raw.table, raw.header)
        label = next((text for text in units if text), NO_UNIT)
    return _SharedIndicator(source_id, source_id, "", label, _unit_id(label), label, has_data=False)


def _dimensions(mapped: list[_MappedFile]) -> tuple[list[str], list[dict], list[dict]]:
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


def _units(mapped: list[_MappedFile]) -> dict[str, dict]:
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


def _unit_row(unit_id: str, facts: dict) -> dict:
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


def _agenda_indicator(item: _SharedIndicator, meta: dict, dimension_order: list[str], where: str,
                      notes: list[MetadataNote], places: _Places) -> _AgendaIndicator:
    goal = _goal_id(item.source_indicator)
    title = _title(item, meta)
    definition = next((text for text in (plain_text(meta.get(key)) for key in (
        "indicator_definition", "national_indicator_description", "computation_definitions",
        "indicator_available")) if text), "") or f"{title}. The source gives no definition."
    indicator = _AgendaIndicator(
        id=item.id, goal=goal, title=title, definition=definition, unit=item.unit, direction="increase",
        decimals=item.decimals, dimensions=[key for key in dimension_order if key in item.dimensions],
        source=_source_text(meta), next_update=_next_update(meta), has_data=item.has_data,
    )
    _apply_progress(indicator, item, meta, where, notes, places)
    return indicator


def _goal_id(source_id: str) -> str:
    head = source_id.split("-", 1)[0]
    return str(int(head)) if head.isdigit() else head


def _title(item: _SharedIndicator, meta: dict) -> str:
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
        series_match = "series" not in entry or _fold(str(entry["series"])) == _fold(item.series)
        unit_match = "unit" not in entry or _fold(str(entry["unit"])) in (_fold(item.raw_unit), _fold(item.unit_label))
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


def _apply_progress(indicator: _AgendaIndicator, item: _SharedIndicator, meta: dict, where: str,
                    notes: list[MetadataNote], places: _Places) -> None:
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
            if _fold(field_name) in GEOGRAPHY_COLUMNS + GEOCODE_COLUMNS:
                if places.id_of(group) != places.area_id:
                    notes.append(MetadataNote(where, "progress-series-approximated", f"{indicator.id}: Open SDG "
                                              f"measured progress in {group}; the agenda measures the headline."))
                continue
            key = _dimension_id(field_name)
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


def _progress_matches(entry: dict, item: _SharedIndicator) -> bool:
    series = entry.get("series")
    unit = entry.get("unit")
    series_ok = series is None or _fold(str(series)) == _fold(item.series)
    unit_ok = unit is None or _fold(str(unit)) in (_fold(item.raw_unit), _fold(item.unit_label), item.unit)
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


def _goals(indicators: list[_AgendaIndicator], metadata: dict[str, dict]) -> list[dict]:
    named: dict[str, str] = {}
    for source_id, meta in metadata.items():
        name = plain_text(meta.get("goal_name") or meta.get("goal_title"))
        if name and not re.fullmatch(r"[\w-]+(\.[\w-]+)+", name):
            named.setdefault(_goal_id(source_id), name)
    goals = []
    for goal in sorted({indicator.goal for indicator in indicators}, key=_natural_key):
        number = int(goal) if goal.isdigit() else None
        short, summary = SDG_GOALS.get(number, ("", ""))
        title = named.get(goal) or (f"Goal {goal}: {short}" if short else f"Goal {goal}")
        goals.append({"id": goal, "title": title, "summary": summary})
    return goals


def _geographies(mapped: list[_MappedFile], places: _Places) -> list[dict]:
    frames = [file.places for file in mapped if not file.places.empty]
    rows = [{"id": places.area_id, "name": places.area_name, "kind": "reporting area", "parent": ""}]
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
    rows += [{"id": key, "name": best_name[key], "kind": best_kind[key], "parent": parent_of[key]}
             for key in ordered]
    return rows


def _most_common(frame: pd.DataFrame, column: str) -> dict[str, str]:
    counts = frame.groupby(["id", column], sort=True).size().reset_index(name="count")
    counts = counts.sort_values(["id", "count", column], ascending=[True, False, True], kind="stable")
    return dict(counts.drop_duplicates("id")[["id", column]].itertuples(index=False, name=None))


# Writing ------------------------------------------------------------------------------------------------------

_SLUG_PATTERN = "[a-z0-9][a-z0-9-]*"


def _field(name: str, kind: str = "string", *, required: bool = False, unique: bool = False, **extra) -> dict:
    constraints = {key: value for key, value in extra.items() if key in ("pattern", "enum", "minimum", "maximum")}
    if required:
        constraints["required"] = True
    if unique:
        constraints["unique"] = True
    described = {"name": name, "type": kind}
    if "description" in extra:
        described["description"] = extra["description"]
    if constraints:
        described["constraints"] = constraints
    return described


def _agenda_resources() -> list[dict]:
    """The agenda's tables and their schemas, as the generator reads them (generator/agenda.py)."""
    period = {"pattern": PERIOD_PATTERN}
    tables = {
        "goals": ([_field("id", required=True, unique=True, pattern=_SLUG_PATTERN), _field("title", required=True),
                   _field("summary")], ["id"], []),
        "units": ([_field("id", required=True, unique=True, pattern="[a-z0-9_]+"), _field("label", required=True),
                   _field("symbol"), _field("minimum", "number"), _field("maximum", "number"),
                   _field("integer", "boolean", required=True)], ["id"], []),
        "dimensions": ([_field("id", required=True, unique=True, pattern="[a-z][a-z0-9_]*"),
                        _field("label", required=True), _field("description"), _field("reference_group")], ["id"], []),
        "groups": ([_field("dimension", required=True), _field("group", required=True)], ["dimension", "group"],
                   [(["dimension"], "dimensions", ["id"])]),
        "geographies": ([_field("id", required=True, unique=True, pattern=_SLUG_PATTERN),
                         _field("name", required=True), _field("kind"), _field("parent")], ["id"],
                        [(["parent"], "", ["id"])]),
        "indicators": ([
            _field("id", required=True, unique=True, pattern=_SLUG_PATTERN), _field("goal", required=True),
            _field("title", required=True), _field("definition", required=True), _field("unit", required=True),
            _field("direction", required=True, enum=["increase", "decrease"]),
            _field("decimals", "integer", required=True, minimum=0, maximum=6),
            _field("baseline_period", **period), _field("target_value", "number"),
            _field("target_period", **period),
            _field("dimensions", description="The dimensions this indicator may be broken down by: dimension ids "
                                             "separated by spaces."),
            _field("steward", required=True, description="The slug of the partner that publishes this indicator."),
            _field("source"),
            _field("progress_series", pattern="[a-z_]+( [a-z_]+)*",
                   description="Which series count towards the indicator's status: 'total' (the headline series, "
                               "the default) and/or dimension ids, whose groups are averaged and count once; 'none' "
                               "for no status."),
            _field("limit", "number", description="A natural limit the indicator cannot pass (such as 100 for a "
                                                  "percent); only used without a target."),
            _field("progress_thresholds", pattern="-?[0-9.]+ -?[0-9.]+ -?[0-9.]+",
                   description="Overrides the published thresholds for this indicator: high, medium and low, "
                               "separated by spaces."),
            _field("next_update", description="When the next data are expected, in words."),
        ], ["id"], [(["goal"], "goals", ["id"]), (["unit"], "units", ["id"])]),
    }
    resources = []
    for name, (fields, primary_key, foreign_keys) in tables.items():
        schema = {"fields": fields, "primaryKey": primary_key}
        if foreign_keys:
            schema["foreignKeys"] = [{"fields": own, "reference": {"resource": resource, "fields": theirs}}
                                     for own, resource, theirs in foreign_keys]
        resources.append({"name": name, "path": f"{name}.csv", "schema": schema})
    return resources


def _observation_schema(dimensions: list[dict]) -> dict:
    def text(name, title, description, **constraints):
        described = {"name": name, "type": "string", "title": title, "description": description}
        if constraints:
            described["constraints"] = constraints
        return described

    def number(name, title, description):
        return {"name": name, "type": "number", "title": title, "description": description}

    return {
        "description": "The one observation schema every partner package uses. One row is one value of one shared "
                       "indicator for one period, one geography and one combination of dimension values; a blank "
                       "dimension means the total.",
        "fieldsMatch": "equal",
        "missingValues": [""],
        "fields": [
            text("indicator", "Indicator", "The shared indicator's id, as in the common agenda's indicators.csv.",
                 required=True),
            text("period", "Period", "A year (2024), a school or financial year (2023-24) or a quarter (2024-Q2).",
                 required=True, pattern=PERIOD_PATTERN),
            text("geography", "Geography", "The geography's id, as in the common agenda's geographies.csv.",
                 required=True),
            *(text(row["id"], row["label"], f"Blank for all groups of {row['label']} together.")
              for row in dimensions),
            text("unit", "Unit", "The indicator's unit id, as in the common agenda's units.csv.", required=True),
            number("value", "Value", "The observed value. Leave blank only when the status is suppressed."),
            number("lower_bound", "Lower bound", "Lower bound of the confidence interval, if any."),
            number("upper_bound", "Upper bound", "Upper bound of the confidence interval, if any."),
            number("numerator", "Numerator", "The count the value was computed from, if published."),
            number("denominator", "Denominator", "The population the value was computed over, if published."),
            text("status", "Status", "Blank for a final value; otherwise provisional, estimated, suppressed or "
                 "break_in_series (the first value after a change of method).",
                 enum=["provisional", "estimated", "suppressed", "break_in_series"]),
            text("note", "Note", "A note for readers about this value, in plain text."),
        ],
    }


def _write(target: Path, partner: str, agenda: _Agenda, mapped: list[_MappedFile], licence: dict, area_name: str,
           partner_title: str, source: Path, today: date) -> None:
    """Both folders written in full beside the old ones, then swapped in: a failure leaves the old ones."""
    datapackages = target / "datapackages"
    datapackages.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=datapackages))
    try:
        agenda_folder, partner_folder = staging / AGENDA_FOLDER, staging / partner
        agenda_folder.mkdir()
        partner_folder.mkdir()
        created = f"{today.isoformat()}T00:00:00Z"
        _write_agenda(agenda_folder, agenda, partner, licence, area_name, created)
        shutil.copyfile(agenda_folder / OBSERVATION_SCHEMA_FILE, partner_folder / OBSERVATION_SCHEMA_FILE)
        rows = _write_observations(partner_folder / "observations.csv", mapped, agenda.dimension_order)
        _write_partner(partner_folder, partner, partner_title, licence, source, created, rows, agenda)
        for folder in (agenda_folder, partner_folder):
            final = datapackages / folder.name
            if final.exists():
                old = staging / (folder.name + ".old")
                final.rename(old)
            folder.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_agenda(folder: Path, agenda: _Agenda, partner: str, licence: dict, area_name: str, created: str) -> None:
    descriptor = {
        "name": AGENDA_FOLDER,
        "title": f"{area_name}: Sustainable Development Goals",
        "description": f"The Sustainable Development Goals and the indicators that measure them for {area_name}, "
                       "imported from an Open SDG data repository. " + _attribution(licence),
        "version": "1.0.0",
        "created": created,
        "licenses": [licence],
        "initiative": {
            "name": f"{area_name} SDG indicators",
            "fictional": False,
            "vision": f"Progress of {area_name} towards the 17 Sustainable Development Goals, indicator by "
                      "indicator, from the national reporting data.",
            "area": agenda.area,
            "backbone": "",
            "contact": "",
            "data_licence": licence["name"],
        },
        "resources": _agenda_resources(),
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    schema = _observation_schema(agenda.dimensions)
    (folder / OBSERVATION_SCHEMA_FILE).write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
    indicator_rows = [{
        "id": item.id, "goal": item.goal, "title": item.title, "definition": item.definition, "unit": item.unit,
        "direction": item.direction, "decimals": item.decimals, "baseline_period": item.baseline_period,
        "target_value": _plain_number(item.target_value), "target_period": item.target_period,
        "dimensions": " ".join(item.dimensions), "steward": partner, "source": item.source,
        "progress_series": item.progress_series, "limit": _plain_number(item.limit), "progress_thresholds": "",
        "next_update": item.next_update,
    } for item in agenda.indicators]
    tables = {"goals": agenda.goals, "units": agenda.units, "dimensions": agenda.dimensions,
              "groups": agenda.groups, "geographies": agenda.geographies, "indicators": indicator_rows}
    for resource in _agenda_resources():
        fields = [described["name"] for described in resource["schema"]["fields"]]
        _write_csv(folder / resource["path"], fields, tables[resource["name"]])


def _plain_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in fields})


def _csv_cell(text: str) -> str:
    """A cell as CSV writes it: quoted when it holds a comma, a quote or a line break."""
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


# Ids, periods and numbers never need quotes; the other fields may.
_PLAIN_FIELDS = {"indicator", "period", "geography", "unit", "value", "lower_bound", "upper_bound", "numerator",
                 "denominator", "status"}


def _write_observations(path: Path, mapped: list[_MappedFile], dimension_order: list[str]) -> int:
    """observations.csv in the agreed field order, built a file at a time: most dimension cells are blank."""
    fields = [*OBSERVATION_FIELDS_BEFORE, *dimension_order, *OBSERVATION_FIELDS_AFTER]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(",".join(fields) + "\n")
        for item in mapped:
            frame = item.observations
            if frame.empty:
                continue
            line = None
            blanks = 0
            for position, name in enumerate(fields):
                if name in frame.columns:
                    cells = frame[name] if name in _PLAIN_FIELDS else _map_unique(frame[name], _csv_cell)
                    prefix = "," * (blanks + (position > 0))
                    line = cells if line is None else line + prefix + cells
                    blanks = 0
                elif position == 0:
                    raise ValueError("the indicator column is always written")
                else:
                    blanks += 1
            line = line + "," * blanks
            file.write("\n".join(line) + "\n")
            rows += len(frame)
    return rows


def _write_partner(folder: Path, partner: str, title: str, licence: dict, source: Path, created: str, rows: int,
                   agenda: _Agenda) -> None:
    attribution = _attribution(licence)
    descriptor = {
        "name": partner,
        "title": title,
        "description": f"Every observation of the Open SDG data repository {source.name}, in the agreed observation "
                       f"schema. {attribution}",
        "version": "1.0.0",
        "created": created,
        "licenses": [licence],
        "contributors": [{"title": title, "role": "publisher"}],
        "sources": [{"title": f"Open SDG data repository {source.name} (data/ and meta/)"}],
        "partner": {"sector": "Official statistics",
                    "activities": "Publishes the national data on the Sustainable Development Goal indicators."},
        "resources": [{"name": "observations", "path": "observations.csv", "format": "csv", "mediatype": "text/csv",
                       "encoding": "utf-8", "schema": OBSERVATION_SCHEMA_FILE}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    with_data = sum(indicator.has_data for indicator in agenda.indicators)
    readme = (
        f"# {title}: partner data package\n\n"
        f"Imported from the Open SDG data repository `{source.name}` by `indicators import open-sdg`.\n"
        "Do not edit `observations.csv` by hand: change the source and import it again.\n\n"
        f"- `observations.csv`: {rows:,} observations of {with_data} shared indicators.\n"
        "- `observation.schema.json`: a copy of the agenda's observation schema.\n"
        "- `datapackage.json`: the package, its licence and its source.\n\n"
        f"## Licence\n\n{attribution}\n"
    )
    (folder / "README.md").write_text(readme, encoding="utf-8")


# Reporting ----------------------------------------------------------------------------------------------------


def reconciliation_text(result: ImportResult, every_file: bool = True) -> str:
    """What the command prints: rows in, imported and reported, per file and in total, and why rows were not."""
    width = max((len(file.file) for file in result.files), default=4)
    lines = []
    if every_file:
        lines.append(f"{'file':<{width}}  {'rows':>8}  {'imported':>8}  {'reported':>8}")
        for file in result.files:
            mark = "" if file.balanced else "  (does not add up)"
            lines.append(f"{file.file:<{width}}  {file.rows_in_file:>8,}  {file.rows_imported:>8,}  "
                         f"{file.rows_reported:>8,}{mark}")
        lines.append("")
    lines.append(f"{len(result.files)} files, {result.rows_in_files:,} rows: {result.rows_imported:,} imported, "
                 f"{result.rows_reported:,} reported" + ("." if result.balanced else "; SOME FILES DO NOT ADD UP."))
    for rule, count in result.reported_by_rule().items():
        lines.append(f"  {count:>8,}  {rule}")
    lines.append(f"{result.goals} goals, {result.indicators} shared indicators "
                 f"({len(result.indicators_without_data)} without data), {result.dimensions} dimensions, "
                 f"{result.geographies} geographies, {result.units} units.")
    if result.notes:
        lines.append(f"{len(result.notes)} notes on the metadata:")
        for rule, count in result.notes_by_rule().items():
            lines.append(f"  {count:>8,}  {rule}")
    if result.other_partners:
        lines.append("These packages were written for another agenda and will not validate against this one: "
                     + ", ".join(result.other_partners) + ".")
    return "\n".join(lines) + "\n"


def reported_rows_csv(result: ImportResult) -> str:
    """Every reported row and every note, as CSV (file, line, rule, reason), for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "line", "rule", "reason"])
    for file in result.files:
        for row in file.reported:
            writer.writerow([file.file, row.line, row.rule, row.reason])
    for note in result.notes:
        writer.writerow([note.file, "", note.rule, note.message])
    return buffer.getvalue()
