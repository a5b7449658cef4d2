"""Pages: the site's Markdown, rendered from Jinja templates (templates/ beside this file).

Templates get finished values (trends, charts, formatted numbers) and do no statistics. Autoescaping is on:
whatever a partner writes reaches the page as text, never as markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from generator import __version__
from generator.agenda import Agenda, Indicator
from generator.charts import STATUS_LABELS, Chart
from generator.formatting import format_change, format_gap, format_number, format_percent, format_value
from generator.packages import PartnerPackage
from generator.trends import method
from generator.trends.progress import assess_progress
from generator.trends.scoreboard import Scoreboard
from generator.trends.series import IndicatorTrend, SeriesTrend, Trends

GOOD = {method.TARGET_ACHIEVED, method.SUBSTANTIAL, method.MODERATE}
MOVEMENT_ARROWS = {"up": "↑", "down": "↓", "flat": "→", None: "·"}


@dataclass(frozen=True)
class Download:
    path: str  # under /data/
    title: str
    size: int
    rows: int | None = None


@dataclass(frozen=True)
class SiteContent:
    """Everything the pages show, computed by earlier stages."""

    agenda: Agenda
    packages: tuple[PartnerPackage, ...]
    observations: pd.DataFrame
    trends: Trends
    scoreboard: Scoreboard
    goal_scoreboards: dict[str, Scoreboard]
    charts: dict[str, list[Chart]]  # by indicator id
    sparklines: set[str]  # indicators that have a sparkline.svg
    downloads: list[Download]
    narratives: dict[str, str] = field(default_factory=dict)  # site_src/narratives/*.md by name


def render_pages(content: SiteContent) -> dict[str, str]:
    """Path in the docs folder → Markdown."""
    env = _environment(content)
    agenda = content.agenda
    pages = {
        "index.md": env.get_template("home.md.j2").render(root=""),
        "data/index.md": env.get_template("data.md.j2").render(root="../"),
        "methodology/index.md": env.get_template("methodology.md.j2").render(root="../", **_methodology()),
    }
    for goal in agenda.goals:
        pages[f"goals/{goal.id}/index.md"] = env.get_template("goal.md.j2").render(
            root="../../", goal=goal, board=content.goal_scoreboards[goal.id])
    by_indicator = _observations_by_indicator(content.observations)
    for indicator in agenda.indicators:
        rows = by_indicator.get(indicator.id, content.observations.iloc[0:0])
        pages[f"indicators/{indicator.id}/index.md"] = env.get_template("indicator.md.j2").render(
            root="../../", indicator=indicator, summary=content.trends.indicators[indicator.id],
            charts=content.charts.get(indicator.id, []), notes=_notes(rows),
            goal=next(goal for goal in agenda.goals if goal.id == indicator.goal),
            steward=next((package for package in content.packages if package.slug == indicator.steward), None),
        )
    for package in content.packages:
        published = sorted(set(content.observations.loc[content.observations["partner"] == package.slug, "indicator"]))
        pages[f"partners/{package.slug}/index.md"] = env.get_template("partner.md.j2").render(
            root="../../", package=package, indicator_ids=published,
            rows=int((content.observations["partner"] == package.slug).sum()),
        )
    return pages


def navigation(content: SiteContent, extra_pages: list[str]) -> list:
    """The site's navigation: goals with their indicators, partners, data, method, then hand-written pages.

    The theme prints navigation titles as HTML, so titles from the data are escaped here.
    """
    agenda = content.agenda
    goals = [
        {escape(goal.title): [f"goals/{goal.id}/index.md",
                              *({escape(indicator.title): f"indicators/{indicator.id}/index.md"}
                                for indicator in agenda.indicators_of(goal.id))]}
        for goal in agenda.goals
    ]
    partners = [{escape(package.title): f"partners/{package.slug}/index.md"} for package in content.packages]
    return [
        {"Home": "index.md"},
        {"Goals": goals},
        {"Partners": partners},
        {"Data": "data/index.md"},
        {"Methodology": "methodology/index.md"},
        *extra_pages,
    ]


def _environment(content: SiteContent) -> Environment:
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    agenda = content.agenda

    def indicator(indicator_id: str) -> Indicator:
        return agenda.indicators_by_id[indicator_id]

    def value(number, indicator_id: str) -> str:
        item = indicator(indicator_id)
        return format_value(number, item, agenda.units[item.unit])

    def change(number, indicator_id: str) -> str:
        item = indicator(indicator_id)
        return format_change(number, item, agenda.units[item.unit])

    def gap_size(number, indicator_id: str) -> str:
        item = indicator(indicator_id)
        return format_gap(number, item, agenda.units[item.unit])

    env.globals.update(
        agenda=agenda, content=content, version=__version__, indicator=indicator, value=value, change=change,
        gap_size=gap_size, method=method,
        number=format_number, percent=format_percent, status_labels=STATUS_LABELS, status_names=method.STATUS_NAMES,
        initiative=agenda.initiative.get("name") or agenda.title,
    )
    env.filters["spec_json"] = _spec_json
    env.filters["tone"] = _tone
    env.filters["arrow"] = lambda movement: MOVEMENT_ARROWS.get(movement, "·")
    env.filters["size"] = _size
    # A page title in front matter: the theme prints it as HTML (in <title>, the footer, search), so it is escaped
    # first and then written as a JSON string, which YAML reads whatever the title holds.
    env.filters["title_yaml"] = lambda text: Markup(json.dumps(str(escape(text)), ensure_ascii=False))
    env.filters["narrative"] = lambda name: Markup(content.narratives.get(name, ""))
    return env


def _spec_json(spec: dict) -> Markup:
    """A spec inside <script type="application/json">: `</` could close the element, so it is escaped."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


def _tone(status: str) -> str:
    if status in GOOD:
        return "good"
    if status == method.DETERIORATION:
        return "bad"
    if status == method.LIMITED:
        return "neutral"
    return "none"


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return str(size)


def _observations_by_indicator(observations: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {key: rows for key, rows in observations.groupby("indicator", sort=False)}


def _notes(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """Each distinct note with the periods it applies to, earliest first."""
    noted = rows[rows["note"] != ""]
    notes = []
    for note, group in noted.groupby("note", sort=False):
        periods = list(dict.fromkeys(group.sort_values("time")["period"]))
        notes.append((", ".join(periods[:6]) + (" and others" if len(periods) > 6 else ""), note))
    return sorted(notes, key=lambda item: item[0])


def _methodology() -> dict:
    """The method's constants and a worked example computed by the same code the site uses."""
    example = assess_progress(["2015", "2023"], [14.5, 10.2], direction="decrease", target=7.25, target_period="2030")
    without = assess_progress(["2015", "2021"], [90.0, 93.2], direction="increase")
    return {"example": example, "without_target": without}
