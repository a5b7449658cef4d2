"""The initiative's own rules for observations, beyond types: checked on whole columns at once.

A file repeats a few indicators, units, geographies, groups and periods on every row, so each rule judges each
distinct text of a column once (`cells.Column`) and its verdict reaches the rows by their codes; only then are
messages built, for the bad rows alone. A valid file costs a few comparisons of integer arrays whatever its size.
A rule reports at most `MAX_PER_RULE` rows per file and then says how many more there are.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from generator.load.agenda import AGENDA_FOLDER, Agenda
from generator.load.cells import TEXT, Column, TextTable
from generator.load.packages import DataFile
from generator.compute.periods import PERIOD_FORMS, PERIOD_PATTERN, PeriodError, is_period, parse_period
from generator.problems import WARNING, Problem
from generator.validate.structure import clip

MAX_PER_RULE = 50
AGENDA_FILE = f"datapackages/{AGENDA_FOLDER}/indicators.csv"
_FINE, _INVALID, _FUTURE = 0, 1, 2  # what a period label is


class _Row:
    """The cells of one row, by field name, for the words of a message."""

    def __init__(self, table: TextTable, position: int):
        self.table, self.position = table, position

    def __getitem__(self, name: str) -> str:
        return self.table[name][self.position]


@dataclass
class _Context:
    file: DataFile
    table: TextTable
    partner: str
    problems: list[Problem]

    def report(self, rule: str, bad: np.ndarray, column: str, message, hint) -> None:
        """One problem per bad row that is not blank: `message` and `hint` are text or functions of the row."""
        rows = np.flatnonzero(bad & self.table.filled)
        if not len(rows):
            return
        column_number = self.table.column_number(column)
        for row in rows[:MAX_PER_RULE].tolist():
            cells = _Row(self.table, row)
            self.problems.append(Problem(
                rule,
                message(cells) if callable(message) else message,
                hint(cells) if callable(hint) else hint,
                self.file.shown_as,
                self.file.layout.line(row + 2),
                column_number,
                column,
                partner=self.partner,
            ))
        if len(rows) > MAX_PER_RULE:
            self.problems.append(Problem(
                rule,
                f"{len(rows) - MAX_PER_RULE:,} more rows break the rule {rule} in this file.",
                "Fix the rows above first; the same fix usually applies to the rest.",
                self.file.shown_as,
                partner=self.partner,
            ))


def observation_problems(file: DataFile, agenda: Agenda, partner: str, today: date | None = None) -> list[Problem]:
    """Every domain problem of one file whose structure is sound (the agreed columns are all there)."""
    table = file.text
    context = _Context(file, table, partner, [])
    indicators = agenda.indicators_by_id
    indicator = table["indicator"]
    known = indicator.isin(indicators)

    context.report(
        "unknown-indicator", ~known & ~indicator.equals(""), "indicator",
        lambda row: f'"{clip(row["indicator"])}" is not a shared indicator of the common agenda.',
        lambda row: _suggest(row["indicator"], indicators, f"Use an indicator id from {AGENDA_FILE}")
        + " A new indicator must be agreed with the backbone and added to the agenda first.",
    )

    unit = table["unit"]
    unit_code = {text: code for code, text in enumerate(unit.texts)}
    # Each row's indicator's unit, as a code of the unit column (-1 where no row has written that unit).
    expected_unit = indicator.each(
        lambda key: unit_code.get(indicators[key].unit, -1) if key in indicators else -1, dtype=np.int64)
    context.report(
        "wrong-unit", known & (unit.codes != expected_unit) & ~unit.equals(""), "unit",
        lambda row: f'The unit "{clip(row["unit"])}" is not the unit of "{clip(row["indicator"])}".',
        lambda row: f'Write "{indicators[row["indicator"]].unit}": every value of this indicator is in that '
        "unit (convert the value if yours was measured differently).",
    )

    geography = table["geography"]
    context.report(
        "unknown-geography", ~geography.isin(agenda.geographies) & ~geography.equals(""), "geography",
        lambda row: f'"{clip(row["geography"])}" is not a geography of the common agenda.',
        lambda row: _suggest(row["geography"], agenda.geographies,
                             f"Use a geography id from datapackages/{AGENDA_FOLDER}/geographies.csv"),
    )

    for dimension in agenda.dimensions:
        column = table[dimension.id]
        given = ~column.equals("")
        allowed_for = [key for key, indicator in indicators.items() if dimension.id in indicator.dimensions]
        context.report(
            "dimension-not-allowed", given & known & ~indicator.isin(allowed_for), dimension.id,
            lambda row, dimension=dimension: f'"{clip(row["indicator"])}" is not broken down by {dimension.label.lower()}.',
            lambda row: _allowed_dimensions(indicators[row["indicator"]], agenda),
        )
        context.report(
            "unknown-group", given & ~column.isin(dimension.groups), dimension.id,
            lambda row, dimension=dimension: f'"{clip(row[dimension.id])}" is not one of the agreed groups of '
            f"{dimension.label.lower()}.",
            lambda row, dimension=dimension: _suggest(
                row[dimension.id], dimension.groups,
                "Use one of: " + ", ".join(f'"{group}"' for group in dimension.groups),
            ),
        )

    today = today or date.today()
    period = table["period"].each(lambda label: _judge_period(label, today), dtype=np.int8)
    context.report(
        "invalid-period", period == _INVALID, "period",
        lambda row: _period_error(row["period"]),
        f"Write {PERIOD_FORMS}.",
    )
    context.report(
        "future-period", period == _FUTURE, "period",
        lambda row: f'The period {clip(row["period"])} has not begun yet.',
        "Check the year: an observation describes a period that has started. Targets belong in the agenda.",
    )

    _value_rules(context, table, known, indicators, agenda)
    _provisional_warning(context, table)
    return context.problems


def _judge_period(label: str | None, today: date) -> int:
    """Whether a label shaped like a period is none, or one that has not begun; other labels are frictionless's."""
    if label is None or not re.fullmatch(PERIOD_PATTERN, label):
        return _FINE
    if not is_period(label):
        return _INVALID
    return _FINE if parse_period(label).has_begun(today.year, today.month) else _FUTURE


def _numbers(column: Column) -> np.ndarray:
    """Each distinct text of the column read as pandas reads a number; NaN where it is none."""
    numbers = pd.to_numeric(pd.Series(column.texts, dtype=TEXT), errors="coerce")
    return numbers.to_numpy(dtype="float64", na_value=np.nan)


def _provisional_warning(context: _Context, table: TextTable) -> None:
    """Provisional values are published, marked as such: one warning a file says so, not one a row."""
    provisional = np.flatnonzero(table["status"].equals("provisional") & table.filled)
    if len(provisional):
        context.problems.append(Problem(
            "provisional-values",
            f"{len(provisional):,} values are provisional; they will be published marked as provisional.",
            "Nothing to fix now. When the final figures come, replace the values and clear their status.",
            context.file.shown_as,
            context.file.layout.line(int(provisional[0]) + 2),
            table.column_number("status"),
            "status",
            severity=WARNING,
            partner=context.partner,
        ))


def _value_rules(context: _Context, table: TextTable, known: np.ndarray, indicators, agenda: Agenda) -> None:
    written, indicator = table["value"], table["indicator"]
    blank = written.equals("")
    suppressed = table["status"].equals("suppressed")
    context.report(
        "missing-value", blank & ~suppressed, "value",
        "The value is blank and the status does not say why.",
        'Give the value, or set the status to "suppressed" if it is withheld (for example because the group is small).',
    )
    context.report(
        "suppressed-with-value", ~blank & suppressed, "value",
        lambda row: f'The value {clip(row["value"])} is marked suppressed, so it would be published by mistake.',
        "Delete the value if it must be withheld, or clear the status if it may be published.",
    )

    # Numbers are read once for each distinct text, and judged for each unit: only answers reach the rows, so a
    # million rows cost a few arrays of a byte a row rather than of a number a row.
    number = _numbers(written)
    out_of_range = np.zeros(table.row_count, dtype=bool)
    for unit_id, unit in agenda.units.items():
        with np.errstate(invalid="ignore"):
            outside = ((number < unit.minimum) if unit.minimum is not None else np.zeros(len(number), dtype=bool)) | (
                (number > unit.maximum) if unit.maximum is not None else False)
        if outside.any():
            measured_in = indicator.isin([key for key, one in indicators.items() if one.unit == unit_id])
            out_of_range |= measured_in & written.where(outside)

    def unit_range(row) -> str:
        unit = agenda.units[indicators[row["indicator"]].unit]
        low = "" if unit.minimum is None else f"{unit.minimum:g}"
        high = "" if unit.maximum is None else f"{unit.maximum:g}"
        span = f"from {low} to {high}" if low and high else (f"at least {low}" if low else f"at most {high}")
        return f"A value in {unit.label.lower()} is {span}"

    context.report(
        "value-out-of-range", known & out_of_range, "value",
        lambda row: f'The value {clip(row["value"])} is outside the range of its unit.',
        lambda row: unit_range(row) + ": check the value (a percent is written 45.2, not 0.452).",
    )
    # 2001.0 is a whole value but not a count as written: a count has no decimal point or exponent.
    with np.errstate(invalid="ignore"):
        not_whole = ~np.isnan(number) & ((number % 1 != 0) | np.array(
            [text is not None and re.search("[.eE]", text) is not None for text in written.texts], dtype=bool))
    counts = [key for key, one in indicators.items() if one.unit in agenda.units and agenda.units[one.unit].integer]
    context.report(
        "not-a-whole-number", known & indicator.isin(counts) & written.where(not_whole), "value",
        lambda row: f'The value {clip(row["value"])} is not a whole number, and "{clip(row["indicator"])}" counts things.',
        "Write the count as a whole number, without decimals.",
    )
    context.report(
        "bounds-around-value", _outside_bounds(table, number), "lower_bound",
        lambda row: f'The interval {clip(row["lower_bound"])} to {clip(row["upper_bound"])} does not contain the value '
        f'{clip(row["value"])}.',
        "Check the bounds: the lower bound comes first and the value lies between them.",
    )


def _outside_bounds(table: TextTable, value_number: np.ndarray) -> np.ndarray:
    """Rows whose lower bound is above the value or the upper bound, or whose upper bound is below the value.

    Only the rows that give a bound are compared: a number a row is kept for those alone.
    """
    value, lower, upper = table["value"], table["lower_bound"], table["upper_bound"]
    lower_number, upper_number = _numbers(lower), _numbers(upper)
    bounded = np.flatnonzero(lower.where(~np.isnan(lower_number)) | upper.where(~np.isnan(upper_number)))
    low, high = lower_number[lower.codes[bounded]], upper_number[upper.codes[bounded]]
    given = value_number[value.codes[bounded]]
    outside = np.zeros(table.row_count, dtype=bool)
    outside[bounded] = (low > given) | (high < given) | (low > high)
    return outside


def duplicate_problems(files: list[tuple[str, DataFile]], agenda: Agenda) -> list[Problem]:
    """Observations that share their key, within one file or across partners; each names the first place."""
    key = ["indicator", "period", "geography", *agenda.dimension_ids]
    if not files:
        return []
    rows_of = [np.flatnonzero(file.text.filled) for _, file in files]
    keys = _observation_keys([file.text for _, file in files], rows_of, key)
    ordered = np.sort(keys)
    if not (ordered[1:] == ordered[:-1]).any():
        return []  # the usual case, found with little memory: a hash table of a million keys is larger
    del ordered
    repeated = np.flatnonzero(pd.Series(keys).duplicated(keep=False).to_numpy())
    # The groups of rows that share a key, in the order of their first rows; in each, its rows in file order.
    group, _ = pd.factorize(keys[repeated])
    in_groups = repeated[np.argsort(group, kind="stable")].tolist()
    ends = np.cumsum(np.bincount(group)).tolist()
    file_starts = np.cumsum([0] + [len(rows) for rows in rows_of])

    def place(position: int) -> tuple[int, int]:
        """The file (by number) and the row in it of a position among all files' kept rows."""
        number = int(np.searchsorted(file_starts, position, side="right")) - 1
        return number, int(rows_of[number][position - file_starts[number]])

    problems: list[Problem] = []
    per_file: dict[int, int] = {}
    for start, end in zip([0, *ends[:-1]], ends):
        first, *others = in_groups[start:end]
        first_number, first_row = place(first)
        first_partner, first_file = files[first_number]
        first_line = first_file.layout.line(first_row + 2)
        for again in others:
            number, row_number = place(again)
            partner, file = files[number]
            per_file[number] = per_file.get(number, 0) + 1
            if per_file[number] > MAX_PER_RULE:
                continue
            line = file.layout.line(row_number + 2)
            row = _Row(file.text, row_number)
            same_partner = partner == first_partner
            what = (f'The observation of "{clip(row["indicator"])}" for {clip(row["period"])}, {clip(row["geography"])}'
                    f"{_groups_text(row, agenda)}")
            if same_partner:
                problems.append(Problem(
                    "duplicate-observation", f"{what} is already given at {first_file.shown_as}:{first_line}.",
                    "Keep one of the two rows and delete the other.",
                    file.shown_as, line, 1, "indicator", partner=partner,
                ))
                continue
            # Across partners, each partner's check must show it: a pull request validates one partner's folder.
            for mine, my_line, mine_partner, other, other_line, other_partner in (
                    (file, line, partner, first_file, first_line, first_partner),
                    (first_file, first_line, first_partner, file, line, partner)):
                problems.append(Problem(
                    "duplicate-observation", f"{what} is also given by {other_partner} at {other.shown_as}:{other_line}.",
                    f'Only one partner may publish each observation: agree with "{other_partner}" which of you '
                    "publishes it, and delete it from the other package.",
                    mine.shown_as, my_line, 1, "indicator", partner=mine_partner,
                ))
    return problems


def _observation_keys(tables: list[TextTable], rows_of: list[np.ndarray], key: list[str]) -> np.ndarray:
    """One integer for each kept row of every table, equal where the rows' texts in the `key` fields are equal.

    Each field's distinct texts are numbered across all tables, and the numbers of the fields are combined as the
    digits of one number, renumbered densely whenever the next field's digit would not fit.
    """
    combined = np.zeros(sum(len(rows) for rows in rows_of), dtype=np.int64)
    starts = np.cumsum([0] + [len(rows) for rows in rows_of])
    span = 1  # combined < span
    for name in key:
        columns = [table[name] for table in tables]
        numbered, texts = pd.factorize(pd.Series(np.concatenate([column.texts for column in columns]), dtype=object),
                                       use_na_sentinel=False)
        base = max(len(texts), 1)
        if span * base >= 2 ** 62:
            combined = pd.factorize(combined)[0].astype(np.int64)
            span = int(combined.max()) + 1 if len(combined) else 1
        at = 0
        for column, rows, start, end in zip(columns, rows_of, starts[:-1], starts[1:]):
            combined[start:end] *= base
            combined[start:end] += numbered[at: at + len(column.values)][column.codes[rows]]
            at += len(column.values)
        span *= base
    return combined


def _groups_text(row, agenda: Agenda) -> str:
    groups = [clip(row[dimension]) for dimension in agenda.dimension_ids if row[dimension]]
    return " (" + ", ".join(groups) + ")" if groups else " (total)"


def _suggest(value: str, choices, otherwise: str) -> str:
    by_folded = {str(choice).strip().casefold(): choice for choice in choices}
    exact = by_folded.get(value.strip().casefold())
    if exact is not None:
        return f'Write it exactly as "{exact}" (spelling, capitals and spaces matter).'
    if len(value) > 2 * max((len(str(choice)) for choice in choices), default=0):
        return otherwise + "."  # no choice can be 0.75 alike, and difflib's time grows with the text's length
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    if close:
        return f'Did you mean "{close[0]}"?'
    return otherwise + "."


def _allowed_dimensions(indicator, agenda: Agenda) -> str:
    labels = [agenda.dimensions_by_id[dimension].label.lower() for dimension in indicator.dimensions
              if dimension in agenda.dimensions_by_id]
    allowed = ("It may be broken down by " + ", ".join(labels)) if labels else "It has no breakdowns"
    return (f"{allowed}. Leave this column blank, or ask the backbone to add the breakdown to the indicator "
            f"in {AGENDA_FILE}.")


def _period_error(label: str) -> str:
    try:
        parse_period(label)
    except PeriodError as error:
        return str(error) + "."
    return f'"{label}" is not a period.'
