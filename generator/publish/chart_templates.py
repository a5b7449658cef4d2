"""The chart templates: each kind of chart built once with Altair, with placeholders (`slot`) where one
indicator's chart differs from another's, and filled in for each chart (`filled`).

Built with Altair chart by chart, every encoding was checked against the Vega-Lite schema and every layer's data
deep-copied each time: 70 s for the UK's 750 charts, against their few hundred milliseconds as templates.
"""

from __future__ import annotations

import functools
import re

import altair as alt

from generator.publish.languages import gettext as _

HEIGHT = 300  # of the headline and breakdown charts (charts.WIDTH is the static images' width)
# A chart's rows, attached to its spec as a named dataset.
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


def interface_words() -> dict[str, str]:
    """The interface text of the templates (axis, legend and tooltip titles, menu names), in the language spoken:
    each template is built once, with these as placeholders, and filled for each chart in its page's language."""
    # Translators: the map's tooltip for a geography without a value; {period} is the period the menu shows.
    before, _period, after = _("No value for {period}").partition("{period}")
    return {
        "period_title": _("Period"), "value_title": _("Value"), "status_title": _("Status"), "note_title": _("Note"),
        "interval_title": _("Interval"), "line_title": _("Line"), "geography_title": _("Geography"),
        # Translators: the name of the map's menu of periods, before the menu.
        "period_menu": _("Period: "),
        # The text around the period, as a Vega expression's strings.
        "no_value_before": _vega_string(before), "no_value_after": f" + {_vega_string(after)}" if after else "",
    }


def _vega_string(text: str) -> str:
    """A text as a string in a Vega expression."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@functools.lru_cache(maxsize=None)
def sparkline_template() -> dict:
    chart = alt.Chart(ROWS).mark_line(strokeWidth=2, color="#3f51b5", point=alt.OverlayMarkDef(size=12)).encode(
        x=alt.X("time:Q", axis=None, scale=alt.Scale(zero=False)),
        y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
    ).properties(width=120, height=32, background="transparent")
    spec = chart.configure_view(stroke=None).to_dict(validate=False)
    # An image with no text of its own (alt=""): no ARIA attributes to build, as for the static charts.
    spec["config"]["aria"] = False
    return spec

@functools.lru_cache(maxsize=None)
def headline_template(interval: bool, layers: frozenset[str]) -> dict:
    """The headline chart with placeholders, for one shape: an interval band or not, and which of the layers
    drawn from data of their own ("base", "break", "path", "target") it has."""
    x = x_axis()
    y = y_axis()
    tooltip = [alt.Tooltip("period:N", title=slot("period_title")), alt.Tooltip("shown:N", title=slot("value_title")),
               alt.Tooltip("flag:N", title=slot("status_title")), alt.Tooltip("note:N", title=slot("note_title"))]
    base = alt.Chart()
    drawn = []
    if interval:
        drawn.append(base.mark_area(opacity=0.18, color="#3f51b5").encode(x=x, y="lower_bound:Q", y2="upper_bound:Q"))
        tooltip.append(alt.Tooltip("interval:N", title=slot("interval_title")))
    drawn.append(base.mark_line(color="#3f51b5", strokeWidth=2.5).encode(x=x, y=y))
    drawn.append(base.mark_point(size=70, filled=True, color="#3f51b5", opacity=1).encode(
        x=x, y=y, tooltip=tooltip,
        shape=alt.Shape("flag:N", title=slot("status_title"), legend=alt.Legend(orient="bottom")),
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
            x=x, y="value:Q", tooltip=[alt.Tooltip("label:N", title=slot("line_title")),
                                       alt.Tooltip("period:N", title=slot("period_title")),
                                       alt.Tooltip("value:Q", title=slot("value_title"), format=slot("format"))]))
    if "target" in layers:
        target = alt.Chart(alt.NamedData(name="target"))
        drawn.append(target.mark_rule(strokeDash=[6, 4], color="#2e7d32", strokeWidth=2).encode(y="value:Q"))
        drawn.append(target.mark_text(align="right", baseline="bottom", x="width", dy=-4, color="#2e7d32",
                                      fontWeight="bold").encode(y="value:Q", text="label:N"))
    chart = alt.layer(*drawn, data=ROWS).properties(title=slot("title"), width="container", height=HEIGHT,
                                                    description=slot("description"))
    return finish(chart)

@functools.lru_cache(maxsize=None)
def groups_template() -> dict:
    """A chart of one line per group, with placeholders: every chart by geography or by a dimension is this one."""
    x = x_axis()
    y = y_axis()
    color = alt.Color("group:N", title=slot("legend"), sort=list_slot("groups"),
                      legend=alt.Legend(orient="bottom", columns=3), scale=alt.Scale(range=GROUP_COLOURS))
    base = alt.Chart()
    tooltip = [alt.Tooltip("group:N", title=slot("legend")), alt.Tooltip("period:N", title=slot("period_title")),
               alt.Tooltip("shown:N", title=slot("value_title")), alt.Tooltip("flag:N", title=slot("status_title"))]
    selector = slot("selector")
    # Every group stays drawn (its level matters as much as its trend); the one chosen is brought forward.
    chosen = f"{selector} == null || datum.group == {selector}"
    opacity = alt.condition(chosen, alt.value(1), alt.value(0.15))
    chart = alt.layer(
        base.mark_line().encode(x=x, y=y, color=color, detail="group:N", strokeOpacity=opacity,
                                strokeWidth=alt.condition(f"{selector} != null && datum.group == {selector}",
                                                          alt.value(3.5), alt.value(2))),
        base.mark_point(filled=True, size=40).encode(x=x, y=y, color=color, shape=alt.Shape(
            "group:N", sort=list_slot("groups"), legend=None), tooltip=tooltip, opacity=opacity),
        # Each line is named at its end, so that telling groups apart never depends on colour alone.
        alt.Chart(alt.NamedData(name="latest")).mark_text(align="left", dx=6, fontSize=11).encode(
            x=x, y=y, text="group:N", color=color, opacity=opacity),
        data=ROWS,
    ).properties(title=slot("title"), width="container", height=HEIGHT, description=slot("description"))
    return with_selector(finish(chart))


def with_selector(spec: dict) -> dict:
    # A Vega-Lite parameter bound to a menu: Vega draws the menu, and charts.js keeps its value in the page's address.
    spec["params"] = [{"name": slot("selector"), "value": None, "bind": {
        "input": "select", "options": None, "labels": None, "name": slot("highlight")}}]
    # Vega's fit-x already counts the names at the ends of the lines in the chart's bounds: padding for them as
    # well left a 50 px wide plot on a phone. A little room keeps their last letter off the edge.
    spec["padding"] = {"left": 5, "top": 5, "bottom": 5, "right": 12}
    return spec


@functools.lru_cache(maxsize=None)
def many_groups_template() -> dict:
    """One line per group for more than `charts.MANY_GROUPS` groups: all in one grey, without a legend or names at
    the line ends, since colours repeat past ten and the names pile up on each other (and each name is text
    vl-convert must measure: a chart of 200 areas drew 446 texts in 2.3 s). The group chosen in the menu is drawn in
    blue and named."""
    x = x_axis()
    y = y_axis()
    selector = slot("selector")
    chosen = f"{selector} != null && datum.group == {selector}"
    tooltip = [alt.Tooltip("group:N", title=slot("legend")), alt.Tooltip("period:N", title=slot("period_title")),
               alt.Tooltip("shown:N", title=slot("value_title")), alt.Tooltip("flag:N", title=slot("status_title"))]
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
    ).properties(title=slot("title"), width="container", height=HEIGHT, description=slot("description"))
    return with_selector(finish(chart))

def finish(chart) -> dict:
    """The spec of a chart template; each chart attaches its rows as the datasets its layers name."""
    configured = chart.configure_view(stroke=None).configure_axis(labelFontSize=12, titleFontSize=12, grid=True,
                                                                  gridOpacity=0.4)
    spec = configured.to_dict(validate=False)
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec["usermeta"] = {"darkColours": DARK_COLOURS}
    return spec


def slot(name: str) -> str:
    """A placeholder in a chart template, replaced by `filled`."""
    return "{{" + name + "}}"


def list_slot(name: str) -> list[str]:
    """A placeholder where Vega-Lite takes a list (Altair checks the type as the template is built)."""
    return [slot(name)]


def filled(template, values: dict[str, object]):
    """A copy of `template` with each placeholder replaced: a text that is a placeholder becomes its value (a text,
    None), a list slot the value's items, and placeholders inside a longer text (a Vega expression) their text."""
    if isinstance(template, dict):
        return {key: filled(value, values) for key, value in template.items()}
    if isinstance(template, list):
        whole = _SLOT.fullmatch(template[0]) if len(template) == 1 and isinstance(template[0], str) else None
        if whole:
            return list(values[whole.group(1)])
        return [filled(item, values) for item in template]
    if isinstance(template, str) and "{{" in template:
        whole = _SLOT.fullmatch(template)
        if whole:
            return values[whole.group(1)]
        return _SLOT.sub(lambda match: str(values[match.group(1)]), template)
    return template


def y_axis() -> alt.Y:
    # Ticks no closer than the values' last decimal: 0.25 written with one decimal read as a second "0.3".
    return alt.Y("value:Q", title=slot("unit"), scale=alt.Scale(zero=False),
                 axis=alt.Axis(format=slot("format"), tickMinStep=alt.ExprRef(f"({slot('step')})")))


def x_axis() -> alt.X:
    return alt.X("period:O", title=slot("period_title"), sort=list_slot("domain"), scale=alt.Scale(domain=list_slot("domain")),
                 axis=alt.Axis(values=list_slot("ticks"), labelAngle=-40, labelOverlap="greedy"))


# The map's own colours and their dark-theme tints: the area's outline and the geographies without a value for the
# period are greys; each geography's edge is dark on the light page and light on the dark one, so that the pale and
# the dark end of the colour scale are both told from the page.
MAP_DARK_COLOURS = {"#f2f2f2": "#2b2f3a", "#cccccc": "#4a5060", "#616161": "#9e9e9e", "#424242": "#e0e0e0"}
MAP_HEIGHT = 360
# A sequential scheme that colour-blind readers tell apart end to end, and that stays ordered in grey.
MAP_SCHEME = "viridis"


@functools.lru_cache(maxsize=None)
def map_template() -> dict:
    """A choropleth with placeholders: the geographies' boundaries inline (the dataset "boundaries", GeoJSON
    features whose `id` is the geography id; "outline", the initiative's area, drawn behind them), each coloured by
    its value in the period chosen in the menu. The rows are joined to their boundary by a lookup, so each boundary
    is written once whatever the number of periods. Nothing is fetched: no tiles, no files."""
    period = slot("selector")
    no_value = alt.Chart(alt.NamedData(name="boundaries")).transform_calculate(
        shown=f"{slot('no_value_before')} + {period}{slot('no_value_after')}").mark_geoshape(fill="#cccccc", stroke="#424242", strokeWidth=1,
                                                           aria=False).encode(
        tooltip=[alt.Tooltip("properties.name:N", title=slot("geography_title")),
                 alt.Tooltip("shown:N", title=slot("value_title"))])
    valued = alt.Chart(ROWS).transform_filter(f"datum.period == {period}").transform_lookup(
        lookup="geography", from_=alt.LookupData(alt.NamedData(name="boundaries"), key="id"), as_="geo",
    ).mark_geoshape(stroke="#424242", strokeWidth=1, aria=False).encode(
        shape=alt.Shape("geo:G"),
        # The scale runs over every period's values, so a colour means one value whichever period is shown; it is
        # reversed (`charts`) where lower is better, so that the pale end is always the better one.
        color=alt.Color("value:Q", scale=alt.Scale(scheme=MAP_SCHEME, domain=list_slot("values")),
                        legend=alt.Legend(title=list_slot("legend"), orient="bottom", direction="horizontal",
                                          format=slot("format"), gradientLength=220)),
        tooltip=[alt.Tooltip("name:N", title=slot("geography_title")), alt.Tooltip("period:N", title=slot("period_title")),
                 alt.Tooltip("shown:N", title=slot("value_title")), alt.Tooltip("flag:N", title=slot("status_title"))],
    )
    # No ARIA attributes on the shapes: the live chart is one image, named by its description (charts.js), and its
    # table gives the numbers; a shape Vega labels for no one is an image without a name to axe.
    outline = alt.Chart(alt.NamedData(name="outline")).mark_geoshape(fill="#f2f2f2", stroke="#616161",
                                                                      strokeWidth=1.5, aria=False)
    chart = alt.layer(outline, no_value, valued).properties(
        title=slot("title"), width="container", height=MAP_HEIGHT, description=slot("description"))
    spec = finish(chart)
    spec["projection"] = {"type": "mercator"}  # fitted to the boundaries drawn
    spec["usermeta"] = {"darkColours": {**DARK_COLOURS, **MAP_DARK_COLOURS}}
    spec["params"] = [{"name": period, "value": slot("latest"), "bind": {
        "input": "select", "options": list_slot("periods"), "labels": list_slot("periods"), "name": slot("period_menu")}}]
    return spec
