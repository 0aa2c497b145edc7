"""Waiting-time curve: the Kaplan–Meier share still waiting, a unit against the nation."""

from __future__ import annotations

import altair as alt
import polars as pl

from indicators.charts.display import ChartView, fill, named, slot, spec_template
from indicators.charts.theme import (
    HIGHLIGHT,
    NATIONAL,
    WIDTH,
    chart_config,
    chart_title,
    value_format,
)
from indicators.present.format import format_count, format_percent
from indicators.present.labels import text


def waiting_curve_chart(
    curves: pl.DataFrame,
    *,
    unit_label: str,
    national_label: str,
    title: str = "",
    lang: str = "nb",
) -> ChartView:
    """Step chart of the share still waiting by days since referral.

    Parameters
    ----------
    curves
        Rows of ``waiting_curves.parquet`` for one unit and the nation in one period,
        with ``is_national`` (bool): ``time``, ``survival``, ``ci_low``, ``ci_high``,
        ``n_at_risk``.
    unit_label, national_label
        Legend text.
    title
        Chart title.
    lang
        ``nb`` or ``en``.
    """
    data = _curve_points(curves, unit_label=unit_label, national_label=national_label, lang=lang)
    spec = _waiting_spec(national_label=national_label, title=title, lang=lang)
    texts = {"unit_label": unit_label, "own_series": str(alt.datum.series == unit_label)}
    return ChartView(
        fill(spec, **texts),
        description=f"{text('waiting_title', lang)}: {title}",
        datasets={"curves": data},
        lang=lang,
    )


@spec_template
def _waiting_spec(*, national_label: str, title: str, lang: str) -> alt.LayerChart:
    """The waiting-time curve without its data, the same for every unit.

    The unit's texts are slots: ``unit_label`` (its legend text) and ``own_series`` (the
    filter expression of its rows).
    """
    x = alt.X(
        "time:Q",
        title=text("days_since_referral", lang),
        axis=alt.Axis(format=",.0f", tickCount=10, labelOverlap=True),
    )
    base = alt.Chart(named("curves"))
    return (
        alt.layer(
            _interval_band(base, x=x),
            _survival_lines(
                base, x=x, unit_label=slot("unit_label"), national_label=national_label, lang=lang
            ),
        )
        .properties(width=WIDTH, height=260, title=chart_title(title))
        .configure(**chart_config(lang, number_format=value_format("fraction")))
    )


def _curve_points(
    curves: pl.DataFrame, *, unit_label: str, national_label: str, lang: str = "nb"
) -> pl.DataFrame:
    """The curve points to draw: one row per series and time, with texts for the tooltip.

    Columns: ``series`` (``unit_label`` or ``national_label``), ``time``, ``survival``,
    ``ci_low``, ``ci_high``, ``survival_text`` and ``at_risk_text``; the unit first, each
    series in order of time.
    """
    data = curves.sort("is_national", "time").with_columns(
        pl.when(pl.col("is_national"))
        .then(pl.lit(national_label))
        .otherwise(pl.lit(unit_label))
        .alias("series"),
    )
    return data.with_columns(
        pl.Series(
            "survival_text",
            [format_percent(v, lang=lang) for v in data["survival"].to_list()],
            dtype=pl.String,
        ),
        pl.Series(
            "at_risk_text",
            [format_count(v, lang=lang) for v in data["n_at_risk"].to_list()],
            dtype=pl.String,
        ),
    ).select("series", "time", "survival", "ci_low", "ci_high", "survival_text", "at_risk_text")


def _interval_band(base: alt.Chart, *, x: alt.X) -> alt.Chart:
    """The unit's confidence band, a shaded step area (the nation's is not drawn).

    The unit's rows are those of the filter expression in the slot ``own_series``.
    """
    return (
        base.transform_filter(slot("own_series"))
        .mark_area(interpolate="step-after", opacity=0.18, color=HIGHLIGHT, aria=False)
        .encode(x=x, y=alt.Y("ci_low:Q"), y2=alt.Y2("ci_high"))
    )


def _survival_lines(
    base: alt.Chart, *, x: alt.X, unit_label: str, national_label: str, lang: str
) -> alt.Chart:
    """The share still waiting of the unit (solid) and the nation (dashed), as steps."""
    # Colour and dash share one legend (as in the trend chart): the nation dashed.
    legend = alt.Legend(orient="top", symbolType="stroke", symbolStrokeWidth=2, symbolSize=400)
    domain = [unit_label, national_label]
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=[HIGHLIGHT, NATIONAL]),
        title=None,
        legend=legend,
    )
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=domain, range=[[1, 0], [5, 3]]),
        title=None,
        legend=legend,
    )
    return base.mark_line(interpolate="step-after", strokeWidth=2, aria=False).encode(
        x=x,
        y=alt.Y(
            "survival:Q",
            title=text("still_waiting", lang),
            axis=alt.Axis(format=".0%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=colour,
        strokeDash=dash,
        tooltip=[
            alt.Tooltip("series:N", title=text("trust", lang)),
            alt.Tooltip("time:Q", title=text("days_since_referral", lang), format=",.0f"),
            alt.Tooltip("survival_text:N", title=text("still_waiting", lang)),
            alt.Tooltip("at_risk_text:N", title="n"),
        ],
    )
