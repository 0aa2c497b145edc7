"""Caterpillar plot: every unit's value and interval, ordered, against the national value.

Points are coloured by goal achievement; units outside the 99.8 %
overdispersion-adjusted funnel limits are drawn as diamonds (both explained in the
legend).  Suppressed units are listed at the bottom with their suppression text instead
of a point.  The highlighted unit's name is bold and coloured on the axis, and its point
has a ring.
"""

from __future__ import annotations

import json

import altair as alt
import polars as pl

from indicators.charts.display import ChartView, fill, named, slot, spec_template
from indicators.charts.theme import (
    GOAL_COLOURS,
    HIGHLIGHT,
    NATIONAL,
    NO_GOAL_COLOUR,
    POINT_ROLE,
    WIDTH,
    aria_description,
    axis_title,
    chart_config,
    chart_title,
    value_axis_format,
    value_format,
)
from indicators.present.format import format_interval, format_values, suppression_text
from indicators.present.labels import text

OUTLIER_FLAGS = ("high", "low")


def caterpillar_chart(
    rows: pl.DataFrame,
    *,
    unit: str,
    national_value: float | None = None,
    highlight: str | None = None,
    title: str = "",
    value_title: str | None = None,
    lang: str = "nb",
) -> ChartView:
    """Horizontal interval plot of one indicator across units, best to worst by value.

    Parameters
    ----------
    rows
        Indicator-table rows of one indicator, level and period: ``unit_id``,
        ``label`` (short unit name), ``value``, ``ci_low``, ``ci_high``,
        ``target_level``, ``funnel_flag_998_od``, ``suppressed``.
    unit
        ``fraction``, ``days`` or ``ratio``.
    national_value
        Drawn as a vertical rule.
    highlight
        ``unit_id`` whose name is drawn in bold colour and whose point has a ring.
    title
        Chart title.
    value_title
        Title of the value axis (default: what the unit is, ``Andel (%)``, ...).
    lang
        ``nb`` or ``en``.
    """
    value_title = value_title or axis_title(unit, lang)
    outlier_text, inside_text = text("outlier_shape", lang), text("inside_shape", lang)
    data = _described_units(
        _ordered_units(
            rows,
            unit=unit,
            highlight=highlight,
            outlier_text=outlier_text,
            inside_text=inside_text,
            lang=lang,
        ),
        value_title=value_title,
        outlier_text=outlier_text,
        lang=lang,
    )
    mine = data.filter(pl.col("is_highlight"))["axis_label"].to_list()
    spec = _caterpillar_spec(
        unit=unit,
        labels=tuple(data["axis_label"].to_list()),
        highlighted=bool(mine),
        has_funnel=bool(rows["funnel_flag_998_od"].is_not_null().any()),
        national=national_value is not None,
        title=title,
        value_title=value_title,
        lang=lang,
    )
    # The highlighted name as the literal of the axis expressions (see _unit_axis).
    highlight_literal = json.dumps(mine[0], ensure_ascii=False) if mine else ""
    datasets = {"units": data, "national": pl.DataFrame({"national": [national_value]})}
    return ChartView(
        fill(spec, highlight=highlight_literal),
        description=f"{text('caterpillar_title', lang)}: {title}",
        datasets=datasets,
        lang=lang,
    )


@spec_template
def _caterpillar_spec(
    *,
    unit: str,
    labels: tuple[str, ...],
    highlighted: bool,
    has_funnel: bool,
    national: bool,
    title: str,
    value_title: str,
    lang: str,
) -> alt.LayerChart:
    """The caterpillar plot without its data: the same whichever unit it highlights.

    ``labels``: the unit axis from top to bottom; ``highlighted``: whether a unit's name
    is marked, the name being the slot ``highlight`` (:func:`_unit_axis`);
    ``has_funnel``: whether the units have funnel flags (the shape legend);
    ``national``: whether the national value is drawn.
    """
    outlier_text, inside_text = text("outlier_shape", lang), text("inside_shape", lang)
    y = alt.Y("axis_label:N", sort=list(labels), title=None, axis=_unit_axis(highlighted))
    x_scale = alt.Scale(zero=unit == "fraction", nice=True)
    base = alt.Chart(named("units"))
    bars = base.mark_rule(color="#8A96A3", strokeWidth=1.5, aria=False).encode(
        y=y, x=alt.X("ci_low:Q", scale=x_scale), x2=alt.X2("ci_high")
    )
    points = _unit_points(
        base,
        y=y,
        x_scale=x_scale,
        unit=unit,
        value_title=value_title,
        outlier_text=outlier_text,
        inside_text=inside_text,
        has_funnel=has_funnel,
        lang=lang,
    )
    layers: list[alt.Chart] = [bars, points]
    if national:
        layers.append(
            alt.Chart(named("national"))
            .mark_rule(color=NATIONAL, strokeDash=[4, 3], aria=False)
            .encode(x=alt.X("national:Q"))
        )
    return (
        alt.layer(*layers)
        .properties(width=WIDTH - 120, height=max(120, 18 * len(labels)), title=chart_title(title))
        .configure(**chart_config(lang, number_format=value_format(unit)))
    )


def _goal_names(lang: str) -> dict[str, str]:
    """Legend text of each goal level (``target_level``) that has a colour."""
    return {k: text(f"goal_{k}", lang) for k in GOAL_COLOURS}


def _ordered_units(
    rows: pl.DataFrame,
    *,
    unit: str,
    highlight: str | None,
    outlier_text: str,
    inside_text: str,
    lang: str,
) -> pl.DataFrame:
    """``rows`` best to worst by value (withheld last), with the texts the chart shows.

    Adds ``axis_label`` (the name, with the reason a value is withheld), ``value_text``,
    ``interval_text``, ``goal`` (legend text of the goal level), ``position``
    (``outlier_text`` beyond the 99.8 % adjusted funnel limits, else ``inside_text``) and
    ``is_highlight``.
    """
    ordered = rows.sort(
        pl.col("value").is_null(), "value", "label", descending=[False, True, False]
    )
    labels_text = [
        f"{name} ({suppression_text(s, lang=lang)})" if s else name
        for name, s in ordered.select("label", "suppressed").iter_rows()
    ]
    return ordered.with_columns(
        pl.Series("axis_label", labels_text, dtype=pl.String),
        format_values(
            ordered["value"], unit=unit, suppressed=ordered["suppressed"], lang=lang
        ).alias("value_text"),
        pl.Series(
            "interval_text",
            [
                format_interval(lo, hi, unit=unit, suppressed=s, lang=lang)
                for lo, hi, s in ordered.select("ci_low", "ci_high", "suppressed").iter_rows()
            ],
            dtype=pl.String,
        ),
        pl.col("target_level")
        .replace_strict(_goal_names(lang), default=text("goal_none", lang))
        .alias("goal"),
        pl.when(pl.col("funnel_flag_998_od").is_in(OUTLIER_FLAGS).fill_null(False))
        .then(pl.lit(outlier_text))
        .otherwise(pl.lit(inside_text))
        .alias("position"),
        (pl.col("unit_id") == (highlight or "")).alias("is_highlight"),
    )


def _described_units(
    data: pl.DataFrame, *, value_title: str, outlier_text: str, lang: str
) -> pl.DataFrame:
    """The columns drawn, with ``aria``: each point's description for a screen reader."""
    return data.with_columns(
        pl.concat_str(
            aria_description(
                "axis_label",
                (value_title, "value_text"),
                (text("interval", lang), "interval_text"),
                (text("goal", lang), "goal"),
            ),
            pl.when(pl.col("position") == outlier_text)
            .then(pl.lit(f"; {outlier_text}"))
            .otherwise(pl.lit("")),
        ).alias("aria")
    ).select(
        "axis_label",
        "value",
        "ci_low",
        "ci_high",
        "value_text",
        "interval_text",
        "goal",
        "position",
        "is_highlight",
        "aria",
    )


def _unit_axis(highlighted: bool) -> alt.Axis:
    """The unit-name axis, with the highlighted unit's name in bold and in its colour.

    The name is the slot ``highlight``: the name as a JSON string literal.
    """
    if not highlighted:
        return alt.Axis(labelLimit=220)
    # The highlighted unit's name in bold and in its colour (the point has a ring).
    test = f"datum.value === {slot('highlight')}"
    return alt.Axis(
        labelLimit=220,
        labelFontWeight={"expr": f"{test} ? 'bold' : 'normal'"},
        labelColor={"expr": f"{test} ? '{HIGHLIGHT}' : '#333333'"},
    )


def _unit_points(
    base: alt.Chart,
    *,
    y: alt.Y,
    x_scale: alt.Scale,
    unit: str,
    value_title: str,
    outlier_text: str,
    inside_text: str,
    has_funnel: bool,
    lang: str,
) -> alt.Chart:
    """The units' values: coloured by goal, diamonds beyond the funnel, a ring on the highlight.

    The shape legend is drawn only when the units have funnel flags (``has_funnel``).
    """
    goal_names = _goal_names(lang)
    domain = [*goal_names.values(), text("goal_none", lang)]
    colours = [*GOAL_COLOURS.values(), NO_GOAL_COLOUR]
    tooltip = [
        alt.Tooltip("axis_label:N", title=text("trust", lang)),
        alt.Tooltip("value_text:N", title=value_title),
        alt.Tooltip("interval_text:N", title=text("interval", lang)),
        alt.Tooltip("goal:N", title=text("goal", lang)),
    ]
    return base.mark_point(filled=True, opacity=1, ariaRoleDescription=POINT_ROLE).encode(
        y=y,
        description=alt.Description("aria:N"),
        # Outliers larger, so the diamond is seen among the dots.
        size=alt.condition(alt.datum.position == outlier_text, alt.value(150), alt.value(80)),
        x=alt.X(
            "value:Q",
            title=value_title,
            axis=alt.Axis(format=value_axis_format(unit)),
            scale=x_scale,
        ),
        color=alt.Color(
            "goal:N", scale=alt.Scale(domain=domain, range=colours), title=text("goal", lang)
        ),
        shape=alt.Shape(
            "position:N",
            scale=alt.Scale(domain=[inside_text, outlier_text], range=["circle", "diamond"]),
            title=text("funnel_title", lang),
            legend=alt.Legend(
                symbolFillColor=NO_GOAL_COLOUR, symbolStrokeColor=NO_GOAL_COLOUR, labelLimit=320
            )
            if has_funnel
            else None,
        ),
        stroke=alt.Stroke(
            "is_highlight:N",
            scale=alt.Scale(domain=[False, True], range=["transparent", HIGHLIGHT]),
            legend=None,
        ),
        strokeWidth=alt.StrokeWidthValue(2),
        tooltip=tooltip,
    )
