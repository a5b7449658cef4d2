"""How numbers read on the site, in chart tooltips and in descriptions: one place, so they agree. Each is written in
the language the pages are being written in (`languages.speaking`)."""

from __future__ import annotations

import math

from generator.load.agenda import Indicator, Unit
from generator.publish.languages import gettext as _, number


def format_number(value: float | None, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return number(f"{value:,.{decimals}f}")


def format_value(value: float | None, indicator: Indicator, unit: Unit) -> str:
    """63.0%, 11.9 per 1000, 86."""
    text = format_number(value, indicator.decimals)
    if text == "–" or not unit.symbol:
        return text
    return f"{text}%" if unit.symbol == "%" else f"{text} {unit.symbol}"


def format_change(change: float | None, indicator: Indicator, unit: Unit) -> str:
    """+4.2 percentage points, −1.3 per 1000."""
    if change is None:
        return "–"
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    magnitude = format_number(abs(change), indicator.decimals)
    if unit.symbol == "%":
        return _("{sign}{magnitude} percentage points").format(sign=sign, magnitude=magnitude)
    return f"{sign}{magnitude} {unit.symbol}".rstrip()


def format_gap(gap: float | None, indicator: Indicator, unit: Unit) -> str:
    """A gap between groups: 14.0 percentage points, 2.1 per 1000; negative when the group is ahead."""
    if gap is None:
        return "–"
    magnitude = format_number(abs(gap), indicator.decimals)
    text = (_("{magnitude} percentage points").format(magnitude=magnitude) if unit.symbol == "%"
            else f"{magnitude} {unit.symbol}".rstrip())
    return text if gap >= 0 else _("{gap} ahead").format(gap=text)


def format_percent(ratio: float | None, decimals: int = 1) -> str:
    if ratio is None:
        return "–"
    return number(f"{ratio * 100:+.{decimals}f}%").replace("-", "−")


def d3_format(indicator: Indicator) -> str:
    """The same number format for Vega-Lite axes and tooltips."""
    return f",.{indicator.decimals}f"
