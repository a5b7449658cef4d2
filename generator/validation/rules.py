"""The initiative's own rules for observations, beyond types: checked on whole columns at once.

Each rule finds its bad rows with pandas and only then builds messages, so a valid file costs a few
vectorised comparisons whatever its size. A rule reports at most `MAX_PER_RULE` rows per file and then
says how many more there are.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from generator.agenda import AGENDA_FOLDER, Agenda
from generator.packages import DataFile
from generator.periods import PERIOD_PATTERN, PeriodError, is_period, parse_period
from generator.problems import WARNING, Problem

MAX_PER_RULE = 50
AGENDA_FILE = f"datapackages/{AGENDA_FOLDER}/indicators.csv"


@dataclass
class _Context:
    file: DataFile
    table: pd.DataFrame  # the file's rows that are not blank, keeping their positions in the file as the index
    partner: str
    problems: list[Problem]

    def report(self, rule: str, mask: pd.Series, column: str, message, hint) -> None:
        """One problem per bad row: `message` and `hint` are text or functions of the row's cells."""
        rows = self.table.index[mask.to_numpy()]
        if not len(rows):
            return
        column_number = list(self.table.columns).index(column) + 1 if column in self.table.columns else None
        for row in rows[:MAX_PER_RULE]:
            cells = self.table.loc[row]
            self.problems.append(Problem(
                rule,
                message(cells) if callable(message) else message,
                hint(cells) if callable(hint) else hint,
                self.file.shown_as,
                self.file.layout.line(int(row) + 2),
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
    table = filled_rows(file.table)
    context = _Context(file, table, partner, [])
    indicators = agenda.indicators_by_id
    known = table["indicator"].isin(indicators)

    context.report(
        "unknown-indicator", ~known & (table["indicator"] != ""), "indicator",
        lambda row: f'"{row["indicator"]}" is not a shared indicator of the common agenda.',
        lambda row: _suggest(row["indicator"], indicators, f"Use an indicator id from {AGENDA_FILE}")
        + " A new indicator must be agreed with the backbone and added to the agenda first.",
    )

    expected_unit = table["indicator"].map({key: indicator.unit for key, indicator in indicators.items()})
    context.report(
        "wrong-unit", known & (table["unit"] != expected_unit) & (table["unit"] != ""), "unit",
        lambda row: f'The unit "{row["unit"]}" is not the unit of "{row["indicator"]}".',
        lambda row: f'Write "{indicators[row["indicator"]].unit}": every value of this indicator is in that '
        "unit (convert the value if yours was measured differently).",
    )

    context.report(
        "unknown-geography", ~table["geography"].isin(agenda.geographies) & (table["geography"] != ""), "geography",
        lambda row: f'"{row["geography"]}" is not a geography of the common agenda.',
        lambda row: _suggest(row["geography"], agenda.geographies,
                             f"Use a geography id from datapackages/{AGENDA_FOLDER}/geographies.csv"),
    )

    for dimension in agenda.dimensions:
        column = table[dimension.id]
        given = column != ""
        allowed_for = [key for key, indicator in indicators.items() if dimension.id in indicator.dimensions]
        context.report(
            "dimension-not-allowed", given & known & ~table["indicator"].isin(allowed_for), dimension.id,
            lambda row, dimension=dimension: f'"{row["indicator"]}" is not broken down by {dimension.label.lower()}.',
            lambda row: _allowed_dimensions(indicators[row["indicator"]], agenda),
        )
        context.report(
            "unknown-group", given & ~column.isin(dimension.groups), dimension.id,
            lambda row, dimension=dimension: f'"{row[dimension.id]}" is not one of the agreed groups of '
            f"{dimension.label.lower()}.",
            lambda row, dimension=dimension: _suggest(
                row[dimension.id], dimension.groups,
                "Use one of: " + ", ".join(f'"{group}"' for group in dimension.groups),
            ),
        )

    well_formed = table["period"].str.fullmatch(PERIOD_PATTERN)
    labels = table.loc[well_formed, "period"].unique()
    unparsable = {label for label in labels if not is_period(label)}
    if unparsable:
        context.report(
            "invalid-period", table["period"].isin(unparsable), "period",
            lambda row: _period_error(row["period"]),
            "Write a year (2024), a school or financial year (2023-24) or a quarter (2024-Q2).",
        )
    this_year = (today or date.today()).year
    future = {label for label in labels if label not in unparsable and parse_period(label).start_year > this_year}
    if future:
        context.report(
            "future-period", table["period"].isin(future), "period",
            lambda row: f'The period {row["period"]} has not begun yet.',
            "Check the year: an observation describes a period that has started. Targets belong in the agenda.",
        )

    _value_rules(context, table, known, indicators, agenda)
    _provisional_warning(context, table)
    return context.problems


def _provisional_warning(context: _Context, table: pd.DataFrame) -> None:
    """Provisional values are published, marked as such: one warning a file says so, not one a row."""
    provisional = table.index[(table["status"] == "provisional").to_numpy()]
    if len(provisional):
        context.problems.append(Problem(
            "provisional-values",
            f"{len(provisional):,} values are provisional; they will be published marked as provisional.",
            "Nothing to fix now. When the final figures come, replace the values and clear their status.",
            context.file.shown_as,
            context.file.layout.line(int(provisional[0]) + 2),
            list(table.columns).index("status") + 1,
            "status",
            severity=WARNING,
            partner=context.partner,
        ))


def _value_rules(context: _Context, table: pd.DataFrame, known: pd.Series, indicators, agenda: Agenda) -> None:
    value = pd.to_numeric(table["value"], errors="coerce")
    blank = table["value"] == ""
    suppressed = table["status"] == "suppressed"
    context.report(
        "missing-value", blank & ~suppressed, "value",
        "The value is blank and the status does not say why.",
        'Give the value, or set the status to "suppressed" if it is withheld (for example because the group is small).',
    )
    context.report(
        "suppressed-with-value", ~blank & suppressed, "value",
        lambda row: f'The value {row["value"]} is marked suppressed, so it would be published by mistake.',
        "Delete the value if it must be withheld, or clear the status if it may be published.",
    )

    units = table["indicator"].map({key: indicator.unit for key, indicator in indicators.items()})
    minimum = units.map({key: unit.minimum for key, unit in agenda.units.items()}).astype(float)
    maximum = units.map({key: unit.maximum for key, unit in agenda.units.items()}).astype(float)
    whole = units.map({key: unit.integer for key, unit in agenda.units.items()}).fillna(False).astype(bool)
    too_low = known & (value < minimum)
    too_high = known & (value > maximum)

    def unit_range(row) -> str:
        unit = agenda.units[indicators[row["indicator"]].unit]
        low = "" if unit.minimum is None else f"{unit.minimum:g}"
        high = "" if unit.maximum is None else f"{unit.maximum:g}"
        span = f"from {low} to {high}" if low and high else (f"at least {low}" if low else f"at most {high}")
        return f"A value in {unit.label.lower()} is {span}"

    context.report(
        "value-out-of-range", too_low | too_high, "value",
        lambda row: f'The value {row["value"]} is outside the range of its unit.',
        lambda row: unit_range(row) + ": check the value (a percent is written 45.2, not 0.452).",
    )
    context.report(
        # 2001.0 is a whole value but not a count as written: a count has no decimal point or exponent.
        "not-a-whole-number", known & whole & value.notna() & ((value % 1 != 0) | table["value"].str.contains(
            r"[.eE]", regex=True).fillna(False).astype(bool)), "value",
        lambda row: f'The value {row["value"]} is not a whole number, and "{row["indicator"]}" counts things.',
        "Write the count as a whole number, without decimals.",
    )
    lower = pd.to_numeric(table["lower_bound"], errors="coerce")
    upper = pd.to_numeric(table["upper_bound"], errors="coerce")
    context.report(
        "bounds-around-value", (lower > value) | (upper < value) | (lower > upper), "lower_bound",
        lambda row: f'The interval {row["lower_bound"]} to {row["upper_bound"]} does not contain the value '
        f'{row["value"]}.',
        "Check the bounds: the lower bound comes first and the value lies between them.",
    )


def filled_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows that are not entirely blank: a blank row is reported once, by frictionless, as blank-row."""
    return table[(table != "").any(axis=1)]


def duplicate_problems(files: list[tuple[str, DataFile]], agenda: Agenda) -> list[Problem]:
    """Observations that share their key, within one file or across partners; each names the first place."""
    key = ["indicator", "period", "geography", *agenda.dimension_ids]
    frames = []
    for number, (partner, file) in enumerate(files):
        rows = filled_rows(file.table)
        frame = rows[key].copy()
        frame["_file"] = number
        frame["_row"] = rows.index.to_numpy()
        frames.append(frame)
    if not frames:
        return []
    everything = pd.concat(frames, ignore_index=True)
    repeated = everything[everything.duplicated(key, keep=False)]
    problems: list[Problem] = []
    per_file: dict[int, int] = {}
    for _, group in repeated.groupby(key, sort=False):
        first = group.iloc[0]
        first_partner, first_file = files[int(first["_file"])]
        first_line = first_file.layout.line(int(first["_row"]) + 2)
        for _, again in group.iloc[1:].iterrows():
            partner, file = files[int(again["_file"])]
            per_file[int(again["_file"])] = per_file.get(int(again["_file"]), 0) + 1
            if per_file[int(again["_file"])] > MAX_PER_RULE:
                continue
            same_partner = partner == first_partner
            line = file.layout.line(int(again["_row"]) + 2)
            what = (f'The observation of "{again["indicator"]}" for {again["period"]}, {again["geography"]}'
                    f"{_groups_text(again, agenda)}")
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


def _groups_text(row, agenda: Agenda) -> str:
    groups = [row[dimension] for dimension in agenda.dimension_ids if row[dimension]]
    return " (" + ", ".join(groups) + ")" if groups else " (total)"


def _suggest(value: str, choices, otherwise: str) -> str:
    by_folded = {str(choice).strip().casefold(): choice for choice in choices}
    exact = by_folded.get(value.strip().casefold())
    if exact is not None:
        return f'Write it exactly as "{exact}" (spelling, capitals and spaces matter).'
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
