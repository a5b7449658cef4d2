"""How many indicators are improving, for the whole agenda and per goal, always with the denominator."""

from __future__ import annotations

from dataclasses import dataclass

from generator.load.agenda import Agenda
from generator.compute.trends.method import IMPROVING, NOT_ASSESSED, NOT_AVAILABLE, STATUSES
from generator.compute.trends.series import Trends
from generator.speech import ngettext


@dataclass(frozen=True)
class Scoreboard:
    total: int
    counts: dict[str, int]  # indicators per status, every status present (zero included)

    @property
    def improving(self) -> int:
        return sum(self.counts[status] for status in IMPROVING)

    @property
    def not_enough_data(self) -> int:
        return self.counts[NOT_AVAILABLE]

    @property
    def not_assessed(self) -> int:
        return self.counts[NOT_ASSESSED]

    @property
    def columns(self) -> list[str]:
        """The statuses a table shows: "not assessed" only where the agenda has such indicators."""
        return [status for status in STATUSES if status != NOT_ASSESSED or self.not_assessed]

    @property
    def sentence(self) -> str:
        """The scoreboard in the language spoken (`speech.speaking`): a page's headline."""
        if self.not_enough_data and self.not_assessed:
            text = ngettext("{improving} of {total} indicator improving or at target; {without_data} without enough "
                            "data to say; {not_assessed} without a progress assessment.",
                            "{improving} of {total} indicators improving or at target; {without_data} without enough "
                            "data to say; {not_assessed} without a progress assessment.", self.total)
        elif self.not_enough_data:
            text = ngettext("{improving} of {total} indicator improving or at target; {without_data} without enough "
                            "data to say.",
                            "{improving} of {total} indicators improving or at target; {without_data} without enough "
                            "data to say.", self.total)
        elif self.not_assessed:
            text = ngettext("{improving} of {total} indicator improving or at target; {not_assessed} without a "
                            "progress assessment.",
                            "{improving} of {total} indicators improving or at target; {not_assessed} without a "
                            "progress assessment.", self.total)
        else:
            text = ngettext("{improving} of {total} indicator improving or at target.",
                            "{improving} of {total} indicators improving or at target.", self.total)
        return text.format(improving=self.improving, total=self.total, without_data=self.not_enough_data,
                           not_assessed=self.not_assessed)


def scoreboard(trends: Trends, indicator_ids: list[str]) -> Scoreboard:
    counts = dict.fromkeys(STATUSES, 0)
    for indicator_id in indicator_ids:
        counts[trends.indicators[indicator_id].status] += 1
    return Scoreboard(len(indicator_ids), counts)


def scoreboards_by_goal(trends: Trends, agenda: Agenda) -> dict[str, Scoreboard]:
    return {
        goal.id: scoreboard(trends, [indicator.id for indicator in agenda.indicators_of(goal.id)])
        for goal in agenda.goals
    }
