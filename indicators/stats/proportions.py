"""Proportions with Wilson score confidence intervals.

A proportion is x events out of n cases (0 <= x <= n).  The Wilson interval keeps its limits
inside [0, 1], is well defined at x = 0 and x = n, and has close to nominal coverage for the
small denominators of trusts and tertials.  A denominator of 0 is "no data": the value and its
limits are null, never an error.
"""

from __future__ import annotations

import polars as pl

from indicators.stats._common import (
    Confidence,
    FrameT,
    IntoExpr,
    confidence_levels,
    level_suffix,
    levels_label,
    to_expr,
    z_value,
)

__all__ = ["proportion", "wilson_interval", "wilson_lower", "wilson_upper"]

PROPORTION_METHOD = "Wilson"
"""Value of the ``method`` column written by :func:`wilson_interval`."""


def _valid(x: pl.Expr, n: pl.Expr) -> pl.Expr:
    """Rows where a proportion is defined: 0 <= x <= n and n > 0 (nulls give null)."""
    return (n > 0) & (x >= 0) & (x <= n)


def proportion(x: IntoExpr, n: IntoExpr) -> pl.Expr:
    """Proportion x/n as an expression; null when n = 0, x < 0 or x > n.

    Parameters
    ----------
    x
        Numerator: number of cases with the event (count), a column name or expression.
    n
        Denominator: number of cases (count).

    Returns
    -------
    pl.Expr
        Float expression named after ``x``: p = x / n, between 0 and 1.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"x": [3, 0], "n": [4, 0]}).select(proportion("x", "n"))
    shape: (2, 1)
    ┌──────┐
    │ x    │
    │ ---  │
    │ f64  │
    ╞══════╡
    │ 0.75 │
    │ null │
    └──────┘
    """
    x_, n_ = to_expr(x).cast(pl.Float64), to_expr(n).cast(pl.Float64)
    return pl.when(_valid(x_, n_)).then(x_ / n_)


def _wilson_bound(x: IntoExpr, n: IntoExpr, confidence: float, sign: float) -> pl.Expr:
    z = z_value(confidence)
    x_, n_ = to_expr(x).cast(pl.Float64), to_expr(n).cast(pl.Float64)
    z2 = z * z
    # 4x(1 - x/n) is 0 at x = 0 and x = n; clip tiny negative rounding before the root.
    spread = z * (z2 + 4.0 * x_ * (1.0 - x_ / n_)).clip(lower_bound=0.0).sqrt()
    bound = (2.0 * x_ + z2 + sign * spread) / (2.0 * (n_ + z2))
    # Exact end points: the formula gives 0 at x = 0 (lower) and 1 at x = n (upper) in exact
    # arithmetic; pin them so rounding cannot leave 0.9999999999999999.
    edge = (x_ == 0) if sign < 0 else (x_ == n_)
    return (
        pl.when(~_valid(x_, n_))
        .then(None)
        .when(edge)
        .then(0.0 if sign < 0 else 1.0)
        .otherwise(bound.clip(0.0, 1.0))
    )


def wilson_lower(x: IntoExpr, n: IntoExpr, confidence: float = 0.95) -> pl.Expr:
    """Lower Wilson score confidence limit of the proportion x/n.

    Parameters
    ----------
    x
        Numerator (count of events), column name or expression.
    n
        Denominator (count of cases), column name or expression.
    confidence
        Two-sided confidence level strictly between 0 and 1, e.g. 0.95 or 0.998.

    Returns
    -------
    pl.Expr
        Float expression with the lower limit as a proportion in [0, 1]; null where n = 0,
        x < 0, x > n or an input is null.

    Notes
    -----
    With z = Φ⁻¹(1 − α/2) and α = 1 − confidence::

        lower = (2x + z² − z·√(z² + 4x(1 − x/n))) / (2(n + z²))

    The lower limit is exactly 0 when x = 0.

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical inference.
    J Am Stat Assoc 1927;22:209-212.
    Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of
    seven methods. Stat Med 1998;17:857-872 (method 3).

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"x": [65, 0], "n": [100, 10]})
    >>> frame.select(lower=wilson_lower("x", "n").round(6))
    shape: (2, 1)
    ┌──────────┐
    │ lower    │
    │ ---      │
    │ f64      │
    ╞══════════╡
    │ 0.552544 │
    │ 0.0      │
    └──────────┘
    """
    return _wilson_bound(x, n, confidence, -1.0)


def wilson_upper(x: IntoExpr, n: IntoExpr, confidence: float = 0.95) -> pl.Expr:
    """Upper Wilson score confidence limit of the proportion x/n.

    Parameters
    ----------
    x
        Numerator (count of events), column name or expression.
    n
        Denominator (count of cases), column name or expression.
    confidence
        Two-sided confidence level strictly between 0 and 1, e.g. 0.95 or 0.998.

    Returns
    -------
    pl.Expr
        Float expression with the upper limit as a proportion in [0, 1]; null where n = 0,
        x < 0, x > n or an input is null.

    Notes
    -----
    With z = Φ⁻¹(1 − α/2)::

        upper = (2x + z² + z·√(z² + 4x(1 − x/n))) / (2(n + z²))

    The upper limit is exactly 1 when x = n.

    References
    ----------
    Wilson EB. J Am Stat Assoc 1927;22:209-212.
    Newcombe RG. Stat Med 1998;17:857-872.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"x": [65, 10], "n": [100, 10]})
    >>> frame.select(upper=wilson_upper("x", "n", confidence=0.998).round(6))
    shape: (2, 1)
    ┌──────────┐
    │ upper    │
    │ ---      │
    │ f64      │
    ╞══════════╡
    │ 0.778354 │
    │ 1.0      │
    └──────────┘
    """
    return _wilson_bound(x, n, confidence, 1.0)


def wilson_interval(
    frame: FrameT,
    x: str = "numerator",
    n: str = "denominator",
    *,
    confidence: Confidence = (0.95, 0.998),
    multiplier: float = 1.0,
) -> FrameT:
    """Add proportions and their Wilson score intervals for every row (unit) of a frame.

    Parameters
    ----------
    frame
        One row per unit (trust, period, stratum...), eager or lazy.
    x
        Name of the numerator column (count of events).
    n
        Name of the denominator column (count of cases).
    confidence
        One confidence level or several, each strictly between 0 and 1.  Default: 95 % and
        99.8 %, computed in the same call.
    multiplier
        Scale of the value and limits: 1 for a proportion of 1, 100 for a percentage.

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        The input with ``value`` (x/n × multiplier), ``lower_<level>`` and ``upper_<level>`` for
        each level (``lower_95``, ``upper_95``, ``lower_99_8``, ``upper_99_8``), and the
        self-describing columns ``confidence`` (e.g. ``"95%, 99.8%"``), ``statistic``
        (``"proportion of 1"`` or ``"proportion of 100"``) and ``method`` (``"Wilson"``).
        Rows with n = 0, x < 0, x > n or a null input get null value and limits.

    Notes
    -----
    For each level, z = Φ⁻¹(1 − α/2) and the limits are
    (2x + z² ± z·√(z² + 4x(1 − x/n))) / (2(n + z²)); see :func:`wilson_lower`.

    References
    ----------
    Wilson EB. J Am Stat Assoc 1927;22:209-212.
    Newcombe RG. Stat Med 1998;17:857-872.

    Examples
    --------
    Two trusts, one with no cases in the period:

    >>> import polars as pl
    >>> frame = pl.DataFrame({"trust": ["A", "B"], "numerator": [65, 0], "denominator": [100, 0]})
    >>> out = wilson_interval(frame, confidence=0.95)
    >>> out.select("trust", "value", "lower_95", "upper_95", "method")
    shape: (2, 5)
    ┌───────┬───────┬──────────┬──────────┬────────┐
    │ trust ┆ value ┆ lower_95 ┆ upper_95 ┆ method │
    │ ---   ┆ ---   ┆ ---      ┆ ---      ┆ ---    │
    │ str   ┆ f64   ┆ f64      ┆ f64      ┆ str    │
    ╞═══════╪═══════╪══════════╪══════════╪════════╡
    │ A     ┆ 0.65  ┆ 0.552544 ┆ 0.736358 ┆ Wilson │
    │ B     ┆ null  ┆ null     ┆ null     ┆ Wilson │
    └───────┴───────┴──────────┴──────────┴────────┘

    Trust B has no cases, so its value and limits are null rather than an error.
    """
    levels = confidence_levels(confidence)
    limits: list[pl.Expr] = []
    for level in levels:
        suffix = level_suffix(level)
        limits.append((wilson_lower(x, n, level) * multiplier).alias(f"lower_{suffix}"))
        limits.append((wilson_upper(x, n, level) * multiplier).alias(f"upper_{suffix}"))
    return frame.with_columns(
        (proportion(x, n) * multiplier).alias("value"),
        *limits,
        pl.lit(levels_label(levels)).alias("confidence"),
        pl.lit(f"proportion of {multiplier:g}").alias("statistic"),
        pl.lit(PROPORTION_METHOD).alias("method"),
    )
