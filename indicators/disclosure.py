"""Disclosure control (DOMAIN.md §5), applied once to the results before they are published.

Rules, applied to every row of the indicator table:

1. **Small counts.**  When the number of persons in the numerator, in the population,
   or in the complement (population − numerator) is between 1 and 4, the row is
   marked ``small_count``: reports show ``"<5"`` and every count, value, interval and
   funnel limit of the row is withheld.
2. **Too few.**  Otherwise, when the denominator is below the indicator's minimum
   (cases for proportions and waiting times, expected count for O/E ratios), the row
   is marked ``too_few`` ("for få") and its value is withheld likewise.

For a waiting time (Kaplan–Meier) the population is the referrals; a small number
started (or still waiting) withholds that count but not the median.

Curves are published only where at least :data:`MIN_COUNT` referrals are at risk, and
not at all for a unit whose row is suppressed.

Examples
--------
>>> import polars as pl
>>> rows = pl.DataFrame({"indicator_id": ["X", "X", "X"], "statistic": ["proportion"] * 3,
...     "numerator": [3.0, 30.0, 12.0], "n_cases": [40, 40, 14], "denominator": [40.0, 40.0, 14.0],
...     "value": [0.075, 0.75, 0.857], "min_denominator": [20, 20, 20]})
>>> disclose_indicators(rows)["suppressed"].to_list()
['small_count', None, 'small_count']
"""

from __future__ import annotations

import polars as pl

from indicators.results import SUPPRESSED_SMALL_COUNT, SUPPRESSED_TOO_FEW

#: Counts of persons from 1 to MIN_COUNT - 1 are masked ("<5").
MIN_COUNT = 5

#: Columns withheld when a row is suppressed.
WITHHELD = (
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "mean_days",
    "funnel_low_95",
    "funnel_high_95",
    "funnel_low_998",
    "funnel_high_998",
    "funnel_flag_95",
    "funnel_flag_998",
    "funnel_low_95_od",
    "funnel_high_95_od",
    "funnel_low_998_od",
    "funnel_high_998_od",
    "funnel_flag_95_od",
    "funnel_flag_998_od",
    "target_level",
)


def _small(expr: pl.Expr) -> pl.Expr:
    return expr.is_between(1, MIN_COUNT - 1).fill_null(False)


def disclose_indicators(frame: pl.DataFrame) -> pl.DataFrame:
    """Mark and withhold what may not be published; return the publishable table.

    Needs the columns ``statistic``, ``numerator``, ``n_cases`` (persons in the
    population), ``denominator`` and ``min_denominator``; drops ``n_cases`` and
    ``min_denominator`` from the result.
    """
    is_wait = pl.col("statistic") == "median_days"
    complement = pl.col("n_cases") - pl.col("numerator")
    small = _small(pl.col("n_cases")) | (
        ~is_wait & (_small(pl.col("numerator")) | _small(complement))
    )
    basis = pl.when(pl.col("statistic") == "ratio").then("denominator").otherwise("n_cases")
    too_few = basis.cast(pl.Float64) < pl.col("min_denominator")
    reason = (
        pl.when(small)
        .then(pl.lit(SUPPRESSED_SMALL_COUNT))
        .when(too_few)
        .then(pl.lit(SUPPRESSED_TOO_FEW))
        .otherwise(pl.lit(None, pl.String))
    )
    out = frame.with_columns(reason.alias("suppressed"))
    hide = pl.col("suppressed").is_not_null()
    out = out.with_columns(
        pl.when(hide).then(None).otherwise(pl.col(c)).alias(c) for c in WITHHELD if c in out.columns
    )
    # A waiting-time row keeps its median, but a small number started or still waiting
    # is not shown.
    hide_started = is_wait & (_small(pl.col("numerator")) | _small(complement))
    out = out.with_columns(
        pl.when(hide_started).then(None).otherwise(pl.col("numerator")).alias("numerator")
    )
    return out.drop("n_cases", "min_denominator")


def disclose_curves(curves: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """Keep curve steps with at least :data:`MIN_COUNT` at risk, for unsuppressed units only."""
    shown = indicators.filter(pl.col("suppressed").is_null()).select(
        "indicator_id", "level", "unit_id", "period"
    )
    return curves.join(shown, on=["indicator_id", "level", "unit_id", "period"], how="semi").filter(
        pl.col("n_at_risk") >= MIN_COUNT
    )
