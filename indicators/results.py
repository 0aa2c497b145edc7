"""The published results tables: what ``indicators compute`` writes and reports read.

One declaration of the columns and dtypes of every table in a results directory, so
the compute engine, disclosure control, the report notebooks and the tests agree.

A results directory holds:

``indicators.parquet``
    One row per indicator x level x unit x period (:data:`INDICATOR_SCHEMA`).
``variation.parquet``
    One row per indicator x level x period: variation statistics across units
    (:data:`VARIATION_SCHEMA`).
``waiting_curves.parquet``
    Kaplan–Meier curves behind WAIT-01 per unit and period (:data:`CURVE_SCHEMA`).
``spc.parquet``
    Statistical process control of the monthly indicators: one row per indicator x
    level x unit x month, with the chart's centre and limits, the special-cause rules
    and the verdicts (:data:`SPC_SCHEMA`).
``manifest.json``
    Extract fingerprint, package version, parameters, row counts read, time taken.

Conventions: proportions are fractions 0–1, waiting times are days, ratios are O/E.
Suppressed rows carry a reason in ``suppressed`` and null ``value``, ``ci_low``,
``ci_high``, ``numerator`` and ``denominator``; reports show ``"<5"`` (small count),
``"too few"`` / ``"for få"`` (below the indicator's minimum denominator), or a withheld
mark (``secondary``: withheld so that a small count cannot be recovered by subtraction;
see :mod:`indicators.disclosure`).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from indicators.errors import ResultsError

LEVELS = ("national", "rhf", "trust", "catchment")
PERIOD_TYPES = ("year", "tertial", "month")
FLAGS = ("high", "low", "within")
TARGET_LEVELS = ("high", "moderate", "low")

#: Reason codes in ``suppressed``.
SUPPRESSED_SMALL_COUNT = "small_count"
SUPPRESSED_TOO_FEW = "too_few"
SUPPRESSED_SECONDARY = "secondary"
SUPPRESSION_REASONS = (SUPPRESSED_SMALL_COUNT, SUPPRESSED_TOO_FEW, SUPPRESSED_SECONDARY)

#: The national total's unit id.
NATIONAL_UNIT_ID = "NO"

INDICATOR_SCHEMA = pl.Schema(
    {
        "indicator_id": pl.String,
        "level": pl.String,  # national / rhf / trust / catchment
        "unit_id": pl.String,  # orgnr, RHF code ("1".."4") or "NO"
        "unit_name": pl.String,
        "rhf_code": pl.String,  # RHF of the unit (null for national)
        "period": pl.String,  # "2025", "2025-T2" or "2025-03"
        "period_type": pl.String,  # year / tertial / month
        "statistic": pl.String,  # proportion / ratio / median_days
        "numerator": pl.Float64,  # x, observed O, or number started (WAIT-01)
        "denominator": pl.Float64,  # n, expected E, or number of referrals (WAIT-01)
        "value": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "confidence": pl.Float64,  # 0.95
        "method": pl.String,  # wilson / byar / exact / kaplan_meier / ...
        "mean_days": pl.Float64,  # WAIT-01 only: mean wait of referrals that started care
        "national_value": pl.Float64,
        "funnel_target": pl.Float64,
        "funnel_low_95": pl.Float64,
        "funnel_high_95": pl.Float64,
        "funnel_low_998": pl.Float64,
        "funnel_high_998": pl.Float64,
        "funnel_flag_95": pl.String,  # high / low / within
        "funnel_flag_998": pl.String,
        "funnel_low_95_od": pl.Float64,  # overdispersion-adjusted limits and flags
        "funnel_high_95_od": pl.Float64,
        "funnel_low_998_od": pl.Float64,
        "funnel_high_998_od": pl.Float64,
        "funnel_flag_95_od": pl.String,
        "funnel_flag_998_od": pl.String,
        "target_level": pl.String,  # high / moderate / low goal achievement
        "suppressed": pl.String,  # null, small_count, too_few or secondary
        "period_incomplete": pl.String,  # null, coverage, run_in or follow_up
    }
)

VARIATION_SCHEMA = pl.Schema(
    {
        "indicator_id": pl.String,
        "level": pl.String,
        "period": pl.String,
        "period_type": pl.String,
        "k": pl.Int64,
        "cv": pl.Float64,  # per cent
        "ft1": pl.Float64,
        "ft2": pl.Float64,
        "ft3": pl.Float64,
        "scv": pl.Float64,  # per cent, null unless the indicator is standardised
        "phi": pl.Float64,  # overdispersion factor
        "tau2": pl.Float64,  # additive random-effects variance
        "reason": pl.String,  # why a statistic is null, if it is
    }
)

CURVE_SCHEMA = pl.Schema(
    {
        "indicator_id": pl.String,
        "level": pl.String,
        "unit_id": pl.String,
        "period": pl.String,
        "time": pl.Float64,  # days since receipt
        "n_at_risk": pl.Int64,  # published only where >= 5
        "survival": pl.Float64,  # share still waiting
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
    }
)

SPC_SCHEMA = pl.Schema(
    {
        "indicator_id": pl.String,
        "level": pl.String,
        "unit_id": pl.String,
        "unit_name": pl.String,
        "period": pl.String,  # month, "2025-03"
        "month": pl.Date,  # its first day
        "chart": pl.String,  # XmR / p / p′
        "statistic": pl.String,  # as in indicators.parquet: proportion / median_days / ratio
        "value": pl.Float64,  # the plotted value (null where withheld)
        "included": pl.Boolean,  # used for the limits and the rules (published and whole)
        "suppressed": pl.String,  # as in indicators.parquet
        "period_incomplete": pl.String,  # as in indicators.parquet
        "segment": pl.Int32,  # 0, then 1, 2 ... after each rebase
        "centre": pl.Float64,
        "lower": pl.Float64,  # process limits (3 sigma)
        "upper": pl.Float64,
        "lower_2sigma": pl.Float64,
        "upper_2sigma": pl.Float64,
        "outside_limits": pl.Boolean,  # special-cause rules, each point
        "run": pl.Boolean,
        "trend": pl.Boolean,
        "two_in_three": pl.Boolean,
        "special_cause": pl.Boolean,
        "variation": pl.String,  # special cause improvement / concern / neither, common cause
        "improvement": pl.String,  # increase / decrease: which direction is better
        "target": pl.Float64,  # the national target judged, null without one
        "series_variation": pl.String,  # the series' verdict: that of its latest point
        "assurance": pl.String,  # consistently meets / fails target, hit and miss; null
    }
)

RESULT_FILES = {
    "indicators": ("indicators.parquet", INDICATOR_SCHEMA),
    "variation": ("variation.parquet", VARIATION_SCHEMA),
    "waiting_curves": ("waiting_curves.parquet", CURVE_SCHEMA),
    "spc": ("spc.parquet", SPC_SCHEMA),
}


def period_label(period_type: str, d: pl.Expr) -> pl.Expr:
    """Period label of a date: ``2025`` (year), ``2025-T2`` (tertial) or ``2025-03`` (month).

    Tertials: T1 January–April, T2 May–August, T3 September–December.

    >>> from datetime import date
    >>> days = pl.DataFrame({"d": [date(2025, 3, 9), date(2025, 11, 30)]})
    >>> days.select(*(period_label(t, pl.col("d")).alias(t) for t in PERIOD_TYPES)).rows()
    [('2025', '2025-T1', '2025-03'), ('2025', '2025-T3', '2025-11')]
    """
    if period_type == "year":
        return d.dt.year().cast(pl.String)
    if period_type == "tertial":
        return pl.format("{}-T{}", d.dt.year(), (d.dt.month() - 1) // 4 + 1)
    if period_type == "month":
        return d.dt.strftime("%Y-%m")
    raise ValueError(f"unknown period type {period_type!r}; expected one of {PERIOD_TYPES}")


def period_year(period: pl.Expr) -> pl.Expr:
    """The year a period label lies in (``2025-T2`` and ``2025-03``: ``2025``)."""
    return period.str.slice(0, 4)


def period_tertial(period: pl.Expr, period_type: pl.Expr) -> pl.Expr:
    """The tertial a month lies in (``2025-05``: ``2025-T2``); null for years and tertials.

    >>> frame = pl.DataFrame({"p": ["2025-04", "2025-05", "2025-T2"],
    ...                       "t": ["month", "month", "tertial"]})
    >>> frame.select(period_tertial(pl.col("p"), pl.col("t"))).to_series().to_list()
    ['2025-T1', '2025-T2', None]
    """
    month = period.str.slice(5, 2).cast(pl.Int32, strict=False)
    label = pl.format("{}-T{}", period_year(period), (month - 1) // 4 + 1)
    return pl.when(period_type == "month").then(label)


def period_bounds(period: pl.Expr, period_type: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """First and last day of a period label (``2025``, ``2025-T2``: May–August, ``2025-03``).

    >>> frame = pl.DataFrame({"p": ["2025", "2025-T2", "2025-T3", "2024-02"],
    ...                       "t": ["year", "tertial", "tertial", "month"]})
    >>> first, last = period_bounds(pl.col("p"), pl.col("t"))
    >>> for a, b in frame.select(first, last.alias("b")).rows():
    ...     print(a, b)
    2025-01-01 2025-12-31
    2025-05-01 2025-08-31
    2025-09-01 2025-12-31
    2024-02-01 2024-02-29
    """
    year = period.str.slice(0, 4).cast(pl.Int32)
    tertial, month = period_type == "tertial", period_type == "month"
    first_month = (
        pl.when(tertial)
        .then((period.str.slice(6, 1).cast(pl.Int32, strict=False) - 1) * 4 + 1)
        .when(month)
        .then(period.str.slice(5, 2).cast(pl.Int32, strict=False))
        .otherwise(1)
    )
    first = pl.date(year, first_month, 1)
    after = (
        pl.when(tertial)
        .then(first.dt.offset_by("4mo"))
        .when(month)
        .then(first.dt.offset_by("1mo"))
        .otherwise(first.dt.offset_by("1y"))
    )
    return first, after - pl.duration(days=1)


def conform(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """Return ``frame`` with exactly ``schema``'s columns, in order, cast to its dtypes.

    Columns the schema has and the frame lacks are added as nulls.
    """
    return frame.select(
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    )


def read_results(results_dir: str | Path) -> dict[str, pl.DataFrame]:
    """Read the published tables of a results directory (as written by ``compute``).

    Raises :class:`~indicators.errors.ResultsError` naming the file when a table is
    missing, is not Parquet, is damaged or has columns of the wrong type.
    """
    directory = Path(results_dir)
    out = {}
    for key, (name, schema) in RESULT_FILES.items():
        out[key] = read_result_table(directory / name, schema)
    return out


def read_result_table(path: Path, schema: pl.Schema) -> pl.DataFrame:
    """One results table, conformed to ``schema``; a clear error when it cannot be."""
    if not path.is_file():
        raise ResultsError(f"{path}: missing; run `indicators compute` to write the results")
    try:
        return conform(pl.read_parquet(path), schema)
    except (OSError, pl.exceptions.PolarsError) as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ResultsError(
            f"{path}: not a readable results table ({reason}); run `indicators compute` again"
        ) from None
