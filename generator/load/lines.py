"""Where each CSV record starts: frictionless counts records, partners need physical lines.

A quoted cell can span lines, so record 5 may start on line 9; the editor a partner opens shows lines.
"""

from __future__ import annotations

import csv
from functools import cached_property
from pathlib import Path


class FileLayout:
    """The header and where each record starts, read once and only when a problem needs a line number."""

    def __init__(self, path: Path):
        self.path = path

    @cached_property
    def _records(self) -> tuple[list[str], list[int]]:
        starts = [0, 1]  # frictionless numbers records from 1, and record 1 is the header
        header: list[str] = []
        try:
            with self.path.open(newline="", encoding="utf-8", errors="replace") as file:
                reader = csv.reader(file)
                header = next(reader, [])
                previous_end = reader.line_num
                for _ in reader:
                    starts.append(previous_end + 1)
                    previous_end = reader.line_num
        except (OSError, csv.Error):
            pass
        return header, starts

    def line(self, record_number: int | None) -> int | None:
        if record_number is None:
            return None
        starts = self._records[1]
        return starts[record_number] if record_number < len(starts) else record_number

    def column(self, field_name: str | None, fallback: int | None) -> int | None:
        header = [label.strip().lstrip("\ufeff") for label in self._records[0]]
        if field_name and field_name in header:
            return header.index(field_name) + 1
        return fallback
