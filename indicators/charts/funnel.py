"""Funnel plot: every unit's value against its denominator, with control limits.

The limits are the published ones (``funnel_*`` columns of the indicator table), each
computed by the compute engine at a unit's own denominator; the curves join them in
order of denominator.  Overdispersion-adjusted limits are drawn solid, the unadjusted
ones dashed; in JupyterLab a click on the legend shows one set at a time.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from indicators.charts.display import ChartView, fill, named, spec_template
from indicators.charts.theme import (
    HEIGHT,
    HIGHLIGHT,
    LIMIT_COLOURS,
    NATIONAL,
    OTHER,
    POINT_ROLE,
    WIDTH,
    aria_description,
    axis_title,
    chart_config,
    chart_title,
    value_axis_format,
    value_format,
)
from indicators.present.format import format_values
from indicators.present.labels import text

#: (column, band, adjusted, side) of every published limit.
LIMIT_COLUMNS = [
    (f"funnel_{side}_{band}{suffix}", label, suffix == "_od", side)
    for suffix in ("_od", "")
    for band, label in (("95", "95"), ("998", "99.8"))
    for side in ("low", "high")
]


def funnel_limits_long(rows: pl.DataFrame, *, lang: str = "nb") -> pl.DataFrame:
    """The limits of ``rows`` as one row per unit x limit, for drawing as lines.

    Columns: ``denominator``, ``limit`` (value), ``series`` (legend text), ``side``
    (``low`` or ``high``: one line per series and side) and ``adjusted``.  Rows with a
    null denominator or limit are left out.

    >>> rows = pl.DataFrame({"denominator": [10.0, 40.0], "funnel_low_95_od": [0.2, 0.3]})
    >>> funnel_limits_long(rows, lang="en")["series"].unique().to_list()
    ['Adjusted 95%']
    """
    parts = []
    for column, band, adjusted, side in LIMIT_COLUMNS:
        if column not in rows.columns:
            continue
        kind = text("adjusted" if adjusted else "unadjusted", lang)
        band_text = band.replace(".", ",") + " %" if lang == "nb" else band + "%"
        parts.append(
            rows.select(
                pl.col("denominator").cast(pl.Float64),
                pl.col(column).cast(pl.Float64).alias("limit"),
                pl.lit(f"{kind} {band_text}").alias("series"),
                pl.lit(side).alias("side"),
                pl.lit(adjusted).alias("adjusted"),
            )
        )
    if not parts:
        return pl.DataFrame(schema={"denominator": pl.Float64, "limit": pl.Float64})
    return (
        pl.concat(parts).drop_nulls(["denominator", "limit"]).sort("series", "side", "denominator")
    )


def funnel_chart(
    rows: pl.DataFrame,
    *,
    unit: str,
    highlight: str | None = None,
    title: str = "",
    x_title: str | None = None,
    y_title: str | None = None,
    lang: str = "nb",
) -> ChartView:
    """Funnel plot of one indicator in one period.

    Parameters
    ----------
    rows
        Indicator-table rows of all units at one level: ``unit_id``, ``unit_name``,
        ``denominator``, ``value``, ``funnel_target`` and the ``funnel_*`` limit columns.
        Suppressed rows (null value) are not drawn.
    unit
        ``fraction``, ``days`` or ``ratio``: sets the value axis format.
    highlight
        ``unit_id`` of the unit to draw in colour and label.
    title
        Chart title.
    x_title
        Title of the denominator axis (default: "Number (n)", or "Expected number (E)"
        for a ratio).
    y_title
        Title of the value axis (default: what the unit is, :func:`axis_title`).

    Units beyond the 99.8 % adjusted limits (``funnel_flag_998_od``, where present) are
    named on the chart and in their marks' descriptions, so the grey dots of other trusts that
    are outliers can be told apart.  For a ratio whose limits are around a pooled O/E
    other than 1 (``funnel_target``), the line at 1 (the general population) is drawn
    dotted beside the solid line the limits are around.
    lang
        ``nb`` or ``en``.

    Returns
    -------
    ChartView
    """
    size, size_text = _size_fields(unit)
    x_title = x_title or text("expected" if unit == "ratio" else "denominator", lang)
    y_title = y_title or axis_title(unit, lang)
    points = _funnel_points(
        rows,
        unit=unit,
        highlight=highlight,
        size=size,
        size_text=size_text,
        x_title=x_title,
        y_title=y_title,
        lang=lang,
    )
    limits = funnel_limits_long(rows, lang=lang).rename({"denominator": size}, strict=False)
    target = rows["funnel_target"].drop_nulls()
    flagged = points.filter(pl.col("flag").is_not_null() & ~pl.col("is_highlight"))
    mine = points.filter(pl.col("is_highlight"))
    series = limits["series"].unique(maintain_order=True).to_list() if limits.height else []
    adjusted = set(limits.filter(pl.col("adjusted"))["series"]) if limits.height else set()
    spec = _funnel_spec(
        unit=unit,
        title=title,
        x_title=x_title,
        y_title=y_title,
        lang=lang,
        series=tuple((s, s in adjusted) for s in series),
        centre=_centre(target, unit=unit),
        flagged=flagged.height > 0,
        mine=mine.height > 0,
    )
    datasets = {
        "limits": limits,
        "others": points.filter(~pl.col("is_highlight")),
        "flagged": flagged,
        "mine": mine,
        "target": pl.DataFrame({"target": target.head(1)}),
        "reference": pl.DataFrame({"reference": [1.0]}),
    }
    description = f"{text('funnel_title', lang)}: {title}"
    return ChartView(fill(spec), description=description, datasets=datasets, lang=lang)


def _size_fields(unit: str) -> tuple[str, str]:
    """The x field and its text field: named for what they hold.

    A count of persons (``denominator``), or for a ratio an expected count E, which is
    not a count of persons (the leak check reads the names).
    """
    return ("expected", "expected_text") if unit == "ratio" else ("denominator", "n_text")


@spec_template
def _funnel_spec(
    *,
    unit: str,
    title: str,
    x_title: str,
    y_title: str,
    lang: str,
    series: tuple[tuple[str, bool], ...],
    centre: tuple[bool, bool],
    flagged: bool,
    mine: bool,
) -> alt.LayerChart:
    """The funnel plot without its data: the same for every unit highlighted in it.

    ``series``: the limit series drawn and whether each is adjusted; ``centre``: whether
    the centre line and the dotted line at 1 are drawn (:func:`_centre`); ``flagged`` and
    ``mine``: whether the outliers' names and the highlighted unit are drawn.
    """
    size, size_text = _size_fields(unit)
    fmt = value_axis_format(unit)
    x = alt.X(
        f"{size}:Q",
        title=x_title,
        scale=alt.Scale(zero=False, nice=True),
        axis=alt.Axis(format=",.0f"),
    )
    lines = _limit_lines(series, x=x, y_title=y_title, fmt=fmt, lang=lang)
    tooltip = _tooltip(size_text=size_text, x_title=x_title, y_title=y_title, lang=lang)
    layers: list[alt.Chart] = [
        *_centre_lines(*centre),
        lines,
        _other_points(x, fmt=fmt, tooltip=tooltip),
        *(_outlier_labels(x) if flagged else []),
        *(_highlight_layers(x, tooltip) if mine else []),
    ]
    return (
        alt.layer(*layers)
        .properties(width=WIDTH, height=HEIGHT, title=chart_title(title))
        .configure(**chart_config(lang, number_format=value_format(unit)))
    )


def _funnel_points(
    rows: pl.DataFrame,
    *,
    unit: str,
    highlight: str | None,
    size: str,
    size_text: str,
    x_title: str,
    y_title: str,
    lang: str,
) -> pl.DataFrame:
    """The units to draw as points: those with a value and a denominator.

    Columns: ``unit_name``, ``size`` (the denominator, under the name of what it holds),
    ``value``, ``is_highlight``, ``value_text``, ``size_text``, ``flag`` (the side of the
    99.8 % adjusted limits a unit is beyond, as text; null inside or without flags) and
    ``aria`` (the point's description for a screen reader).
    """
    flags = {"high": text("above_998", lang), "low": text("below_998", lang)}
    flag = (
        pl.col("funnel_flag_998_od").replace_strict(flags, default=None)
        if "funnel_flag_998_od" in rows.columns
        else pl.lit(None, pl.String)
    )
    points = rows.filter(pl.col("value").is_not_null() & pl.col("denominator").is_not_null())
    points = points.with_columns(
        (pl.col("unit_id") == (highlight or "")).alias("is_highlight"),
        format_values(points["value"], unit=unit, lang=lang).alias("value_text"),
        format_values(
            points["denominator"], unit="ratio" if unit == "ratio" else "count", lang=lang
        ).alias(size_text),
        flag.alias("flag"),
    )
    return points.with_columns(
        pl.concat_str(
            aria_description("unit_name", (y_title, "value_text"), (x_title, size_text)),
            pl.when(pl.col("flag").is_not_null()).then("; " + pl.col("flag")).otherwise(pl.lit("")),
        ).alias("aria")
    ).select(
        pl.col("unit_name"),
        pl.col("denominator").alias(size),
        "value",
        "is_highlight",
        "value_text",
        size_text,
        "flag",
        "aria",
    )


def _limit_lines(
    series: tuple[tuple[str, bool], ...], *, x: alt.X, y_title: str, fmt: str, lang: str
) -> alt.Chart:
    """The control limits as lines, with a legend that shows one set at a time on a click.

    ``series``: each limit series drawn (its legend text) and whether it is adjusted.
    95 % and 99.8 % limits differ in colour; adjusted ones are solid, unadjusted dashed.
    """
    names = [name for name, _ in series]
    colours = [LIMIT_COLOURS["99.8" if ("99" in s) else "95"] for s in names]
    dashes = [[1, 0] if adjusted else [5, 4] for _, adjusted in series]
    # Colour and dash share the field and the title, so Vega-Lite draws one legend whose
    # symbols show both (solid: adjusted, dashed: unadjusted).
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2, symbolSize=400)
    pick = alt.selection_point(fields=["series"], bind="legend")
    return (
        alt.Chart(named("limits"))
        .mark_line(interpolate="monotone", strokeWidth=1.4, aria=False)
        .encode(
            x=x,
            y=alt.Y("limit:Q", title=y_title, axis=alt.Axis(format=fmt)),
            detail=alt.Detail("side:N"),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=names, range=colours),
                title=text("limit", lang),
                legend=legend,
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=names, range=dashes),
                title=text("limit", lang),
                legend=legend,
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.1)),
        )
        .add_params(pick)
    )


def _tooltip(*, size_text: str, x_title: str, y_title: str, lang: str) -> list[alt.Tooltip]:
    """Tooltip of a unit's point: name, value, size and position against the limits."""
    return [
        alt.Tooltip("unit_name:N", title=text("trust", lang)),
        alt.Tooltip("value_text:N", title=y_title),
        alt.Tooltip(f"{size_text}:N", title=x_title),
        alt.Tooltip("flag:N", title=text("funnel_position", lang)),
    ]


def _other_points(x: alt.X, *, fmt: str, tooltip: list[alt.Tooltip]) -> alt.Chart:
    """The units other than the highlighted one, as grey dots."""
    return (
        alt.Chart(named("others"))
        .mark_circle(size=55, color=OTHER, opacity=0.9, ariaRoleDescription=POINT_ROLE)
        .encode(
            x=x,
            y=alt.Y("value:Q", axis=alt.Axis(format=fmt)),
            tooltip=tooltip,
            description=alt.Description("aria:N"),
        )
    )


def _centre(target: pl.Series, *, unit: str) -> tuple[bool, bool]:
    """Whether the line the limits are around (``funnel_target``) is drawn, and the line at 1.

    The line at 1 (the general population) is drawn for a ratio whose limits are around a
    pooled O/E other than 1.
    """
    if not target.len():
        return False, False
    return True, unit == "ratio" and abs(float(target[0]) - 1.0) > 1e-9


def _centre_lines(centre: bool, reference: bool) -> list[alt.Chart]:
    """The line the limits are around, if any, drawn first; the dotted line at 1 before it."""
    if not centre:
        return []
    layers = [
        alt.Chart(named("target"))
        .mark_rule(color=NATIONAL, strokeWidth=1, aria=False)
        .encode(y=alt.Y("target:Q"))
    ]
    if reference:
        # The limits are around the pooled O/E; the general population (O/E = 1)
        # is drawn too, dotted, so neither is taken for the other.
        layers.insert(
            0,
            alt.Chart(named("reference"))
            .mark_rule(color=NATIONAL, strokeWidth=1, strokeDash=[2, 3], aria=False)
            .encode(y=alt.Y("reference:Q")),
        )
    return layers


def _outlier_labels(x: alt.X) -> list[alt.Chart]:
    """The names of the outliers among the other trusts, in grey on a white outline."""
    outlier_label = alt.Chart(named("flagged")).encode(
        x=x, y=alt.Y("value:Q"), text=alt.Text("unit_name:N")
    )
    style = {"align": "left", "dx": 7, "dy": 9, "fontSize": 10, "aria": False}
    return [
        outlier_label.mark_text(**style, color="white", stroke="white", strokeWidth=3),
        outlier_label.mark_text(**style, color="#4A5563"),
    ]


def _highlight_layers(x: alt.X, tooltip: list[alt.Tooltip]) -> list[alt.Chart]:
    """The highlighted unit: a diamond in its colour and its name in bold beside it."""
    label = alt.Chart(named("mine")).encode(x=x, y=alt.Y("value:Q"), text=alt.Text("unit_name:N"))
    # The name twice: a white outline first, so it stays legible over the limits.
    text_style = {"align": "left", "dx": 9, "dy": -9, "fontWeight": "bold", "aria": False}
    return [
        alt.Chart(named("mine"))
        .mark_point(
            size=140,
            filled=True,
            color=HIGHLIGHT,
            shape="diamond",
            ariaRoleDescription=POINT_ROLE,
        )
        .encode(x=x, y=alt.Y("value:Q"), tooltip=tooltip, description=alt.Description("aria:N")),
        label.mark_text(**text_style, color="white", stroke="white", strokeWidth=4),
        label.mark_text(**text_style, color=HIGHLIGHT),
    ]
