"""The published method's constants: read by the computation and by the /methodology/ page alike."""

from __future__ import annotations

from dataclasses import dataclass

# The words below are data as well as text: trends.csv and trends.json keep them as they are, in English, and a page
# or chart translates them where it shows them (`N_` marks them for the catalogues).
from generator.speech import N_

TARGET_ACHIEVED = "target_achieved"
SUBSTANTIAL = "substantial_progress"
MODERATE = "moderate_progress"
LIMITED = "limited_progress"
DETERIORATION = "deterioration"
NOT_AVAILABLE = "not_available"
# The agenda asks for no status (progress_series "none"): an imported platform that did not assess an indicator's
# progress publishes it without a verdict, as it did at home.
NOT_ASSESSED = "not_assessed"

STATUSES = (TARGET_ACHIEVED, SUBSTANTIAL, MODERATE, LIMITED, DETERIORATION, NOT_AVAILABLE, NOT_ASSESSED)
# Statuses counted as "improving" in headlines such as "9 of 15 indicators improving".
IMPROVING = (TARGET_ACHIEVED, SUBSTANTIAL, MODERATE)

# What each status is called on the site: the words differ with and without a target, because without a
# target the method measures the pace of change, and with one it measures the pace against the pace needed.
WORDS_WITH_TARGET = {
    TARGET_ACHIEVED: N_("Target met"),
    SUBSTANTIAL: N_("On track"),
    MODERATE: N_("Some progress"),
    LIMITED: N_("Little progress"),
    DETERIORATION: N_("Moving away"),
    NOT_AVAILABLE: N_("Not enough data"),
    NOT_ASSESSED: N_("Not assessed"),
}
WORDS_WITHOUT_TARGET = {
    TARGET_ACHIEVED: N_("Target met"),
    SUBSTANTIAL: N_("Improving"),
    MODERATE: N_("Improving slowly"),
    LIMITED: N_("Little or no change"),
    DETERIORATION: N_("Worsening"),
    NOT_AVAILABLE: N_("Not enough data"),
    NOT_ASSESSED: N_("Not assessed"),
}

# Replaces a base value or target of exactly zero, where growth rates are undefined (as sdg-build 2.4.0 does).
ZERO_REPLACEMENT = 0.001
# The exponent of the natural-limit adjustment.
LIMIT_EXPONENT = 4.44
# Fewer usable periods than this and there is no trend to speak of.
MIN_PERIODS = 2


@dataclass(frozen=True)
class Thresholds:
    """Progress values at which the status changes: high → substantial, medium → moderate, low → limited."""

    high: float
    medium: float
    low: float


# Without a target, P is the compound annual growth rate in the desired direction.
GROWTH_THRESHOLDS = Thresholds(high=0.015, medium=0.005, low=0.0)
# With a target, P is the ratio of the observed growth to the growth needed to reach the target in time.
TARGET_THRESHOLDS = Thresholds(high=0.95, medium=0.60, low=0.0)


def status_words(status: str, has_target: bool) -> str:
    return (WORDS_WITH_TARGET if has_target else WORDS_WITHOUT_TARGET)[status]

# Neutral names for tables that mix indicators with and without targets.
STATUS_NAMES = {
    TARGET_ACHIEVED: N_("Target met"),
    SUBSTANTIAL: N_("Substantial progress"),
    MODERATE: N_("Moderate progress"),
    LIMITED: N_("Limited or no progress"),
    DETERIORATION: N_("Deterioration"),
    NOT_AVAILABLE: N_("Not enough data"),
    NOT_ASSESSED: N_("Not assessed"),
}

# The statistical trend, shown beside the progress status (never instead of it).
STATISTICAL_MIN_PERIODS = 5  # the Mann-Kendall test needs at least this many periods with a value
STATISTICAL_CONFIDENCE = 0.95  # a trend is "significant" at this confidence (two-sided)
INCREASING, DECREASING, NO_TREND = N_("increasing"), N_("decreasing"), N_("no significant trend")
IMPROVING_TREND, WORSENING_TREND, NO_CLEAR_TREND = N_("improving"), N_("worsening"), N_("no clear trend")
NOT_ENOUGH_DATA = N_("not enough data")

# Equity gaps: a gap whose size changed by less than this share of its size at the base period is "little changed".
GAP_LITTLE_CHANGE = 0.10
CLOSING, WIDENING, LITTLE_CHANGED = N_("closing"), N_("widening"), N_("little changed")
