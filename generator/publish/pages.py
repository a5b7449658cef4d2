"""Pages: the site's Markdown, rendered from Jinja templates (templates/ beside this file).

Templates get finished values (trends, charts, formatted numbers) and do no statistics. Autoescaping is on:
whatever a partner writes reaches the page as text, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from generator import __version__
from generator.load.activities import Activity, activities_of
from generator.load.agenda import Agenda, Indicator
from generator.publish.charts import STATUS_LABELS, Chart
from generator.publish.downloads import data_licence, data_package, release_date
from generator.publish import languages
from generator.publish.languages import N_, gettext as _, ngettext
from generator.publish.formatting import format_change, format_gap, format_number, format_percent, format_value
from generator.load.packages import PartnerPackage
from generator.problems import Report
from generator.publish.mkdocs_plugins import HTML_END, HTML_START, VERBATIM_END, VERBATIM_START
from generator.compute.trends import method
from generator.compute.trends.progress import assess_progress
from generator.compute.trends.scoreboard import Scoreboard
from generator.compute.trends.series import Trends
from generator.history.releases import MAX_RELEASES, Updates
from generator.publish.feed import atom_feed, release_summary
from generator.whereabouts import processing

GOOD = {method.TARGET_ACHIEVED, method.SUBSTANTIAL, method.MODERATE}
MOVEMENT_ARROWS = {"up": "↑", "down": "↓", "flat": "→", None: "·"}


@dataclass(frozen=True)
class Download:
    path: str  # under /data/
    title: str
    size: int
    rows: int | None = None
    sha256: str = ""


@dataclass(frozen=True)
class Column:
    """One column of a published file, as the data page describes it."""

    name: str
    type: str
    description: str
    constraints: str  # in words


@dataclass(frozen=True)
class DescribedFile:
    """A file of the published data package, with its columns."""

    path: str
    description: str
    columns: tuple[Column, ...]


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
    updates: Updates | None = None  # the data releases; None: the site has no updates page
    report: Report | None = None  # the build's validation report: its warnings are published with the packages
    default_language: languages.Language = languages.ENGLISH  # the language the agenda and site_src are written in


def iter_pages(content: SiteContent) -> Iterator[tuple[str, str]]:
    """(path in the docs folder, Markdown) of each page, one at a time; also the embed pages (HTML) and the updates
    feed (Atom), which MkDocs copies as they are. A national site's pages carry their charts' data and are
    hundreds of megabytes, so the build writes each as it comes."""
    env = _environment(content)
    # Each template is looked up once: every lookup checks the template's file for changes, and a national site has
    # ~800 pages.
    templates = {name: env.get_template(f"{name}.{'html' if name == 'embed' else 'md'}.j2")
                 for name in ("home", "data", "methodology", "goal", "indicator", "embed", "partner", "updates")}

    language = languages.current()
    # The data are published once, in the default language's tree (/data/): another language's pages link up to it.
    up_to_default = "../" * language.folder.count("/")

    def page(path: str, template: str, **context) -> tuple[str, str]:
        with processing(f"the page {path}, from {templates[template].name}"):
            return path, templates[template].render(language=language, data_root=context["root"] + up_to_default,
                                                    **context)

    agenda = content.agenda
    yield page("index.md", "home", root="")
    yield page("data/index.md", "data", root="../", resources=_described_files(
        agenda, content.packages,
        lambda described: languages.marked_texts(described, ("description",), language, content.default_language)))
    yield page("methodology/index.md", "methodology", root="../", **_methodology())
    published = _published_by_partner(content.observations)
    activities = [languages.translated_activity(activity, agenda.translations, language, content.default_language)
                  for activity in activities_of(content.packages)]
    goal_of = {item.id: item.goal for item in agenda.indicators}
    for goal in agenda.goals:
        yield page(
            f"goals/{goal.id}/index.md", "goal", root="../../", goal=goal, board=content.goal_scoreboards[goal.id],
            contributors=_contributors(content, published, [item.id for item in agenda.indicators_of(goal.id)]),
            plan=[activity for activity in activities if activity.aims_at_goal(goal.id, goal_of)])
    notes = _notes_by_indicator(content.observations)
    suppressed = _suppressed_by_indicator(content.observations)
    coverage = _coverage_by_indicator(content.observations, agenda, content.trends.dimensions_used)
    releases = content.updates.releases if content.updates else ()
    last_release = {}  # indicator id → the newest release that changed it (releases come newest first)
    for release in releases:
        for change in release.changes:
            last_release.setdefault(change.indicator, release)
    goals = {goal.id: goal for goal in agenda.goals}
    stewards = {package.slug: package for package in content.packages}
    for indicator in agenda.indicators:
        context = dict(
            indicator=indicator, summary=content.trends.indicators[indicator.id],
            charts=content.charts.get(indicator.id, []), notes=notes.get(indicator.id, []),
            suppressed=suppressed.get(indicator.id, []), coverage=coverage[indicator.id],
            last_release=last_release.get(indicator.id), goal=goals[indicator.goal],
            steward=stewards.get(indicator.steward),
            activities=[activity for activity in activities if indicator.id in activity.indicators],
        )
        yield page(f"indicators/{indicator.id}/index.md", "indicator", root="../../", **context)
        yield page(f"embed/{indicator.id}/index.html", "embed", root="../../", **context)
    for package in content.packages:
        rows_by_indicator = published.get(package.slug, {})
        problems = [problem for problem in (content.report.problems if content.report else [])
                    if problem.partner == package.slug or problem.file.startswith(f"datapackages/{package.slug}/")]
        yield page(
            f"partners/{package.slug}/index.md", "partner", root="../../", package=package,
            indicator_ids=sorted(rows_by_indicator), rows=sum(rows_by_indicator.values()),
            problems=problems, checked=content.report is not None,
            releases=[release for release in releases if release.partner == package.slug],
            activities=[activity for activity in activities if activity.partner == package.slug],
        )
    if content.updates is not None:
        yield page("updates/index.md", "updates", root="../", limit=MAX_RELEASES)
        yield "updates/feed.xml", atom_feed(content.updates, agenda, env.globals["initiative"],
                                            method.STATUS_NAMES).decode("utf-8")


# The theme draws the whole navigation of a page's goal into each page, so a goal's list costs its length on every
# page: a goal of hundreds of indicators made the MkDocs build grow with the square of the site. A list that long is
# not navigation anyway; the goal's page lists each of its indicators with its status.
MOST_INDICATORS_LISTED = 60


def navigation(agenda: Agenda, packages: tuple[PartnerPackage, ...], has_updates: bool, extra_pages: list[str],
               most_listed: int = MOST_INDICATORS_LISTED) -> list:
    """The site's navigation: goals with their indicators (those of a goal of at most `most_listed`), partners,
    data, method, then hand-written pages.

    The theme prints navigation titles as HTML, so titles from the data are escaped here.
    """
    goals = []
    for goal in agenda.goals:
        indicators = agenda.indicators_of(goal.id)
        listed = ({_title(indicator.title): f"indicators/{indicator.id}/index.md"} for indicator in indicators) \
            if len(indicators) <= most_listed else ()
        goals.append({_title(goal.title): [f"goals/{goal.id}/index.md", *listed]})
    partners = [{_title(package.title): f"partners/{package.slug}/index.md"} for package in packages]
    return [
        {_("Home"): "index.md"},
        {_("Goals"): goals},
        {_("Partners"): partners},
        {_("Data"): "data/index.md"},
        {_("Methodology"): "methodology/index.md"},
        *([{_("Updates"): "updates/index.md"}] if has_updates else []),
        *extra_pages,
    ]


def _title(text: str) -> str:
    return str(escape(languages.plain(text)))


def _environment(content: SiteContent) -> Environment:
    env = Environment(
        loader=PackageLoader("generator.publish", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do", "jinja2.ext.i18n"],
    )
    # `_`, `gettext` and `ngettext` in the templates, and `{% trans %}`, speak the language the pages are written in.
    env.policies["ext.i18n.trimmed"] = True  # as Babel extracts them (generator.tools.catalogues)
    env.install_gettext_callables(gettext=languages.gettext, ngettext=languages.ngettext, newstyle=True)
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
        initiative=agenda.display_name,
        data_licence=data_licence(agenda), release_date=release_date(content.packages),
        release_lines=lambda release: release_summary(release, agenda, method.STATUS_NAMES),
    )
    def licence_of(path: str) -> str:
        """A download's licence: a partner's own for its package and its indicators, else the site's."""
        slug = path[:-4] if path.endswith(".zip") else None
        if path.startswith("indicators/"):
            item = agenda.indicators_by_id.get(path[len("indicators/"):].rsplit(".", 1)[0])
            slug = item.steward if item else None
        package = next((package for package in content.packages if package.slug == slug), None)
        if package and package.licences:
            return ", ".join(licence.short_name for licence in package.licences)
        return data_licence(agenda)

    env.globals["licence_of"] = licence_of
    titles = {package.slug: package.title for package in content.packages}
    goal_titles = {goal.id: goal.title for goal in agenda.goals}

    def aims(activity: Activity) -> list[tuple[str, str, str]]:
        """What an activity aims to move, as (folder, id, title): its indicators, then the goals they leave out."""
        known = agenda.indicators_by_id
        implied = {known[item].goal for item in activity.indicators if item in known}
        return ([("indicators", item, indicator(item).title) for item in activity.indicators
                 if item in agenda.indicators_by_id]
                + [("goals", goal, goal_titles[goal]) for goal in activity.goals
                   if goal in goal_titles and goal not in implied])

    env.globals.update(partner_title=lambda slug: titles.get(slug, slug), aims=aims)
    env.filters["tone"] = _tone
    env.filters["arrow"] = lambda movement: MOVEMENT_ARROWS.get(movement, "·")
    env.filters["size"] = _size
    env.filters["verbatim"] = _verbatim
    env.filters["html_block"] = lambda html: Markup(f"{HTML_START}\n{html}\n{HTML_END}")
    # A page title in front matter: the theme prints it as HTML (in <title>, the footer, search), so it is escaped
    # first and then written as a JSON string, which YAML reads whatever the title holds.
    env.filters["title_yaml"] = lambda text: Markup(json.dumps(str(escape(languages.plain(text))),
                                                               ensure_ascii=False))
    # An agenda text in an attribute: without the marking of a missing translation (`languages.Untranslated`).
    env.filters["plain"] = languages.plain
    env.filters["date"] = languages.date
    # A dimension's group by its name in the language spoken (translations.csv), as the charts show it.
    env.filters["group"] = lambda group, dimension: languages.group_label(agenda, dimension, group)
    env.filters["narrative"] = lambda name: _narrative(content, name)
    return env


def _narrative(content: SiteContent, name: str) -> Markup:
    """site_src/narratives/<name>.md in the language spoken: its translation (<name>.es.md), or else as written,
    marked as not translated."""
    language = languages.current()
    translated = content.narratives.get(f"{name}.{language.code}")
    if translated is not None or language.code == content.default_language.code or name not in content.narratives:
        return Markup(translated if translated is not None else content.narratives.get(name, ""))
    note = _("This text has not been translated yet: it is shown in {language}.").format(
        language=content.default_language.called_in(language))
    return Markup('<div class="untranslated-text" lang="{}">\n<p class="untranslated-note">{}</p>\n'
                  ).format(content.default_language.code, note) + Markup(content.narratives[name] + "\n</div>")


def _verbatim(html: str, through_mkdocs: bool = True) -> Markup:
    """Finished HTML (a chart's spec, a table of numbers) that MkDocs is to pass by: see site.VERBATIM_START.

    `through_mkdocs` False: the page is HTML that MkDocs copies as it is, so the block needs no markers.
    """
    return Markup(f"{VERBATIM_START}\n{html}\n{VERBATIM_END}") if through_mkdocs else Markup(html)


def _described_files(agenda: Agenda, packages: tuple[PartnerPackage, ...],
                     as_shown=lambda described: described) -> list[DescribedFile]:
    """The files of /data/datapackage.json with their columns, read from the very descriptor published, so the data
    page and the package always agree (`as_shown`: each file and column as a page in another language shows it: its
    description, part of the published package, as written and marked). The schemas are the agenda's (validated by frictionless), but any of their
    optional properties may be missing."""
    def text(owner: dict, key: str) -> str:
        value = owner.get(key)
        return str(value) if isinstance(value, (str, int, float)) else ""

    described = []
    for resource in data_package(agenda, packages)["resources"]:
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        columns = tuple(as_shown(Column(text(field, "name"), text(field, "type") or "string",
                                        text(field, "description") or text(field, "title"), _constraints(field)))
                        for field in fields or () if isinstance(field, dict))
        described.append(as_shown(DescribedFile(resource["path"], text(resource, "description"), columns)))
    return described


def _constraints(schema_field: dict) -> str:
    """A Table Schema field's constraints in words, for the data page."""
    constraints = schema_field.get("constraints")
    if not isinstance(constraints, dict):
        return ""
    words = []
    if constraints.get("required"):
        words.append(_("required"))
    if constraints.get("unique"):
        words.append(_("unique"))
    if isinstance(constraints.get("enum"), list):
        words.append(_("one of: {values}").format(values=", ".join(str(item) for item in constraints["enum"])))
    if "pattern" in constraints:
        words.append(_("matches {pattern}").format(pattern=constraints["pattern"]))
    for key, phrase in (("minimum", N_("at least {value}")), ("maximum", N_("at most {value}")),
                        ("minLength", N_("length at least {value}")), ("maxLength", N_("length at most {value}"))):
        if key in constraints:
            words.append(_(phrase).format(value=constraints[key]))
    return "; ".join(words)


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
            if unit == "bytes":
                return ngettext("{size} byte", "{size} bytes", size).format(size=languages.number(f"{size:,}"))
            return f"{languages.number(f'{size:,.1f}')} {unit}"
        size /= 1024
    return str(size)


# The page facts below come from one pass over the whole table each: cutting it by indicator and asking pandas the
# same questions of each of a national agenda's ~400 indicators took most of the time spent writing pages.

def _notes_by_indicator(observations: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """Each indicator's distinct notes, each with the periods it applies to (earliest first), ordered by those."""
    noted = observations.loc[observations["note"] != "", ["indicator", "note", "period", "time"]]
    dated: dict[str, dict[str, list[tuple[float, str]]]] = {}
    for indicator_id, note, period, time in zip(*(noted[name].tolist() for name in noted.columns)):
        dated.setdefault(indicator_id, {}).setdefault(note, []).append((time, period))
    notes = {}
    for indicator_id, by_note in dated.items():
        described = []
        for note, periods in by_note.items():
            periods = _earliest_first(periods)
            described.append((", ".join(periods[:6]) + (_(" and others") if len(periods) > 6 else ""), note))
        notes[indicator_id] = sorted(described, key=lambda item: item[0])
    return notes


def _suppressed_by_indicator(observations: pd.DataFrame) -> dict[str, list[str]]:
    """Each indicator's periods with a suppressed value, earliest first."""
    suppressed = observations.loc[observations["status"] == "suppressed", ["indicator", "period", "time"]]
    dated: dict[str, list[tuple[float, str]]] = {}
    for indicator_id, period, time in zip(*(suppressed[name].tolist() for name in suppressed.columns)):
        dated.setdefault(indicator_id, []).append((time, period))
    return {indicator_id: _earliest_first(periods) for indicator_id, periods in dated.items()}


def _earliest_first(dated: list[tuple[float, str]]) -> list[str]:
    """The distinct periods of (time, period) pairs, in order of time (ties in the order given)."""
    return list(dict.fromkeys(period for _, period in sorted(dated, key=lambda pair: pair[0])))


def _coverage_by_indicator(observations: pd.DataFrame, agenda: Agenda,
                           dimensions_used: dict[str, tuple[str, ...]]) -> dict[str, dict]:
    """What each indicator's data cover, in words, for when there is no headline series to show.

    `dimensions_used`: by indicator, the dimensions with a group in some of its rows (Trends.dimensions_used); an
    indicator's other dimensions are blank throughout, so a row is a total where all the used ones are blank.
    """
    rows = observations["indicator"].value_counts()
    geographies: dict[str, list[str]] = {}
    for indicator_id, key in zip(*(observations[["indicator", "geography"]].drop_duplicates()[name].tolist()
                                   for name in ("indicator", "geography"))):
        if key in agenda.geographies:
            geographies.setdefault(indicator_id, []).append(agenda.geographies[key].name)
    total = (observations["geography"] == agenda.area).to_numpy(copy=True)
    for dimension in dict.fromkeys(name for used in dimensions_used.values() for name in used):
        total &= (observations[dimension] == "").to_numpy()
    with_total = set(observations.loc[total, "indicator"])
    return {indicator.id: {
        "rows": int(rows.get(indicator.id, 0)), "geographies": geographies.get(indicator.id, []),
        "dimensions": [agenda.dimensions_by_id[name].label.lower()
                       for name in dimensions_used.get(indicator.id, ())],
        "area_total": indicator.id in with_total,
    } for indicator in agenda.indicators}


def _published_by_partner(observations: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Partner → indicator → how many of its rows that partner publishes, from one pass over the table."""
    counts = observations.groupby(["partner", "indicator"], observed=True, sort=False).size()
    published: dict[str, dict[str, int]] = {}
    for (partner, indicator_id), count in counts.items():
        published.setdefault(partner, {})[indicator_id] = int(count)
    return published


def _contributors(content: SiteContent, published: dict[str, dict[str, int]],
                  indicator_ids: list[str]) -> list[tuple[PartnerPackage, list[str]]]:
    """Each partner that publishes or stewards one of these indicators, with the indicators it contributes."""
    contributors = []
    for package in content.packages:
        mine = [item for item in indicator_ids
                if item in published.get(package.slug, {}) or content.agenda.indicators_by_id[item].steward == package.slug]
        if mine:
            contributors.append((package, mine))
    return contributors


def _methodology() -> dict:
    """The method's constants and a worked example computed by the same code the site uses."""
    example = assess_progress(["2015", "2023"], [14.5, 10.2], direction="decrease", target=7.25, target_period="2030")
    without = assess_progress(["2015", "2021"], [90.0, 93.2], direction="increase")
    return {"example": example, "without_target": without}
