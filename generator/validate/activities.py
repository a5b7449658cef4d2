"""The rules of a partner's activities.csv beyond its types: the goals and shared indicators it names exist, each
activity aims at something, and it ends after it starts. Each problem names the file, line and column."""

from __future__ import annotations

from generator.compute.periods import PERIOD_FORMS, PeriodError, parse_period
from generator.load.activities import ACTIVITY_FIELDS, id_list
from generator.load.agenda import AGENDA_FOLDER, Agenda
from generator.load.packages import DataFile
from generator.problems import Problem
from generator.validate.rules import MAX_PER_RULE, _suggest
from generator.validate.structure import clip


def activity_problems(file: DataFile, agenda: Agenda, partner: str) -> list[Problem]:
    """Every domain problem of an activities file whose structure is sound (every agreed column is there)."""
    table = file.text
    problems: list[Problem] = []
    counts: dict[str, int] = {}

    def report(rule: str, row: int, column: str, message: str, hint: str) -> None:
        counts[rule] = counts.get(rule, 0) + 1
        if counts[rule] <= MAX_PER_RULE:
            problems.append(Problem(rule, message, hint, file.shown_as, file.layout.line(row + 2),
                                    table.column_number(column), column, partner=partner))

    goals = {goal.id for goal in agenda.goals}
    indicators = agenda.indicators_by_id
    for row in range(table.row_count):
        cells = {name: table[name][row] or "" for name in ACTIVITY_FIELDS}
        if not any(cells.values()):
            continue  # a blank row: frictionless reports it
        name = clip(cells["activity"]) or f"on line {file.layout.line(row + 2)}"
        for goal in id_list(cells["goals"]):
            if goal not in goals:
                report("unknown-goal", row, "goals", f'"{clip(goal)}" is not a goal of the common agenda.',
                       _suggest(goal, goals, f"Use goal ids from datapackages/{AGENDA_FOLDER}/goals.csv, separated "
                                             "by spaces"))
        for indicator in id_list(cells["indicators"]):
            if indicator not in indicators:
                report("unknown-indicator", row, "indicators",
                       f'"{clip(indicator)}" is not a shared indicator of the common agenda.',
                       _suggest(indicator, indicators, f"Use indicator ids from datapackages/{AGENDA_FOLDER}/"
                                                       "indicators.csv, separated by spaces")
                       + " An activity may also aim at a goal alone: name it in the goals column.")
        if not id_list(cells["goals"]) and not id_list(cells["indicators"]):
            report("activity-aims-at-nothing", row, "goals",
                   f'The activity "{name}" names no goal and no shared indicator it aims to move.',
                   "Write the ids of the goals, the shared indicators, or both, that it works toward.")
        periods = {}
        for column in ("start", "end"):
            label = cells[column]
            if not label:
                continue
            try:
                periods[column] = parse_period(label)
            except PeriodError as error:
                report("invalid-period", row, column, str(error) + ".", f"Write {PERIOD_FORMS}.")
        if "start" in periods and "end" in periods and periods["end"].time < periods["start"].time:
            report("end-before-start", row, "end",
                   f'The activity "{name}" ends ({cells["end"]}) before it starts ({cells["start"]}).',
                   "Check the two periods: the start comes first; leave the end blank while the activity runs on.")
    for rule, count in counts.items():
        if count > MAX_PER_RULE:
            problems.append(Problem(rule, f"{count - MAX_PER_RULE:,} more rows break the rule {rule} in this file.",
                                    "Fix the rows above first; the same fix usually applies to the rest.",
                                    file.shown_as, partner=partner))
    return problems
