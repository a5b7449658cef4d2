"""Periods: Open SDG's `Year` labels as the period labels this project uses.

`2015` stays; `2015-16`, `2015/16`, `2015/2016`, `2015 to 2016` and `2015/16 to 2017/18` become ranges (`2015-16`,
`2015-2016`, `2015-2018`); `2015 Q1` becomes `2015-Q1`; a month, `1993 01` (Open SDG's form), `1993-01` or `Jan
1993`, becomes `1993-01` (`2000-M01` for the twelve months that would read as a school year, see
`compute.periods.month_label`); a span of dates such as survey fieldwork ("17 May to 11 June 2023") becomes its
year or years; a trailing remark such as `(baseline)` or `[Note 5]`, and a span of dates, is kept in the note as
the year was written. Any other text is reported as unreadable. A text without a single digit and no value is
reported as a placeholder ("There is no data for this indicator yet").
"""

from __future__ import annotations

import re

from generator.compute.periods import PERIOD_PATTERN, PeriodError, month_label, parse_period

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
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A month: Open SDG's "1993 01", and "Jan 1993" or "January 1993".
_MONTH_FORMS = (
    (re.compile(r"(\d{4})\s+(0[1-9]|1[0-2])"), lambda m: month_label(int(m[1]), int(m[2]))),
    (re.compile(rf"({_MONTH})\s+(\d{{4}})", re.I),
     lambda m: month_label(int(m[2]), _MONTH_NAMES.index(m[1][:3].casefold()) + 1)),
)
# A span of dates, such as survey fieldwork: "17 May to 11 June 2023" is 2023, "Nov 2022 to Feb 2023" 2022-2023.
_DATE_SPAN = re.compile(rf"(?:\d{{1,2}}\s+)?{_MONTH}(?:\s+(\d{{4}}))?\s*(?:to|-|–)\s*"
                        rf"(?:\d{{1,2}}\s+)?{_MONTH}\s+(\d{{4}})", re.I)


def _end_year(label: str) -> int:
    period = parse_period(label)
    return period.start_year + period.span


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
    for pattern, build in (*_PERIOD_FORMS, *_MONTH_FORMS):
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
    return None, "", "unreadable-period", (f'"{label}" is not a year (2015), a year range (2015-16), a quarter '
                                           "(2015 Q1) or a month (2015 01).")

