"""Statistics of variation across units: CV, extremal ratios FT1–FT3 and the SCV.

They summarise how much an indicator varies between units (e.g. catchment trusts) in one
group (e.g. indicator × level × period).  The national total is not a unit: leave it out of
the frame.  Undefined statistics are null with a reason, never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from indicators.stats._common import FrameT

__all__ = [
    "EXTREMAL_RATIO_MIN_UNITS",
    "VARIATION_MIN_UNITS",
    "variation_statistics",
]

VARIATION_MIN_UNITS = 3
"""Fewest units (with a non-null value) for which any variation statistic is computed."""

EXTREMAL_RATIO_MIN_UNITS: dict[int, int] = {1: 3, 2: 4, 3: 6}
"""Fewest units for FTj: the j-th highest and j-th lowest must be different units."""

STATISTICS = ("CV", "FT1", "FT2", "FT3", "SCV")


def _nth(column: pl.Expr, rank: int, *, highest: bool) -> pl.Expr:
    """The rank-th highest (or lowest) non-null value; null when there are too few."""
    return column.drop_nulls().sort(descending=highest).slice(rank - 1, 1).first()


def _result(value: pl.Expr, reason: pl.Expr) -> pl.Expr:
    """Struct of a statistic's value and the reason it is undefined (null when defined)."""
    return pl.struct(
        pl.when(reason.is_null()).then(value).alias("value"),
        reason.alias("reason"),
    )


def variation_statistics(
    frame: FrameT,
    value: str = "value",
    *,
    observed: str | None = None,
    expected: str | None = None,
    group_by: str | Sequence[str] | None = None,
) -> FrameT:
    """Coefficient of variation, extremal ratios and systematic component of variation.

    Parameters
    ----------
    frame
        One row per unit and group; the national total must not be included.
    value
        Column with the unit's rate or proportion (e.g. a standardised rate); nulls are
        ignored (the unit does not count towards k).
    observed, expected
        Columns with the unit's observed count O and its expected count E from national
        age/sex rates.  When both are given, the SCV is computed as well.
    group_by
        Column(s) defining separate analyses (e.g. indicator, level, period); None for one.

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        Long form, one row per group and statistic: the ``group_by`` columns, ``statistic``
        (``"CV"``, ``"FT1"``, ``"FT2"``, ``"FT3"`` and, with O and E, ``"SCV"``), ``value``,
        ``units`` (k) and ``reason`` (why the value is null, e.g. ``"fewer than 3 units"``,
        ``"mean is zero"``, ``"lowest value is zero"``; null when the value is defined).

    Notes
    -----
    With k units with a value y_i (k >= :data:`VARIATION_MIN_UNITS`):

    - CV = 100 · sd(y) / mean(y), sd with denominator k − 1;
    - FT1 = max / min; FT2 = second highest / second lowest; FT3 = third highest / third
      lowest (FTj needs k >= :data:`EXTREMAL_RATIO_MIN_UNITS` [j] and a non-zero divisor);
    - SCV = 100 · (1/k) · [Σ (O_i − E_i)²/E_i² − Σ 1/E_i], over the k units with O and E,
      all E_i > 0.  The SCV may be negative when the variation is no larger than chance.

    References
    ----------
    McPherson K, Wennberg JE, Hovind OB, Clifford P. Small-area variations in the use of
    common surgical procedures: an international comparison of New England, England, and
    Norway. N Engl J Med 1982;307:1310-1314.
    Appleby J, Raleigh V, Frosini F, et al. Variations in health care: the good, the bad
    and the inexplicable. The King's Fund, 2011.
    SKDE. Helseatlas: metode (method notes for the Norwegian healthcare atlases), Senter for
    klinisk dokumentasjon og evaluering, Tromsø.

    Examples
    --------
    >>> import polars as pl
    >>> units = pl.DataFrame(
    ...     {"trust": list("ABCDE"), "value": [10.0, 12.0, 15.0, 20.0, 30.0]}
    ... )
    >>> variation_statistics(units).with_columns(pl.col("value").round(3))
    shape: (4, 4)
    ┌───────────┬────────┬───────┬────────────────────┐
    │ statistic ┆ value  ┆ units ┆ reason             │
    │ ---       ┆ ---    ┆ ---   ┆ ---                │
    │ str       ┆ f64    ┆ u32   ┆ str                │
    ╞═══════════╪════════╪═══════╪════════════════════╡
    │ CV        ┆ 45.905 ┆ 5     ┆ null               │
    │ FT1       ┆ 3.0    ┆ 5     ┆ null               │
    │ FT2       ┆ 1.667  ┆ 5     ┆ null               │
    │ FT3       ┆ null   ┆ 5     ┆ fewer than 6 units │
    └───────────┴────────┴───────┴────────────────────┘

    FT3 needs a third highest and a third lowest unit that differ, so at least 6 units.
    """
    keys: list[str] = [group_by] if isinstance(group_by, str) else list(group_by or [])
    y = pl.col(value).cast(pl.Float64)
    aggs: list[pl.Expr] = [
        y.count().alias("units"),
        y.mean().alias("_mean"),
        y.std(ddof=1).alias("_sd"),
    ]
    for rank in (1, 2, 3):
        aggs.append(_nth(y, rank, highest=True).alias(f"_high{rank}"))
        aggs.append(_nth(y, rank, highest=False).alias(f"_low{rank}"))
    with_scv = observed is not None and expected is not None
    if with_scv:
        o = pl.col(observed).cast(pl.Float64)  # type: ignore[arg-type]
        e = pl.col(expected).cast(pl.Float64)  # type: ignore[arg-type]
        both = o.is_not_null() & e.is_not_null()
        aggs += [
            both.sum().alias("_scv_units"),
            (both & (e <= 0)).sum().alias("_scv_zero"),
            pl.when(both & (e > 0)).then((o - e) ** 2 / e**2 - 1.0 / e).sum().alias("_scv_sum"),
        ]
    summary = frame.group_by(keys, maintain_order=True).agg(aggs) if keys else frame.select(aggs)

    k = pl.col("units")
    few = pl.lit(f"fewer than {VARIATION_MIN_UNITS} units")
    results: dict[str, pl.Expr] = {
        "CV": _result(
            100.0 * pl.col("_sd") / pl.col("_mean"),
            pl.when(k < VARIATION_MIN_UNITS)
            .then(few)
            .when(pl.col("_mean") == 0)
            .then(pl.lit("mean is zero")),
        ),
    }
    for rank, ordinal in ((1, "lowest"), (2, "second lowest"), (3, "third lowest")):
        minimum = max(VARIATION_MIN_UNITS, EXTREMAL_RATIO_MIN_UNITS[rank])
        results[f"FT{rank}"] = _result(
            pl.col(f"_high{rank}") / pl.col(f"_low{rank}"),
            pl.when(k < minimum)
            .then(pl.lit(f"fewer than {minimum} units"))
            .when(pl.col(f"_low{rank}") == 0)
            .then(pl.lit(f"{ordinal} value is zero"))
            .when(pl.col(f"_low{rank}") < 0)
            .then(pl.lit(f"{ordinal} value is negative")),
        )
    if with_scv:
        m = pl.col("_scv_units")
        results["SCV"] = _result(
            100.0 * pl.col("_scv_sum") / m,
            pl.when(m < VARIATION_MIN_UNITS)
            .then(few)
            .when(pl.col("_scv_zero") > 0)
            .then(pl.lit("an expected count is zero")),
        )
    parts = [
        summary.select(
            *keys,
            pl.lit(name).alias("statistic"),
            result.struct.field("value").alias("value"),
            (pl.col("_scv_units") if name == "SCV" else k).cast(pl.UInt32).alias("units"),
            result.struct.field("reason").cast(pl.String).alias("reason"),
        )
        for name, result in results.items()
    ]
    long = pl.concat(parts, how="vertical")
    if keys:
        return long.sort([*keys], maintain_order=True)
    return long
