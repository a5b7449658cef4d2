"""Mutually reinforcing activities: what each partner does, when, toward which goals and shared indicators.

A partner lists its activities in `activities.csv`, a resource named "activities" of its package whose schema is
`activity.schema.json`, a copy of the one below (the agenda keeps a copy too, for partners to take). One row is one
activity: its name, the goals and the shared indicators it aims to move (ids separated by spaces), what the partner
does, who does it, when it starts and ends (periods, as observations have them; no end while it runs on), its
status and a link to read more. The validator checks it like the observations (validate/activities.py); the site
shows each goal's plan of action, the activities aimed at each indicator and each partner's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.compute.periods import PERIOD_FORMS, PERIOD_PATTERN, parse_period

ACTIVITIES_RESOURCE = "activities"
ACTIVITIES_FILE = "activities.csv"
ACTIVITY_SCHEMA_FILE = "activity.schema.json"
ACTIVITY_STATUSES = ("planned", "underway", "completed", "paused", "stopped")
ID_SEPARATORS = re.compile(r"[\s,;]+")


def activity_schema() -> dict:
    """The agreed Table Schema of activities.csv."""

    def text(name: str, title: str, description: str, **constraints) -> dict:
        described = {"name": name, "type": "string", "title": title, "description": description}
        if constraints:
            described["constraints"] = constraints
        return described

    return {
        "description": "The mutually reinforcing activities of one partner: what it does, when, toward which goals "
                       "and shared indicators. One row is one activity.",
        "fieldsMatch": "equal",
        "missingValues": [""],
        "fields": [
            text("activity", "Activity", "A short name for the activity, unique in the file.", required=True,
                 unique=True),
            text("goals", "Goals", "The ids of the goals it aims to move (the common agenda's goals.csv), separated "
                                   "by spaces; may be blank when it names indicators."),
            text("indicators", "Shared indicators", "The ids of the shared indicators it aims to move (the common "
                                                    "agenda's indicators.csv), separated by spaces."),
            text("what", "What", "What the partner does, in a sentence or two.", required=True),
            text("who", "Who", "Who does it: the team, and any other partners or organisations taking part."),
            text("start", "Start", f"When it starts: {PERIOD_FORMS}.", required=True, pattern=PERIOD_PATTERN),
            text("end", "End", "When it ends, in the same form; blank while it runs on.", pattern=PERIOD_PATTERN),
            text("status", "Status", "planned, underway, completed, paused or stopped.", required=True,
                 enum=list(ACTIVITY_STATUSES)),
            text("link", "Link", "A web page to read more (https://…).", pattern=r"https?://\S+"),
        ],
    }


ACTIVITY_FIELDS = tuple(field["name"] for field in activity_schema()["fields"])


def id_list(text: str | None) -> tuple[str, ...]:
    """Ids as a partner writes them in a cell: separated by spaces (commas and semicolons are forgiven)."""
    return tuple(item for item in ID_SEPARATORS.split(text or "") if item)


@dataclass(frozen=True)
class Activity:
    partner: str  # the partner's slug
    activity: str
    goals: tuple[str, ...]  # as listed
    indicators: tuple[str, ...]
    what: str
    who: str
    start: str
    end: str
    status: str
    link: str
    line: int  # where it is in the partner's file, for messages

    def aims_at_goal(self, goal_id: str, goal_of: dict[str, str]) -> bool:
        """Whether it lists the goal, or an indicator of it."""
        return goal_id in self.goals or any(goal_of.get(indicator) == goal_id for indicator in self.indicators)

    @property
    def when(self) -> str:
        if self.end and self.end != self.start:
            return f"{self.start} to {self.end}"
        return self.start if self.end else f"from {self.start}"

    @property
    def order(self) -> tuple:
        """Earliest first, then by partner and name: the order the plan of action is read in."""
        try:
            time = parse_period(self.start).time
        except ValueError:
            time = float("inf")
        return time, self.partner, self.activity.casefold()

    def record(self) -> dict:
        return {"partner": self.partner, "activity": self.activity, "goals": " ".join(self.goals),
                "indicators": " ".join(self.indicators), "what": self.what, "who": self.who, "start": self.start,
                "end": self.end, "status": self.status, "link": self.link}


def activities_of(packages) -> list[Activity]:
    """Every activity of every (validated) package, earliest first."""
    found = []
    for package in packages:
        for file in getattr(package, "activity_files", ()):
            if file.text is None or any(name not in file.text for name in ACTIVITY_FIELDS):
                continue
            table = file.text
            for row in range(table.row_count):
                cells = {name: table[name][row] or "" for name in ACTIVITY_FIELDS}
                if not any(cells.values()):
                    continue
                found.append(Activity(
                    package.slug, cells["activity"], id_list(cells["goals"]), id_list(cells["indicators"]),
                    cells["what"], cells["who"], cells["start"], cells["end"], cells["status"], cells["link"],
                    file.layout.line(row + 2)))
    return sorted(found, key=lambda activity: activity.order)
