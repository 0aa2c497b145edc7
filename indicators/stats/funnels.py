"""Funnel-plot control limits and outlier flags, with optional overdispersion adjustment.

A funnel plot shows each unit's indicator against its size (denominator or expected count)
with control limits around a target, usually the national value.  All units of all groups
(e.g. every indicator × period) are computed in one call: the target, the overdispersion
factor φ and the between-unit variance τ² are window aggregates over ``group_by``.

Scales
------
Proportions (p = x/n) are compared on the natural scale with the standard error under the
target, s = √(θ(1 − θ)/n).  Ratios (O/E) are compared on the square-root scale, where a
Poisson count has nearly constant variance: y = √(O/E), target √θ, s = 1/(2√E), so that
z = 2(√O − √(θE)) (Spiegelhalter 2005a, §3; Spiegelhalter et al 2012).  The square-root scale
keeps z finite at O = 0, where the log scale (FunnelPlotR's default) is undefined.
Means (e.g. of waiting times) are compared on the natural scale with s = σ/√n, σ the
standard deviation of one value under the target (:func:`mean_funnel_limits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import polars as pl
from scipy import special

from indicators.stats._common import (
    Confidence,
    FrameT,
    IntoExpr,
    check_confidence,
    confidence_levels,
    level_suffix,
    levels_label,
    to_expr,
    z_value,
)
from indicators.stats.errors import ArgumentError

__all__ = [
    "FUNNEL_CONFIDENCE",
    "OVERDISPERSION_MIN_UNITS",
    "WINSORISATION_FRACTION",
    "Adjustment",
    "mean_funnel_limits",
    "poisson_funnel_bound",
    "proportion_funnel_limits",
    "ratio_funnel_limits",
    "wilson_funnel_bound",
]

Adjustment = Literal["none", "multiplicative", "additive"]
"""Overdispersion adjustment of funnel limits."""

FUNNEL_CONFIDENCE: tuple[float, ...] = (0.95, 0.998)
"""Default funnel control limits: 95 % ("2 sigma") and 99.8 % ("3 sigma")."""

WINSORISATION_FRACTION = 0.10
"""Share of z-scores winsorised at each tail before φ is estimated (Spiegelhalter 2005b)."""

OVERDISPERSION_MIN_UNITS = 3
"""Fewest units with a z-score for which φ and τ² are estimated; below, limits stay unadjusted."""

FLAG_HIGH = "high"
FLAG_LOW = "low"
FLAG_WITHIN = "within"

Side = Literal["lower", "upper"]


def _sign(side: Side) -> float:
    if side not in ("lower", "upper"):
        msg = f"side must be 'lower' or 'upper', got {side!r}"
        raise ArgumentError(msg)
    return -1.0 if side == "lower" else 1.0


def wilson_funnel_bound(
    n: IntoExpr, target: IntoExpr | float, confidence: float = 0.95, side: Side = "lower"
) -> pl.Expr:
    """Funnel control limit for a proportion at denominator n (Wilson score inversion).

    Parameters
    ----------
    n
        Denominator (count of cases): a column, expression, or number.
    target
        Target proportion θ in [0, 1] (column, expression or number), e.g. the national value.
    confidence
        Two-sided level of the limit, strictly between 0 and 1 (0.95, 0.998).
    side
        ``"lower"`` or ``"upper"``.

    Returns
    -------
    pl.Expr
        The limit as a proportion in [0, 1]; null where n <= 0 or an input is null.

    Notes
    -----
    The Wilson interval of an observed proportion p is the set of θ with
    (p − θ)² <= z²·θ(1 − θ)/n (it inverts the score test).  So θ lies outside the Wilson
    interval of p exactly when p lies outside::

        θ ± z·√(θ(1 − θ)/n),   z = Φ⁻¹(1 − α/2),

    clipped to [0, 1].  These are the funnel limits of PHEindicatormethods' proportion
    funnels, written in closed form; a unit is flagged when its Wilson interval excludes θ.

    References
    ----------
    Wilson EB. J Am Stat Assoc 1927;22:209-212.
    Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005;24:1185-1202.

    Examples
    --------
    >>> import polars as pl
    >>> sizes = pl.DataFrame({"n": [10, 100, 1000]})
    >>> sizes.with_columns(
    ...     lower=wilson_funnel_bound("n", 0.8, 0.998, "lower").round(4),
    ...     upper=wilson_funnel_bound("n", 0.8, 0.998, "upper").round(4),
    ... )
    shape: (3, 3)
    ┌──────┬────────┬────────┐
    │ n    ┆ lower  ┆ upper  │
    │ ---  ┆ ---    ┆ ---    │
    │ i64  ┆ f64    ┆ f64    │
    ╞══════╪════════╪════════╡
    │ 10   ┆ 0.4091 ┆ 1.0    │
    │ 100  ┆ 0.6764 ┆ 0.9236 │
    │ 1000 ┆ 0.7609 ┆ 0.8391 │
    └──────┴────────┴────────┘
    """
    z = z_value(confidence)
    sign = _sign(side)
    n_ = to_expr(n).cast(pl.Float64)
    theta = to_expr(target).cast(pl.Float64)
    bound = theta + sign * z * (theta * (1.0 - theta) / n_).sqrt()
    return pl.when(n_ > 0).then(bound.clip(0.0, 1.0))


def poisson_funnel_bound(
    expected: IntoExpr,
    target: IntoExpr | float = 1.0,
    confidence: float = 0.95,
    side: Side = "lower",
) -> pl.Expr:
    """Funnel control limit for a ratio O/E at expected count E (exact Poisson inversion).

    Parameters
    ----------
    expected
        Expected count E (events): a column, expression or number.
    target
        Target ratio θ (column, expression or number), 1 for "as expected".
    confidence
        Two-sided level of the limit, strictly between 0 and 1 (0.95, 0.998).
    side
        ``"lower"`` or ``"upper"``.

    Returns
    -------
    pl.Expr
        The limit on the ratio scale (>= 0); null where E <= 0 or an input is null.

    Notes
    -----
    A unit with O events is flagged when its exact Poisson interval for the expected count
    (see :func:`~indicators.stats.poisson.exact_poisson_lower`) excludes θE.  Treating O as
    continuous, the limits are O*/E where O* solves::

        upper limit:  P(O*, θE) = α/2            (lower exact limit of O* equals θE)
        lower limit:  P(O* + 1, θE) = 1 − α/2    (upper exact limit of O* equals θE)

    with P the regularised lower incomplete gamma function (solved for its shape parameter
    with ``scipy.special.gdtrib``).  The lower limit is floored at 0.  This reproduces the
    ratio funnels of PHEindicatormethods.

    References
    ----------
    Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005;24:1185-1202.
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987.

    Examples
    --------
    >>> import polars as pl
    >>> sizes = pl.DataFrame({"expected": [5.0, 50.0, 500.0]})
    >>> sizes.with_columns(
    ...     lower=poisson_funnel_bound("expected", 1.0, 0.95, "lower").round(3),
    ...     upper=poisson_funnel_bound("expected", 1.0, 0.95, "upper").round(3),
    ... )
    shape: (3, 3)
    ┌──────────┬───────┬───────┐
    │ expected ┆ lower ┆ upper │
    │ ---      ┆ ---   ┆ ---   │
    │ f64      ┆ f64   ┆ f64   │
    ╞══════════╪═══════╪═══════╡
    │ 5.0      ┆ 0.135 ┆ 2.059 │
    │ 50.0     ┆ 0.723 ┆ 1.296 │
    │ 500.0    ┆ 0.912 ┆ 1.09  │
    └──────────┴───────┴───────┘
    """
    alpha = 1.0 - check_confidence(confidence)
    sign = _sign(side)
    e = to_expr(expected).cast(pl.Float64)
    theta = to_expr(target).cast(pl.Float64)
    mean = theta * e
    ok = (e > 0) & (theta > 0)
    safe_mean = pl.when(ok).then(mean).otherwise(1.0)
    if sign > 0:
        count = special.gdtrib(1.0, alpha / 2.0, safe_mean)
    else:
        count = (special.gdtrib(1.0, 1.0 - alpha / 2.0, safe_mean) - 1.0).clip(lower_bound=0.0)
    return pl.when(ok).then(count / e).when((e > 0) & (theta == 0)).then(0.0)


def _over(expr: pl.Expr, keys: list[str]) -> pl.Expr:
    return expr.over(keys) if keys else expr


def _keys(group_by: str | Sequence[str] | None) -> list[str]:
    if group_by is None:
        return []
    return [group_by] if isinstance(group_by, str) else list(group_by)


def _check_adjustment(adjustment: str) -> None:
    if adjustment not in get_args(Adjustment):
        msg = (
            f"adjustment must be one of {', '.join(map(repr, get_args(Adjustment)))}, "
            f"got {adjustment!r}"
        )
        raise ArgumentError(msg)


def _target_expr(target: float | str | None, pooled: pl.Expr, keys: list[str]) -> pl.Expr:
    if target is None:
        return _over(pooled, keys)
    if isinstance(target, str):
        return pl.col(target).cast(pl.Float64)
    return pl.lit(float(target), dtype=pl.Float64)


def _overdispersion(z: pl.Expr, s: pl.Expr, keys: list[str]) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Expressions for k, φ and τ² per group (Spiegelhalter 2005b).

    k = number of units with a z-score; φ = mean of squared z-scores winsorised at
    WINSORISATION_FRACTION in each tail; τ² = max(0, (kφ − (k − 1)) / (Σw − Σw²/Σw)), w = 1/s².
    """
    k = _over(z.count(), keys)
    low = _over(z.quantile(WINSORISATION_FRACTION, "linear"), keys)
    high = _over(z.quantile(1.0 - WINSORISATION_FRACTION, "linear"), keys)
    winsorised = z.clip(low, high)
    phi = pl.when(k >= OVERDISPERSION_MIN_UNITS).then(_over((winsorised**2).mean(), keys))
    w = pl.when(z.is_not_null()).then(1.0 / s**2)
    sum_w = _over(w.sum(), keys)
    sum_w2 = _over((w**2).sum(), keys)
    k_f = k.cast(pl.Float64)
    tau2_raw = (k_f * phi - (k_f - 1.0)) / (sum_w - sum_w2 / sum_w)
    # Positive whenever kφ > k − 1, also for φ <= 1 (Spiegelhalter 2005b; FunnelPlotR);
    # limits are adjusted only where φ > 1.
    tau2 = pl.when(phi.is_not_null()).then(tau2_raw.clip(lower_bound=0.0))
    return k, phi, tau2


def _funnel(
    frame: FrameT,
    *,
    keys: list[str],
    value: pl.Expr,
    pooled: pl.Expr,
    target: float | str | None,
    size: pl.Expr,
    transform: str,
    levels: tuple[float, ...],
    adjustment: Adjustment,
    multiplier: float,
    statistic: str,
    base_method: str,
    spread: pl.Expr | None = None,
) -> FrameT:
    """Shared pipeline of proportion, ratio and mean funnels.

    ``transform`` is ``"identity"`` (proportions, s = √(θ(1 − θ)/n)), ``"sqrt"`` (ratios,
    s = 1/(2√E)) or ``"normal"`` (means, s = σ/√n with σ = ``spread``).
    """
    theta = pl.col("target")
    n = pl.col("_size")
    t_value, t_theta, s = _scaled_under_target(transform, theta, n)
    out = frame.with_columns(
        value.alias("value"),
        size.alias("_size"),
        (pl.lit(None, pl.Float64) if spread is None else spread).alias("_spread"),
    )
    out = out.with_columns(_target_expr(target, pooled, keys).alias("target"))
    out = out.with_columns(s.alias("_s"))
    z = pl.when((pl.col("_s") > 0) & pl.col("value").is_not_null()).then(
        (t_value - t_theta) / pl.col("_s")
    )
    out = out.with_columns(z.alias("z_score"))
    k, phi, tau2 = _overdispersion(pl.col("z_score"), pl.col("_s"), keys)
    out = out.with_columns(k.alias("units"), phi.alias("phi"), tau2.alias("tau2"))
    adjusted = (pl.col("phi") > 1.0).fill_null(False) & pl.lit(adjustment != "none")

    columns: list[pl.Expr] = []
    for level in levels:
        columns += _level_limits(
            level,
            transform=transform,
            adjustment=adjustment,
            adjusted=adjusted,
            theta=theta,
            t_theta=t_theta,
            n=n,
            multiplier=multiplier,
        )
    out = out.with_columns(
        *columns,
        pl.lit(adjustment).alias("adjustment"),
        (pl.col("phi") > 1.0).fill_null(False).alias("overdispersed"),
        pl.lit(levels_label(levels)).alias("confidence"),
        pl.lit(statistic).alias("statistic"),
        pl.when(adjusted)
        .then(pl.lit(_adjusted_method(adjustment, base_method)))
        .otherwise(pl.lit(base_method))
        .alias("method"),
    )
    return out.with_columns(pl.col("value") * multiplier, pl.col("target") * multiplier).drop(
        "_size", "_s", "_spread"
    )


def _scaled_under_target(
    transform: str, theta: pl.Expr, n: pl.Expr
) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The value and the target on the comparison scale, and the standard error s there.

    ``"identity"``: p, θ, s = √(θ(1 − θ)/n); ``"normal"``: m, μ, s = σ/√n (σ in
    ``_spread``); ``"sqrt"``: √(O/E), √θ, s = 1/(2√E).  s is null where n <= 0.
    """
    if transform == "identity":
        t_value, t_theta = pl.col("value"), theta
        s = pl.when(n > 0).then((theta * (1.0 - theta) / n).sqrt())
    elif transform == "normal":
        t_value, t_theta = pl.col("value"), theta
        s = pl.when(n > 0).then(pl.col("_spread") / n.sqrt())
    else:
        t_value, t_theta = pl.col("value").sqrt(), theta.sqrt()
        s = pl.when(n > 0).then(0.5 / n.sqrt())
    return t_value, t_theta, s


def _level_limits(
    level: float,
    *,
    transform: str,
    adjustment: Adjustment,
    adjusted: pl.Expr,
    theta: pl.Expr,
    t_theta: pl.Expr,
    n: pl.Expr,
    multiplier: float,
) -> list[pl.Expr]:
    """``lower_<level>``, ``upper_<level>`` and ``flag_<level>`` of every unit.

    The limits are the overdispersion-adjusted ones where ``adjusted``, else the exact
    ones of the scale (Wilson, Poisson or normal); the flag says on which side of them
    the value lies (null without a value or a limit).
    """
    suffix = level_suffix(level)
    z_lvl = z_value(level)
    if adjustment == "multiplicative":
        half = z_lvl * pl.col("phi").sqrt() * pl.col("_s")
    else:
        half = z_lvl * (pl.col("_s") ** 2 + pl.col("tau2")).sqrt()
    if transform == "identity":
        adj_lower = (theta - half).clip(0.0, 1.0)
        adj_upper = (theta + half).clip(0.0, 1.0)
        base_lower = wilson_funnel_bound(n, theta, level, "lower")
        base_upper = wilson_funnel_bound(n, theta, level, "upper")
    elif transform == "normal":
        adj_lower, adj_upper = theta - half, theta + half
        base_lower = theta - z_lvl * pl.col("_s")
        base_upper = theta + z_lvl * pl.col("_s")
    else:
        adj_lower = (t_theta - half).clip(lower_bound=0.0) ** 2
        adj_upper = (t_theta + half) ** 2
        base_lower = poisson_funnel_bound(n, theta, level, "lower")
        base_upper = poisson_funnel_bound(n, theta, level, "upper")
    lower = pl.when(adjusted).then(adj_lower).otherwise(base_lower)
    upper = pl.when(adjusted).then(adj_upper).otherwise(base_upper)
    flag = (
        pl.when(pl.col("value").is_null() | lower.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("value") > upper)
        .then(pl.lit(FLAG_HIGH))
        .when(pl.col("value") < lower)
        .then(pl.lit(FLAG_LOW))
        .otherwise(pl.lit(FLAG_WITHIN))
    )
    return [
        (lower * multiplier).alias(f"lower_{suffix}"),
        (upper * multiplier).alias(f"upper_{suffix}"),
        flag.alias(f"flag_{suffix}"),
    ]


def _adjusted_method(adjustment: Adjustment, base_method: str) -> str:
    """The ``method`` text of a group whose limits are adjusted for overdispersion."""
    return {
        "none": base_method,
        "multiplicative": f"{base_method}, multiplicative overdispersion (Spiegelhalter 2005)",
        "additive": f"{base_method}, additive random effects (Spiegelhalter 2005)",
    }[adjustment]


def proportion_funnel_limits(
    frame: FrameT,
    numerator: str = "numerator",
    denominator: str = "denominator",
    *,
    group_by: str | Sequence[str] | None = None,
    target: float | str | None = None,
    confidence: Confidence = FUNNEL_CONFIDENCE,
    adjustment: Adjustment = "none",
    multiplier: float = 1.0,
) -> FrameT:
    """Funnel limits and outlier flags for proportions, for every unit of every group at once.

    Parameters
    ----------
    frame
        One row per unit (e.g. trust) and group (e.g. indicator × period).
    numerator
        Column with the count of events x.
    denominator
        Column with the count of cases n.
    group_by
        Column(s) that define separate funnels (e.g. ``["indicator", "period"]``); the
        target, φ and τ² are computed within each group.  None: one funnel.
    target
        The centre line θ as a proportion of 1: None (default) for the pooled value of the
        group Σx/Σn (e.g. the national value when the units cover the country), a number, or
        the name of a column holding it.
    confidence
        Levels of the control limits (default 95 % and 99.8 %).
    adjustment
        ``"none"``, ``"multiplicative"`` (θ ± z·√φ·s) or ``"additive"`` (θ ± z·√(s² + τ²)).
        Applied only in groups with φ > 1; other groups keep the unadjusted limits.
    multiplier
        Scale of value, target and limits (1 for proportions, 100 for percentages).

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        The input with, per unit: ``value`` (x/n), ``target``, ``z_score``, ``units`` (k, the
        number of units with a z-score in the group), ``phi``, ``tau2``, and for each level
        ``lower_<level>``, ``upper_<level>`` and ``flag_<level>`` (``"high"``, ``"low"`` or
        ``"within"``; null when the unit has no data); then ``adjustment``,
        ``overdispersed`` (φ > 1), ``confidence``, ``statistic`` and ``method``.

    Notes
    -----
    Standard error under the target: s = √(θ(1 − θ)/n); z = (p − θ)/s.

    Unadjusted limits: θ ± z_α·s clipped to [0, 1], which is the Wilson score inversion (see
    :func:`wilson_funnel_bound`).

    Overdispersion (Spiegelhalter 2005b): the z-scores of a group are winsorised at
    :data:`WINSORISATION_FRACTION` in each tail (clipped to the 10th and 90th percentiles,
    linear interpolation), φ = mean(z²) of the winsorised z; w = 1/s²;
    τ² = max(0, (kφ − (k − 1)) / (Σw − Σw²/Σw)), positive whenever kφ > k − 1 (also for φ <= 1;
    limits are adjusted only where φ > 1).  φ and τ² are not
    estimated (null) for groups with fewer than :data:`OVERDISPERSION_MIN_UNITS` units.

    References
    ----------
    Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005a;24:1185-1202.
    Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf Health
    Care 2005b;14:347-351.
    Wilson EB. J Am Stat Assoc 1927;22:209-212.

    Examples
    --------
    >>> import polars as pl
    >>> units = pl.DataFrame(
    ...     {
    ...         "trust": ["A", "B", "C", "D"],
    ...         "numerator": [30, 45, 80, 10],
    ...         "denominator": [100, 100, 200, 50],
    ...     }
    ... )
    >>> out = proportion_funnel_limits(units, confidence=0.95)
    >>> out.select("trust", "value", pl.col("target", "lower_95", "upper_95").round(3), "flag_95")
    shape: (4, 6)
    ┌───────┬───────┬────────┬──────────┬──────────┬─────────┐
    │ trust ┆ value ┆ target ┆ lower_95 ┆ upper_95 ┆ flag_95 │
    │ ---   ┆ ---   ┆ ---    ┆ ---      ┆ ---      ┆ ---     │
    │ str   ┆ f64   ┆ f64    ┆ f64      ┆ f64      ┆ str     │
    ╞═══════╪═══════╪════════╪══════════╪══════════╪═════════╡
    │ A     ┆ 0.3   ┆ 0.367  ┆ 0.272    ┆ 0.461    ┆ within  │
    │ B     ┆ 0.45  ┆ 0.367  ┆ 0.272    ┆ 0.461    ┆ within  │
    │ C     ┆ 0.4   ┆ 0.367  ┆ 0.3      ┆ 0.433    ┆ within  │
    │ D     ┆ 0.2   ┆ 0.367  ┆ 0.233    ┆ 0.5      ┆ low     │
    └───────┴───────┴────────┴──────────┴──────────┴─────────┘

    Trust D lies below the 95 % limit for its size.
    """
    _check_adjustment(adjustment)
    levels = confidence_levels(confidence)
    keys = _keys(group_by)
    x = pl.col(numerator).cast(pl.Float64)
    n = pl.col(denominator).cast(pl.Float64)
    valid = (n > 0) & (x >= 0) & (x <= n)
    value = pl.when(valid).then(x / n)
    pooled = pl.when(valid).then(x).sum() / pl.when(valid).then(n).sum()
    return _funnel(
        frame,
        keys=keys,
        value=value,
        pooled=pooled,
        target=target,
        size=pl.when(valid).then(n),
        transform="identity",
        levels=levels,
        adjustment=adjustment,
        multiplier=multiplier,
        statistic=f"proportion of {multiplier:g}",
        base_method="Wilson score funnel",
    )


def ratio_funnel_limits(
    frame: FrameT,
    observed: str = "observed",
    expected: str = "expected",
    *,
    group_by: str | Sequence[str] | None = None,
    target: float | str | None = None,
    confidence: Confidence = FUNNEL_CONFIDENCE,
    adjustment: Adjustment = "none",
    multiplier: float = 1.0,
) -> FrameT:
    """Funnel limits and outlier flags for observed/expected ratios, for all units at once.

    Parameters
    ----------
    frame
        One row per unit and group with an observed and an expected count.
    observed
        Column with the observed count O.
    expected
        Column with the expected count E (> 0), e.g. from
        :func:`~indicators.stats.standardise.expected_count`.
    group_by
        Column(s) that define separate funnels; None: one funnel.
    target
        The centre line θ as a ratio: None (default) for the pooled ratio ΣO/ΣE of the group,
        a number (1.0 for "as expected from the reference rates"), or a column name.
    confidence
        Levels of the control limits (default 95 % and 99.8 %).
    adjustment
        ``"none"``, ``"multiplicative"`` or ``"additive"``; applied only where φ > 1.
    multiplier
        Scale of value, target and limits (1 for a ratio, 100 for a ratio per 100).

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        As :func:`proportion_funnel_limits`, with ``value`` = O/E.  Units with E <= 0 or
        O < 0 have null value, z-score, limits and flags.

    Notes
    -----
    Unadjusted limits: exact Poisson inversion, see :func:`poisson_funnel_bound`.

    z-scores and adjusted limits use the square-root scale: z = (√(O/E) − √θ)/s with
    s = 1/(2√E), i.e. z = 2(√O − √(θE)).  Multiplicative limits: (√θ ± z_α·√φ·s)²;
    additive limits: (√θ ± z_α·√(s² + τ²))², the lower one floored at 0.  φ and τ² as in
    :func:`proportion_funnel_limits` (winsorised z, w = 1/s² = 4E).

    References
    ----------
    Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005a;24:1185-1202.
    Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf Health
    Care 2005b;14:347-351.
    Spiegelhalter D, Sherlaw-Johnson C, Bardsley M, et al. Statistical methods for
    healthcare regulation: rating, screening and surveillance. J R Stat Soc A
    2012;175:1-47.

    Examples
    --------
    >>> import polars as pl
    >>> units = pl.DataFrame(
    ...     {"trust": ["A", "B", "C"], "observed": [12, 30, 3], "expected": [10.0, 15.0, 9.0]}
    ... )
    >>> out = ratio_funnel_limits(units, target=1.0, confidence=0.95)
    >>> out.select("trust", pl.col("value", "lower_95", "upper_95").round(3), "flag_95")
    shape: (3, 5)
    ┌───────┬───────┬──────────┬──────────┬─────────┐
    │ trust ┆ value ┆ lower_95 ┆ upper_95 ┆ flag_95 │
    │ ---   ┆ ---   ┆ ---      ┆ ---      ┆ ---     │
    │ str   ┆ f64   ┆ f64      ┆ f64      ┆ str     │
    ╞═══════╪═══════╪══════════╪══════════╪═════════╡
    │ A     ┆ 1.2   ┆ 0.383    ┆ 1.713    ┆ within  │
    │ B     ┆ 2.0   ┆ 0.495    ┆ 1.568    ┆ high    │
    │ C     ┆ 0.333 ┆ 0.351    ┆ 1.756    ┆ low     │
    └───────┴───────┴──────────┴──────────┴─────────┘

    The limits narrow as the expected count grows: B has twice its expected count and is
    above the upper 95 % limit; C has a third of it and is below the lower limit.
    """
    _check_adjustment(adjustment)
    levels = confidence_levels(confidence)
    keys = _keys(group_by)
    o = pl.col(observed).cast(pl.Float64)
    e = pl.col(expected).cast(pl.Float64)
    valid = (e > 0) & (o >= 0)
    value = pl.when(valid).then(o / e)
    pooled = pl.when(valid).then(o).sum() / pl.when(valid).then(e).sum()
    return _funnel(
        frame,
        keys=keys,
        value=value,
        pooled=pooled,
        target=target,
        size=pl.when(valid).then(e),
        transform="sqrt",
        levels=levels,
        adjustment=adjustment,
        multiplier=multiplier,
        statistic=f"ratio (observed/expected) x {multiplier:g}",
        base_method="exact Poisson funnel",
    )


def mean_funnel_limits(
    frame: FrameT,
    mean: str = "mean",
    count: str = "count",
    *,
    spread: str | float,
    target: float | str,
    group_by: str | Sequence[str] | None = None,
    confidence: Confidence = FUNNEL_CONFIDENCE,
    adjustment: Adjustment = "none",
) -> FrameT:
    """Funnel limits and outlier flags for means (e.g. mean waiting time), for all units at once.

    Parameters
    ----------
    frame
        One row per unit and group with the unit's mean and the number of values behind it.
    mean
        Column with the unit's mean m (e.g. days).
    count
        Column with the number of values n behind the mean (e.g. referrals that started).
    spread
        Standard deviation σ of a single value under the target (e.g. the national standard
        deviation of waits, in days): a number or a column name.
    target
        The centre line μ (e.g. the national mean, in days): a number or a column name.
    group_by
        Column(s) that define separate funnels; None: one funnel.
    confidence
        Levels of the control limits (default 95 % and 99.8 %).
    adjustment
        ``"none"``, ``"multiplicative"`` or ``"additive"``; applied only where φ > 1.

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        As :func:`proportion_funnel_limits`, with ``value`` = m.  Units with n <= 0 or no
        mean have null value, z-score, limits and flags.

    Notes
    -----
    Standard error of a mean of n values under the target: s = σ/√n; z = (m − μ)/s.
    Unadjusted limits μ ± z_α·σ/√n (normal approximation, central limit theorem).
    A unit is flagged exactly when the interval m ± z_α·σ/√n excludes μ.  φ and τ² as in
    :func:`proportion_funnel_limits` (winsorised z, w = 1/s² = n/σ²); additive limits
    μ ± z_α·√(s² + τ²), multiplicative μ ± z_α·√φ·s.

    References
    ----------
    Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005a;24:1185-1202 (normal-theory funnels, §2).
    Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf Health
    Care 2005b;14:347-351.

    Examples
    --------
    >>> import polars as pl
    >>> units = pl.DataFrame({"trust": ["A", "B"], "mean": [35.0, 31.0], "count": [100, 25]})
    >>> out = mean_funnel_limits(units, spread=20.0, target=30.0, confidence=0.95)
    >>> out.select("trust", "value", pl.col("lower_95", "upper_95").round(2), "flag_95")
    shape: (2, 5)
    ┌───────┬───────┬──────────┬──────────┬─────────┐
    │ trust ┆ value ┆ lower_95 ┆ upper_95 ┆ flag_95 │
    │ ---   ┆ ---   ┆ ---      ┆ ---      ┆ ---     │
    │ str   ┆ f64   ┆ f64      ┆ f64      ┆ str     │
    ╞═══════╪═══════╪══════════╪══════════╪═════════╡
    │ A     ┆ 35.0  ┆ 26.08    ┆ 33.92    ┆ high    │
    │ B     ┆ 31.0  ┆ 22.16    ┆ 37.84    ┆ within  │
    └───────┴───────┴──────────┴──────────┴─────────┘

    With σ = 20 days, A's 100 waits put its limits at 30 ± 1.96·20/√100 = 30 ± 3.92 days: a
    mean of 35 days is above them.  B's 25 waits give 30 ± 7.84 days.
    """
    _check_adjustment(adjustment)
    levels = confidence_levels(confidence)
    keys = _keys(group_by)
    m = pl.col(mean).cast(pl.Float64)
    n = pl.col(count).cast(pl.Float64)
    valid = (n > 0) & m.is_not_null()
    return _funnel(
        frame,
        keys=keys,
        value=pl.when(valid).then(m),
        pooled=pl.lit(None, pl.Float64),
        target=target,
        size=pl.when(valid).then(n),
        transform="normal",
        levels=levels,
        adjustment=adjustment,
        multiplier=1.0,
        statistic="mean",
        base_method="normal funnel on the mean",
        spread=to_expr(spread).cast(pl.Float64),
    )
