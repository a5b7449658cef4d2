"""Periods: the labels partners write (`2024`, `2023-24`, `2024-Q2`, `2024-03`) and the time they stand for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# One pattern for the schema, the agenda and the validator. A month is `2024-03`; the twelve months that read as
# a school or financial year that way (`2000-01` … `2011-12`) are written `2000-M01` … `2011-M12` (SDMX's form).
PERIOD_PATTERN = r"[0-9]{4}(-[0-9]{2}|-[0-9]{4}|-Q[1-4]|-M(0[1-9]|1[0-2]))?"
_PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<end>[0-9]{4}|[0-9]{2})|-Q(?P<quarter>[1-4])"
                     r"|-M(?P<month>0[1-9]|1[0-2]))?$")
_LONGEST_RANGE = 10
# What a partner may write, in the words of every message about a period.
PERIOD_FORMS = ("a year (2024), a school or financial year (2023-24), a quarter (2024-Q2) or a month (2024-03)")


@dataclass(frozen=True)
class Period:
    label: str
    start_year: int
    # A school or financial year counts as its first year (Open SDG and Statistics Canada do the same),
    # a quarter and a month as the fraction of the year at which they start.
    time: float
    kind: str  # "year", "range", "quarter" or "month"
    span: int = 0  # years from start to end of a range such as 2023-24
    short_end: bool = False  # the range was written 2023-24 rather than 2023-2024
    start_month: int = 1  # the month a quarter or a month starts in; 1 for years and ranges

    def shifted(self, years: int) -> str:
        """The label of the same kind of period `years` later."""
        start = self.start_year + years
        if self.kind == "year":
            return str(start)
        if self.kind == "quarter":
            return f"{start}-{self.label[-2:]}"
        if self.kind == "month":
            return month_label(start, self.start_month)
        end = start + self.span
        return f"{start}-{end % 100:02d}" if self.short_end else f"{start}-{end}"

    def has_begun(self, year: int, month: int) -> bool:
        """Whether the period has started by the month `year`-`month`: a year or range once its first year has."""
        if self.kind in ("month", "quarter"):
            return (self.start_year, self.start_month) <= (year, month)
        return self.start_year <= year


class PeriodError(ValueError):
    """The label is not a period; the message says why, in words a partner can act on."""


def month_label(year: int, month: int) -> str:
    """A month as this project writes it: `2024-03`, or `2000-M01` where `2000-01` is a school year."""
    if is_school_year_spelling(year, month):
        return f"{year}-M{month:02d}"
    return f"{year}-{month:02d}"


def is_school_year_spelling(year: int, two_digits: int) -> bool:
    """Whether `YYYY-NN` reads as a school or financial year (NN is the next year's last two digits)."""
    return two_digits == (year + 1) % 100


# Cached: a chart, a trend and a rule each ask for the same few hundred labels again and again.
@lru_cache(maxsize=8192)
def parse_period(label: str) -> Period:
    match = _PERIOD.match(label)
    if not match:
        raise PeriodError(f'"{label}" is not a period: write {PERIOD_FORMS}')
    year = int(match["year"])
    if match["quarter"]:
        quarter = int(match["quarter"])
        return Period(label, year, year + (quarter - 1) / 4, "quarter", start_month=3 * quarter - 2)
    if match["month"]:
        return _month(label, year, int(match["month"]))
    end = match["end"]
    if not end:
        return Period(label, year, float(year), "year")
    short_end = len(end) == 2
    if short_end and not is_school_year_spelling(year, int(end)) and 1 <= int(end) <= 12:
        return _month(label, year, int(end))
    end_year = (year // 100) * 100 + int(end) if short_end else int(end)
    if short_end and end_year <= year:
        end_year += 100  # 1999-00
    if end_year <= year:
        raise PeriodError(f'"{label}" ends before it starts: write the first year first, as in 2023-24')
    if end_year - year > _LONGEST_RANGE:
        raise PeriodError(
            f'"{label}" is not a period: a school or financial year runs into the next year, as in '
            f"{year}-{(year + 1) % 100:02d}, and a month is 01 to 12, as in {year}-03"
        )
    return Period(label, year, float(year), "range", end_year - year, short_end)


def _month(label: str, year: int, month: int) -> Period:
    return Period(label, year, year + (month - 1) / 12, "month", start_month=month)


def is_period(label: str) -> bool:
    try:
        parse_period(label)
    except PeriodError:
        return False
    return True


_STEPS = {"year": 1, "range": 1, "quarter": 4, "month": 12}  # periods a year


def periods_between(first: Period, last: Period) -> list[str]:
    """Every period from first to last, so that a chart shows a missing one as a gap; [] when they differ in kind.

    Years and ranges go a year at a time in the style of `first`, quarters a quarter and months a month at a time.
    """
    if first.kind != last.kind or first.time > last.time:
        return []
    if first.kind in ("year", "range"):
        return [first.shifted(years) for years in range(last.start_year - first.start_year + 1)]
    months = 12 // _STEPS[first.kind]
    start = first.start_year * 12 + first.start_month - 1
    end = last.start_year * 12 + last.start_month - 1
    labels = []
    for index in range(start, end + 1, months):
        year, month = divmod(index, 12)
        labels.append(f"{year}-Q{month // 3 + 1}" if first.kind == "quarter" else month_label(year, month + 1))
    return labels


def axis_periods(labels: list[str]) -> list[str]:
    """The periods of a chart's time axis: every period from the first label to the last, evenly spaced, so that a
    missing period shows as a gap rather than a join, and a target year after monthly data sits at its own time.

    Labels of one kind are filled in their own style. Months or quarters with years among them (a target, say)
    are filled a month or a quarter at a time, each given label at its own time. Labels that cannot share one
    even axis (two at one time, or years and ranges mixed) are returned in time order as they are.
    """
    ordered = sorted({label: parse_period(label) for label in labels}.values(), key=lambda p: (p.time, p.label))
    if not ordered:
        return []
    kinds = {period.kind for period in ordered}
    if len(kinds) == 1:
        full = periods_between(ordered[0], ordered[-1])
        return full if set(full) >= {period.label for period in ordered} else [period.label for period in ordered]
    finest = "month" if "month" in kinds else "quarter" if "quarter" in kinds else None
    if finest is None:
        return [period.label for period in ordered]
    per_year = _STEPS[finest]
    at = {}
    for period in ordered:
        position = period.time * per_year
        if abs(position - round(position)) > 1e-9 or round(position) in at:
            return [period.label for period in ordered]
        at[round(position)] = period.label
    first, last = min(at), max(at)
    return [at.get(position) or _label_at(position, finest) for position in range(first, last + 1)]


def _label_at(position: int, kind: str) -> str:
    if kind == "quarter":
        year, quarter = divmod(position, 4)
        return f"{year}-Q{quarter + 1}"
    year, month = divmod(position, 12)
    return month_label(year, month + 1)


def axis_ticks(domain: list[str], most: int) -> list[str]:
    """At most `most` of the axis's periods to label, evenly spaced from the first; on an axis of months or
    quarters, the first of a year, every so many years, so that the labels read as a calendar."""
    step = -(-len(domain) // most)
    if step <= 1:
        return list(domain)
    parsed = [parse_period(label) for label in domain]
    if any(period.kind in ("month", "quarter") for period in parsed):
        starts = [period.label for period in parsed if period.start_month == 1]
        years = -(-len(starts) // most)
        if starts:
            return starts[::years]
    return domain[::step]
