"""Disclosure control, applied once to the results before they are published.

Rules, applied to every row of the indicator table (:func:`mark_suppressed`), in order:

1. **Small counts** (primary).  When the number of persons in the numerator, in the
   population, or in the complement (population − numerator) is between 1 and
   ``MIN_COUNT - 1``, the row is marked ``small_count``: reports show ``"<5"``.  A
   waiting time (Kaplan–Meier median, ``statistic`` ``median_days``) is a measure of the
   population (the referrals), not a count of some of them: its numerator (referrals
   that started care) and complement (still waiting) are internal and never published
   (null in the published table), so only the population is tested here.  Curves are
   published only where at least ``MIN_COUNT`` referrals are still at risk.
2. **Too few** (statistical reliability).  Otherwise, when the denominator is below the
   indicator's minimum (persons for proportions and waiting times, the expected count
   for O/E ratios), the row is marked ``too_few`` ("for få").
3. **Secondary suppression** (complementary).  Within one indicator, level and period,
   the units of a level add up to a published total: the trusts of an RHF to the RHF's
   row, the RHFs and the catchment trusts to the national row.  When exactly one unit of
   such a group is suppressed, and for a small count, its counts could be recovered by
   subtraction (total − the other units).  The published unit with the smallest
   population in the group (ties: lowest unit id) is then suppressed too, as
   ``secondary``.  Groups: RHFs within the country; treating trusts within their RHF;
   catchment trusts within the country.  Likewise the tertials and the months of a unit
   add up to its published year, and its months to their tertial: when exactly one of
   them is exposed, the published one with the smallest population is withheld too.
   A secondary cell can itself be the lone exposed cell of another group, so the
   rules run in rounds until nothing changes
   (:data:`MAX_SECONDARY_ROUNDS` at most).

Every count, value, interval, funnel limit and goal-achievement level of a suppressed
row is withheld (:func:`withhold`).

What this protects, and what it does not
-----------------------------------------
- Protected: recovering a masked count of one unit by subtracting the published units of
  the same indicator, level and period from their total (national − RHFs, RHF − its
  trusts, national − catchment trusts).  After rule 3, every such group has no
  suppressed unit or at least two, so subtraction gives only the sum of two or more.
- Protected too: a tertial or month recovered as its year (or tertial) minus the unit's
  other tertials or months, and
  chains of the two (a secondary cell exposed in the other dimension gets cover there
  too).
- Not protected by these rules alone: sums that do not follow these groups (a trust
  recovered through the catchment level, a shared population, bounds).  The audit of
  :mod:`indicators.disclosure.audit` attacks all of them and
  :func:`indicators.disclosure.protect` withholds more until it passes.
- Not protected either: units that do not add up to a published total (catchment trusts
  leave out patients whose municipality is unknown; SOM-01/02 count a patient once in
  every trust treating them, so trusts sum to more than the nation).  Subtraction there
  recovers no exact count, and rule 3 is applied anyway.

Curves are published only where at least :data:`MIN_COUNT` referrals are at risk, and
not at all for a unit whose row is suppressed.

Examples
--------
>>> import polars as pl
>>> rows = pl.DataFrame({"indicator_id": "X", "level": "trust", "period": "2025",
...     "period_type": "year", "unit_id": ["A", "B", "C", "D"], "rhf_code": "1",
...     "statistic": "proportion", "numerator": [3.0, 30.0, 12.0, 20.0],
...     "n_cases": [40, 40, 30, 60], "denominator": [40.0, 40.0, 30.0, 60.0],
...     "min_denominator": 20})
>>> mark_suppressed(rows)["suppressed"].to_list()
['small_count', None, 'secondary', None]

Trust A's numerator (3) is masked; C, the smallest other trust of the same RHF, is
withheld too, so that the RHF's total minus B and D gives only A and C together.
"""

from __future__ import annotations

import polars as pl

from indicators.results import (
    NATIONAL_UNIT_ID,
    SUPPRESSED_SECONDARY,
    SUPPRESSED_SMALL_COUNT,
    SUPPRESSED_TOO_FEW,
    period_tertial,
    period_year,
)

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

#: What the disclosure rules are, for the results manifest.
RULES = {
    "small_count": f"a count of persons from 1 to {MIN_COUNT - 1} in the numerator, the "
    "population or their difference withholds the row; waiting times (median_days) publish "
    "no numerator and are tested on the population only, and publish their funnel flags "
    "but not the limits (mean +- z sigma / sqrt(n) would give n, the number who started, "
    "once sigma is solved from a unit's tertials and year)",
    "too_few": "a denominator below the indicator's min_denominator withholds the row",
    "secondary": "when exactly one cell of a published total is exposed (a small count or "
    "a secondary cell), the published cell with the smallest population is withheld too; "
    "totals: the units of an indicator x level x period within their parent (RHF for "
    "trusts, the nation otherwise), a unit's tertials and months within its year and its "
    "months within their tertial; repeated until "
    "nothing changes",
    "audit": "then every count of a row shown '<5' is attacked by linear programming through "
    "every relation between published counts (levels, catchment areas, periods, shared "
    "populations, numerator within population); where the protection rule fails, the "
    "cheapest published row that bounds the exposed count is withheld too ('secondary'), "
    "until the audit passes",
}


def _small(expr: pl.Expr) -> pl.Expr:
    return expr.is_between(1, MIN_COUNT - 1).fill_null(False)


#: Statistics whose numerator is internal: a measure of the whole population.
POPULATION_MEASURES = ("median_days",)
#: Their columns that would give the numerator away: funnel limits around a mean,
#: mean +- z sigma / sqrt(n), with n the number who started (sigma is the same for every
#: unit of a period, so a unit's tertials and year solve it).  Their flags are published.
LIMITS_OF_NUMBER_STARTED = (
    "funnel_low_95",
    "funnel_high_95",
    "funnel_low_998",
    "funnel_high_998",
    "funnel_low_95_od",
    "funnel_high_95_od",
    "funnel_low_998_od",
    "funnel_high_998_od",
)


def _primary() -> pl.Expr:
    complement = pl.col("n_cases") - pl.col("numerator")
    counted = ~pl.col("statistic").is_in(POPULATION_MEASURES)
    small = _small(pl.col("n_cases")) | (
        counted & (_small(pl.col("numerator")) | _small(complement))
    )
    basis = pl.when(pl.col("statistic") == "ratio").then("denominator").otherwise("n_cases")
    too_few = basis.cast(pl.Float64) < pl.col("min_denominator")
    return (
        pl.when(small)
        .then(pl.lit(SUPPRESSED_SMALL_COUNT))
        .when(too_few)
        .then(pl.lit(SUPPRESSED_TOO_FEW))
        .otherwise(pl.lit(None, pl.String))
    )


def _parent() -> pl.Expr:
    """The published total a unit belongs to: the RHF for a trust, the nation otherwise."""
    return (
        pl.when(pl.col("level") == "trust")
        .then(pl.col("rhf_code"))
        .when(pl.col("level").is_in(["rhf", "catchment"]))
        .then(pl.lit(NATIONAL_UNIT_ID))
    )


#: Rounds of secondary suppression at most; each round can only add cells, and real
#: tables settle in two or three.
MAX_SECONDARY_ROUNDS = 20

_UNIT_GROUP = ["indicator_id", "level", "period", "period_type", "_parent"]
#: A unit's periods within a published coarser period: tertials and months within their
#: year, months within their tertial.
_PERIOD_GROUPS = (("tertial", "year", "_year"), ("month", "year", "_year"),
                  ("month", "tertial", "_tertial"))  # fmt: skip


def _cover(frame: pl.DataFrame, group: list[str], eligible: pl.Expr) -> pl.DataFrame:
    """One round of complementary suppression within ``group`` over the ``eligible`` rows.

    In every group with exactly one withheld row, where that row is a small count or a
    secondary cell (whose counts subtraction would reveal), the published row with the
    smallest population (ties: lowest unit id, then period) is marked ``secondary``.
    """
    hidden = pl.col("suppressed").is_not_null()
    published = eligible & ~hidden
    exposed = pl.col("suppressed").is_in([SUPPRESSED_SMALL_COUNT, SUPPRESSED_SECONDARY])
    lone = ((eligible & hidden).sum().over(group) == 1) & (eligible & exposed).any().over(group)
    first_published = published & (published.cast(pl.Int64).cum_sum().over(group) == 1)
    return frame.sort([*group, "n_cases", "unit_id", "period"], nulls_last=True).with_columns(
        pl.when(lone & first_published)
        .then(pl.lit(SUPPRESSED_SECONDARY))
        .otherwise(pl.col("suppressed"))
        .alias("suppressed")
    )


def mark_suppressed(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``suppressed``: ``small_count``, ``too_few``, ``secondary`` or null.

    Needs ``indicator_id``, ``level``, ``unit_id``, ``rhf_code``, ``period``,
    ``period_type``, ``statistic``, ``numerator``, ``n_cases`` (persons in the
    population), ``denominator`` and ``min_denominator``.  Nothing is withheld yet (see
    :func:`withhold`); the rows keep their order.

    Secondary suppression runs in rounds until nothing changes: units within their
    published total, then the tertials and months of a unit within its published year,
    and its months within their published tertial.
    """
    marked = frame.with_row_index("_row").with_columns(
        _primary().alias("suppressed"),
        _parent().alias("_parent"),
        period_year(pl.col("period")).alias("_year"),
        pl.when(pl.col("period_type") == "tertial")
        .then(pl.col("period"))
        .otherwise(period_tertial(pl.col("period"), pl.col("period_type")))
        .alias("_tertial"),
    )
    for _ in range(MAX_SECONDARY_ROUNDS):
        before = marked.get_column("suppressed").null_count()
        marked = _cover(marked, _UNIT_GROUP, pl.col("_parent").is_not_null())
        # A unit's tertials and months add up to its year, its months to their tertial:
        # protect them where the coarser period is published.
        for finer, coarser, key in _PERIOD_GROUPS:
            group = ["indicator_id", "level", "unit_id", key]
            is_coarser = pl.col("period_type") == coarser
            shown = (is_coarser & pl.col("suppressed").is_null()).any().over(group)
            # (a column, not an expression: _cover nests it in windows of its own)
            marked = marked.with_columns(((pl.col("period_type") == finer) & shown).alias("_in"))
            marked = _cover(marked, [*group, "period_type"], pl.col("_in"))
        if marked.get_column("suppressed").null_count() == before:
            break
    return marked.sort("_row").drop("_row", "_parent", "_year", "_tertial", "_in")


def withhold(frame: pl.DataFrame) -> pl.DataFrame:
    """Null every count, value, interval, limit and level of the rows marked ``suppressed``.

    Drops ``n_cases`` and ``min_denominator`` (internal columns) from the result.
    """
    hide = pl.col("suppressed").is_not_null()
    out = frame.with_columns(
        pl.when(hide).then(None).otherwise(pl.col(c)).alias(c)
        for c in WITHHELD
        if c in frame.columns
    )
    internal = pl.col("statistic").is_in(POPULATION_MEASURES)
    out = out.with_columns(
        pl.when(internal).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("numerator", *LIMITS_OF_NUMBER_STARTED)
        if c in out.columns
    )
    return out.drop("n_cases", "min_denominator", strict=False)


def disclose_indicators(frame: pl.DataFrame) -> pl.DataFrame:
    """Mark and withhold what may not be published; return the publishable table.

    :func:`mark_suppressed` (unless ``suppressed`` is already there), then
    :func:`withhold`.
    """
    marked = frame if "suppressed" in frame.columns else mark_suppressed(frame)
    return withhold(marked)


def disclose_curves(curves: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """Keep curve steps with at least :data:`MIN_COUNT` at risk, for unsuppressed units only."""
    shown = indicators.filter(pl.col("suppressed").is_null()).select(
        "indicator_id", "level", "unit_id", "period"
    )
    return curves.join(shown, on=["indicator_id", "level", "unit_id", "period"], how="semi").filter(
        pl.col("n_at_risk") >= MIN_COUNT
    )
