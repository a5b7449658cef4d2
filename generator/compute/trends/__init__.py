"""Trends: progress status per series and per indicator, and the scoreboard. Pure: no files, no printing."""

from generator.compute.trends.equity import EquityGaps, GroupGap, equity_gaps
from generator.compute.trends.method import STATUSES, Thresholds, status_words
from generator.compute.trends.progress import Progress, assess_progress, status_from_score
from generator.compute.trends.scoreboard import Scoreboard, scoreboard, scoreboards_by_goal
from generator.compute.trends.series import IndicatorTrend, SeriesTrend, Trends, combined_trends, compute_trends
from generator.compute.trends.statistical import StatisticalTrend, statistical_trend

__all__ = [
    "STATUSES", "Thresholds", "status_words", "Progress", "assess_progress", "status_from_score", "Scoreboard",
    "scoreboard", "scoreboards_by_goal", "IndicatorTrend", "SeriesTrend", "Trends", "compute_trends",
    "combined_trends",
    "StatisticalTrend", "statistical_trend", "EquityGaps", "GroupGap", "equity_gaps",
]
