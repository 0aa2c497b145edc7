"""Colours, fonts and number locales shared by every chart.

The goal-achievement colours are those of Norwegian quality reporting.
The number locale is part of each chart's Vega-Lite config, so the axes read
``72,4 %`` in a bokmål report both in JupyterLab and in the static SVG.
"""

from __future__ import annotations

from typing import Any

from indicators.present.format import DECIMALS

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
#: The role a screen reader announces for a mark that stands for a unit (Vega's own
#: word for it; the leak check names marks by it).
POINT_ROLE = "point"
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


#: Axes whose labels are drawn without a length limit (0: none), because no label can
#: reach one: the labels of number and date axes are formatted numbers and dates.  Vega
#: cuts a label longer than its limit, and to know, measures every label with a limit
#: once more as it writes the SVG; vl-convert measures a text by laying it out in its
#: font, which is most of the time a chart takes to draw.  Without these limits the
#: charts are drawn in a fifth less time, and identically: every chart of the 22 reports
#: of the synthetic extract gave the same SVG (``benchmarks/bench_reports.py`` measures
#: the time).  Axes of names (trusts, units) and legends keep Vega's limits, as a long
#: name is cut there.
UNCUT_AXES: dict[str, dict[str, Any]] = {
    "axisQuantitative": {"labelLimit": 0},
    "axisTemporal": {"labelLimit": 0},
}


def chart_config(lang: str, *, number_format: str = ",.2f") -> dict[str, Any]:
    """The Vega-Lite ``config`` of every chart: locale, font, quiet axes, number format.

    ``number_format`` formats every number that has no format of its own (tooltips).
    Charts pass :func:`value_format` of their unit, so a tooltip reads a value as the
    report prints it, never as ``0,21497584541``.

    Screen readers: Vega-Lite's own descriptions of marks, axes and legends are English
    ("X-axis titled ...", "value: 61 %"), so they are switched off (``aria`` false);
    marks that stand for a unit carry a description in the report language of their own
    (:func:`aria_description`), and the chart as a whole is described by its
    :class:`~indicators.charts.display.ChartView`.

    >>> chart_config("nb")["locale"]["number"]["decimal"]
    ','
    >>> chart_config("nb")["axis"]["aria"], chart_config("nb")["aria"]
    (False, False)
    """
    return {
        "locale": {"number": NUMBER_LOCALES[lang]},
        "numberFormat": number_format,
        "font": FONT,
        "aria": False,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#E6E9EE", "aria": False},
        **{key: dict(value) for key, value in UNCUT_AXES.items()},
        "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom", "aria": False},
        "title": {"fontSize": 14, "anchor": "start"},
    }


def axis_title(unit: str, lang: str = "nb") -> str:
    """The title of a value axis: what the value is (``Andel (%)``, ``Dager``, ...).

    >>> axis_title("fraction"), axis_title("days"), axis_title("ratio", "en")
    ('Andel (%)', 'Dager', 'Observed/expected')
    """
    from indicators.present.labels import text

    return text(f"axis_{unit}", lang)


def chart_title(title: str, **params: Any) -> Any:
    """A chart title hidden from screen readers (the chart's own description names it).

    >>> chart_title("T").aria
    False
    """
    import altair as alt

    return alt.TitleParams(title, aria=False, **params)


def aria_description(label: Any, *pairs: tuple[str, Any]) -> Any:
    """A polars expression: a mark's description for screen readers, ``label; key: value``.

    ``label`` and the values are expressions (or column names) of formatted text; the
    keys are the report's own words, so a screen reader reads what a reader sees.

    >>> import polars as pl
    >>> frame = pl.DataFrame({"unit_name": ["Innlandet"], "value_text": ["21,5 %"]})
    >>> frame.select(aria_description("unit_name", ("Andel (%)", "value_text"))).item()
    'Innlandet; Andel (%): 21,5 %'
    """
    import polars as pl

    parts: list[Any] = [pl.col(label) if isinstance(label, str) else label]
    for key, value in pairs:
        parts += [pl.lit(f"; {key}: "), pl.col(value) if isinstance(value, str) else value]
    return pl.concat_str(parts, ignore_nulls=True).alias("aria")


def value_axis_format(unit: str) -> str:
    """d3 format of a value axis: per cent for shares, one decimal for days, two for ratios.

    >>> value_axis_format("fraction")
    '.0%'
    """
    return {"fraction": ".0%", "days": ",.0f", "ratio": ".2f"}.get(unit, ",.2f")


def value_format(unit: str) -> str:
    """d3 format of a value as the reports print it (:data:`~indicators.present.format.DECIMALS`).

    >>> value_format("fraction"), value_format("days"), value_format("ratio")
    ('.1%', ',.1f', ',.2f')
    """
    decimals = DECIMALS.get(unit, 2)
    return f".{decimals}%" if unit == "fraction" else f",.{decimals}f"
