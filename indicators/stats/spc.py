"""Statistical process control (SPC): XmR, p, p′ and u charts, special causes, assurance.

A series (one unit's indicator over months, say) is read in the order of ``order``; many
series are computed at once, one per combination of ``group_by`` columns, with window
functions.  Frame functions return the frame sorted by ``group_by`` and ``order``, with the
centre line, the process limits (3σ) and the 2σ band (``upper_2sigma``/``lower_2sigma``,
two thirds of the way from centre to limit) as columns that :func:`special_causes` reads.

A series can be rebased where the process is known to have changed (``rebase_at``): the
limit functions number the parts in a ``segment`` column (always added, 0 without a
rebase), compute every centre and limit per segment, optionally from the first
``baseline`` points of each, and :func:`special_causes` restarts its rules at each new
segment.  :func:`chance_signal_share` estimates how often a stable process shows a special
cause by chance alone.

The rules follow NHS England's "Making Data Count" as implemented in NHSRplotthedots:

- a point outside the limits;
- a run of :data:`SPC_RUN_LENGTH` (7) or more points on one side of the centre (a point on
  the centre breaks the run);
- a trend of 7 or more points each strictly above (or below) the one before;
- two of three consecutive points beyond the 2σ band and inside the limits, all three on
  the same side of the centre (the points beyond the band are flagged).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import polars as pl

from indicators.stats._common import FrameT, IntoExpr, to_expr
from indicators.stats.errors import ArgumentError

__all__ = [
    "MR_SCREEN_FACTOR",
    "SPC_RUN_LENGTH",
    "XMR_LIMIT_FACTOR",
    "Improvement",
    "assurance",
    "chance_signal_share",
    "p_chart_limits",
    "special_causes",
    "u_chart_limits",
    "xmr_limits",
]

Improvement = Literal["increase", "decrease"]
"""Which direction of an indicator is better."""

XMR_LIMIT_FACTOR = 2.66
"""XmR limits are centre ± 2.66 × mean moving range (3 / d₂, d₂ = 1.128 for n = 2)."""

MR_SCREEN_FACTOR = 3.267
"""Moving ranges above 3.267 × their mean (D₄ for n = 2) are screened out when asked."""

D2 = 1.128
"""Bias constant d₂ for ranges of 2: σ̂ = mean moving range / 1.128."""

SPC_RUN_LENGTH = 7
"""Points needed for a run on one side of the centre, or for a trend."""

SIGMA_BAND = 2.0 / 3.0
"""The "close to a limit" band starts this share of the way from centre to limit (2σ of 3σ)."""

IMPROVEMENT = "special cause improvement"
CONCERN = "special cause concern"
NEITHER = "special cause neither"
COMMON = "common cause"

ASSURANCE_MEETS = "consistently meets target"
ASSURANCE_FAILS = "consistently fails target"
ASSURANCE_HIT_AND_MISS = "hit and miss"

SEGMENT = "segment"
"""Column the limit functions add: 0 before the first rebase, 1 after it, and so on."""

_P = "_spc_"
_BASE = f"{_P}base"


def _keys(group_by: str | Sequence[str] | None) -> list[str]:
    if group_by is None:
        return []
    return [group_by] if isinstance(group_by, str) else list(group_by)


def _over(expr: pl.Expr, keys: list[str]) -> pl.Expr:
    """``expr`` computed within each series (or over the whole frame without keys)."""
    return expr.over(keys) if keys else expr


def _check_improvement(improvement: str | None, *, allow_none: bool) -> None:
    allowed: tuple[str | None, ...] = (
        ("increase", "decrease", None) if allow_none else ("increase", "decrease")
    )
    if improvement not in allowed:
        msg = f"improvement must be one of {allowed}, got {improvement!r}"
        raise ArgumentError(msg)


def _bands(
    centre: pl.Expr, sigma: pl.Expr, lower_floor: float | None, upper_cap: float | None
) -> dict[str, pl.Expr]:
    """Limit and 2σ-band columns from a centre and one σ, clipped to the scale's range."""
    columns = {
        "centre": centre,
        "lower": centre - 3.0 * sigma,
        "upper": centre + 3.0 * sigma,
        "lower_2sigma": centre - 2.0 * sigma,
        "upper_2sigma": centre + 2.0 * sigma,
    }
    return {name: expr.clip(lower_floor, upper_cap) for name, expr in columns.items()}


def _check_baseline(baseline: int | None) -> None:
    if baseline is not None and (isinstance(baseline, bool) or baseline < 2):
        msg = f"baseline must be a whole number of points >= 2, got {baseline!r}"
        raise ArgumentError(msg)


def _segment(order: str, rebase_at: object) -> pl.Expr:
    """How many declared change points lie at or before each point's ``order`` (Int32)."""
    if rebase_at is None:
        return pl.lit(0, dtype=pl.Int32)
    if isinstance(rebase_at, str | bytes) or not isinstance(rebase_at, Sequence):
        starts: list[object] = [rebase_at]
    else:
        starts = list(dict.fromkeys(rebase_at))
    if not starts:
        return pl.lit(0, dtype=pl.Int32)
    after = [(pl.col(order) >= pl.lit(start)).cast(pl.Int32) for start in starts]
    return pl.sum_horizontal(after).cast(pl.Int32)


def _segmented(
    frame: FrameT,
    order: str,
    group_by: str | Sequence[str] | None,
    rebase_at: object,
    baseline: int | None,
) -> tuple[FrameT, list[str]]:
    """``frame`` in series order with its ``segment`` and a baseline flag; the window keys.

    The keys are the series columns and ``segment``: every limit is computed per segment of
    a series, and within it from the points flagged as baseline (the first ``baseline``).
    A ``segment`` among the ``group_by`` columns is the caller's own numbering and is kept.
    """
    _check_baseline(baseline)
    series: list[str] = _keys(group_by)
    out = frame.sort([*series, order])
    if SEGMENT in series:
        if rebase_at is not None:
            msg = "give rebase_at or a 'segment' column in group_by, not both"
            raise ArgumentError(msg)
        keys = series
    else:
        keys = [*series, SEGMENT]
        out = out.with_columns(_segment(order, rebase_at).alias(SEGMENT))
    position = pl.int_range(pl.len()).over(keys)
    in_base = position < baseline if baseline is not None else pl.lit(value=True)
    return out.with_columns(in_base.alias(_BASE)), keys


def xmr_limits(
    frame: FrameT,
    value: IntoExpr,
    *,
    order: str,
    group_by: str | Sequence[str] | None = None,
    screen: bool = False,
    baseline: int | None = None,
    rebase_at: object | Sequence[object] | None = None,
) -> FrameT:
    """Individuals (XmR) chart: centre line, process limits and 2σ band per series.

    Parameters
    ----------
    frame
        One row per point (e.g. a unit's month).
    value
        The plotted value x (column or expression), in the indicator's unit.
    order
        Column that orders each series (e.g. the month).
    group_by
        Columns naming a series; every series gets its own centre and limits.
    screen
        Leave out moving ranges above 3.267 × their mean and average the rest once more.
    baseline
        Fix centre and limits from the first ``baseline`` points of each segment (>= 2).
    rebase_at
        A value of ``order`` (or several) where the process changed: the first point of a
        new segment, whose centre and limits are computed from its own points only.  (A
        ``segment`` column already numbering the segments can be given in ``group_by``
        instead; it is then kept as it is.)

    Returns
    -------
    DataFrame or LazyFrame
        Sorted by ``group_by`` and ``order``, with ``segment`` (Int32: 0 before the first
        rebase, 1 after it, ...), ``moving_range``, ``mean_moving_range``, ``centre``,
        ``lower``, ``upper``, ``lower_2sigma``, ``upper_2sigma`` and ``chart``.

    Notes
    -----
    With x₁ … x_k the (baseline) points of a segment of a series::

        centre = x̄,   MRᵢ = |xᵢ − xᵢ₋₁| (i >= 2),   MR̄ = mean of the MRᵢ
        limits = x̄ ± 2.66 MR̄,   2σ band = x̄ ± (2/3) 2.66 MR̄

    A moving range never spans a rebase: the first point of a segment has none, so a
    step change between segments does not widen either segment's limits.

    2.66 = 3/d₂ with d₂ = 1.128, so MR̄/1.128 estimates σ.  Screening keeps MRᵢ <= 3.267 MR̄
    and recomputes MR̄ from those (NHSRplotthedots' ``screen_outliers``).  Missing values
    are left out of the mean, and so are the moving ranges on either side of them.  The
    mean is taken as min(x) + mean(x − min(x)), so that a constant series has its value as
    the centre exactly and no point sits a rounding error away from zero-width limits.

    References
    ----------
    Wheeler DJ. Understanding Variation: the key to managing chaos. SPC Press 2000.
    NHS England. Making Data Count. 2019.

    Examples
    --------
    >>> import polars as pl
    >>> months = pl.DataFrame({"month": [1, 2, 3, 4], "x": [10.0, 12.0, 11.0, 13.0]})
    >>> xmr_limits(months, "x", order="month").select(
    ...     "x", "centre", pl.col("lower", "upper").round(4)
    ... )
    shape: (4, 4)
    ┌──────┬────────┬────────┬─────────┐
    │ x    ┆ centre ┆ lower  ┆ upper   │
    │ ---  ┆ ---    ┆ ---    ┆ ---     │
    │ f64  ┆ f64    ┆ f64    ┆ f64     │
    ╞══════╪════════╪════════╪═════════╡
    │ 10.0 ┆ 11.5   ┆ 7.0667 ┆ 15.9333 │
    │ 12.0 ┆ 11.5   ┆ 7.0667 ┆ 15.9333 │
    │ 11.0 ┆ 11.5   ┆ 7.0667 ┆ 15.9333 │
    │ 13.0 ┆ 11.5   ┆ 7.0667 ┆ 15.9333 │
    └──────┴────────┴────────┴─────────┘

    Mean 11.5; moving ranges 2, 1, 2 with mean 5/3; limits 11.5 ± 2.66 × 5/3 = 11.5 ± 4.4333.
    """
    out, keys = _segmented(frame, order, group_by, rebase_at, baseline)
    x = to_expr(value).cast(pl.Float64)
    out = out.with_columns(
        pl.when(pl.col(_BASE)).then(x).alias(f"{_P}xb"),
        (x - x.shift(1)).abs().over(keys).alias("moving_range"),
    )
    xb = pl.col(f"{_P}xb")
    mr = (xb - xb.shift(1)).abs().over(keys)
    mean_mr = mr.mean().over(keys)
    if screen:
        mean_mr = pl.when(mr <= MR_SCREEN_FACTOR * mean_mr).then(mr).mean().over(keys)
    out = out.with_columns(
        mean_moving_range=mean_mr,
        **{f"{_P}centre": (xb.min() + (xb - xb.min()).mean()).over(keys)},
    )
    sigma = pl.col("mean_moving_range") * (XMR_LIMIT_FACTOR / 3.0)
    return out.with_columns(
        **_bands(pl.col(f"{_P}centre"), sigma, None, None), chart=pl.lit("XmR")
    ).drop(f"{_P}xb", f"{_P}centre", _BASE)


def p_chart_limits(
    frame: FrameT,
    numerator: IntoExpr,
    denominator: IntoExpr,
    *,
    order: str,
    group_by: str | Sequence[str] | None = None,
    laney: bool = False,
    baseline: int | None = None,
    rebase_at: object | Sequence[object] | None = None,
) -> FrameT:
    """p-chart (or Laney's p′ chart) for a proportion with varying denominators.

    Parameters
    ----------
    frame
        One row per point.
    numerator, denominator
        Counts xᵢ and nᵢ (columns or expressions); points with nᵢ <= 0 get null limits.
    order
        Column that orders each series.
    group_by
        Columns naming a series.
    laney
        Widen the limits by the spread of the z-scores between points (p′ chart).
    baseline
        Take p̄ (and σ_z) from the first ``baseline`` points of each segment (>= 2).
    rebase_at
        A value of ``order`` (or several) starting a new segment, as for :func:`xmr_limits`.

    Returns
    -------
    DataFrame or LazyFrame
        Sorted by ``group_by`` and ``order``, with ``segment``, ``proportion``
        (pᵢ = xᵢ/nᵢ), ``centre``, ``lower``, ``upper``, ``lower_2sigma``, ``upper_2sigma``,
        ``sigma_z`` (1 for a p-chart) and ``chart``; limits are clipped to [0, 1].

    Notes
    -----
    ::

        p̄ = Σxᵢ / Σnᵢ,   σᵢ = √(p̄(1 − p̄)/nᵢ),   limits = p̄ ± 3σᵢ
        p′:  zᵢ = (pᵢ − p̄)/σᵢ,  σ_z = mean |zᵢ − zᵢ₋₁| / 1.128,  limits = p̄ ± 3σᵢσ_z

    The sums and the moving ranges of z run over the (baseline) points of one segment of a
    series.  Where p̄ is 0 or 1 every σᵢ is 0, the limits are p̄ and σ_z is reported as 1.
    A p′ segment of one point has no moving range, so no σ_z and no limits.

    References
    ----------
    Montgomery DC. Introduction to Statistical Quality Control. Wiley 2009, §7.2.
    Laney DB. Improved control charts for attributes. Quality Engineering 2002;14:531-537.

    Examples
    --------
    >>> import polars as pl
    >>> months = pl.DataFrame({"month": [1, 2, 3], "x": [10, 30, 20], "n": [100, 100, 400]})
    >>> p_chart_limits(months, "x", "n", order="month").select(
    ...     "proportion", "centre", pl.col("lower", "upper").round(4)
    ... )
    shape: (3, 4)
    ┌────────────┬────────┬───────┬───────┐
    │ proportion ┆ centre ┆ lower ┆ upper │
    │ ---        ┆ ---    ┆ ---   ┆ ---   │
    │ f64        ┆ f64    ┆ f64   ┆ f64   │
    ╞════════════╪════════╪═══════╪═══════╡
    │ 0.1        ┆ 0.1    ┆ 0.01  ┆ 0.19  │
    │ 0.3        ┆ 0.1    ┆ 0.01  ┆ 0.19  │
    │ 0.05       ┆ 0.1    ┆ 0.055 ┆ 0.145 │
    └────────────┴────────┴───────┴───────┘

    p̄ = 60/600 = 0.1; σ = √(0.09/100) = 0.03 at n = 100 and 0.015 at n = 400.
    """
    out, keys = _segmented(frame, order, group_by, rebase_at, baseline)
    x = to_expr(numerator).cast(pl.Float64)
    n = to_expr(denominator).cast(pl.Float64)
    valid = n > 0
    centre = _pooled_ratio(x, n, keys)
    out = out.with_columns(
        proportion=pl.when(valid).then(x / n),
        centre=centre,
        **{f"{_P}sd": pl.when(valid).then((centre * (1.0 - centre) / n).sqrt())},
    )
    out = out.with_columns(sigma_z=_laney_sigma_z(keys) if laney else pl.lit(1.0))
    bands = _bands(pl.col("centre"), pl.col(f"{_P}sd") * pl.col("sigma_z"), 0.0, 1.0)
    chart = "p′" if laney else "p"
    return out.with_columns(**bands, chart=pl.lit(chart)).drop(f"{_P}sd", _BASE)


def _pooled_ratio(numerator: pl.Expr, denominator: pl.Expr, keys: list[str]) -> pl.Expr:
    """Σ numerator / Σ denominator over the baseline points with a positive denominator."""
    used = (denominator > 0) & pl.col(_BASE)
    return (pl.when(used).then(numerator).sum() / pl.when(used).then(denominator).sum()).over(keys)


def _laney_sigma_z(keys: list[str]) -> pl.Expr:
    """σ_z = mean |zᵢ − zᵢ₋₁| / 1.128 over the baseline z-scores; 1 where p̄ is 0 or 1."""
    z = (pl.col("proportion") - pl.col("centre")) / pl.col(f"{_P}sd")
    z_base = pl.when(pl.col(_BASE)).then(z)
    spread = (z_base - z_base.shift(1)).abs().mean().over(keys) / D2
    # p̄ of 0 or 1: every σᵢ is 0, z is undefined and the limits are p̄ whatever σ_z
    return pl.when(pl.col("centre").is_in([0.0, 1.0])).then(1.0).otherwise(spread)


def u_chart_limits(
    frame: FrameT,
    count: IntoExpr,
    exposure: IntoExpr,
    *,
    order: str,
    group_by: str | Sequence[str] | None = None,
    baseline: int | None = None,
    rebase_at: object | Sequence[object] | None = None,
) -> FrameT:
    """u-chart for a rate (events per unit of exposure) with varying exposure.

    Parameters
    ----------
    frame
        One row per point.
    count, exposure
        Events cᵢ and exposure eᵢ (e.g. patient-days); points with eᵢ <= 0 get null limits.
    order
        Column that orders each series.
    group_by
        Columns naming a series.
    baseline
        Take ū from the first ``baseline`` points of each segment (>= 2).
    rebase_at
        A value of ``order`` (or several) starting a new segment, as for :func:`xmr_limits`.

    Returns
    -------
    DataFrame or LazyFrame
        Sorted by ``group_by`` and ``order``, with ``segment``, ``rate`` (uᵢ = cᵢ/eᵢ),
        ``centre``, ``lower`` (>= 0), ``upper``, ``lower_2sigma``, ``upper_2sigma`` and
        ``chart``.

    Notes
    -----
    ::

        ū = Σcᵢ / Σeᵢ,   limits = ū ± 3√(ū/eᵢ),   lower limit at least 0

    with the sums over the (baseline) points of one segment of a series.

    References
    ----------
    Montgomery DC. Introduction to Statistical Quality Control. Wiley 2009, §7.3.

    Examples
    --------
    >>> import polars as pl
    >>> months = pl.DataFrame({"month": [1, 2], "c": [3, 13], "e": [4.0, 4.0]})
    >>> u_chart_limits(months, "c", "e", order="month").select(
    ...     "rate", "centre", pl.col("lower", "upper").round(3)
    ... )
    shape: (2, 4)
    ┌──────┬────────┬───────┬───────┐
    │ rate ┆ centre ┆ lower ┆ upper │
    │ ---  ┆ ---    ┆ ---   ┆ ---   │
    │ f64  ┆ f64    ┆ f64   ┆ f64   │
    ╞══════╪════════╪═══════╪═══════╡
    │ 0.75 ┆ 2.0    ┆ 0.0   ┆ 4.121 │
    │ 3.25 ┆ 2.0    ┆ 0.0   ┆ 4.121 │
    └──────┴────────┴───────┴───────┘

    ū = 16/8 = 2; 3√(2/4) = 2.121, so the lower limit −0.121 is set to 0.
    """
    out, keys = _segmented(frame, order, group_by, rebase_at, baseline)
    c = to_expr(count).cast(pl.Float64)
    e = to_expr(exposure).cast(pl.Float64)
    valid = e > 0
    out = out.with_columns(rate=pl.when(valid).then(c / e), centre=_pooled_ratio(c, e, keys))
    sigma = pl.when(valid).then((pl.col("centre") / e).sqrt())
    bands = _bands(pl.col("centre"), sigma, 0.0, None)
    return out.with_columns(**bands, chart=pl.lit("u")).drop(_BASE)


def _in_long_trend(keys: list[str]) -> pl.Expr:
    """Steps (signs of xᵢ − xᵢ₋₁) in a run of 6+ equal non-zero steps: a trend of 7+ points."""
    steps_in_run = _over(pl.len(), [*keys, f"{_P}step_run"])
    return (steps_in_run >= SPC_RUN_LENGTH - 1) & (pl.col(f"{_P}step") != 0)


def _two_in_three(x: pl.Expr, side: float, keys: list[str]) -> pl.Expr:
    """Points beyond the 2σ band (inside the limits) in a full window of three on ``side``."""
    centre, upper, lower = pl.col(f"{_P}centre"), pl.col(f"{_P}upper"), pl.col(f"{_P}lower")
    limit = upper if side > 0 else lower
    band = centre + SIGMA_BAND * (limit - centre)
    near = ((x - band) * side > 0) & ((x - limit) * side <= 0)
    same_side = (x - centre) * side > 0
    near_count = near.cast(pl.Int32)
    window_ok = (
        (near_count + near_count.shift(1) + near_count.shift(2) >= 2)
        & same_side
        & same_side.shift(1)
        & same_side.shift(2)
    )
    window_ok = _over(window_ok.fill_null(value=False), keys)
    in_window = window_ok | window_ok.shift(-1) | window_ok.shift(-2)
    return near & _over(in_window.fill_null(value=False), keys)


def special_causes(
    frame: FrameT,
    value: IntoExpr,
    *,
    order: str,
    centre: IntoExpr,
    upper: IntoExpr,
    lower: IntoExpr,
    group_by: str | Sequence[str] | None = None,
    improvement: Improvement | None = None,
    segment: str | None = SEGMENT,
) -> FrameT:
    """Flag each point by the special-cause rules of "Making Data Count".

    Parameters
    ----------
    frame
        One row per point, with its centre line and limits (e.g. from :func:`xmr_limits`).
    value
        The plotted value.
    order
        Column that orders each series.
    centre, upper, lower
        Centre line and process (3σ) limits; the 2σ band is 2/3 of the way to each limit.
    group_by
        Columns naming a series.
    improvement
        ``"increase"`` or ``"decrease"`` if higher or lower values are better, else None.
    segment
        Column numbering the segments of a series after a rebase (the ``segment`` the limit
        functions add): runs, trends and two-in-three restart at each new segment.  Used when
        the frame has it; None treats every series as one segment.

    Returns
    -------
    DataFrame or LazyFrame
        Sorted by ``group_by`` and ``order``, with booleans ``outside_limits``, ``run``,
        ``trend``, ``two_in_three`` and ``special_cause``, and ``variation``: "special cause
        improvement", "special cause concern", "special cause neither" (no improvement
        direction) or "common cause".

    Notes
    -----
    A point is flagged by

    - ``outside_limits``: x > upper or x < lower;
    - ``run``: it is one of 7 or more consecutive points on the same side of the centre
      (a point on the centre ends a run);
    - ``trend``: it is one of 7 or more consecutive points each strictly greater (or each
      strictly smaller) than the one before (an equal pair ends a trend);
    - ``two_in_three``: it lies beyond the 2σ band but inside the limits, in a window of 3
      consecutive points of which at least 2 are so, all 3 on its side of the centre.

    A missing value ends a run or a trend and has no ``variation`` (null); its flags are
    false.  A rebase ends them too: no run, trend step or window of three spans two
    segments, so the first point of a segment starts afresh.  The side of a special cause
    is that of the point (outside, two-in-three, run) or the trend's direction (the later
    trend where a point ends one and starts another), taken in that order of precedence,
    as NHSRplotthedots does.

    References
    ----------
    NHS England. Making Data Count: strengthening your decisions. 2019.
    NHS-R Community. NHSRplotthedots (R package), ``ptd_calculate_point_type``.

    Examples
    --------
    >>> import polars as pl
    >>> points = pl.DataFrame({"t": range(9), "x": [5.0, 1, 2, 3, 4, 5, 6, 7, 0]})
    >>> special_causes(
    ...     points, "x", order="t", centre=4.0, upper=10.0, lower=-2.0, improvement="decrease"
    ... ).select("x", "trend", "variation")
    shape: (9, 3)
    ┌─────┬───────┬───────────────────────┐
    │ x   ┆ trend ┆ variation             │
    │ --- ┆ ---   ┆ ---                   │
    │ f64 ┆ bool  ┆ str                   │
    ╞═════╪═══════╪═══════════════════════╡
    │ 5.0 ┆ false ┆ common cause          │
    │ 1.0 ┆ true  ┆ special cause concern │
    │ 2.0 ┆ true  ┆ special cause concern │
    │ 3.0 ┆ true  ┆ special cause concern │
    │ 4.0 ┆ true  ┆ special cause concern │
    │ 5.0 ┆ true  ┆ special cause concern │
    │ 6.0 ┆ true  ┆ special cause concern │
    │ 7.0 ┆ true  ┆ special cause concern │
    │ 0.0 ┆ false ┆ common cause          │
    └─────┴───────┴───────────────────────┘

    The seven points 1 … 7 rise; a fall is better, so the trend is a concern.
    """
    _check_improvement(improvement, allow_none=True)
    series: list[str] = _keys(group_by)
    names = frame.collect_schema().names()
    new_key = segment is not None and segment in names and segment not in series
    keys = [*series, segment] if new_key and segment else series
    x = to_expr(value).cast(pl.Float64)
    out = frame.sort([*series, order]).with_columns(
        **{
            f"{_P}centre": to_expr(centre).cast(pl.Float64),
            f"{_P}upper": to_expr(upper).cast(pl.Float64),
            f"{_P}lower": to_expr(lower).cast(pl.Float64),
        }
    )
    side = (x - pl.col(f"{_P}centre")).sign()
    step = _over((x - x.shift(1)).sign(), keys)
    out = out.with_columns(**{f"{_P}side": side, f"{_P}step": step}).with_columns(
        **{
            f"{_P}side_run": _over(pl.col(f"{_P}side").rle_id(), keys),
            f"{_P}step_run": _over(pl.col(f"{_P}step").rle_id(), keys),
        }
    )
    return _flag_rules(out, x, keys, improvement)


def _flag_rules(
    out: FrameT, x: pl.Expr, keys: list[str], improvement: Improvement | None
) -> FrameT:
    side, step = pl.col(f"{_P}side"), pl.col(f"{_P}step")
    long_run = _in_long_trend(keys)
    ends_trend = _over(long_run.shift(-1), keys).fill_null(value=False)
    side_run = _over(pl.len(), [*keys, f"{_P}side_run"])
    out = out.with_columns(
        outside_limits=((x > pl.col(f"{_P}upper")) | (x < pl.col(f"{_P}lower"))).fill_null(
            value=False
        ),
        run=((side_run >= SPC_RUN_LENGTH) & (side != 0)).fill_null(value=False),
        trend=(long_run.fill_null(value=False) | ends_trend),
        two_in_three=_two_in_three(x, 1.0, keys) | _two_in_three(x, -1.0, keys),
        **{
            f"{_P}trend_side": pl.when(ends_trend).then(_over(step.shift(-1), keys)).otherwise(step)
        },
    )
    direction = (
        pl.when("outside_limits")
        .then(side)
        .when("trend")
        .then(pl.col(f"{_P}trend_side"))
        .when(pl.col("two_in_three") | pl.col("run"))
        .then(side)
        .otherwise(0)
    )
    return out.with_columns(
        special_cause=pl.any_horizontal("outside_limits", "run", "trend", "two_in_three"),
        variation=pl.when(x.is_not_null()).then(_variation(direction, improvement)),
    ).drop(pl.selectors.starts_with(_P))


def _variation(direction: pl.Expr, improvement: Improvement | None) -> pl.Expr:
    if improvement is None:
        return pl.when(direction != 0).then(pl.lit(NEITHER)).otherwise(pl.lit(COMMON))
    better = direction if improvement == "increase" else -direction
    return (
        pl.when(better > 0)
        .then(pl.lit(IMPROVEMENT))
        .when(better < 0)
        .then(pl.lit(CONCERN))
        .otherwise(pl.lit(COMMON))
    )


def assurance(
    frame: FrameT,
    *,
    target: IntoExpr | float,
    upper: IntoExpr,
    lower: IntoExpr,
    improvement: Improvement,
) -> FrameT:
    """Whether a process can be relied on to meet its target, as in "Making Data Count".

    Parameters
    ----------
    frame
        Rows with process limits (limits are constant within a series, or within each
        part after a rebase, so every row of it gets the same verdict).
    target
        The target value (column, expression or number).
    upper, lower
        Process (3σ) limits.
    improvement
        ``"increase"`` or ``"decrease"``: which side of the target is better.

    Returns
    -------
    DataFrame or LazyFrame
        ``frame`` with ``assurance``: "consistently meets target" when both limits are on
        the better side of the target, "consistently fails target" when both are on the
        worse side, "hit and miss" when the target lies between the limits (inclusive);
        null without a target or limits.

    References
    ----------
    NHS England. Making Data Count: strengthening your decisions. 2019.

    Examples
    --------
    >>> import polars as pl
    >>> limits = pl.DataFrame({"lower": [80.0, 60.0, 50.0], "upper": [95.0, 75.0, 90.0]})
    >>> assurance(limits, target=78.0, upper="upper", lower="lower", improvement="increase")
    shape: (3, 3)
    ┌───────┬───────┬───────────────────────────┐
    │ lower ┆ upper ┆ assurance                 │
    │ ---   ┆ ---   ┆ ---                       │
    │ f64   ┆ f64   ┆ str                       │
    ╞═══════╪═══════╪═══════════════════════════╡
    │ 80.0  ┆ 95.0  ┆ consistently meets target │
    │ 60.0  ┆ 75.0  ┆ consistently fails target │
    │ 50.0  ┆ 90.0  ┆ hit and miss              │
    └───────┴───────┴───────────────────────────┘
    """
    _check_improvement(improvement, allow_none=False)
    goal = to_expr(target).cast(pl.Float64)
    above, below = to_expr(upper) < goal, to_expr(lower) > goal
    over_is, under_is = (ASSURANCE_MEETS, ASSURANCE_FAILS)
    if improvement == "increase":
        over_is, under_is = under_is, over_is
    verdict = (
        pl.when(goal.is_null() | to_expr(upper).is_null() | to_expr(lower).is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(above)
        .then(pl.lit(over_is))
        .when(below)
        .then(pl.lit(under_is))
        .otherwise(pl.lit(ASSURANCE_HIT_AND_MISS))
    )
    return frame.with_columns(assurance=verdict)


def chance_signal_share(
    points: int, *, last: int, simulations: int = 20000, seed: int = 0
) -> float:
    """Share of stable processes whose XmR chart shows a special cause by chance alone.

    Simulates ``simulations`` series of ``points`` independent standard normal values, gives
    each XmR limits from all its points (:func:`xmr_limits`) and applies every rule of
    :func:`special_causes`; returns the share of series with at least one of their last
    ``last`` points flagged.  With 36 monthly points and ``last=12`` it is the share of
    indicators of an unchanged process that show a special cause in the latest year.

    Parameters
    ----------
    points
        Points in each series (>= 2), e.g. 36 months.
    last
        How many of the latest points are looked at (1 <= last <= points), e.g. 12.
    simulations
        Number of simulated series (>= 1).
    seed
        Seed of numpy's default random generator; the same seed gives the same share.

    Returns
    -------
    float
        The estimate p̂ of P(some point among the last ``last`` is flagged | stable process).

    Notes
    -----
    With S simulated series, of which s signal in their last points::

        p̂ = s / S,   standard error √(p̂(1 − p̂)/S)

    The value does not depend on the process mean or σ: the limits and rules are
    unchanged by a shift and a positive scaling of the values.  All series are simulated
    at once as one frame keyed by ``series`` and charted with window functions.

    Examples
    --------
    >>> chance_signal_share(12, last=12, simulations=2000) == chance_signal_share(
    ...     12, last=12, simulations=2000
    ... )
    True
    """
    _check_simulation(points, last, simulations)
    draws = np.random.default_rng(seed).standard_normal(simulations * points)
    frame = pl.DataFrame(
        {
            "series": np.repeat(np.arange(simulations), points),
            "t": np.tile(np.arange(points), simulations),
            "x": draws,
        }
    )
    limits = xmr_limits(frame, "x", order="t", group_by="series")
    flags = special_causes(
        limits, "x", order="t", centre="centre", upper="upper", lower="lower", group_by="series"
    )
    signalled = (
        flags.filter(pl.col("t") >= points - last)
        .group_by("series")
        .agg(pl.col("special_cause").any())
    )
    return float(signalled["special_cause"].cast(pl.Float64).mean())  # type: ignore[arg-type]


def _check_simulation(points: int, last: int, simulations: int) -> None:
    for name, number, least in (("points", points, 2), ("simulations", simulations, 1)):
        if isinstance(number, bool) or not isinstance(number, int) or number < least:
            msg = f"{name} must be a whole number >= {least}, got {number!r}"
            raise ArgumentError(msg)
    if isinstance(last, bool) or not isinstance(last, int) or not 1 <= last <= points:
        msg = f"last must be a whole number from 1 to points ({points}), got {last!r}"
        raise ArgumentError(msg)
