"""Statistics on the counted indicators.

Values, intervals, national values, funnels, overdispersion, goal achievement,
variation and waiting-time curves.

Everything works on the whole table at once (all indicators, levels, units and
periods); per-group quantities (national value, φ, τ²) come from group-bys over
``indicator_id``, ``level`` and ``period``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from indicators.catalogue.model import Indicator
from indicators.compute.aggregate import EXPECTED_KINDS, KEYS
from indicators.stats._common import z_value
from indicators.stats.funnels import (
    mean_funnel_limits,
    proportion_funnel_limits,
    ratio_funnel_limits,
)
from indicators.stats.poisson import METHOD_EXACT, exact_poisson_lower, exact_poisson_upper
from indicators.stats.proportions import wilson_lower, wilson_upper
from indicators.stats.survival import waiting_time_curve, waiting_time_summary
from indicators.stats.variation import variation_statistics

CONFIDENCE = 0.95
GROUP = ["indicator_id", "level", "period", "period_type"]


def _kind_map(by_id: dict[str, Indicator]) -> pl.Expr:
    """Each row's kind as the statistics treat it: a case-mix O/E as ``observed_expected``."""
    return pl.col("indicator_id").replace_strict(
        {i: _statistical_kind(ind) for i, ind in by_id.items()}, return_dtype=pl.String
    )


def _statistical_kind(indicator: Indicator) -> str:
    """``observed_expected`` for both O/E kinds (their E is a sum of case probabilities)."""
    return "observed_expected" if indicator.kind in EXPECTED_KINDS else indicator.kind


def add_intervals(table: pl.DataFrame, by_id: dict[str, Indicator]) -> pl.DataFrame:
    """Add value, interval, method and national value to every row.

    - proportion: ``x / n`` with the Wilson score interval;
    - O/E ratio: ``O / E`` with the exact Poisson interval on O (Garwood), over E;
    - standardised proportion: ``(O / E) · p_national`` with the exact Poisson interval
      on O scaled the same way;
    - waiting time: already carries the Kaplan–Meier median and its interval; adds the
      mean's interval ``mean_ci_low``, ``mean_ci_high`` = m ± z·σ/√n (m the unit's mean
      wait of the n who started, σ the national standard deviation of waits, z = 1.96).

    Each interval inverts the same test as the unit's plain funnel (:func:`add_funnels`):
    the interval lies wholly above (below) the funnel's centre exactly when the unit is
    flagged high (low) at the same level.  That is why ratios use the exact Poisson
    interval at every O (the funnel is the exact inversion), not Byar's from O >= 10, and
    why the mean's interval uses the national σ of the funnel rather than the unit's own.

    Also adds ``_scale`` (the national crude share for a standardised proportion, 1
    otherwise) and ``_national_sd`` (σ), which :func:`add_funnels` uses and drops.
    """
    kind = _kind_map(by_id)
    x, n = pl.col("numerator"), pl.col("n_cases").cast(pl.Float64)
    e = pl.col("expected")
    table = table.with_columns(
        kind.alias("_kind"),
        # Columns only some kinds bring (waiting times their value and interval,
        # standardised kinds E): null when no indicator of that kind is computed.
        *(
            pl.lit(None, pl.String if c == "method" else pl.Float64).alias(c)
            for c in ("value", "ci_low", "ci_high", "method", "expected", "mean_days", "sd_days")
            if c not in table.columns
        ),
    )
    is_prop = pl.col("_kind") == "proportion"
    is_ratio = pl.col("_kind").is_in(["observed_expected", "standardised_proportion"])

    crude = table.filter(
        (pl.col("level") == "national") & (pl.col("_kind") == "standardised_proportion")
    ).select(*GROUP[:1], *GROUP[2:], (x / n).alias("_scale"))
    table = table.join(
        crude, on=["indicator_id", "period", "period_type"], how="left", maintain_order="left"
    ).with_columns(pl.col("_scale").fill_null(1.0))
    scale = pl.col("_scale")
    table = table.with_columns(
        pl.when(is_prop)
        .then(x / n)
        .when(is_ratio)
        .then(pl.when(e > 0).then(x / e * scale))
        .otherwise(pl.col("value"))
        .alias("value"),
        pl.when(is_prop)
        .then(wilson_lower(x, n, CONFIDENCE))
        .when(is_ratio)
        .then(pl.when(e > 0).then(exact_poisson_lower(x, CONFIDENCE) / e * scale))
        .otherwise(pl.col("ci_low"))
        .alias("ci_low"),
        pl.when(is_prop)
        .then(wilson_upper(x, n, CONFIDENCE))
        .when(is_ratio)
        .then(pl.when(e > 0).then(exact_poisson_upper(x, CONFIDENCE) / e * scale))
        .otherwise(pl.col("ci_high"))
        .alias("ci_high"),
        pl.when(is_prop)
        .then(pl.lit("wilson"))
        .when(is_ratio)
        .then(pl.when(x >= 0).then(pl.lit(METHOD_EXACT)))
        .otherwise(pl.col("method"))
        .alias("method"),
        pl.lit(CONFIDENCE).alias("confidence"),
    )
    national = table.filter(pl.col("level") == "national").select(
        "indicator_id",
        "period",
        "period_type",
        pl.col("value").alias("national_value"),
        pl.col("sd_days").alias("_national_sd"),
    )
    table = table.join(
        national, on=["indicator_id", "period", "period_type"], how="left", maintain_order="left"
    )
    half = z_value(CONFIDENCE) * pl.col("_national_sd") / pl.col("numerator").sqrt()
    is_wait = (pl.col("_kind") == "waiting_time") & (pl.col("numerator") > 0)
    return table.with_columns(
        pl.when(is_wait).then(pl.col("mean_days") - half).alias("mean_ci_low"),
        pl.when(is_wait).then(pl.col("mean_days") + half).alias("mean_ci_high"),
    ).drop("_kind")


#: Funnel limit columns: our name -> the statistics module's name.
FUNNEL_COLUMNS = {
    "funnel_low_95": "lower_95",
    "funnel_high_95": "upper_95",
    "funnel_flag_95": "flag_95",
    "funnel_low_998": "lower_99_8",
    "funnel_high_998": "upper_99_8",
    "funnel_flag_998": "flag_99_8",
}


#: Funnel family of each indicator kind: which funnel its units are compared in.
FUNNEL_FAMILY = {
    "proportion": "proportion",
    "observed_expected": "ratio",
    "standardised_proportion": "ratio",
    "waiting_time": "mean",
}


def _funnel_run(units: pl.DataFrame, family: str, adjustment: str) -> pl.DataFrame:
    keys = [*GROUP, "unit_id"]
    # φ and τ² are float sums over the units of a group: summed in a fixed order (sorted
    # by group and unit), they come out bit for bit the same on every run.
    units = units.sort(keys)
    common = {"group_by": GROUP, "target": "_centre", "adjustment": adjustment}
    if family == "proportion":
        out = proportion_funnel_limits(
            units.select(*keys, "numerator", pl.col("n_cases").alias("denominator"), "_centre"),
            "numerator",
            "denominator",
            **common,  # type: ignore[arg-type]
        )
    elif family == "ratio":
        out = ratio_funnel_limits(
            units.select(*keys, pl.col("numerator").alias("observed"), "expected", "_centre"),
            "observed",
            "expected",
            **common,  # type: ignore[arg-type]
        )
    else:
        out = mean_funnel_limits(
            units.select(*keys, "mean_days", "numerator", "_centre", "_national_sd"),
            "mean_days",
            "numerator",
            spread="_national_sd",
            **common,  # type: ignore[arg-type]
        )
    suffix = "" if adjustment == "none" else "_od"
    return out.select(
        *keys,
        *(pl.col(theirs).alias(ours + suffix) for ours, theirs in FUNNEL_COLUMNS.items()),
        *(["phi", "tau2"] if suffix else [pl.col("target").alias("funnel_target")]),
    )


def _funnel_centre(among: pl.Expr) -> pl.Expr:
    """The centre line of each unit's funnel, by indicator kind.

    - proportion: the national value;
    - O/E ratio (``observed_expected``, and ``case_mix``, whose national model puts the
      pooled ratio near 1): the pooled ratio ΣO/ΣE of the published units
      (``among``) of the group (indicator, level, period), or of all its units when none
      is published.  Expected counts from general-population prevalence put the national
      O/E well below 1 (0.6–0.76 for SOM-01/02); around 1, φ and the flags would measure
      that shortfall rather than the variation between units;
    - standardised proportion: 1 (times the national share, applied afterwards): E comes
      from the national rates, so ΣO = ΣE nationally;
    - waiting time: the national mean wait of those who started (days).
    """
    o, e = pl.col("numerator"), pl.col("expected")
    shown = (o.filter(among).sum() / e.filter(among).sum()).over(GROUP)
    pooled = pl.coalesce(shown, (o.sum() / e.sum()).over(GROUP))
    return (
        pl.when(pl.col("_kind") == "observed_expected")
        .then(pooled)
        .when(pl.col("_kind") == "standardised_proportion")
        .then(pl.lit(1.0))
        .when(pl.col("_kind") == "waiting_time")
        .then(pl.col("_national_mean"))
        .otherwise(pl.col("national_value"))
    )


def add_funnels(
    table: pl.DataFrame, by_id: dict[str, Indicator], *, among: pl.Expr
) -> pl.DataFrame:
    """Plain and overdispersion-adjusted (additive) funnel limits and flags.

    Funnel limits are computed around the centre of :func:`_funnel_centre` (recorded in
    ``funnel_target``), at 95 % and 99.8 %, plain and overdispersion-adjusted (additive
    random effects, Spiegelhalter 2005).  Proportions: Wilson inversion.  O/E ratios:
    exact Poisson inversion; for a standardised proportion the ratio limits are
    multiplied by the national share, so they are on the scale of the value.  Waiting
    times (whose ``value`` is the Kaplan–Meier median) are compared on the mean wait
    ``mean_days`` of the n who started: limits μ ± z·σ/√n, μ and σ the national mean and
    standard deviation of waits (normal approximation).  Indicators of other kinds, and
    those declared without a funnel (other than waiting times), get null columns.

    Plain limits depend only on the centre and the unit's own size, and are computed for
    every unit.  The overdispersion-adjusted limits depend on all units of the funnel
    through φ and τ²: these are estimated only from the units selected by ``among`` (the
    published ones), so nothing published reveals a withheld unit, and other rows get
    null adjusted limits, φ and τ².
    """
    with_funnel = [i for i, ind in by_id.items() if ind.funnel or ind.kind == "waiting_time"]
    # Columns only some kinds bring (as in add_intervals): null when absent.
    table = table.with_columns(
        pl.lit(None, pl.Float64).alias(c)
        for c in ("expected", "mean_days", "_national_sd")
        if c not in table.columns
    )
    national_mean = table.filter(pl.col("level") == "national").select(
        "indicator_id", "period", "period_type", pl.col("mean_days").alias("_national_mean")
    )
    table = table.with_columns(_kind_map(by_id).alias("_kind")).join(
        national_mean,
        on=["indicator_id", "period", "period_type"],
        how="left",
        maintain_order="left",
    )
    eligible = (
        pl.col("indicator_id").is_in(with_funnel)
        & (pl.col("level") != "national")
        & pl.col("value").is_not_null()
    )
    units = table.filter(eligible).with_columns(
        _funnel_centre(among).alias("_centre"),
        pl.col("_kind").replace_strict(FUNNEL_FAMILY, default=None).alias("_family"),
    )
    keys = [*GROUP, "unit_id"]
    limits = []
    for family in ("proportion", "ratio", "mean"):
        part = units.filter(pl.col("_family") == family)
        if part.height:
            plain = _funnel_run(part, family, "none")
            shown = part.filter(among)
            if shown.height:
                adjusted = _funnel_run(shown, family, "additive")
                plain = plain.join(adjusted, on=keys, how="left", maintain_order="left")
            limits.append(plain)
    joined = table
    if limits:
        joined = table.join(
            pl.concat(limits, how="diagonal_relaxed"), on=keys, how="left", maintain_order="left"
        )
    # Columns no unit filled (no funnel, or no published unit): present, all null.
    names = [f"{c}{sfx}" for c in FUNNEL_COLUMNS for sfx in ("", "_od")]
    joined = joined.with_columns(
        pl.lit(None, pl.String if "flag" in c else pl.Float64).alias(c)
        for c in [*names, "phi", "tau2", "funnel_target"]
        if c not in joined.columns
    )
    scaled = [c for c in joined.columns if c.startswith("funnel_") and "flag" not in c]
    ratio_kind = pl.col("_kind") == "standardised_proportion"
    return joined.with_columns(
        pl.when(ratio_kind).then(pl.col(c) * pl.col("_scale")).otherwise(pl.col(c)).alias(c)
        for c in scaled
    ).drop("_kind", "_scale", "_national_sd", "_national_mean", strict=False)


def add_goal_achievement(table: pl.DataFrame, by_id: dict[str, Indicator]) -> pl.DataFrame:
    """Add ``target_level`` (high / moderate / low) from each indicator's targets.

    Higher-is-better: ``v >= high`` is high, ``>= moderate`` moderate, else low;
    lower-is-better the reverse.  ``v`` is the statistic the targets name (the value, or
    e.g. the mean waiting time for WAIT-01, whose goal is on the mean).  Indicators
    without targets (no national target) get null.
    """
    parts = []
    for indicator_id, ind in by_id.items():
        rows = table.filter(pl.col("indicator_id") == indicator_id)
        t = ind.targets
        if t is None:
            parts.append(rows.with_columns(pl.lit(None, pl.String).alias("target_level")))
            continue
        v = pl.col(t.statistic)
        level: Any
        if ind.direction == "higher_is_better":
            level = pl.when(v >= t.high).then(pl.lit("high")).when(v >= t.moderate)
        else:
            level = pl.when(v <= t.high).then(pl.lit("high")).when(v <= t.moderate)
        level = level.then(pl.lit("moderate")).when(v.is_not_null()).then(pl.lit("low"))
        parts.append(rows.with_columns(level.otherwise(None).alias("target_level")))
    return pl.concat(parts, how="diagonal_relaxed")


def waiting_time_results(
    indicator: Indicator, counts: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Kaplan–Meier per unit and period: the indicator rows and the curves behind them.

    ``counts`` has one row per unit, period, waiting time (``days``) and ``event``, with
    the number of referrals in ``n_cases``.  The row's ``value`` is the median waiting
    time in days with its interval; ``numerator`` is the number who started care,
    ``n_cases`` the referrals, ``mean_days`` the mean wait of those who started and
    ``sd_days`` their standard deviation (days).

    With w_j referrals that started after d_j days (``n_cases`` of the rows with
    ``event``), n = Σw_j: mean m = Σw_j·d_j / n and s² = Σw_j·(d_j − m)² / (n − 1), the
    sample variance of the n waits (null when n < 2).
    """
    # Float sums (the squares below) depend on the order of their terms: fix it, so the
    # same extract gives the same bits (rows come from group-bys in no fixed order).
    counts = counts.sort([*KEYS, "days", "event"])
    curves = waiting_time_curve(
        counts, "days", "event", group_by=KEYS, confidence=CONFIDENCE, weight="n_cases"
    )
    summary = waiting_time_summary(
        counts, "days", "event", group_by=KEYS, confidence=CONFIDENCE, weight="n_cases"
    )
    started = pl.col("event")
    w = pl.col("n_cases")
    days, n = pl.col("days").cast(pl.Float64), w.filter(started).sum().cast(pl.Float64)
    mean = (days * w).filter(started).sum() / n
    squares = ((days - mean) ** 2 * w).filter(started).sum()
    means = counts.group_by(KEYS).agg(
        mean.alias("mean_days"),
        pl.when(n >= 2).then((squares / (n - 1.0)).sqrt()).alias("sd_days"),
        n.alias("numerator"),
        w.sum().cast(pl.Int64).alias("n_cases"),
    )
    rows = (
        summary.select(
            *KEYS,
            pl.col("median").alias("value"),
            pl.col("median_ci_low").alias("ci_low"),
            pl.col("median_ci_high").alias("ci_high"),
        )
        .join(means, on=KEYS, how="left")
        .with_columns(
            pl.lit("median_days").alias("statistic"),
            pl.col("n_cases").cast(pl.Float64).alias("denominator"),
            pl.lit("kaplan_meier").alias("method"),
        )
    )
    curve_rows = curves.select(
        "indicator_id",
        "level",
        "unit_id",
        "period",
        pl.col("time").cast(pl.Float64),
        pl.col("n_at_risk").cast(pl.Int64),
        "survival",
        "ci_low",
        "ci_high",
    )
    return rows, curve_rows


def variation_table(table: pl.DataFrame, by_id: dict[str, Indicator]) -> pl.DataFrame:
    """Variation statistics across the published units of each indicator, level and period.

    Every indicator, level and period has a row: k (the units whose value is published,
    ``suppressed`` null, national row excluded), CV and FT1–FT3 on their values, SCV
    only where the expected count comes from standardisation (standardised proportions
    and O/E ratios; null with a reason otherwise), and the funnel's φ and τ² from the
    overdispersion step over the same units.  Only published units count, so a withheld
    value cannot be recovered from FT1 x min or the like.

    For O/E ratios (``observed_expected``, ``case_mix``) the SCV is computed on E rescaled so that
    ΣE = ΣO over the group's published units, E'_i = E_i·ΣO/ΣE: its expected counts come
    from general-population prevalence, and the SCV should measure variation between
    units, not the shortfall of all of them against the population (the funnels are
    centred on the same pooled ratio ΣO/ΣE).
    """
    standardised = [
        i for i, ind in by_id.items() if ind.kind in ("standardised_proportion", *EXPECTED_KINDS)
    ]
    groups = table.filter(pl.col("level") != "national").select(GROUP).unique()
    published = table.filter((pl.col("level") != "national") & pl.col("suppressed").is_null()).sort(
        [*GROUP, "unit_id"]
    )
    pooled = published.select(
        pl.col("numerator").sum().over(GROUP) / pl.col("expected").sum().over(GROUP)
    ).to_series()
    observed_expected = [i for i, ind in by_id.items() if ind.kind in EXPECTED_KINDS]
    stats = variation_statistics(
        published.with_columns(
            pl.when(pl.col("indicator_id").is_in(observed_expected))
            .then(pl.col("expected") * pooled)
            .when(pl.col("indicator_id").is_in(standardised))
            .then(pl.col("expected"))
            .alias("expected")
        ),
        "value",
        observed="numerator",
        expected="expected",
        group_by=GROUP,
    )
    no_scv = ~pl.col("indicator_id").is_in(standardised) & (pl.col("statistic") == "SCV")
    stats = stats.with_columns(
        pl.when(no_scv).then(None).otherwise(pl.col("value")).alias("value"),
        pl.when(no_scv)
        .then(pl.lit("not standardised (no expected count)"))
        .otherwise(pl.col("reason"))
        .alias("reason"),
    )
    wide = stats.group_by(GROUP).agg(
        pl.col("units").filter(pl.col("statistic") == "CV").first().cast(pl.Int64).alias("k"),
        *(
            pl.col("value").filter(pl.col("statistic") == name).first().alias(name.lower())
            for name in ("CV", "FT1", "FT2", "FT3", "SCV")
        ),
        pl.concat_str(pl.col("statistic"), pl.lit(": "), pl.col("reason"))
        .drop_nulls()
        .unique()
        .sort()
        .str.join("; ")
        .alias("reason"),
    )
    dispersion = published.group_by(GROUP).agg(pl.col("phi").max(), pl.col("tau2").max())
    return (
        groups.join(wide, on=GROUP, how="left")
        .join(dispersion, on=GROUP, how="left")
        .with_columns(
            pl.col("k").fill_null(0),
            pl.when(pl.col("reason") != "")
            .then("reason")
            .when(pl.col("k").is_null() | (pl.col("k") == 0))
            .then(pl.lit("no published unit"))
            .alias("reason"),
        )
        .sort(GROUP)
    )
