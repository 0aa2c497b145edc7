"""Trend: a unit's value per period next to the national value, with its interval."""

from __future__ import annotations

import altair as alt
import polars as pl

from indicators.charts.display import ChartView, fill, named, slot, spec_template
from indicators.charts.theme import (
    HIGHLIGHT,
    NATIONAL,
    POINT_ROLE,
    WIDTH,
    aria_description,
    axis_title,
    chart_config,
    chart_title,
    value_axis_format,
    value_format,
)
from indicators.present.format import format_interval, format_values
from indicators.present.labels import text


def trend_chart(
    rows: pl.DataFrame,
    *,
    unit: str,
    unit_label: str,
    national_label: str,
    title: str = "",
    value_title: str | None = None,
    lang: str = "nb",
) -> ChartView:
    """Line chart of values by period for one unit and the nation.

    Parameters
    ----------
    rows
        Indicator-table rows of one indicator, one unit and the national unit, over
        periods of one type: ``period``, ``value``, ``ci_low``, ``ci_high``,
        ``suppressed`` and ``is_national`` (bool), and ``period_incomplete`` where the
        results have it.  A suppressed period leaves a gap in its line; an incomplete
        one is a hollow point; the report names both beside the chart.
    unit
        ``fraction``, ``days`` or ``ratio``.
    unit_label, national_label
        Legend text for the unit and for the nation.
    title
        Chart title (also the chart's description).
    value_title
        Title of the value axis (default: what the unit is, ``Andel (%)``, ...).
    lang
        ``nb`` or ``en``.
    """
    value_title = value_title or axis_title(unit, lang)
    data = _trend_segments(
        _labelled_values(
            rows, unit=unit, unit_label=unit_label, national_label=national_label, lang=lang
        ),
        value_title=value_title,
        lang=lang,
    )
    spec = _trend_spec(
        unit=unit,
        periods=tuple(rows["period"].unique().sort().to_list()),
        national_label=national_label,
        title=title,
        value_title=value_title,
        lang=lang,
    )
    texts = {
        "unit_label": unit_label,
        "own_series": str(alt.datum.series == unit_label),
        "subtitle": text("ci_band", lang).format(unit=unit_label),
    }
    return ChartView(fill(spec, **texts), description=title, datasets={"trend": data}, lang=lang)


@spec_template
def _trend_spec(
    *,
    unit: str,
    periods: tuple[str, ...],
    national_label: str,
    title: str,
    value_title: str,
    lang: str,
) -> alt.LayerChart:
    """The trend chart without its data, the same for every unit.

    The unit's texts are slots: ``unit_label`` (its legend text), ``own_series`` (the
    filter expression of its rows) and ``subtitle``.
    """
    unit_label = slot("unit_label")
    x = alt.X("period:O", title=None, sort=list(periods), axis=alt.Axis(labelAngle=0))
    colour_scale = alt.Scale(domain=[unit_label, national_label], range=[HIGHLIGHT, NATIONAL])
    tooltip = _tooltip(value_title, lang)
    base = alt.Chart(named("trend"))
    band, bar = _interval_layers(base, x=x)
    line = _value_lines(
        base,
        x=x,
        colour_scale=colour_scale,
        unit=unit,
        unit_label=unit_label,
        national_label=national_label,
        value_title=value_title,
        tooltip=tooltip,
    )
    points, hollow = _value_points(base, x=x, colour_scale=colour_scale, tooltip=tooltip)
    heading = chart_title(title, subtitle=slot("subtitle"), subtitleColor="#5b6b7c")
    return (
        alt.layer(band, bar, line, points, hollow)
        .properties(width=WIDTH, height=220, title=heading)
        .configure(**chart_config(lang, number_format=value_format(unit)))
    )


def _labelled_values(
    rows: pl.DataFrame, *, unit: str, unit_label: str, national_label: str, lang: str
) -> pl.DataFrame:
    """``rows`` in order of period, with their ``series`` and the value and interval as text.

    A withheld value's text is the reason it is withheld.
    """
    data = rows.sort("period").with_columns(
        pl.when(pl.col("is_national"))
        .then(pl.lit(national_label))
        .otherwise(pl.lit(unit_label))
        .alias("series"),
        format_values(rows.sort("period")["value"], unit=unit, lang=lang).alias("value_text"),
        pl.Series(
            "interval_text",
            [
                format_interval(lo, hi, unit=unit, suppressed=s, lang=lang)
                for lo, hi, s in rows.sort("period")
                .select("ci_low", "ci_high", "suppressed")
                .iter_rows()
            ],
            dtype=pl.String,
        ),
    )
    return data.with_columns(
        pl.when(pl.col("suppressed").is_not_null())
        .then(format_values(data["value"], unit=unit, suppressed=data["suppressed"], lang=lang))
        .otherwise(pl.col("value_text"))
        .alias("value_text")
    )


def _trend_segments(data: pl.DataFrame, *, value_title: str, lang: str) -> pl.DataFrame:
    """The periods to draw, in unbroken segments, each with its screen-reader description.

    Columns: ``period``, ``series``, ``segment``, ``alone`` (the only period of its
    segment), ``value``, ``ci_low``, ``ci_high``, ``value_text``, ``interval_text``,
    ``incomplete`` and ``aria``.
    """
    # A withheld period breaks the line: rows after a gap are a new segment (drawn as
    # its own line through ``detail``), and the withheld rows are not drawn.  A segment
    # of one period has no band to draw; its interval is drawn as a bar instead.
    shown = pl.col("value").is_not_null()
    incomplete = (
        pl.col("period_incomplete").is_not_null()
        if "period_incomplete" in data.columns
        else pl.lit(False)
    )
    return (
        data.with_columns(
            (~shown).cum_sum().over("series").alias("segment"),
            incomplete.fill_null(False).alias("incomplete"),
        )
        .filter(shown)
        .with_columns((pl.len().over("series", "segment") == 1).alias("alone"))
        .select(
            "period",
            "series",
            "segment",
            "alone",
            "value",
            "ci_low",
            "ci_high",
            "value_text",
            "interval_text",
            "incomplete",
        )
        .with_columns(
            pl.concat_str(
                aria_description(
                    "series",
                    (text("period", lang), "period"),
                    (value_title, "value_text"),
                    (text("interval", lang), "interval_text"),
                ),
                pl.when(pl.col("incomplete"))
                .then(pl.lit(f"; {text('incomplete_short', lang)}"))
                .otherwise(pl.lit("")),
            ).alias("aria")
        )
    )


def _tooltip(value_title: str, lang: str) -> list[alt.Tooltip]:
    """Tooltip of a line or point: unit, period, value and interval."""
    return [
        alt.Tooltip("series:N", title=text("trust", lang)),
        alt.Tooltip("period:N", title=text("period", lang)),
        alt.Tooltip("value_text:N", title=value_title),
        alt.Tooltip("interval_text:N", title=text("interval", lang)),
    ]


def _interval_layers(base: alt.Chart, *, x: alt.X) -> tuple[alt.Chart, alt.Chart]:
    """The unit's interval: a band along each segment, a bar for a segment of one period.

    The unit's rows are those of the filter expression in the slot ``own_series``.
    """
    own = base.transform_filter(slot("own_series"))
    band = (
        own.transform_filter("!datum.alone")
        .mark_area(opacity=0.18, color=HIGHLIGHT, aria=False)
        .encode(x=x, y=alt.Y("ci_low:Q"), y2=alt.Y2("ci_high"), detail=alt.Detail("segment:N"))
    )
    bar = (
        own.transform_filter("datum.alone")
        .mark_rule(opacity=0.35, color=HIGHLIGHT, strokeWidth=6, aria=False)
        .encode(x=x, y=alt.Y("ci_low:Q"), y2=alt.Y2("ci_high"))
    )
    return band, bar


def _value_lines(
    base: alt.Chart,
    *,
    x: alt.X,
    colour_scale: alt.Scale,
    unit: str,
    unit_label: str,
    national_label: str,
    value_title: str,
    tooltip: list[alt.Tooltip],
) -> alt.Chart:
    """The lines of the unit (solid) and the nation (dashed), with their shared legend."""
    # One legend for both channels: Vega-Lite merges the legends of channels that share
    # a field and a title, so each entry shows the line's colour and dash.
    legend = alt.Legend(
        title=None, orient="top", symbolType="stroke", symbolStrokeWidth=2, symbolSize=400
    )
    colour = alt.Color(
        "series:N",
        scale=colour_scale,
        title=None,
        legend=legend,
    )
    return base.mark_line(strokeWidth=2, aria=False).encode(
        x=x,
        detail=alt.Detail("segment:N"),
        y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=value_axis_format(unit))),
        color=colour,
        strokeDash=alt.StrokeDash(
            "series:N",
            scale=alt.Scale(domain=[unit_label, national_label], range=[[1, 0], [5, 3]]),
            title=None,
            legend=legend,
        ),
        tooltip=tooltip,
    )


def _value_points(
    base: alt.Chart, *, x: alt.X, colour_scale: alt.Scale, tooltip: list[alt.Tooltip]
) -> tuple[alt.Chart, alt.Chart]:
    """The points on the lines: filled for a complete period, hollow for an incomplete one.

    They are what a screen reader reads: one per unit and period.
    """
    # A period that does not hold all its cases (``period_incomplete``) is a hollow point.
    point = {
        "x": x,
        "y": alt.Y("value:Q"),
        "color": alt.Color("series:N", scale=colour_scale, legend=None),
        "tooltip": tooltip,
        "description": alt.Description("aria:N"),
    }
    points = (
        base.transform_filter("!datum.incomplete")
        .mark_point(filled=True, size=30, ariaRoleDescription=POINT_ROLE)
        .encode(**point)
    )
    hollow = (
        base.transform_filter("datum.incomplete")
        .mark_point(filled=False, size=60, strokeWidth=2, ariaRoleDescription=POINT_ROLE)
        .encode(**point)
    )
    return points, hollow
