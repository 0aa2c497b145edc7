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

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl

from indicators.catalogue import Indicator
from indicators.results import SPC_SCHEMA, conform
from indicators.stats.errors import ArgumentError
from indicators.stats.spc import (
    assurance,
    chance_signal_share,
    p_chart_limits,
    special_causes,
    u_chart_limits,
    xmr_limits,
)

#: The columns naming one series.
SERIES = ["indicator_id", "level", "unit_id"]


def spc_table(
    published: pl.DataFrame,
    by_id: Mapping[str, Indicator],
    *,
    rebase_at: str | Sequence[str] | None = None,
) -> pl.DataFrame:
    """SPC of every monthly series of ``published`` (the indicator table as published).

    ``rebase_at``: months (``"2025-03"``) from which every series' centre and limits are
    calculated anew (and its rules restart); default none.

    Returns :data:`~indicators.results.SPC_SCHEMA` rows sorted by indicator, level, unit
    and month; empty when no indicator has monthly rows.
    """
    months = _monthly_points(published, by_id)
    if months.is_empty():
        return pl.DataFrame(schema=SPC_SCHEMA)
    rebase = _months(rebase_at)
    charted = pl.concat(
        [
            _proportion_charts(months.filter(pl.col("statistic") == "proportion"), rebase),
            _xmr_charts(months.filter(pl.col("statistic") == "median_days"), rebase),
            _ratio_charts(months.filter(pl.col("statistic") == "ratio"), rebase),
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
                group_by=SERIES,
                improvement=improvement,
            )
            for improvement in ("increase", "decrease")
        ]
    )
    return conform(_verdicts(flagged), SPC_SCHEMA).sort([*SERIES, "period"])


def _months(months: str | Sequence[str] | None) -> list[date] | None:
    """Month labels (``2025-03``) as their first days; a clear error for anything else."""
    if months is None:
        return None
    labels = [months] if isinstance(months, str) else list(months)
    try:
        return [date.fromisoformat(f"{label}-01") for label in labels]
    except (TypeError, ValueError):
        raise ArgumentError(
            f"rebase_at: months are written YYYY-MM (e.g. '2025-03'), got {months!r}"
        ) from None


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
    )


def _proportion_charts(points: pl.DataFrame, rebase: list[date] | None) -> pl.DataFrame:
    """p-chart per series, Laney's p′ where its σ_z is above 1 (overdispersion)."""
    if points.is_empty():
        return points
    x = pl.when("included").then(pl.col("numerator"))
    n = pl.when("included").then(pl.col("denominator"))
    plain = p_chart_limits(points, x, n, order="month", group_by=SERIES, rebase_at=rebase)
    laney = p_chart_limits(
        points, x, n, order="month", group_by=SERIES, laney=True, rebase_at=rebase
    )
    overdispersed = (laney["sigma_z"] > 1.0).fill_null(value=False)
    return pl.concat([plain.filter(~overdispersed), laney.filter(overdispersed)]).drop(
        "proportion", "sigma_z"
    )


def _xmr_charts(points: pl.DataFrame, rebase: list[date] | None) -> pl.DataFrame:
    """XmR chart per series of the plotted value."""
    if points.is_empty():
        return points
    return xmr_limits(points, "_x", order="month", group_by=SERIES, rebase_at=rebase).drop(
        "moving_range", "mean_moving_range"
    )


def _ratio_charts(points: pl.DataFrame, rebase: list[date] | None) -> pl.DataFrame:
    """u-chart per series: observed count over expected count."""
    if points.is_empty():
        return points
    o = pl.when("included").then(pl.col("numerator"))
    e = pl.when("included").then(pl.col("denominator"))
    return u_chart_limits(points, o, e, order="month", group_by=SERIES, rebase_at=rebase).drop(
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


#: Simulated series behind the chance-signal share in the manifest (standard error
#: about 0.005 at a share of 0.11).
CHANCE_SIMULATIONS = 5000


def spc_parameters(spc: pl.DataFrame) -> dict[str, object]:
    """What the results manifest records of the SPC: the charts, rules and chance share.

    ``chance_signal_share``: the share of stable series of as many months as the results
    hold that show a special cause in their last 12 months by chance alone
    (:func:`~indicators.stats.spc.chance_signal_share`, independent normal values).
    """
    months = spc["period"].n_unique()
    last = min(12, months)
    share = (
        round(chance_signal_share(months, last=last, simulations=CHANCE_SIMULATIONS), 3)
        if months >= 2
        else None
    )
    return {
        "charts": "p-chart, or Laney p' where sigma_z > 1 (proportions); XmR (median "
        "waiting time); u-chart (O/E ratios); limits from every published whole month",
        "rules": "a point outside the 3-sigma limits; a run of 7 on one side of the centre; "
        "a trend of 7; two of three beyond 2 sigma on one side (Making Data Count)",
        "chance_signal_share": {"months": months, "last_months": last, "share": share},
    }
