"""Charts: Altair specs (Vega-Lite JSON) for every indicator, their descriptions and tables.

Turning specs into images is `generator.publish.images`.

A chart never computes a statistic: levels come from the observations table, verdicts from the trends.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass

import numpy as np
import orjson
import pandas as pd

from generator.load.agenda import Agenda, Indicator
from generator.publish.chart_templates import (
    ROWS, filled, groups_template, headline_template, interface_words, many_groups_template, map_template,
    sparkline_template,
)
from generator.publish import languages
from generator.publish.formatting import d3_format, format_number, format_value
from generator.publish.languages import N_, gettext as _, ngettext
from generator.compute.periods import axis_periods, axis_ticks
from generator.compute.trends.series import SeriesTrend
from generator.publish.geometry import map_feature

VEGA_LITE_VERSION = "6.4"
HEADLINE = "headline"  # the name of the chart of an indicator's headline series
MAP = "map"  # the name of an indicator's map (no dimension may take it: validate.agenda_rules.MAP_CHART)
WIDTH = 640  # for the static SVG; in the browser the chart fills its container
# Above this many groups, a breakdown chart draws its lines in one colour and names only the one chosen in the menu.
MANY_GROUPS = 12
MAX_TICKS = 16
TITLE_CHARACTERS = 80  # of the title's bold 13 px type in the static chart's 640 px
# An observation's status as a chart and its table name it (translated where shown: `status_labels`).
STATUS_LABELS = {"": N_("Final"), "provisional": N_("Provisional"), "estimated": N_("Estimated"),
                 "break_in_series": N_("New method"), "suppressed": N_("Suppressed")}


def status_labels() -> dict[str, str]:
    """STATUS_LABELS in the language spoken."""
    return {status: _(label) for status, label in STATUS_LABELS.items()}


@dataclass(frozen=True)
class Table:
    """What a chart shows, as rows of text: the chart's accessible alternative."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    indicator: str
    name: str  # HEADLINE, "geography", MAP or a dimension id: the spec is <name>.vl.json beside the page
    title: str
    description: str  # the chart in words, for screen readers and for the SVG's alt text
    # The Vega-Lite spec (width "container") as `spec_text` writes it: the bytes of its spec file. Held as text: as
    # dicts and lists, the charts of a national-scale initiative were some 400 MB, as JSON a quarter of it.
    spec_json: str
    table: Table

    @property
    def has_image(self) -> bool:
        """Whether the build draws this chart as SVG and PNG. Only the headline chart is: it is the page's first
        view without JavaScript and its share image. A breakdown is read without JavaScript through its table, and
        its images are made in the browser from the live chart; drawing them all was most of a national build."""
        return self.name == HEADLINE

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
        return spec


def spec_text(spec: dict) -> str:
    """A spec as compact JSON, keys sorted: the text a page embeds, and an image is drawn from and cached by.

    In a language other than English, Vega writes the spec's numbers (axes, tooltips) with the language's
    separators, as the pages do: Vega-Lite's `config.locale`, which the browser and the image renderer both read."""
    language = languages.current()
    if language.code != languages.DEFAULT_CODE:
        spec = {**spec, "config": {**spec.get("config", {}), "locale": language.vega_locale}}
    try:
        text = orjson.dumps(spec, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except orjson.JSONEncodeError:  # what only the json module writes: a key not text, a float subclass, …
        text = None
    if text is None or _WRITTEN_OTHERWISE_BY_JSON.search(text):
        text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text


# orjson writes a spec ten times quicker than the json module, and the same bytes but for floats written with an
# exponent: 8.3e-05 is orjson's 0.000083, 1e+16 its 1e16. Where its text may hold one, the json module writes it,
# so that the spec, and the images drawn and cached from it, stay the same bytes. (orjson writes NaN as null, which
# the json module writes as NaN, not JSON: a chart's missing values are null already.)
_WRITTEN_OTHERWISE_BY_JSON = re.compile(r"0\.0000|\d[eE]")


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
    """The headline chart, then one chart by geography, the map, and one per dimension that has data."""
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
        charts.append(_groups_chart(indicator, named, "geography", _("By geography"), _("Geography"), trends, domain,
                                    agenda, shown))
    mapped = _map_chart(indicator, totals, agenda, shown)
    if mapped is not None:
        charts.append(mapped)
    for dimension in (agenda.dimensions_by_id[dimension] for dimension in dimensions):
        others = np.logical_and.reduce([in_area, *(blank[other] for other in dimensions if other != dimension.id)])
        broken_down = table.where(~blank[dimension.id] & others)
        if not len(broken_down):
            continue
        order = {group: position for position, group in enumerate(dimension.groups)}
        groups = broken_down[dimension.id]
        # Groups in the agenda's order (any it does not list last), then by time; stable, as sorting the table was.
        positions = np.lexsort((broken_down["time"], [order.get(group, len(order)) for group in groups.tolist()]))
        # Each group by its name in the language spoken (translations.csv): the data keep the agenda's.
        labels = {group: languages.group_label(agenda, dimension.id, group) for group in set(groups.tolist())}
        broken_down = broken_down.with_columns(group=[labels[group] for group in groups.tolist()]).where(positions)
        trends = {languages.group_label(agenda, dimension.id, trend.groups[0][1]): trend for trend in series
                  if trend.geography == agenda.area and len(trend.groups) == 1 and trend.groups[0][0] == dimension.id}
        # Translators: a chart's breakdown, such as "By age group"; {dimension} is the dimension's name, in lower case.
        by = _("By {dimension}").format(dimension=dimension.label.lower())
        charts.append(_groups_chart(indicator, broken_down, dimension.id, by, dimension.label, trends, domain, agenda,
                                    shown))
    return charts


def sparkline_spec(indicator: Indicator, rows: pd.DataFrame, agenda: Agenda) -> dict | None:
    """A word-sized line of the headline series, for scorecards; None without two values to join."""
    dimensions = [dimension for dimension in agenda.dimension_ids if dimension in rows.columns]
    table = _Rows.of(rows, ["period", "time", "value", "geography", *dimensions], NUMBER_COLUMNS)
    headline = np.logical_and.reduce([table["geography"] == agenda.area, ~np.isnan(table["value"]),
                                      *(table[dimension] == "" for dimension in dimensions)])
    if np.count_nonzero(headline) < 2:
        return None
    spec = filled(sparkline_template(), {})
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


def _headline_chart(indicator: Indicator, rows: _Rows, trend: SeriesTrend | None, domain: list[str],
                    agenda: Agenda, shown) -> Chart:
    unit = agenda.units[indicator.unit]
    area = agenda.geographies[agenda.area].name
    labels = status_labels()
    data = rows.with_columns(
        shown=shown(rows["value"]),
        flag=[labels.get(status) for status in rows["status"].tolist()],
        interval=[_interval(low, high, indicator) for low, high in zip(rows["lower_bound"], rows["upper_bound"])],
    )
    columns = ["period", "value", "lower_bound", "upper_bound", "shown", "flag", "interval", "note"]
    plotted = data.where(~np.isnan(data["value"]))
    layers: dict[str, list[dict]] = {}
    if trend and trend.progress.base_period and trend.progress.base_period in set(plotted["period"].tolist()):
        layers["base"] = plotted.where(plotted["period"] == trend.progress.base_period).records(columns, label=_("Base"))
    breaks = np.flatnonzero(data["status"] == "break_in_series")
    if len(breaks):
        layers["break"] = data.where(breaks[:1]).records(columns, label=_("Change of method"))
    if indicator.has_target and trend and trend.progress.base_value is not None:
        # The path needed: a straight line from the base value to the target value at the target period, so a
        # reader sees whether the values run ahead of it or behind it.
        path = _("Path to target")
        layers["path"] = [{"period": period, "value": value, "label": path} for period, value in (
            (trend.progress.base_period, trend.progress.base_value), (indicator.target_period, indicator.target_value))]
    if indicator.has_target:
        label = _("Target: {value} by {period}").format(value=format_value(indicator.target_value, indicator, unit),
                                                          period=indicator.target_period)
        layers["target"] = [{"value": indicator.target_value, "label": label}]
    # Translators: the headline chart's title: the indicator, in the initiative's area.
    title = _("{indicator}, {area}").format(indicator=indicator.title, area=area)
    description = _headline_description(indicator, trend, area, agenda)
    template = headline_template(bool((~np.isnan(plotted["lower_bound"])).any()), frozenset(layers))
    spec = filled(template, {"domain": domain, "ticks": _ticks(domain), "unit": unit.label,
                              "format": d3_format(indicator), "step": 10.0 ** -indicator.decimals,
                              "title": _lines(title),
                              "description": description, **interface_words()})
    spec["datasets"] = {ROWS.name: plotted.records(columns), **layers}
    table = Table(
        caption=_("{indicator}, {area}: the values in the chart").format(indicator=indicator.title, area=area),
        columns=(_("Period"), _("Value"), _("Interval"), _("Status"), _("Note")),
        rows=tuple((period, text, interval, flag if flag != labels[""] else "", note)
                   for period, text, interval, flag, note
                   in zip(*(data[name].tolist() for name in ("period", "shown", "interval", "flag", "note")))),
    )
    return Chart(indicator.id, HEADLINE, title, description, spec_text(spec), table)


def _groups_chart(indicator: Indicator, rows: _Rows, name: str, title: str, legend: str,
                  trends: dict[str, SeriesTrend], domain: list[str], agenda: Agenda, shown) -> Chart:
    groups = list(dict.fromkeys(rows["group"].tolist()))
    labels = status_labels()
    data = rows.with_columns(shown=shown(rows["value"]),
                             flag=[labels.get(status) for status in rows["status"].tolist()])
    columns = ["period", "group", "value", "shown", "flag", "note"]
    plotted = data.where(~np.isnan(data["value"]))
    description = _groups_description(indicator, title, groups, trends, agenda)
    many = len(groups) > MANY_GROUPS
    if many:
        description += " " + ngettext(
            "With {count} group the lines are not told apart in the picture: choose a group in the menu to bring its "
            "line forward, or read every value in the table.",
            "With {count} groups the lines are not told apart in the picture: choose a group in the menu to bring its "
            "line forward, or read every value in the table.", len(groups)).format(count=len(groups))
    spec = filled(many_groups_template() if many else groups_template(), {
        "domain": domain, "ticks": _ticks(domain), "unit": agenda.units[indicator.unit].label,
        "format": d3_format(indicator), "step": 10.0 ** -indicator.decimals, "legend": legend, "groups": groups,
        "selector": selector_name(name),
        "title": _lines(f"{indicator.title}: {title.lower()}"), "description": description,
        # Translators: the name of a chart's menu of groups, before the menu; {group} is the legend's title, in lower
        # case ("geography", "age group").
        "highlight": _("Highlight {group}: ").format(group=legend.lower()), **interface_words(),
    })
    spec["params"][0]["bind"].update(options=[None, *groups], labels=[_("All groups"), *groups])
    # Each group's last plotted row, in the rows' order.
    last = {group: position for position, group in enumerate(plotted["group"].tolist())}
    spec["datasets"] = {ROWS.name: plotted.records(columns),
                        "latest": plotted.where(np.array(sorted(last.values()), dtype="int64")).records(columns)}
    values: dict[tuple[str, str], str] = {}
    for period, group, text in zip(data["period"].tolist(), data["group"].tolist(), data["shown"].tolist()):
        values.setdefault((period, group), text)
    present = set(data["period"].tolist())
    table = Table(
        caption=_("{indicator}, {breakdown}: the values in the chart").format(indicator=indicator.title,
                                                                              breakdown=title.lower()),
        columns=(_("Period"), *groups),
        rows=tuple((period, *(values.get((period, group), "–") for group in groups))
                   for period in domain if period in present),
    )
    return Chart(indicator.id, name, f"{indicator.title}: {title.lower()}", description, spec_text(spec), table)


def _map_chart(indicator: Indicator, totals: _Rows, agenda: Agenda, shown) -> Chart | None:
    """The map of an indicator's totals by geography, one period at a time (the latest first): the geographies
    with a boundary and a value, other than the initiative's area, which is drawn behind them as their outline.
    None with fewer than two such geographies: one coloured shape compares nothing."""
    if not agenda.boundaries:
        return None
    places_of = totals["geography"].tolist()
    mapped = np.array([key in agenda.boundaries and key != agenda.area for key in places_of], dtype=bool)
    rows = totals.where(mapped & ~np.isnan(totals["value"]))
    if len(set(rows["geography"].tolist())) < 2:
        return None
    rows = rows.where(np.argsort(rows["time"], kind="stable"))
    periods = list(dict.fromkeys(rows["period"].tolist()))
    latest = periods[-1]
    names = {key: agenda.geographies[key].name for key in rows["geography"].tolist()}
    places = sorted(names, key=lambda key: (names[key].casefold(), key))
    labels = status_labels()
    data = rows.with_columns(name=[names[key] for key in rows["geography"].tolist()], shown=shown(rows["value"]),
                             flag=[labels.get(status) for status in rows["status"].tolist()])
    unit = agenda.units[indicator.unit]
    # Translators: the map legend's second line, under the colour scale: the arrow points to the better end.
    better = _("Higher is better →") if indicator.direction == "increase" else _("← Lower is better")
    title = _("{indicator}: map by geography").format(indicator=indicator.title)
    description = _map_description(indicator, data, latest, agenda)
    spec = filled(map_template(), {
        "selector": "period_map", "latest": latest, "periods": periods,
        "values": [float(np.min(rows["value"])), float(np.max(rows["value"]))], "legend": [unit.label, better],
        "format": d3_format(indicator), "title": _lines(title), "description": description, **interface_words(),
    })
    spec["layer"][2]["encoding"]["color"]["scale"]["reverse"] = indicator.direction == "decrease"
    spec["datasets"] = {
        ROWS.name: data.records(["geography", "name", "period", "value", "shown", "flag"]),
        "boundaries": [map_feature(key, names[key], agenda.boundaries[key]) for key in places],
        "outline": [map_feature(agenda.area, agenda.geographies[agenda.area].name, agenda.boundaries[agenda.area])]
        if agenda.area in agenda.boundaries else [],
    }
    values = {(period, key): text for period, key, text in zip(data["period"].tolist(), data["geography"].tolist(),
                                                                data["shown"].tolist())}
    table = Table(
        caption=_("{indicator} by geography, the values in the map, latest period first").format(
            indicator=indicator.title),
        columns=(_("Geography"), _("Period"), _("Value")),
        rows=tuple((names[key], period, values[period, key]) for period in reversed(periods) for key in places
                   if (period, key) in values),
    )
    return Chart(indicator.id, MAP, title, description, spec_text(spec), table)


def _map_description(indicator: Indicator, data: _Rows, latest: str, agenda: Agenda) -> str:
    in_latest = data.where(data["period"] == latest)
    order = np.argsort(in_latest["value"], kind="stable")
    names, texts = in_latest["name"].tolist(), in_latest["shown"].tolist()
    count = len(set(data["geography"].tolist()))
    text = ngettext("{indicator}, on a map of {count} geography of {area}.",
                    "{indicator}, on a map of {count} geographies of {area}.", count).format(
        indicator=indicator.title, count=count, area=agenda.geographies[agenda.area].name)
    if len(order) >= 2:
        high, low = order[-1], order[0]
        text += " " + _("In {period}, the highest value is {highest}'s ({highest_value}) and the lowest {lowest}'s "
                        "({lowest_value}).").format(period=latest, highest=names[high], highest_value=texts[high],
                                                    lowest=names[low], lowest_value=texts[low])
    else:
        text += " " + _("In {period}, only {geography} has a value ({value}).").format(
            period=latest, geography=names[order[0]], value=texts[order[0]])
    if indicator.direction == "increase":
        return text + " " + _("Higher is better: the paler the colour, the better. Choose another period in the menu "
                              "under the map; a geography without a value for the period is grey.")
    return text + " " + _("Lower is better: the paler the colour, the better. Choose another period in the menu "
                          "under the map; a geography without a value for the period is grey.")


def selector_name(chart_name: str) -> str:
    """The name of a chart's group selector: a Vega signal, so only letters, digits and underscores."""
    return "highlight_" + re.sub(r"[^A-Za-z0-9_]", "_", chart_name)


def _ticks(domain: list[str]) -> list[str]:
    """The periods labelled on the x axis: at most MAX_TICKS, evenly spaced from the first (on an axis of months,
    the Januaries of every so many years).

    Vega measures every label before dropping those that overlap, and vl-convert's measuring is slow (about a
    millisecond a text): a century of years was 100 labels measured for 14 shown.
    """
    return axis_ticks(domain, MAX_TICKS)


def _lines(title: str) -> list[str]:
    """A chart title broken into lines that fit the static chart's width; one line is clipped at both ends."""
    return textwrap.wrap(title, TITLE_CHARACTERS) or [title]


def _period_domain(labels: list[str]) -> list[str]:
    """Every period from the first to the last, evenly spaced in time, so a period without data shows as a gap,
    not a join, and a target year after monthly data sits at its own time (`periods.axis_periods`)."""
    return axis_periods(labels)


def _interval(low, high, indicator: Indicator) -> str:
    if pd.isna(low) or pd.isna(high):
        return ""
    # Translators: a confidence interval, from its lower to its upper bound.
    return _("{lower} to {upper}").format(lower=format_number(low, indicator.decimals),
                                          upper=format_number(high, indicator.decimals))


def _headline_description(indicator: Indicator, trend: SeriesTrend | None, area: str, agenda: Agenda) -> str:
    unit = agenda.units[indicator.unit]
    if trend is None or trend.progress.base_value is None:
        text = _("{indicator} in {area}. There are not enough values yet to show a trend.").format(
            indicator=indicator.title, area=area)
        return text + " " + _("The latest value is for {period}.").format(period=trend.last_period) if trend else text
    progress = trend.progress
    latest_period = progress.latest_period
    if trend.latest_flag:
        # Translators: the latest period of a chart's description, with the status of its value ("provisional").
        latest_period = _("{period} ({status})").format(period=latest_period,
                                                        status=_(STATUS_LABELS[trend.latest_flag]).lower())
    moved = {
        "up": _("{indicator} in {area} rose from {base} in {base_period} to {latest} in {latest_period}."),
        "down": _("{indicator} in {area} fell from {base} in {base_period} to {latest} in {latest_period}."),
        "flat": _("{indicator} in {area} stayed level from {base} in {base_period} to {latest} in {latest_period}."),
    }[trend.movement]
    sentences = [moved.format(indicator=indicator.title, area=area,
                              base=format_value(progress.base_value, indicator, unit), base_period=progress.base_period,
                              latest=format_value(progress.latest_value, indicator, unit),
                              latest_period=latest_period),
                 _("Higher is better.") if indicator.direction == "increase" else _("Lower is better.")]
    if indicator.has_target:
        sentences.append(_("The target is {target} by {period}; a dotted line shows the path from the base value to "
                           "the target.").format(target=format_value(indicator.target_value, indicator, unit),
                                                 period=indicator.target_period))
    if trend.break_period:
        sentences.append(_("The method changed in {period}, so the trend is measured from then.").format(
            period=trend.break_period))
    sentences.append(_("Status: {status}.").format(status=_(trend.words)))
    return " ".join(sentences)


def _groups_description(indicator: Indicator, title: str, groups: list[str], trends: dict[str, SeriesTrend],
                        agenda: Agenda) -> str:
    unit = agenda.units[indicator.unit]
    parts = []
    for group in groups:
        trend = trends.get(group)
        if trend is None or trend.progress.latest_value is None:
            parts.append(_("{group}: not enough values").format(group=group))
            continue
        progress = trend.progress
        parts.append(_("{group} {base} in {base_period}, {latest} in {latest_period}").format(
            group=group, base=format_value(progress.base_value, indicator, unit), base_period=progress.base_period,
            latest=format_value(progress.latest_value, indicator, unit), latest_period=progress.latest_period))
    # Translators: the start of a breakdown chart's description; the groups' values follow it.
    return (_("{indicator}, {breakdown}, one line per group.").format(indicator=indicator.title,
                                                                       breakdown=title.lower())
            + " " + "; ".join(parts) + ".")
