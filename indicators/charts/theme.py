"""Colours, fonts and number locales shared by every chart.

The goal-achievement colours are those of Norwegian quality reporting.
The number locale is part of each chart's Vega-Lite config, so the axes read
``72,4 %`` in a bokmål report both in JupyterLab and in the static SVG.
"""

from __future__ import annotations

from typing import Any

from indicators.reports.format import DECIMALS

#: Goal achievement (måloppnåelse): high, moderate, low.
GOAL_COLOURS = {"high": "#3BAA34", "moderate": "#FD9C00", "low": "#E30713"}
#: Units without a target.
NO_GOAL_COLOUR = "#9AA5B1"
#: The trust a report is about.
HIGHLIGHT = "#0B4F8A"
#: Other units and the national reference.
OTHER = "#A7B3C2"
NATIONAL = "#222222"
#: Funnel limits: adjusted (solid) and unadjusted (dashed), 95 % lighter than 99.8 %.
LIMIT_COLOURS = {"95": "#6F8FAF", "99.8": "#2E4057"}

FONT = "Helvetica, Arial, sans-serif"
WIDTH = 560
HEIGHT = 300

#: d3-format locales: bokmål with decimal comma, space thousands and "72,4 %".
NUMBER_LOCALES: dict[str, dict[str, Any]] = {
    "nb": {
        "decimal": ",",
        "thousands": " ",
        "grouping": [3],
        "currency": ["", " kr"],
        "percent": " %",
        "minus": "−",
    },
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]},
}


def chart_config(lang: str, *, number_format: str = ",.2f") -> dict[str, Any]:
    """The Vega-Lite ``config`` of every chart: locale, font, quiet axes, number format.

    ``number_format`` formats every number that has no format of its own: the
    descriptions Vega-Lite gives each mark (``aria-label`` in the SVG, read out by
    screen readers) and tooltips.  Charts pass :func:`value_format` of their unit, so
    a description reads a value as the report prints it, never as ``0,21497584541``.

    >>> chart_config("nb")["locale"]["number"]["decimal"]
    ','
    """
    return {
        "locale": {"number": NUMBER_LOCALES[lang]},
        "numberFormat": number_format,
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#E6E9EE"},
        "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom"},
        "title": {"fontSize": 14, "anchor": "start"},
    }


def value_axis_format(unit: str) -> str:
    """d3 format of a value axis: per cent for shares, one decimal for days, two for ratios.

    >>> value_axis_format("fraction")
    '.0%'
    """
    return {"fraction": ".0%", "days": ",.0f", "ratio": ".2f"}.get(unit, ",.2f")


def value_format(unit: str) -> str:
    """d3 format of a value as the reports print it (:data:`~indicators.reports.format.DECIMALS`).

    >>> value_format("fraction"), value_format("days"), value_format("ratio")
    ('.1%', ',.1f', ',.2f')
    """
    decimals = DECIMALS.get(unit, 2)
    return f".{decimals}%" if unit == "fraction" else f",.{decimals}f"
