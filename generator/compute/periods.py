"""Periods: the labels partners write (`2024`, `2023-24`, `2024-Q2`) and the time they stand for."""

from __future__ import annotations

import re
from dataclasses import dataclass

# One pattern for the schema, the agenda and the validator.
PERIOD_PATTERN = r"[0-9]{4}(-[0-9]{2}|-[0-9]{4}|-Q[1-4])?"
_PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<end>[0-9]{4}|[0-9]{2})|-Q(?P<quarter>[1-4]))?$")
_LONGEST_RANGE = 10


@dataclass(frozen=True)
class Period:
    label: str
    start_year: int
    # A school or financial year counts as its first year (Open SDG and Statistics Canada do the same),
    # a quarter as the fraction of the year at which it starts.
    time: float
    kind: str  # "year", "range" or "quarter"
    span: int = 0  # years from start to end of a range such as 2023-24
    short_end: bool = False  # the range was written 2023-24 rather than 2023-2024

    def shifted(self, years: int) -> str:
        """The label of the same kind of period `years` later."""
        start = self.start_year + years
        if self.kind == "year":
            return str(start)
        if self.kind == "quarter":
            return f"{start}-{self.label[-2:]}"
        end = start + self.span
        return f"{start}-{end % 100:02d}" if self.short_end else f"{start}-{end}"


class PeriodError(ValueError):
    """The label is not a period; the message says why, in words a partner can act on."""


def parse_period(label: str) -> Period:
    match = _PERIOD.match(label)
    if not match:
        raise PeriodError(
            f'"{label}" is not a period: write a year (2024), a school or financial year (2023-24) '
            "or a quarter (2024-Q2)"
        )
    year = int(match["year"])
    if match["quarter"]:
        return Period(label, year, year + (int(match["quarter"]) - 1) / 4, "quarter")
    end = match["end"]
    if not end:
        return Period(label, year, float(year), "year")
    short_end = len(end) == 2
    end_year = (year // 100) * 100 + int(end) if short_end else int(end)
    if short_end and end_year <= year:
        end_year += 100  # 1999-00
    if end_year <= year:
        raise PeriodError(f'"{label}" ends before it starts: write the first year first, as in 2023-24')
    if end_year - year > _LONGEST_RANGE:
        raise PeriodError(
            f'"{label}" is not a period: a school or financial year runs into the next year, as in '
            f"{year}-{(year + 1) % 100:02d}; months are not periods here"
        )
    return Period(label, year, float(year), "range", end_year - year, short_end)


def is_period(label: str) -> bool:
    try:
        parse_period(label)
    except PeriodError:
        return False
    return True


def periods_between(first: Period, last: Period) -> list[str]:
    """Every yearly period from first to last, so that a chart shows a missing year as a gap."""
    if first.kind == "quarter" or first.kind != last.kind:
        return []
    return [first.shifted(years) for years in range(last.start_year - first.start_year + 1)]
