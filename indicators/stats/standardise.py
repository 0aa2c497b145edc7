"""Age/sex standardisation: indirectly standardised ratios (O/E) and directly standardised rates.

Both take a frame in *stratum* form: one row per unit and stratum (age band, sex, or both),
and aggregate to one row per unit with ``group_by``; all units are computed at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from indicators.stats._common import (
    Confidence,
    FrameT,
    confidence_levels,
    level_suffix,
    levels_label,
)
from indicators.stats.poisson import byar_lower, byar_upper, ratio_interval

__all__ = [
    "DSR_MIN_COUNT",
    "directly_standardised_rate",
    "expected_count",
    "indirectly_standardised_ratio",
]

DSR_MIN_COUNT = 10
"""A directly standardised rate is withheld (null) when the unit's total count is below this."""

DSR_METHOD = "Dobson"


def _keys(group_by: str | Sequence[str] | None) -> list[str]:
    if group_by is None:
        return []
    return [group_by] if isinstance(group_by, str) else list(group_by)


def _aggregate(frame: FrameT, keys: list[str], aggs: list[pl.Expr]) -> FrameT:
    if keys:
        return frame.group_by(keys, maintain_order=True).agg(aggs)
    return frame.select(aggs)


def expected_count(
    frame: FrameT,
    *,
    population: str = "population",
    reference_rate: str = "reference_rate",
    group_by: str | Sequence[str] | None = None,
) -> FrameT:
    """Expected counts per unit from reference rates by stratum (indirect standardisation).

    Parameters
    ----------
    frame
        Stratum form: one row per unit and stratum (age band and/or sex).
    population
        Column with the unit's population (persons or person-time) in the stratum, n_g.
    reference_rate
        Column with the reference (e.g. national) rate in the stratum, r_g, as events per
        person (not per 100 000).
    group_by
        Column(s) identifying the unit (e.g. trust, indicator, period); None for one unit.

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        One row per unit: the ``group_by`` columns and ``expected``.  A stratum with a null
        population or rate contributes nothing (as in PHEindicatormethods).

    Notes
    -----
    E = Σ_g n_g · r_g over the strata g of the unit.

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987, ch. 2.

    Examples
    --------
    >>> import polars as pl
    >>> strata = pl.DataFrame(
    ...     {
    ...         "trust": ["A", "A", "B", "B"],
    ...         "population": [100, 200, 50, 10],
    ...         "reference_rate": [0.01, 0.05, 0.01, 0.05],
    ...     }
    ... )
    >>> expected_count(strata, group_by="trust")
    shape: (2, 2)
    ┌───────┬──────────┐
    │ trust ┆ expected │
    │ ---   ┆ ---      │
    │ str   ┆ f64      │
    ╞═══════╪══════════╡
    │ A     ┆ 11.0     │
    │ B     ┆ 1.0      │
    └───────┴──────────┘
    """
    keys = _keys(group_by)
    contribution = pl.col(population).cast(pl.Float64) * pl.col(reference_rate).cast(pl.Float64)
    return _aggregate(frame, keys, [contribution.sum().alias("expected")])


def indirectly_standardised_ratio(
    frame: FrameT,
    *,
    observed: str = "observed",
    population: str = "population",
    reference_rate: str = "reference_rate",
    group_by: str | Sequence[str] | None = None,
    confidence: Confidence = (0.95, 0.998),
    multiplier: float = 1.0,
) -> FrameT:
    """Indirectly standardised ratios O/E with Poisson confidence intervals, per unit.

    Parameters
    ----------
    frame
        Stratum form: one row per unit and stratum with the observed count, the population
        and the reference rate of the stratum.
    observed
        Column with the observed count in the stratum (summed per unit).  If only unit
        totals are known, compute E with :func:`expected_count`, join the totals and call
        :func:`~indicators.stats.poisson.ratio_interval`.
    population
        Column with the stratum population n_g (persons or person-time).
    reference_rate
        Column with the reference rate r_g (events per person).
    group_by
        Column(s) identifying the unit; None for one unit.
    confidence
        One level or several, each strictly between 0 and 1 (default 95 % and 99.8 %).
    multiplier
        1 for a ratio, 100 for a ratio per 100.

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        One row per unit: ``group_by`` columns, ``observed`` (O), ``expected`` (E), ``value``
        (O/E × multiplier), ``lower_<level>``/``upper_<level>``, ``confidence``,
        ``statistic`` (``"indirectly standardised ratio"``) and ``method`` (``"Byar"`` for
        O >= 10, ``"exact"`` below).  E = 0 gives null value and limits.  Null observed
        counts, populations or rates are skipped in the sums (as in PHEindicatormethods).

    Notes
    -----
    E = Σ_g n_g · r_g; ratio = O/E; interval = (L(O)/E, U(O)/E) with L, U the Poisson count
    limits (Byar's approximation for O >= 10, exact chi-square limits below).

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987.

    Examples
    --------
    >>> import polars as pl
    >>> strata = pl.DataFrame(
    ...     {
    ...         "trust": ["A", "A", "B", "B"],
    ...         "observed": [2, 13, 1, 2],
    ...         "population": [100, 200, 50, 10],
    ...         "reference_rate": [0.01, 0.05, 0.01, 0.05],
    ...     }
    ... )
    >>> out = indirectly_standardised_ratio(strata, group_by="trust", confidence=0.95)
    >>> out.select("trust", "observed", "expected", pl.col("value", "lower_95").round(3), "method")
    shape: (2, 6)
    ┌───────┬──────────┬──────────┬───────┬──────────┬────────┐
    │ trust ┆ observed ┆ expected ┆ value ┆ lower_95 ┆ method │
    │ ---   ┆ ---      ┆ ---      ┆ ---   ┆ ---      ┆ ---    │
    │ str   ┆ i64      ┆ f64      ┆ f64   ┆ f64      ┆ str    │
    ╞═══════╪══════════╪══════════╪═══════╪══════════╪════════╡
    │ A     ┆ 15       ┆ 11.0     ┆ 1.364 ┆ 0.763    ┆ Byar   │
    │ B     ┆ 3        ┆ 1.0      ┆ 3.0   ┆ 0.619    ┆ exact  │
    └───────┴──────────┴──────────┴───────┴──────────┴────────┘
    """
    keys = _keys(group_by)
    contribution = pl.col(population).cast(pl.Float64) * pl.col(reference_rate).cast(pl.Float64)
    aggregated = _aggregate(
        frame,
        keys,
        [pl.col(observed).sum().alias("observed"), contribution.sum().alias("expected")],
    )
    return ratio_interval(
        aggregated,
        "observed",
        "expected",
        confidence=confidence,
        multiplier=multiplier,
        statistic="indirectly standardised ratio",
    )


def directly_standardised_rate(
    frame: FrameT,
    *,
    count: str = "count",
    population: str = "population",
    standard_population: str = "standard_population",
    group_by: str | Sequence[str] | None = None,
    confidence: Confidence = (0.95, 0.998),
    multiplier: float = 100_000.0,
) -> FrameT:
    """Directly standardised rates with Dobson confidence intervals, per unit.

    Parameters
    ----------
    frame
        Stratum form: one row per unit and stratum with the event count x_g, the population
        n_g and the standard population weight w_g of the stratum.
    count
        Column with the event count x_g in the stratum.
    population
        Column with the stratum population n_g (persons or person-years), n_g > 0.
    standard_population
        Column with the standard population w_g of the stratum (e.g. a national population).
    group_by
        Column(s) identifying the unit; None for one unit.
    confidence
        One level or several, each strictly between 0 and 1 (default 95 % and 99.8 %).
    multiplier
        Rate per ``multiplier`` persons (default per 100 000).

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        One row per unit: ``group_by`` columns, ``total_count``, ``total_population``,
        ``value``, ``lower_<level>``/``upper_<level>``, ``confidence``, ``statistic`` and
        ``method`` (``"Dobson"``).  Units with a total count below :data:`DSR_MIN_COUNT` or
        a stratum with population <= 0 get null value and limits, and the ``statistic``
        column says why.  Stratum rows with a null count, population or weight are skipped.

    Notes
    -----
    DSR = Σ w_g·x_g/n_g / Σ w_g; var(DSR) = Σ (w_g/n_g)²·x_g / (Σ w_g)²; with O = Σ x_g and
    (L(O), U(O)) Byar's limits of O (O >= 10 by construction), the Dobson interval is

        DSR + √(var(DSR)/O) · (L(O) − O),   DSR + √(var(DSR)/O) · (U(O) − O).

    References
    ----------
    Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums of
    Poisson parameters. Stat Med 1991;10:457-462.
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987.

    Examples
    --------
    >>> import polars as pl
    >>> strata = pl.DataFrame(
    ...     {
    ...         "trust": ["A", "A", "B", "B"],
    ...         "count": [20, 40, 2, 3],
    ...         "population": [1000, 2000, 1000, 500],
    ...         "standard_population": [60000, 40000, 60000, 40000],
    ...     }
    ... )
    >>> out = directly_standardised_rate(strata, group_by="trust", confidence=0.95)
    >>> out.select("trust", "total_count", pl.col("value", "lower_95").round(1), "statistic")
    shape: (2, 5)
    ┌───────┬─────────────┬────────┬──────────┬────────────────────────────────┐
    │ trust ┆ total_count ┆ value  ┆ lower_95 ┆ statistic                      │
    │ ---   ┆ ---         ┆ ---    ┆ ---      ┆ ---                            │
    │ str   ┆ i64         ┆ f64    ┆ f64      ┆ str                            │
    ╞═══════╪═════════════╪════════╪══════════╪════════════════════════════════╡
    │ A     ┆ 60          ┆ 2000.0 ┆ 1455.6   ┆ dsr per 100000                 │
    │ B     ┆ 5           ┆ null   ┆ null     ┆ dsr withheld: total count < 10 │
    └───────┴─────────────┴────────┴──────────┴────────────────────────────────┘

    Trust B has only 5 events, so its rate is withheld.
    """
    keys = _keys(group_by)
    levels = confidence_levels(confidence)
    # A stratum row with a null count, population or weight is skipped entirely.
    present = (
        pl.col(count).is_not_null()
        & pl.col(population).is_not_null()
        & pl.col(standard_population).is_not_null()
    )
    x = pl.when(present).then(pl.col(count).cast(pl.Float64))
    n = pl.when(present).then(pl.col(population).cast(pl.Float64))
    w = pl.when(present).then(pl.col(standard_population).cast(pl.Float64))
    aggregated = _aggregate(
        frame,
        keys,
        [
            pl.when(present).then(pl.col(count)).sum().alias("total_count"),
            pl.when(present).then(pl.col(population)).sum().alias("total_population"),
            ((n.min() > 0) & (x.min() >= 0) & (w.sum() > 0)).fill_null(False).alias("_usable"),
            ((w * x / n).sum() / w.sum()).alias("_dsr"),
            (((w / n) ** 2 * x).sum() / w.sum() ** 2).alias("_var"),
        ],
    )
    total = pl.col("total_count").cast(pl.Float64)
    reportable = pl.col("_usable") & (total >= DSR_MIN_COUNT)
    spread = (pl.col("_var") / total).sqrt()
    limits: list[pl.Expr] = []
    for level in levels:
        suffix = level_suffix(level)
        lower = pl.col("_dsr") + spread * (byar_lower(total, level) - total)
        upper = pl.col("_dsr") + spread * (byar_upper(total, level) - total)
        limits.append(pl.when(reportable).then(lower * multiplier).alias(f"lower_{suffix}"))
        limits.append(pl.when(reportable).then(upper * multiplier).alias(f"upper_{suffix}"))
    statistic = (
        pl.when(~pl.col("_usable"))
        .then(pl.lit("dsr withheld: zero population in a stratum, or no strata"))
        .when(total < DSR_MIN_COUNT)
        .then(pl.lit(f"dsr withheld: total count < {DSR_MIN_COUNT}"))
        .otherwise(pl.lit(f"dsr per {multiplier:g}"))
    )
    return aggregated.with_columns(
        pl.when(reportable).then(pl.col("_dsr") * multiplier).alias("value"),
        *limits,
        pl.lit(levels_label(levels)).alias("confidence"),
        statistic.alias("statistic"),
        pl.lit(DSR_METHOD).alias("method"),
    ).drop("_usable", "_dsr", "_var")
