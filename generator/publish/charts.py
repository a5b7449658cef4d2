"""Charts: Altair specs (Vega-Lite JSON) for every indicator, their descriptions and tables.

Turning specs into images is `generator.publish.images`.

A chart never computes a statistic: levels come from the observations table, verdicts from the trends.
"""

from __future__ import annotations

import functools
import json
import re
import textwrap
from dataclasses import dataclass

import altair as alt
import numpy as np
import orjson
import pandas as pd

from generator.load.agenda import Agenda, Indicator
from generator.publish.formatting import d3_format, format_number, format_value
from generator.compute.periods import parse_period, periods_between
from generator.compute.trends.series import SeriesTrend

VEGA_LITE_VERSION = "6.4"
WIDTH = 640  # for the static SVG; in the browser the chart fills its container
HEIGHT = 300
# Altair builds each kind of chart once per shape, as a template with placeholders (`_slot`) where one indicator's
# chart differs from another's; a chart is its template filled in, with its rows attached as named datasets. Built
# with Altair chart by chart, every encoding was checked against the Vega-Lite schema and every layer's data
# deep-copied each time: 70 s for the UK's 750 charts, against their few hundred milliseconds now.
ROWS = alt.NamedData(name="rows")
# Each colour the charts name, with at least 4.5:1 on white (the names at the line ends are text), and the tint
# of the same hue with at least 4.5:1 on the dark theme's page, which charts.js swaps in there. The static SVG
# keeps the light colours: it sits on a white card in both themes.
DARK_COLOURS = {
    "#3f51b5": "#8c9eff", "#bf360c": "#ffb74d", "#555555": "#bdbdbd", "#2e7d32": "#81c784",
    "#1f62a8": "#90caf9", "#c62828": "#ef9a9a", "#7b1fa2": "#ce93d8", "#b45309": "#ffcc80", "#00796b": "#80cbc4",
    "#ad1457": "#f48fb1", "#5d4037": "#bcaaa4", "#455a64": "#b0bec5", "#6a7a00": "#d4e157",
}
GROUP_COLOURS = ["#1f62a8", "#c62828", "#2e7d32", "#7b1fa2", "#b45309", "#00796b", "#ad1457", "#5d4037", "#455a64",
                 "#6a7a00"]
_SLOT = re.compile(r"\{\{(\w+)\}\}")
# Above this many groups, a breakdown chart draws its lines in one colour and names only the one chosen in the menu.
MANY_GROUPS = 12
MAX_TICKS = 16
TITLE_CHARACTERS = 80  # of the title's bold 13 px type in the static chart's 640 px
STATUS_LABELS = {"": "Final", "provisional": "Provisional", "estimated": "Estimated",
                 "break_in_series": "New method", "suppressed": "Suppressed"}


@dataclass(frozen=True)
class Table:
    """What a chart shows, as rows of text: the chart's accessible alternative."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    indicator: str
    name: str  # "headline", "geography" or a dimension id; the SVG is <name>.svg beside the page
    title: str
    description: str  # the chart in words, for screen readers and for the SVG's alt text
    # The Vega-Lite spec (width "container") as `spec_text` writes it, which is how its page carries it. Held as
    # text: as dicts and lists, the charts of a national-scale initiative were some 400 MB, as JSON a quarter of it.
    spec_json: str
    table: Table

    @property
    def spec(self) -> dict:
        return orjson.loads(self.spec_json)

    @property
    def static_spec(self) -> dict:
        """The spec of the static image: a fixed width, and nothing that only a reader of the live chart can use.

        No tooltips and no ARIA attributes: the image is an <img> with the chart's description for its text, so
        Vega's label for each point was never read, yet building them was a fifth of the time to draw a chart.
        """
        spec = {**_without_tooltips(self.spec), "width": WIDTH}
        spec["config"] = {**spec.get("config", {}), "aria": False}
        if _BEYOND_BMP.search(self.spec_json):
            # Vega cuts a legend's or an axis's text that is too long to fit, and may cut between the two halves of
            # a character beyond U+FFFF (an emoji), which vl-convert then fails to draw: such texts are drawn whole.
            for part in ("legend", "axis"):
                spec["config"][part] = {**spec["config"].get(part, {}), "labelLimit": 0, "titleLimit": 0}
        return spec


_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def spec_text(spec: dict) -> str:
    """A spec as compact JSON, keys sorted: the text a page embeds, and an image is drawn from and cached by."""
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _without_tooltips(spec: dict) -> dict:
    layered = {**spec, "encoding": {name: channel for name, channel in spec["encoding"].items() if name != "tooltip"}} \
        if "encoding" in spec else dict(spec)
    if "layer" in spec:
        layered["layer"] = [_without_tooltips(layer) for layer in spec["layer"]]
    return layered


class _Rows:
    """Some of an indicator's rows as plain columns: text as objects, numbers as floats (NaN when missing).

    A chart picks and reshapes a few hundred rows a dozen ways; pandas' cost per call, not the work itself, was
    most of the time a national agenda's charts took, so the charts work on numpy arrays instead.
    """

    def __init__(self, columns: dict[str, np.ndarray]):
        self.columns = columns

    @classmethod
    def of(cls, frame: pd.DataFrame, names: list[str], numbers: tuple[str, ...]) -> _Rows:
        return cls({name: _column(frame[name], name in numbers) for name in names})

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def where(self, selection: np.ndarray) -> _Rows:
        """The rows a boolean mask or an array of positions selects, in that order."""
        return _Rows({name: values[selection] for name, values in self.columns.items()})

    def with_columns(self, **columns) -> _Rows:
        return _Rows({**self.columns, **{name: np.asarray(values, dtype=object) if not isinstance(values, np.ndarray)
                                         else values for name, values in columns.items()}})

    def records(self, names: list[str], **constants) -> list[dict]:
        """JSON-ready rows of `names`, then each constant: a missing value is null, not NaN."""
        columns = []
        for name in names:
            values = self.columns[name]
            listed = values.tolist()
            for position in np.flatnonzero(pd.isna(values)):
                listed[position] = None
            columns.append(listed)
        keys = [*names, *constants]
        extra = tuple(constants.values())
        return [dict(zip(keys, (*row, *extra))) for row in zip(*columns)]


NUMBER_COLUMNS = ("value", "lower_bound", "upper_bound", "time")


def _column(column: pd.Series, number: bool) -> np.ndarray:
    """A column as floats, or as objects with NaN where missing; categories through their codes, which is much
    quicker than pandas' own conversion of a few hundred rows."""
    if number:
        return column.to_numpy(dtype="float64", na_value=np.nan)
    if isinstance(column.dtype, pd.CategoricalDtype):
        labels = np.append(np.asarray(column.cat.categories, dtype=object), np.nan)
        return labels[column.cat.codes.to_numpy()]  # code -1 (missing) takes the NaN appended last
    return column.to_numpy(dtype=object)


def indicator_charts(indicator: Indicator, rows: pd.DataFrame, series: list[SeriesTrend],
                     agenda: Agenda) -> list[Chart]:
    """The headline chart, then one chart by geography and one per dimension that has data."""
    if rows.empty:
        return []
    # Only the dimensions this indicator has: the others are blank in every row, and a national agenda has
    # hundreds of them, which made every comparison below hundreds of columns wide.
    dimensions = [dimension for dimension in agenda.dimension_ids
                  if dimension in rows.columns and (rows[dimension] != "").any()]
    table = _Rows.of(rows, ["period", "time", "geography", *dimensions, "value", "lower_bound", "upper_bound",
                            "status", "note"], NUMBER_COLUMNS)
    blank = {dimension: table[dimension] == "" for dimension in dimensions}
    in_area = table["geography"] == agenda.area
    total = np.logical_and.reduce([np.ones(len(table), dtype=bool), *blank.values()])
    periods = list(dict.fromkeys(table["period"].tolist()))
    domain = _period_domain(periods)
    shown = _formatter(indicator, agenda)
    charts = []
    headline = next((trend for trend in series if trend.headline), None)
    if (total & in_area).any():
        # The headline chart runs on to the target period, so that the path to the target can be drawn.
        headline_domain = _period_domain([*periods, indicator.target_period]) if indicator.has_target else domain
        charts.append(_headline_chart(indicator, table.where(total & in_area), headline, headline_domain, agenda,
                                      shown))
    totals = table.where(total)
    if len(set(totals["geography"].tolist())) > 1:
        names = {key: agenda.geographies[key].name for key in set(totals["geography"].tolist())}
        named = totals.with_columns(group=[names[key] for key in totals["geography"].tolist()])
        trends = {agenda.geographies[trend.geography].name: trend for trend in series if not trend.groups}
        charts.append(_groups_chart(indicator, named, "geography", "By geography", "Geography", trends, domain,
                                    agenda, shown))
    for dimension in (agenda.dimensions_by_id[dimension] for dimension in dimensions):
        others = np.logical_and.reduce([in_area, *(blank[other] for other in dimensions if other != dimension.id)])
        broken_down = table.where(~blank[dimension.id] & others)
        if not len(broken_down):
            continue
        order = {group: position for position, group in enumerate(dimension.groups)}
        groups = broken_down[dimension.id]
        # Groups in the agenda's order (any it does not list last), then by time; stable, as sorting the table was.
        positions = np.lexsort((broken_down["time"], [order.get(group, len(order)) for group in groups.tolist()]))
        broken_down = broken_down.with_columns(group=groups).where(positions)
        trends = {trend.groups[0][1]: trend for trend in series
                  if trend.geography == agenda.area and len(trend.groups) == 1 and trend.groups[0][0] == dimension.id}
        charts.append(_groups_chart(indicator, broken_down, dimension.id, f"By {dimension.label.lower()}",
                                    dimension.label, trends, domain, agenda, shown))
    return charts


def sparkline_spec(indicator: Indicator, rows: pd.DataFrame, agenda: Agenda) -> dict | None:
    """A word-sized line of the headline series, for scorecards; None without two values to join."""
    dimensions = [dimension for dimension in agenda.dimension_ids if dimension in rows.columns]
    table = _Rows.of(rows, ["period", "time", "value", "geography", *dimensions], NUMBER_COLUMNS)
    headline = np.logical_and.reduce([table["geography"] == agenda.area, ~np.isnan(table["value"]),
                                      *(table[dimension] == "" for dimension in dimensions)])
    if np.count_nonzero(headline) < 2:
        return None
    spec = _filled(_sparkline_template(), {})
    spec["datasets"] = {ROWS.name: table.where(headline).records(["period", "time", "value"])}
    return spec


def _formatter(indicator: Indicator, agenda: Agenda):
    """Values as the site writes them, each distinct value formatted once."""
    unit = agenda.units[indicator.unit]
    known: dict[float, str] = {}

    def shown(values: np.ndarray) -> list[str]:
        texts = []
        for value in values.tolist():
            # NaN is never found (NaN != NaN) and formats quickly as the dash; 0.0 and -0.0 are one key but are
            # written differently.
            text = known.get(value) if value else None
            if text is None:
                text = known[value] = format_value(value, indicator, unit)
            texts.append(text)
        return texts

    return shown


@functools.lru_cache(maxsize=None)
def _sparkline_template() -> dict:
    chart = alt.Chart(ROWS).mark_line(strokeWidth=2, color="#3f51b5", point=alt.OverlayMarkDef(size=12)).encode(
        x=alt.X("time:Q", axis=None, scale=alt.Scale(zero=False)),
        y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
    ).properties(width=120, height=32, background="transparent")
    spec = chart.configure_view(stroke=None).to_dict(validate=False)
    # An image with no text of its own (alt=""): no ARIA attributes to build, as for the static charts.
    spec["config"]["aria"] = False
    return spec


def _headline_chart(indicator: Indicator, rows: _Rows, trend: SeriesTrend | None, domain: list[str],
                    agenda: Agenda, shown) -> Chart:
    unit = agenda.units[indicator.unit]
    area = agenda.geographies[agenda.area].name
    data = rows.with_columns(
        shown=shown(rows["value"]),
        flag=[STATUS_LABELS.get(status) for status in rows["status"].tolist()],
        interval=[_interval(low, high, indicator) for low, high in zip(rows["lower_bound"], rows["upper_bound"])],
    )
    columns = ["period", "value", "lower_bound", "upper_bound", "shown", "flag", "interval", "note"]
    plotted = data.where(~np.isnan(data["value"]))
    layers: dict[str, list[dict]] = {}
    if trend and trend.progress.base_period and trend.progress.base_period in set(plotted["period"].tolist()):
        layers["base"] = plotted.where(plotted["period"] == trend.progress.base_period).records(columns, label="Base")
    breaks = np.flatnonzero(data["status"] == "break_in_series")
    if len(breaks):
        layers["break"] = data.where(breaks[:1]).records(columns, label="Change of method")
    if indicator.has_target and trend and trend.progress.base_value is not None:
        # The path needed: a straight line from the base value to the target value at the target period, so a
        # reader sees whether the values run ahead of it or behind it.
        layers["path"] = [{"period": period, "value": value, "label": "Path to target"} for period, value in (
            (trend.progress.base_period, trend.progress.base_value), (indicator.target_period, indicator.target_value))]
    if indicator.has_target:
        label = f"Target: {format_value(indicator.target_value, indicator, unit)} by {indicator.target_period}"
        layers["target"] = [{"value": indicator.target_value, "label": label}]
    title = f"{indicator.title}, {area}"
    description = _headline_description(indicator, trend, area, agenda)
    template = _headline_template(bool((~np.isnan(plotted["lower_bound"])).any()), frozenset(layers))
    spec = _filled(template, {"domain": domain, "ticks": _ticks(domain), "unit": unit.label,
                              "format": d3_format(indicator), "step": 10.0 ** -indicator.decimals,
                              "title": _lines(title),
                              "description": description})
    spec["datasets"] = {ROWS.name: plotted.records(columns), **layers}
    table = Table(
        caption=f"{indicator.title}, {area}: the values in the chart",
        columns=("Period", "Value", "Interval", "Status", "Note"),
        rows=tuple((period, text, interval, flag if flag != "Final" else "", note)
                   for period, text, interval, flag, note
                   in zip(*(data[name].tolist() for name in ("period", "shown", "interval", "flag", "note")))),
    )
    return Chart(indicator.id, "headline", title, description, spec_text(spec), table)


@functools.lru_cache(maxsize=None)
def _headline_template(interval: bool, layers: frozenset[str]) -> dict:
    """The headline chart with placeholders, for one shape: an interval band or not, and which of the layers
    drawn from data of their own ("base", "break", "path", "target") it has."""
    x = _x()
    y = _y()
    tooltip = [alt.Tooltip("period:N", title="Period"), alt.Tooltip("shown:N", title="Value"),
               alt.Tooltip("flag:N", title="Status"), alt.Tooltip("note:N", title="Note")]
    base = alt.Chart()
    drawn = []
    if interval:
        drawn.append(base.mark_area(opacity=0.18, color="#3f51b5").encode(x=x, y="lower_bound:Q", y2="upper_bound:Q"))
        tooltip.append(alt.Tooltip("interval:N", title="Interval"))
    drawn.append(base.mark_line(color="#3f51b5", strokeWidth=2.5).encode(x=x, y=y))
    drawn.append(base.mark_point(size=70, filled=True, color="#3f51b5", opacity=1).encode(
        x=x, y=y, tooltip=tooltip,
        shape=alt.Shape("flag:N", title="Status", legend=alt.Legend(orient="bottom")),
    ))
    if "base" in layers:
        marker = alt.Chart(alt.NamedData(name="base"))
        drawn.append(marker.mark_point(size=260, shape="circle", filled=False, color="#bf360c", strokeWidth=2).encode(
            x=x, y="value:Q"))
        drawn.append(marker.mark_text(dy=-16, color="#bf360c", fontWeight="bold").encode(x=x, y="value:Q",
                                                                                         text="label:N"))
    if "break" in layers:
        mark = alt.Chart(alt.NamedData(name="break"))
        drawn.append(mark.mark_rule(strokeDash=[2, 3], color="#555555").encode(x=x))
        drawn.append(mark.mark_text(align="left", dx=4, dy=-HEIGHT / 2 + 12, color="#555555").encode(
            x=x, text="label:N"))
    if "path" in layers:
        drawn.append(alt.Chart(alt.NamedData(name="path")).mark_line(
            strokeDash=[2, 4], color="#2e7d32", strokeWidth=1.5).encode(
            x=x, y="value:Q", tooltip=[alt.Tooltip("label:N", title="Line"), alt.Tooltip("period:N", title="Period"),
                                       alt.Tooltip("value:Q", title="Value", format=_slot("format"))]))
    if "target" in layers:
        target = alt.Chart(alt.NamedData(name="target"))
        drawn.append(target.mark_rule(strokeDash=[6, 4], color="#2e7d32", strokeWidth=2).encode(y="value:Q"))
        drawn.append(target.mark_text(align="right", baseline="bottom", x="width", dy=-4, color="#2e7d32",
                                      fontWeight="bold").encode(y="value:Q", text="label:N"))
    chart = alt.layer(*drawn, data=ROWS).properties(title=_slot("title"), width="container", height=HEIGHT,
                                                    description=_slot("description"))
    return _finish(chart)


def _groups_chart(indicator: Indicator, rows: _Rows, name: str, title: str, legend: str,
                  trends: dict[str, SeriesTrend], domain: list[str], agenda: Agenda, shown) -> Chart:
    groups = list(dict.fromkeys(rows["group"].tolist()))
    data = rows.with_columns(shown=shown(rows["value"]),
                             flag=[STATUS_LABELS.get(status) for status in rows["status"].tolist()])
    columns = ["period", "group", "value", "shown", "flag", "note"]
    plotted = data.where(~np.isnan(data["value"]))
    description = _groups_description(indicator, title, groups, trends, agenda)
    many = len(groups) > MANY_GROUPS
    if many:
        description += (f" With {len(groups)} groups the lines are not told apart in the picture: choose a group in"
                        " the menu to bring its line forward, or read every value in the table.")
    spec = _filled(_many_groups_template() if many else _groups_template(), {
        "domain": domain, "ticks": _ticks(domain), "unit": agenda.units[indicator.unit].label,
        "format": d3_format(indicator), "step": 10.0 ** -indicator.decimals, "legend": legend, "groups": groups,
        "selector": selector_name(name),
        "title": _lines(f"{indicator.title}: {title.lower()}"), "description": description,
        "highlight": f"Highlight {legend.lower()}: ",
    })
    spec["params"][0]["bind"].update(options=[None, *groups], labels=["All groups", *groups])
    # Each group's last plotted row, in the rows' order.
    last = {group: position for position, group in enumerate(plotted["group"].tolist())}
    spec["datasets"] = {ROWS.name: plotted.records(columns),
                        "latest": plotted.where(np.array(sorted(last.values()), dtype="int64")).records(columns)}
    values: dict[tuple[str, str], str] = {}
    for period, group, text in zip(data["period"].tolist(), data["group"].tolist(), data["shown"].tolist()):
        values.setdefault((period, group), text)
    present = set(data["period"].tolist())
    table = Table(
        caption=f"{indicator.title}, {title.lower()}: the values in the chart",
        columns=("Period", *groups),
        rows=tuple((period, *(values.get((period, group), "–") for group in groups))
                   for period in domain if period in present),
    )
    return Chart(indicator.id, name, f"{indicator.title}: {title.lower()}", description, spec_text(spec), table)


@functools.lru_cache(maxsize=None)
def _groups_template() -> dict:
    """A chart of one line per group, with placeholders: every chart by geography or by a dimension is this one."""
    x = _x()
    y = _y()
    color = alt.Color("group:N", title=_slot("legend"), sort=_list_slot("groups"),
                      legend=alt.Legend(orient="bottom", columns=3), scale=alt.Scale(range=GROUP_COLOURS))
    base = alt.Chart()
    tooltip = [alt.Tooltip("group:N", title=_slot("legend")), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("shown:N", title="Value"), alt.Tooltip("flag:N", title="Status")]
    selector = _slot("selector")
    # Every group stays drawn (its level matters as much as its trend); the one chosen is brought forward.
    chosen = f"{selector} == null || datum.group == {selector}"
    opacity = alt.condition(chosen, alt.value(1), alt.value(0.15))
    chart = alt.layer(
        base.mark_line().encode(x=x, y=y, color=color, detail="group:N", strokeOpacity=opacity,
                                strokeWidth=alt.condition(f"{selector} != null && datum.group == {selector}",
                                                          alt.value(3.5), alt.value(2))),
        base.mark_point(filled=True, size=40).encode(x=x, y=y, color=color, shape=alt.Shape(
            "group:N", sort=_list_slot("groups"), legend=None), tooltip=tooltip, opacity=opacity),
        # Each line is named at its end, so that telling groups apart never depends on colour alone.
        alt.Chart(alt.NamedData(name="latest")).mark_text(align="left", dx=6, fontSize=11).encode(
            x=x, y=y, text="group:N", color=color, opacity=opacity),
        data=ROWS,
    ).properties(title=_slot("title"), width="container", height=HEIGHT, description=_slot("description"))
    return _with_selector(_finish(chart))


def _with_selector(spec: dict) -> dict:
    # A Vega-Lite parameter bound to a menu: Vega draws the menu, and charts.js keeps its value in the page's address.
    spec["params"] = [{"name": _slot("selector"), "value": None, "bind": {
        "input": "select", "options": None, "labels": None, "name": _slot("highlight")}}]
    # Vega's fit-x already counts the names at the ends of the lines in the chart's bounds: padding for them as
    # well left a 50 px wide plot on a phone. A little room keeps their last letter off the edge.
    spec["padding"] = {"left": 5, "top": 5, "bottom": 5, "right": 12}
    return spec


@functools.lru_cache(maxsize=None)
def _many_groups_template() -> dict:
    """One line per group for more than MANY_GROUPS groups: all in one grey, without a legend or names at the line
    ends, since colours repeat past ten and the names pile up on each other (and each name is text vl-convert must
    measure: a chart of 200 areas drew 446 texts in 2.3 s). The group chosen in the menu is drawn in blue and named."""
    x = _x()
    y = _y()
    selector = _slot("selector")
    chosen = f"{selector} != null && datum.group == {selector}"
    tooltip = [alt.Tooltip("group:N", title=_slot("legend")), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("shown:N", title="Value"), alt.Tooltip("flag:N", title="Status")]
    everyone = alt.Chart()
    # The chosen group is drawn again on top, from the same rows filtered, so that no other line hides it.
    chosen_only = alt.Chart().transform_filter(chosen)
    chart = alt.layer(
        everyone.mark_line(color="#555555", strokeOpacity=0.35, strokeWidth=1.5).encode(x=x, y=y, detail="group:N"),
        everyone.mark_point(filled=True, size=30, color="#555555", opacity=0.35).encode(x=x, y=y, tooltip=tooltip),
        chosen_only.mark_line(color=GROUP_COLOURS[0], strokeWidth=3.5).encode(x=x, y=y),
        chosen_only.mark_point(filled=True, size=50, color=GROUP_COLOURS[0], opacity=1).encode(x=x, y=y,
                                                                                             tooltip=tooltip),
        alt.Chart(alt.NamedData(name="latest")).transform_filter(chosen).mark_text(
            align="left", dx=6, fontSize=11, fontWeight="bold", color=GROUP_COLOURS[0]).encode(
            x=x, y=y, text="group:N"),
        data=ROWS,
    ).properties(title=_slot("title"), width="container", height=HEIGHT, description=_slot("description"))
    return _with_selector(_finish(chart))


def selector_name(chart_name: str) -> str:
    """The name of a chart's group selector: a Vega signal, so only letters, digits and underscores."""
    return "highlight_" + re.sub(r"[^A-Za-z0-9_]", "_", chart_name)


def _finish(chart) -> dict:
    """The spec of a chart template; each chart attaches its rows as the datasets its layers name."""
    configured = chart.configure_view(stroke=None).configure_axis(labelFontSize=12, titleFontSize=12, grid=True,
                                                                  gridOpacity=0.4)
    spec = configured.to_dict(validate=False)
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec["usermeta"] = {"darkColours": DARK_COLOURS}
    return spec


def _slot(name: str) -> str:
    """A placeholder in a chart template, replaced by `_filled`."""
    return "{{" + name + "}}"


def _list_slot(name: str) -> list[str]:
    """A placeholder where Vega-Lite takes a list (Altair checks the type as the template is built)."""
    return [_slot(name)]


def _filled(template, values: dict[str, object]):
    """A copy of `template` with each placeholder replaced: a text that is a placeholder becomes its value (a text,
    None), a list slot the value's items, and placeholders inside a longer text (a Vega expression) their text."""
    if isinstance(template, dict):
        return {key: _filled(value, values) for key, value in template.items()}
    if isinstance(template, list):
        whole = _SLOT.fullmatch(template[0]) if len(template) == 1 and isinstance(template[0], str) else None
        if whole:
            return list(values[whole.group(1)])
        return [_filled(item, values) for item in template]
    if isinstance(template, str) and "{{" in template:
        whole = _SLOT.fullmatch(template)
        if whole:
            return values[whole.group(1)]
        return _SLOT.sub(lambda match: str(values[match.group(1)]), template)
    return template


def _y() -> alt.Y:
    # Ticks no closer than the values' last decimal: 0.25 written with one decimal read as a second "0.3".
    return alt.Y("value:Q", title=_slot("unit"), scale=alt.Scale(zero=False),
                 axis=alt.Axis(format=_slot("format"), tickMinStep=alt.ExprRef(f"({_slot('step')})")))


def _x() -> alt.X:
    return alt.X("period:O", title="Period", sort=_list_slot("domain"), scale=alt.Scale(domain=_list_slot("domain")),
                 axis=alt.Axis(values=_list_slot("ticks"), labelAngle=-40, labelOverlap="greedy"))


def _ticks(domain: list[str]) -> list[str]:
    """The periods labelled on the x axis: at most MAX_TICKS, evenly spaced from the first.

    Vega measures every label before dropping those that overlap, and vl-convert's measuring is slow (about a
    millisecond a text): a century of years was 100 labels measured for 14 shown.
    """
    step = -(-len(domain) // MAX_TICKS)
    return domain[::step]


def _lines(title: str) -> list[str]:
    """A chart title broken into lines that fit the static chart's width; one line is clipped at both ends."""
    return textwrap.wrap(title, TITLE_CHARACTERS) or [title]


def _period_domain(labels: list[str]) -> list[str]:
    """Every period from the first to the last, so a year without data shows as a gap, not a join."""
    parsed = sorted({label: _period(label) for label in labels}.values(), key=lambda p: p.time)
    full = periods_between(parsed[0], parsed[-1])
    if full and set(full) >= {period.label for period in parsed}:
        return full
    return [period.label for period in parsed]


@functools.lru_cache(maxsize=4096)
def _period(label: str):
    return parse_period(label)


def _interval(low, high, indicator: Indicator) -> str:
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{format_number(low, indicator.decimals)} to {format_number(high, indicator.decimals)}"


def _headline_description(indicator: Indicator, trend: SeriesTrend | None, area: str, agenda: Agenda) -> str:
    unit = agenda.units[indicator.unit]
    if trend is None or trend.progress.base_value is None:
        latest = f" The latest value is for {trend.last_period}." if trend else ""
        return f"{indicator.title} in {area}. There are not enough values yet to show a trend.{latest}"
    progress = trend.progress
    verb = {"up": "rose", "down": "fell", "flat": "stayed level"}[trend.movement]
    text = (f"{indicator.title} in {area} {verb} from {format_value(progress.base_value, indicator, unit)} in "
            f"{progress.base_period} to {format_value(progress.latest_value, indicator, unit)} in "
            f"{progress.latest_period}")
    if trend.latest_flag:
        text += f" ({STATUS_LABELS[trend.latest_flag].lower()})"
    text += f". {'Higher' if indicator.direction == 'increase' else 'Lower'} is better."
    if indicator.has_target:
        text += (f" The target is {format_value(indicator.target_value, indicator, unit)} by {indicator.target_period};"
                 f" a dotted line shows the path from the base value to the target.")
    if trend.break_period:
        text += f" The method changed in {trend.break_period}, so the trend is measured from then."
    return text + f" Status: {trend.words}."


def _groups_description(indicator: Indicator, title: str, groups: list[str], trends: dict[str, SeriesTrend],
                        agenda: Agenda) -> str:
    unit = agenda.units[indicator.unit]
    parts = []
    for group in groups:
        trend = trends.get(group)
        if trend is None or trend.progress.latest_value is None:
            parts.append(f"{group}: not enough values")
            continue
        progress = trend.progress
        parts.append(f"{group} {format_value(progress.base_value, indicator, unit)} in {progress.base_period}, "
                     f"{format_value(progress.latest_value, indicator, unit)} in {progress.latest_period}")
    return f"{indicator.title}, {title.lower()}, one line per group. " + "; ".join(parts) + "."
