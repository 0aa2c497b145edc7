"""Colours, fonts and number locales shared by every chart.

The goal-achievement colours are those of Norwegian quality reporting.
The number locale is part of each chart's Vega-Lite config, so the axes read
``72,4 %`` in a bokmål report both in JupyterLab and in the static SVG.
"""

from __future__ import annotations

from typing import Any

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


def chart_config(lang: str) -> dict[str, Any]:
    """The Vega-Lite ``config`` of every chart: locale, font, quiet axes.

    >>> chart_config("nb")["locale"]["number"]["decimal"]
    ','
    """
    return {
        "locale": {"number": NUMBER_LOCALES[lang]},
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
