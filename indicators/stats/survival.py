"""Waiting times: Kaplan–Meier curves with right-censoring, medians and shares within N days.

The "event" is the end of the wait (e.g. start of care); a referral still waiting at the
extract date is right-censored at its waiting time so far.  The curve S(t) is the estimated
share still waiting after t days.  All units are estimated at once with group-bys over the
distinct waiting times of each unit.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from indicators.stats._common import FrameT, check_confidence, level_label, z_value

__all__ = ["MEDIAN_SURVIVAL", "waiting_time_curve", "waiting_time_summary"]

MEDIAN_SURVIVAL = 0.5
"""Share still waiting that defines the median waiting time."""
SURVIVAL_TOLERANCE = 1e-9
"""Slack when S(t) is compared with 0.5: S is a running product, so an exact half comes
out as 0.5000000000000001 and a plain ``<=`` would skip a step (R's survival compares
with a tolerance for the same reason)."""


def _keys(group_by: str | Sequence[str] | None) -> list[str]:
    if group_by is None:
        return []
    return [group_by] if isinstance(group_by, str) else list(group_by)


def _over(expr: pl.Expr, keys: list[str], order_by: str) -> pl.Expr:
    return expr.over(keys, order_by=order_by) if keys else expr


def waiting_time_curve(
    frame: FrameT,
    duration: str = "duration",
    event: str = "event",
    *,
    group_by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    weight: str | None = None,
) -> FrameT:
    """Kaplan–Meier curve of the share still waiting, per unit, with log-log Greenwood limits.

    Parameters
    ----------
    frame
        One row per case (e.g. referral).
    duration
        Column with the waiting time (days, or any time unit) to the event or to censoring.
        Rows with a null or negative duration are ignored.
    event
        Boolean column: True when the wait ended (event observed), False when the case was
        still waiting at the end of follow-up (right-censored).  Null rows are ignored.
    group_by
        Column(s) identifying the unit (e.g. trust, period); None for one curve.
    confidence
        Two-sided level of the pointwise band, strictly between 0 and 1.
    weight
        Optional column with the number of cases each row stands for (a count table of
        unit x time x event, as an aggregated extract gives); None: one case per row.

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        One row per unit and distinct waiting time, sorted by time: ``group_by`` columns,
        ``time``, ``n_at_risk``, ``events``, ``censored``, ``survival`` (S(t), share still
        waiting just after t), ``ci_low``, ``ci_high`` and ``confidence``.

    Notes
    -----
    At each distinct time t_j with n_j at risk and d_j events::

        S(t) = Π_{t_j <= t} (1 − d_j/n_j)
        V(t) = Σ_{t_j <= t} d_j / (n_j (n_j − d_j))          (Greenwood)
        band:  S(t) ^ exp(± z·√V(t) / log S(t))              (log-log transform)

    The band is [S, S] where S(t) = 1 (no events yet) or S(t) = 0 (everyone has had the
    event).  Censored cases at a time t_j are at risk at t_j (events come first).  This is
    the estimator and band of ``scipy.stats.ecdf(...).sf.confidence_interval(method="log-log")``
    and of R's ``survival::survfit(conf.type = "log-log")``.

    References
    ----------
    Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat
    Assoc 1958;53:457-481.
    Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. Wiley 1980.

    Examples
    --------
    >>> import polars as pl
    >>> cases = pl.DataFrame(
    ...     {"duration": [5, 8, 8, 12, 20], "event": [True, True, False, True, False]}
    ... )
    >>> curve = waiting_time_curve(cases)
    >>> curve.select("time", "n_at_risk", "events", "censored", pl.col("survival").round(3))
    shape: (4, 5)
    ┌──────┬───────────┬────────┬──────────┬──────────┐
    │ time ┆ n_at_risk ┆ events ┆ censored ┆ survival │
    │ ---  ┆ ---       ┆ ---    ┆ ---      ┆ ---      │
    │ f64  ┆ u32       ┆ u32    ┆ u32      ┆ f64      │
    ╞══════╪═══════════╪════════╪══════════╪══════════╡
    │ 5.0  ┆ 5         ┆ 1      ┆ 0        ┆ 0.8      │
    │ 8.0  ┆ 4         ┆ 1      ┆ 1        ┆ 0.6      │
    │ 12.0 ┆ 2         ┆ 1      ┆ 0        ┆ 0.3      │
    │ 20.0 ┆ 1         ┆ 0      ┆ 1        ┆ 0.3      │
    └──────┴───────────┴────────┴──────────┴──────────┘
    """
    z = z_value(confidence)
    keys: list[str] = _keys(group_by)
    cases = frame.select(
        *keys,
        pl.col(duration).cast(pl.Float64).alias("time"),
        pl.col(event).cast(pl.Boolean).alias("_event"),
        (pl.col(weight) if weight else pl.lit(1)).cast(pl.Int64).alias("_weight"),
    ).filter(pl.col("time").is_not_null() & (pl.col("time") >= 0) & pl.col("_event").is_not_null())
    w = pl.col("_weight")
    per_time = cases.group_by([*keys, "time"]).agg(
        w.filter(pl.col("_event")).sum().cast(pl.UInt32).alias("events"),
        w.sum().cast(pl.UInt32).alias("_leaving"),
    )
    per_time = per_time.sort([*keys, "time"])
    leaving = pl.col("_leaving").cast(pl.Int64)
    # Number at risk at t_j: everyone whose time is >= t_j (reverse cumulative count).
    at_risk = _over(leaving.cum_sum(reverse=True), keys, "time")
    d = pl.col("events").cast(pl.Float64)
    n = pl.col("n_at_risk").cast(pl.Float64)
    curve = per_time.with_columns(
        at_risk.cast(pl.UInt32).alias("n_at_risk"),
        (pl.col("_leaving") - pl.col("events")).alias("censored"),
    ).with_columns(
        _over((1.0 - d / n).cum_prod(), keys, "time").alias("survival"),
        _over(pl.when(d > 0).then(d / (n * (n - d))).otherwise(0.0).cum_sum(), keys, "time").alias(
            "_greenwood"
        ),
    )
    s = pl.col("survival")
    exponent = (z * pl.col("_greenwood").sqrt() / s.log()).exp()
    interior = (s > 0) & (s < 1)
    curve = curve.with_columns(
        pl.when(interior).then(s.pow(1.0 / exponent)).otherwise(s).alias("ci_low"),
        pl.when(interior).then(s.pow(exponent)).otherwise(s).alias("ci_high"),
        pl.lit(level_label(confidence)).alias("confidence"),
    )
    return curve.select(
        *keys,
        "time",
        "n_at_risk",
        "events",
        "censored",
        "survival",
        "ci_low",
        "ci_high",
        "confidence",
    )


def waiting_time_summary(
    frame: FrameT,
    duration: str = "duration",
    event: str = "event",
    *,
    group_by: str | Sequence[str] | None = None,
    within_days: float = 30,
    confidence: float = 0.95,
    weight: str | None = None,
) -> FrameT:
    """Median waiting time with its interval, and the share started within N days, per unit.

    Parameters
    ----------
    frame, duration, event, group_by, confidence, weight
        As for :func:`waiting_time_curve`.
    within_days
        N: the share of cases whose wait ended within N days (inclusive) is read off the
        curve, 1 − S(N).

    Returns
    -------
    pl.DataFrame or pl.LazyFrame
        One row per unit: ``group_by`` columns, ``n`` (cases), ``events``, ``median``,
        ``median_ci_low``, ``median_ci_high``, ``within_days``, ``share_within``,
        ``share_within_ci_low``, ``share_within_ci_high``, ``confidence``, ``method``.

    Notes
    -----
    - median = the first time t with S(t) <= 0.5 (within :data:`SURVIVAL_TOLERANCE`);
      null if the curve never reaches 0.5;
    - median interval (Brookmeyer–Crowley, by inverting the pointwise log-log band, as R's
      ``survfit``): lower = first t with ci_low(t) <= 0.5, upper = first t with
      ci_high(t) <= 0.5 (null, i.e. not estimable, if the band never reaches 0.5);
    - share within N = 1 − S(N), with S(N) the curve at the last time <= N (1 before the
      first time) and band (1 − ci_high, 1 − ci_low); null when N is beyond the last
      observed time and the curve has not reached 0 (S(N) is not estimable there).

    References
    ----------
    Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457-481.
    Brookmeyer R, Crowley J. A confidence interval for the median survival time.
    Biometrics 1982;38:29-41.

    Examples
    --------
    >>> import polars as pl
    >>> cases = pl.DataFrame(
    ...     {
    ...         "trust": ["A"] * 5 + ["B"] * 3,
    ...         "duration": [5, 8, 8, 12, 20, 40, 50, 60],
    ...         "event": [True, True, False, True, False, True, True, False],
    ...     }
    ... )
    >>> summary = waiting_time_summary(cases, group_by="trust", within_days=10)
    >>> summary.select("trust", "n", "events", "median", pl.col("share_within").round(2))
    shape: (2, 5)
    ┌───────┬─────┬────────┬────────┬──────────────┐
    │ trust ┆ n   ┆ events ┆ median ┆ share_within │
    │ ---   ┆ --- ┆ ---    ┆ ---    ┆ ---          │
    │ str   ┆ u32 ┆ u32    ┆ f64    ┆ f64          │
    ╞═══════╪═════╪════════╪════════╪══════════════╡
    │ A     ┆ 5   ┆ 3      ┆ 12.0   ┆ 0.4          │
    │ B     ┆ 3   ┆ 2      ┆ 50.0   ┆ 0.0          │
    └───────┴─────┴────────┴────────┴──────────────┘
    """
    check_confidence(confidence)
    keys: list[str] = _keys(group_by)
    curve = waiting_time_curve(
        frame, duration, event, group_by=keys or None, confidence=confidence, weight=weight
    )
    t = pl.col("time")
    s = pl.col("survival")
    half = MEDIAN_SURVIVAL + SURVIVAL_TOLERANCE
    before = t <= within_days
    beyond_end = (t.max() < within_days) & (s.last() > 0)
    s_at = pl.when(before.any()).then(s.filter(before).last()).otherwise(1.0)
    low_at = pl.when(before.any()).then(pl.col("ci_low").filter(before).last()).otherwise(1.0)
    high_at = pl.when(before.any()).then(pl.col("ci_high").filter(before).last()).otherwise(1.0)
    aggs = [
        pl.col("n_at_risk").first().alias("n"),
        pl.col("events").sum().alias("events"),
        t.filter(s <= half).first().alias("median"),
        t.filter(pl.col("ci_low") <= half).first().alias("median_ci_low"),
        t.filter(pl.col("ci_high") <= half).first().alias("median_ci_high"),
        pl.when(~beyond_end).then(1.0 - s_at).alias("share_within"),
        pl.when(~beyond_end).then(1.0 - high_at).alias("share_within_ci_low"),
        pl.when(~beyond_end).then(1.0 - low_at).alias("share_within_ci_high"),
    ]
    summary = curve.group_by(keys, maintain_order=True).agg(aggs) if keys else curve.select(aggs)
    return summary.with_columns(
        pl.lit(float(within_days)).alias("within_days"),
        pl.lit(level_label(confidence)).alias("confidence"),
        pl.lit("Kaplan-Meier; median interval Brookmeyer-Crowley (log-log)").alias("method"),
    ).select(
        *keys,
        "n",
        "events",
        "median",
        "median_ci_low",
        "median_ci_high",
        "within_days",
        "share_within",
        "share_within_ci_low",
        "share_within_ci_high",
        "confidence",
        "method",
    )
