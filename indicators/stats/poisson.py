"""Confidence intervals for counts and for observed/expected ratios (Poisson).

A count O of events is treated as Poisson.  Its interval is the exact (chi-square) interval
for small counts and Byar's approximation from :data:`BYAR_MIN_COUNT` events up, as
PHEindicatormethods does; the method used is reported per row.  A ratio O/E with a fixed
expected count E gets the count interval divided by E.
"""

from __future__ import annotations

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

__all__ = [
    "BYAR_MIN_COUNT",
    "byar_lower",
    "byar_upper",
    "exact_poisson_lower",
    "exact_poisson_upper",
    "poisson_interval",
    "poisson_lower",
    "poisson_method",
    "poisson_upper",
    "ratio_interval",
]

BYAR_MIN_COUNT = 10
"""Counts from this value up use Byar's approximation; smaller counts use exact limits."""

METHOD_BYAR = "Byar"
METHOD_EXACT = "exact"


def byar_lower(observed: IntoExpr, confidence: float = 0.95) -> pl.Expr:
    """Lower confidence limit of a Poisson count by Byar's approximation.

    Parameters
    ----------
    observed
        Observed count O (events), column name or expression; O > 0.
    confidence
        Two-sided confidence level strictly between 0 and 1.

    Returns
    -------
    pl.Expr
        Lower limit for the expected count; null where O <= 0, O is null, or the
        approximation gives a negative value (O = 1 at 99.8 %).  :func:`poisson_lower`
        uses exact limits for such small counts.

    Notes
    -----
    With z = Φ⁻¹(1 − α/2)::

        lower = O · (1 − 1/(9O) − z/(3√O))³

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II: The Design and
    Analysis of Cohort Studies. IARC Scientific Publications No. 82, Lyon 1987, p. 69.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"o": [65]}).select(lower=byar_lower("o").round(6))
    shape: (1, 1)
    ┌───────────┐
    │ lower     │
    │ ---       │
    │ f64       │
    ╞═══════════╡
    │ 50.163188 │
    └───────────┘
    """
    z = z_value(confidence)
    o = to_expr(observed).cast(pl.Float64)
    value = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * o.sqrt())) ** 3
    # At small O and high confidence the cubed term turns negative: the approximation has
    # broken down, so the limit is null (as in PHEindicatormethods), not a negative count.
    return pl.when((o > 0) & (value >= 0)).then(value)


def byar_upper(observed: IntoExpr, confidence: float = 0.95) -> pl.Expr:
    """Upper confidence limit of a Poisson count by Byar's approximation.

    Parameters
    ----------
    observed
        Observed count O (events), column name or expression; O >= 0.
    confidence
        Two-sided confidence level strictly between 0 and 1.

    Returns
    -------
    pl.Expr
        Upper limit for the expected count; null where O < 0 or O is null.

    Notes
    -----
    With z = Φ⁻¹(1 − α/2)::

        upper = (O + 1) · (1 − 1/(9(O + 1)) + z/(3√(O + 1)))³

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987, p. 69.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"o": [65]}).select(byar_upper("o").round(6))
    shape: (1, 1)
    ┌───────────┐
    │ o         │
    │ ---       │
    │ f64       │
    ╞═══════════╡
    │ 82.849139 │
    └───────────┘
    """
    z = z_value(confidence)
    o1 = to_expr(observed).cast(pl.Float64) + 1.0
    value = o1 * (1.0 - 1.0 / (9.0 * o1) + z / (3.0 * o1.sqrt())) ** 3
    return pl.when(o1 >= 1.0).then(value)


def exact_poisson_lower(observed: IntoExpr, confidence: float = 0.95) -> pl.Expr:
    """Exact (chi-square) lower confidence limit of a Poisson count.

    Parameters
    ----------
    observed
        Observed count O (events), column name or expression; O >= 0.
    confidence
        Two-sided confidence level strictly between 0 and 1.

    Returns
    -------
    pl.Expr
        Lower limit for the expected count: 0 at O = 0; null where O < 0 or O is null.

    Notes
    -----
    lower = χ²_{α/2}(2O) / 2, the α/2 quantile of the chi-square distribution with 2O degrees
    of freedom, computed as the inverse regularised incomplete gamma function P⁻¹(O, α/2).

    References
    ----------
    Garwood F. Fiducial limits for the Poisson distribution. Biometrika 1936;28:437-442.
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"o": [0, 1]}).select(exact_poisson_lower("o").round(6))
    shape: (2, 1)
    ┌──────────┐
    │ o        │
    │ ---      │
    │ f64      │
    ╞══════════╡
    │ 0.0      │
    │ 0.025318 │
    └──────────┘
    """
    alpha = 1.0 - check_confidence(confidence)
    o = to_expr(observed).cast(pl.Float64)
    safe = pl.when(o > 0).then(o).otherwise(1.0)
    value = special.gammaincinv(safe, alpha / 2.0)
    return pl.when(o > 0).then(value).when(o == 0).then(0.0)


def exact_poisson_upper(observed: IntoExpr, confidence: float = 0.95) -> pl.Expr:
    """Exact (chi-square) upper confidence limit of a Poisson count.

    Parameters
    ----------
    observed
        Observed count O (events), column name or expression; O >= 0.
    confidence
        Two-sided confidence level strictly between 0 and 1.

    Returns
    -------
    pl.Expr
        Upper limit for the expected count; null where O < 0 or O is null.

    Notes
    -----
    upper = χ²_{1−α/2}(2O + 2) / 2, computed as P⁻¹(O + 1, 1 − α/2).

    References
    ----------
    Garwood F. Biometrika 1936;28:437-442.
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"o": [0, 1]}).select(exact_poisson_upper("o").round(6))
    shape: (2, 1)
    ┌──────────┐
    │ o        │
    │ ---      │
    │ f64      │
    ╞══════════╡
    │ 3.688879 │
    │ 5.571643 │
    └──────────┘
    """
    alpha = 1.0 - check_confidence(confidence)
    o = to_expr(observed).cast(pl.Float64)
    safe = pl.when(o >= 0).then(o).otherwise(0.0)
    return pl.when(o >= 0).then(special.gammaincinv(safe + 1.0, 1.0 - alpha / 2.0))


def poisson_method(observed: IntoExpr) -> pl.Expr:
    """Name of the interval method used for each count: ``"Byar"`` or ``"exact"``.

    Parameters
    ----------
    observed
        Observed count O, column name or expression.

    Returns
    -------
    pl.Expr
        ``"Byar"`` where O >= :data:`BYAR_MIN_COUNT`, ``"exact"`` where 0 <= O < 10, null
        otherwise.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"o": [9, 10]}).select(method=poisson_method("o"))
    shape: (2, 1)
    ┌────────┐
    │ method │
    │ ---    │
    │ str    │
    ╞════════╡
    │ exact  │
    │ Byar   │
    └────────┘
    """
    o = to_expr(observed)
    return (
        pl.when(o >= BYAR_MIN_COUNT)
        .then(pl.lit(METHOD_BYAR))
        .when(o >= 0)
        .then(pl.lit(METHOD_EXACT))
    )


def poisson_lower(observed: IntoExpr, confidence: float = 0.95) -> pl.Expr:
    """Lower limit of a Poisson count: Byar's from O >= 10, exact below.

    Parameters
    ----------
    observed
        Observed count O, column name or expression.
    confidence
        Two-sided confidence level strictly between 0 and 1.

    Returns
    -------
    pl.Expr
        Lower limit for the expected count (0 at O = 0; null where O < 0 or null).

    Notes
    -----
    See :func:`byar_lower` (O >= :data:`BYAR_MIN_COUNT`) and :func:`exact_poisson_lower`.

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"o": [1, 65]}).select(poisson_lower("o").round(6))
    shape: (2, 1)
    ┌───────────┐
    │ o         │
    │ ---       │
    │ f64       │
    ╞═══════════╡
    │ 0.025318  │
    │ 50.163188 │
    └───────────┘
    """
    o = to_expr(observed)
    return (
        pl.when(o >= BYAR_MIN_COUNT)
        .then(byar_lower(o, confidence))
        .otherwise(exact_poisson_lower(o, confidence))
    )


def poisson_upper(observed: IntoExpr, confidence: float = 0.95) -> pl.Expr:
    """Upper limit of a Poisson count: Byar's from O >= 10, exact below.

    Parameters
    ----------
    observed
        Observed count O, column name or expression.
    confidence
        Two-sided confidence level strictly between 0 and 1.

    Returns
    -------
    pl.Expr
        Upper limit for the expected count; null where O < 0 or null.

    Notes
    -----
    See :func:`byar_upper` (O >= :data:`BYAR_MIN_COUNT`) and :func:`exact_poisson_upper`.

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987.

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"o": [1, 65]}).select(poisson_upper("o").round(6))
    shape: (2, 1)
    ┌───────────┐
    │ o         │
    │ ---       │
    │ f64       │
    ╞═══════════╡
    │ 5.571643  │
    │ 82.849139 │
    └───────────┘
    """
    o = to_expr(observed)
    return (
        pl.when(o >= BYAR_MIN_COUNT)
        .then(byar_upper(o, confidence))
        .otherwise(exact_poisson_upper(o, confidence))
    )


def poisson_interval(
    frame: FrameT,
    observed: str = "observed",
    *,
    confidence: Confidence = (0.95, 0.998),
) -> FrameT:
    """Add confidence intervals of a Poisson count for every row of a frame.

    Parameters
    ----------
    frame
        One row per unit, eager or lazy.
    observed
        Name of the column with the observed count O (events).
    confidence
        One level or several, each strictly between 0 and 1 (default 95 % and 99.8 %).

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        The input with ``value`` (= O), ``lower_<level>``/``upper_<level>`` per level, and
        ``confidence``, ``statistic`` (``"count"``) and ``method`` (``"Byar"`` or ``"exact"``
        per row, see :func:`poisson_method`).

    Notes
    -----
    Byar's approximation for O >= :data:`BYAR_MIN_COUNT`, exact chi-square limits below.

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987.

    Examples
    --------
    >>> import polars as pl
    >>> out = poisson_interval(pl.DataFrame({"observed": [1, 1045]}), confidence=0.95)
    >>> out.select("value", pl.col("lower_95", "upper_95").round(3), "method")
    shape: (2, 4)
    ┌────────┬──────────┬──────────┬────────┐
    │ value  ┆ lower_95 ┆ upper_95 ┆ method │
    │ ---    ┆ ---      ┆ ---      ┆ ---    │
    │ f64    ┆ f64      ┆ f64      ┆ str    │
    ╞════════╪══════════╪══════════╪════════╡
    │ 1.0    ┆ 0.025    ┆ 5.572    ┆ exact  │
    │ 1045.0 ┆ 982.593  ┆ 1110.331 ┆ Byar   │
    └────────┴──────────┴──────────┴────────┘
    """
    levels = confidence_levels(confidence)
    o = pl.col(observed)
    limits: list[pl.Expr] = []
    for level in levels:
        suffix = level_suffix(level)
        limits.append(poisson_lower(o, level).alias(f"lower_{suffix}"))
        limits.append(poisson_upper(o, level).alias(f"upper_{suffix}"))
    return frame.with_columns(
        pl.when(o >= 0).then(o.cast(pl.Float64)).alias("value"),
        *limits,
        pl.lit(levels_label(levels)).alias("confidence"),
        pl.lit("count").alias("statistic"),
        poisson_method(o).alias("method"),
    )


def ratio_interval(
    frame: FrameT,
    observed: str = "observed",
    expected: str = "expected",
    *,
    confidence: Confidence = (0.95, 0.998),
    multiplier: float = 1.0,
    statistic: str = "ratio (observed/expected)",
) -> FrameT:
    """Add observed/expected ratios and their Poisson confidence intervals for every row.

    Parameters
    ----------
    frame
        One row per unit with an observed and an expected count, eager or lazy.
    observed
        Name of the observed count column O (events).
    expected
        Name of the expected count column E (events expected at reference rates), E > 0.
    confidence
        One level or several, each strictly between 0 and 1 (default 95 % and 99.8 %).
    multiplier
        Scale of value and limits: 1 for a ratio, 100 for a ratio per 100.
    statistic
        Text written to the ``statistic`` column.

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        The input with ``value`` = O/E × multiplier, ``lower_<level>``/``upper_<level>``, and
        ``confidence``, ``statistic`` and ``method`` (``"Byar"`` or ``"exact"`` per row).
        Rows with E <= 0, O < 0 or a null input get nulls.

    Notes
    -----
    The expected count is treated as fixed, so the ratio interval is the count interval
    divided by E: (L(O)/E, U(O)/E), with L and U from :func:`poisson_lower` and
    :func:`poisson_upper`.

    References
    ----------
    Breslow NE, Day NE. Statistical Methods in Cancer Research, Volume II. IARC 1987.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"observed": [895, 3, 5], "expected": [835.883561, 4.0, 0.0]})
    >>> out = ratio_interval(frame, confidence=0.95)
    >>> out.select(pl.col("value", "lower_95", "upper_95").round(4), "method")
    shape: (3, 4)
    ┌────────┬──────────┬──────────┬────────┐
    │ value  ┆ lower_95 ┆ upper_95 ┆ method │
    │ ---    ┆ ---      ┆ ---      ┆ ---    │
    │ f64    ┆ f64      ┆ f64      ┆ str    │
    ╞════════╪══════════╪══════════╪════════╡
    │ 1.0707 ┆ 1.0017   ┆ 1.1432   ┆ Byar   │
    │ 0.75   ┆ 0.1547   ┆ 2.1918   ┆ exact  │
    │ null   ┆ null     ┆ null     ┆ null   │
    └────────┴──────────┴──────────┴────────┘

    The third unit has no expected events, so its ratio is null.
    """
    levels = confidence_levels(confidence)
    o = pl.col(observed)
    e = pl.col(expected).cast(pl.Float64)
    ok = (e > 0) & (o >= 0)
    limits: list[pl.Expr] = []
    for level in levels:
        suffix = level_suffix(level)
        scale = multiplier / e
        limits.append(pl.when(ok).then(poisson_lower(o, level) * scale).alias(f"lower_{suffix}"))
        limits.append(pl.when(ok).then(poisson_upper(o, level) * scale).alias(f"upper_{suffix}"))
    return frame.with_columns(
        pl.when(ok).then(o.cast(pl.Float64) / e * multiplier).alias("value"),
        *limits,
        pl.lit(levels_label(levels)).alias("confidence"),
        pl.lit(statistic).alias("statistic"),
        pl.when(ok).then(poisson_method(o)).alias("method"),
    )
