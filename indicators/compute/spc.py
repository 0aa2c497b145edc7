"""Statistical process control of the monthly indicators, from the published results.

Every indicator that declares monthly periods gets, at every level and for every unit,
one SPC chart of its months (``spc.parquet``, :data:`indicators.results.SPC_SCHEMA`):

- a proportion: a p-chart, or Laney's p′ chart where the series is overdispersed (its
  σ_z, the spread of the points' z-scores from one month to the next, is above 1);
- a waiting time (the median, days): an individuals (XmR) chart;
- an O/E ratio: a u-chart with the expected count as exposure.

The charts are computed from the published table only: a withheld month is missing
(it ends a run or a trend), and so is an incomplete month (its value is biased: see
:mod:`indicators.compute.periods`); neither counts towards the limits.  So nothing is
derived here that the published table does not already show.  The improvement
direction comes from the indicator's ``direction``; the assurance verdict compares the
process limits of the series' latest point with the indicator's target (``targets.high``,
where the target is stated on the plotted value).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from indicators.catalogue import Indicator
from indicators.results import SPC_SCHEMA, conform
from indicators.stats.spc import (
    assurance,
    p_chart_limits,
    special_causes,
    u_chart_limits,
    xmr_limits,
)

#: The columns naming one series.
SERIES = ["indicator_id", "level", "unit_id"]


def spc_table(published: pl.DataFrame, by_id: Mapping[str, Indicator]) -> pl.DataFrame:
    """SPC of every monthly series of ``published`` (the indicator table as published).

    Returns :data:`~indicators.results.SPC_SCHEMA` rows sorted by indicator, level, unit
    and month; empty when no indicator has monthly rows.
    """
    months = _monthly_points(published, by_id)
    if months.is_empty():
        return pl.DataFrame(schema=SPC_SCHEMA)
    charted = pl.concat(
        [
            _proportion_charts(months.filter(pl.col("statistic") == "proportion")),
            _xmr_charts(months.filter(pl.col("statistic") == "median_days")),
            _ratio_charts(months.filter(pl.col("statistic") == "ratio")),
        ],
        how="diagonal_relaxed",
    )
    flagged = pl.concat(
        [
            special_causes(
                charted.filter(pl.col("improvement") == improvement),
                "_x",
                order="month",
                centre="centre",
                upper="upper",
                lower="lower",
                group_by=[*SERIES, "segment"],
                improvement=improvement,
            )
            for improvement in ("increase", "decrease")
        ]
    )
    return conform(_verdicts(flagged), SPC_SCHEMA).sort([*SERIES, "period"])


def _monthly_points(published: pl.DataFrame, by_id: Mapping[str, Indicator]) -> pl.DataFrame:
    """The monthly rows, with the month's date, the direction, the target and ``_x``.

    ``_x`` is the value where the month is ``included`` (published and whole), else null.
    """
    monthly = [i for i in by_id.values() if "month" in i.periods]
    improvement = {
        i.id: "increase" if i.direction == "higher_is_better" else "decrease" for i in monthly
    }
    target = {
        i.id: i.targets.high
        for i in monthly
        if i.targets is not None and i.targets.statistic == "value"
    }
    included = (
        pl.col("suppressed").is_null()
        & pl.col("period_incomplete").is_null()
        & pl.col("value").is_not_null()
    )
    return published.filter(
        pl.col("period_type") == "month", pl.col("indicator_id").is_in(list(improvement))
    ).with_columns(
        pl.concat_str("period", pl.lit("-01")).str.to_date("%Y-%m-%d").alias("month"),
        pl.col("indicator_id").replace_strict(improvement).alias("improvement"),
        pl.col("indicator_id")
        .replace_strict(target, default=None, return_dtype=pl.Float64)
        .alias("target"),
        included.alias("included"),
        pl.when(included).then(pl.col("value")).alias("_x"),
        pl.lit(0, pl.Int32).alias("segment"),
    )


def _proportion_charts(points: pl.DataFrame) -> pl.DataFrame:
    """p-chart per series, Laney's p′ where its σ_z is above 1 (overdispersion)."""
    if points.is_empty():
        return points
    x = pl.when("included").then(pl.col("numerator"))
    n = pl.when("included").then(pl.col("denominator"))
    series = [*SERIES, "segment"]
    plain = p_chart_limits(points, x, n, order="month", group_by=series)
    laney = p_chart_limits(points, x, n, order="month", group_by=series, laney=True)
    overdispersed = laney["sigma_z"] > 1.0
    return pl.concat([plain.filter(~overdispersed), laney.filter(overdispersed)]).drop(
        "proportion", "sigma_z"
    )


def _xmr_charts(points: pl.DataFrame) -> pl.DataFrame:
    """XmR chart per series of the plotted value."""
    if points.is_empty():
        return points
    return xmr_limits(points, "_x", order="month", group_by=[*SERIES, "segment"]).drop(
        "moving_range", "mean_moving_range"
    )


def _ratio_charts(points: pl.DataFrame) -> pl.DataFrame:
    """u-chart per series: observed count over expected count."""
    if points.is_empty():
        return points
    o = pl.when("included").then(pl.col("numerator"))
    e = pl.when("included").then(pl.col("denominator"))
    return u_chart_limits(points, o, e, order="month", group_by=[*SERIES, "segment"]).drop(
        "rate", strict=False
    )


def _verdicts(flagged: pl.DataFrame) -> pl.DataFrame:
    """Each series' verdicts: the variation and assurance of its latest included point."""
    latest = (
        flagged.filter("included")
        .sort([*SERIES, "month"])
        .group_by(SERIES, maintain_order=True)
        .last()
        .select(*SERIES, "variation", "improvement", "target", "upper", "lower")
    )
    verdicts = pl.concat(
        [
            assurance(
                latest.filter(pl.col("improvement") == improvement),
                target="target",
                upper="upper",
                lower="lower",
                improvement=improvement,
            )
            for improvement in ("increase", "decrease")
        ]
    ).select(*SERIES, pl.col("variation").alias("series_variation"), "assurance")
    return flagged.join(verdicts, on=SERIES, how="left")
