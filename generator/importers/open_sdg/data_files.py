"""The data files, `data/indicator_<id>.csv`: each read as a table of stripped text, every record after the header
kept or reported; and the columns that have a fixed role, found by their folded name."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from generator.importers.open_sdg.metadata import ARCHIVED_NOTE, indicator_id
from generator.importers.open_sdg.reconcile import MetadataNote, ReportedRow
from generator.importers.open_sdg.text import fold, natural_key

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


@dataclass
class DataFile:
    shown: str  # relative to the source folder, with forward slashes
    indicator: str  # the Open SDG indicator id, from the file name
    header: list[str]
    table: pd.DataFrame  # the usable records, every cell stripped text, with `_line`
    rows_in_file: int
    reported: list[ReportedRow]


def find_data_files(source: Path, notes: list[MetadataNote]) -> list[Path]:
    """The indicator data files, in indicator order; anything else in data/ is noted as skipped."""
    folder = source / "data"
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.iterdir()):
        shown = path.relative_to(source).as_posix()
        if path.is_file() and path.name.startswith("indicator_") and path.suffix.lower() == ".csv":
            files.append(path)
        elif path.stem.startswith("archived"):
            notes.append(MetadataNote(shown, "skipped-file", ARCHIVED_NOTE))
        else:
            notes.append(MetadataNote(shown, "skipped-file", "Not an indicator data file (data/indicator_*.csv)."))
    return sorted(files, key=lambda path: natural_key(indicator_id(path.stem[len("indicator_"):])))


def read_data_file(path: Path, source: Path) -> DataFile:
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
            records.append([cell.strip() for cell in record])
            lines.append(line)
    header = header or []
    table = pd.DataFrame(records, columns=header, dtype=object) if records else \
        pd.DataFrame(columns=header).astype(object)
    table["_line"] = np.array(lines, dtype=np.int64)
    indicator = indicator_id(path.stem[len("indicator_"):])
    return DataFile(shown, indicator, header, table, rows_in_file, reported)


def _unique_names(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    unique = []
    for position, name in enumerate(names, start=1):
        name = name or f"Column {position}"
        seen[name] += 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def columns_named(header: list[str], names: tuple[str, ...]) -> list[str]:
    """The header's columns whose folded name is one of `names`, in the order of `names`."""
    by_fold = {}
    for column in header:
        by_fold.setdefault(fold(column), column)
    return [by_fold[name] for name in names if name in by_fold]



def map_unique(column: pd.Series, function) -> pd.Series:
    """`function` of each distinct value, spread over the column: one call per value, not per row."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    results = np.empty(len(uniques), dtype=object)
    for position, value in enumerate(uniques):
        results[position] = function(value)
    return pd.Series(results[codes], index=column.index, dtype=object)
