"""The reconciliation: every record of every data file is either imported or reported with its line and the
reason (`ImportResult.files`), and what the metadata could not say is listed in `ImportResult.notes`.

The rows of a file are its CSV records after the header, blank lines included, so that imported plus reported is
every line a reader sees. Rows reported, by rule: `blank-line`, `wrong-cell-count`, `no-data-placeholder`,
`unreadable-period`, `future-period` (the project publishes periods that have begun), `value-not-a-number`,
`blank-value`, `conflicting-columns` (two spellings of one column disagree) and `duplicate-observation` (the same
indicator, period, geography and groups as an earlier line, after mapping).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


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
    merged: object | None = None  # tools.agenda.Merged, when the import was merged into a real agenda
    example_removed: tuple[str, ...] = ()  # the fictional example's folders and files the import replaced
    migrated: dict[str, list[str]] = field(default_factory=dict)  # partner → files given the new dimension columns

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
    if result.example_removed:
        lines.append("Replaced the fictional example: removed " + ", ".join(result.example_removed) + ".")
    if result.merged is not None:
        added = {table: keys for table, keys in result.merged.added.items() if keys}
        updated = {table: keys for table, keys in result.merged.updated.items() if keys}
        lines.append("Merged into the agenda in place: "
                     + ("added " + ", ".join(f"{len(keys)} {table}" for table, keys in added.items())
                        if added else "nothing new")
                     + ("; updated " + "; ".join(f"{table} " + ", ".join(keys[:10])
                                                + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")
                                                for table, keys in updated.items()) if updated else "")
                     + ".")
    for partner, files in result.migrated.items():
        lines.append(f"New dimension columns, blank, added to {partner}: " + ", ".join(files) + ".")
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
