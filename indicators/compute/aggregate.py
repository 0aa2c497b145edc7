"""From cases to counts: every indicator for every level, unit and period in one plan.

Each indicator's case selector gives one row per case.  Here those rows are labelled
with their periods (year, tertial and, where declared, month) and their units at every
level (national, RHF, treating trust, catchment trust), and counted with one group-by
per indicator.  All
the plans are collected together (``polars.collect_all``), so the extract's files are
scanned once and shared sub-plans are computed once.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from indicators.catalogue.model import MONTH_LEVELS, CaseContext, Indicator
from indicators.reference import municipalities, trusts
from indicators.results import NATIONAL_UNIT_ID, period_label

KEYS = ["indicator_id", "level", "unit_id", "period", "period_type"]

#: Kinds whose cases carry their own expected probability (``expected``): O/E ratios.
#: A ``case_mix`` indicator's ``expected`` is added by :mod:`indicators.compute.casemix`.
EXPECTED_KINDS = ("observed_expected", "case_mix")


def unit_map() -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Lookup frames: trust -> RHF code, and municipality -> catchment trust."""
    trust_rhf = trusts().lazy().select("trust_id", pl.col("rhf_code").alias("_rhf"))
    catchment = (
        municipalities()
        .lazy()
        .select("municipality", pl.col("catchment_trust_id").alias("_catchment"))
    )
    return trust_rhf, catchment


def finest_cases(
    indicator: Indicator,
    tables: dict[str, pl.LazyFrame],
    ctx: CaseContext,
    *,
    period_start: date | None,
    period_end: date | None,
) -> pl.LazyFrame:
    """The indicator's cases counted at the finest grain every level and period rolls up from.

    The grain is treating trust x catchment trust x year x tertial (x month for an
    indicator declaring monthly periods; plus age band and sex for standardised
    indicators, plus days and event for waiting times).  Returns the grain columns
    ``trust_id``, ``_rhf``, ``_catchment``, ``_year``, ``_tertial`` (``_month``) and the
    additive measures ``numerator``, ``n_cases`` and ``_expected_fp`` (expected count in
    fixed point, see :func:`fixed_point`).  For an indicator counting patients the grain
    also has ``patient_id`` (one row per patient), so that :func:`roll_up` can count each
    patient once per unit.

    Cases whose period date lies outside ``period_start``..``period_end`` are dropped.
    The catchment trust comes from the patient's municipality; the RHF from the treating
    trust.  A case whose unit at a level is unknown is left out of that level only.
    """
    trust_rhf, catchment = unit_map()
    cases = indicator.cases(tables, ctx)
    if period_start is not None:
        cases = cases.filter(pl.col("period_date") >= period_start)
    if period_end is not None:
        cases = cases.filter(pl.col("period_date") <= period_end)
    cases = cases.join(trust_rhf, on="trust_id", how="left")
    if "catchment" in indicator.levels:
        home = (
            tables["patients"]
            .select("patient_id", "municipality")
            .join(catchment, on="municipality", how="left")
            .select("patient_id", "_catchment")
        )
        cases = cases.join(home, on="patient_id", how="left")
    else:
        cases = cases.with_columns(pl.lit(None, pl.String).alias("_catchment"))
    grain: list[str | pl.Expr] = [
        "trust_id",
        "_rhf",
        "_catchment",
        *(period_label(t, pl.col("period_date")).alias(f"_{t}") for t in _grain_periods(indicator)),
        *EXTRA_GRAIN[indicator.kind],
    ]
    if indicator.counting == "patients":
        # Kept per patient, so that each level can count a patient once per unit.
        return cases.group_by(*grain, "patient_id").agg(
            pl.lit(1, pl.Int64).alias("n_cases"),
            pl.col("numerator").cast(pl.Int64).max().alias("numerator"),
            *(
                [fixed_point(pl.col("expected")).max().alias("_expected_fp")]
                if indicator.kind in EXPECTED_KINDS
                else []
            ),
        )
    measures = [pl.len().cast(pl.Int64).alias("n_cases")]
    if indicator.kind != "waiting_time":
        measures.append(pl.col("numerator").cast(pl.Int64).sum().alias("numerator"))
    if indicator.kind in EXPECTED_KINDS:
        measures.append(fixed_point(pl.col("expected")).sum().alias("_expected_fp"))
    return cases.group_by(grain).agg(measures)


def _grain_periods(indicator: Indicator) -> tuple[str, ...]:
    """The period columns of the finest grain: year and tertial, and month where declared."""
    return ("year", "tertial", "month") if "month" in indicator.periods else ("year", "tertial")


EXTRA_GRAIN: dict[str, list[str]] = {
    "proportion": [],
    "standardised_proportion": ["age_band", "sex"],
    "observed_expected": [],
    "case_mix": [],
    "waiting_time": ["days", "event"],
}


def roll_up(indicator: Indicator, finest: pl.LazyFrame) -> pl.LazyFrame:
    """Sum the finest-grain counts to every level and period type of the indicator.

    Returns ``KEYS`` plus the extra grain of the kind and the summed measures.  For an
    indicator counting patients, each patient's rows in a unit and period are first
    collapsed to one (numerator and expected count: the patient's, ``n_cases`` 1).
    """
    unit_of = {
        "national": pl.lit(NATIONAL_UNIT_ID),
        "rhf": pl.col("_rhf"),
        "trust": pl.col("trust_id"),
        "catchment": pl.col("_catchment"),
    }
    sums_of = [
        c for c in ("n_cases", "numerator", "_expected_fp") if c in finest.collect_schema().names()
    ]
    sums = [pl.col(c).sum() for c in sums_of]
    extra = EXTRA_GRAIN[indicator.kind]
    parts = []
    for level in indicator.levels:
        for period_type in indicator.periods:
            if period_type == "month" and level not in MONTH_LEVELS:
                continue
            period = f"_{period_type}"
            rows = finest.filter(unit_of[level].is_not_null())
            if indicator.counting == "patients":
                rows = rows.group_by(
                    unit_of[level].alias("_unit"), pl.col(period), *extra, "patient_id"
                ).agg(pl.col(c).max() for c in sums_of if c != "n_cases")
                rows = rows.with_columns(pl.lit(1, pl.Int64).alias("n_cases"))
                unit = pl.col("_unit")
            else:
                unit = unit_of[level]
            parts.append(
                rows.group_by(
                    unit.cast(pl.String).alias("unit_id"),
                    pl.col(period).alias("period"),
                    *extra,
                )
                .agg(sums)
                .with_columns(
                    pl.lit(indicator.id).alias("indicator_id"),
                    pl.lit(level).alias("level"),
                    pl.lit(period_type).alias("period_type"),
                )
            )
    return pl.concat(parts).select(*KEYS, *extra, *(s.meta.output_name() for s in sums))


#: Fixed-point scale of expected counts (sums are exact to 1e-12 per term).
FIXED_POINT = 10**12


def fixed_point(expr: pl.Expr) -> pl.Expr:
    """A float as a 64-bit integer in units of 1e-12, for exact, order-free sums.

    Integer addition is associative, so parallel group-bys give the same bits every run
    and outputs are byte-identical; divide the sum by :data:`FIXED_POINT`.
    """
    return (expr * FIXED_POINT).round().cast(pl.Int64)


def count_cases(indicator: Indicator, rolled: pl.LazyFrame) -> pl.LazyFrame:
    """Counts per unit and period for a proportion, standardised proportion or O/E indicator.

    Returns ``KEYS`` plus ``numerator`` (cases in the numerator), ``n_cases`` (cases in
    the population) and, for standardised kinds, ``expected`` (E).

    For ``standardised_proportion`` the expected count is indirect standardisation on
    the national rates of the same period: ``E = Σ_g n_g · r_g`` with
    ``r_g = x_g / n_g`` nationally in age band and sex stratum ``g``.
    For ``observed_expected`` and ``case_mix`` it is the sum of each case's expected
    probability (for ``case_mix`` the fitted probability of the national case-mix model).
    """
    if indicator.kind == "proportion":
        return rolled
    if indicator.kind in EXPECTED_KINDS:
        return rolled.with_columns((pl.col("_expected_fp") / FIXED_POINT).alias("expected")).drop(
            "_expected_fp"
        )
    if indicator.kind == "standardised_proportion":
        national = rolled.filter(pl.col("level") == "national").select(
            "period",
            "period_type",
            "age_band",
            "sex",
            (pl.col("numerator") / pl.col("n_cases")).alias("rate"),
        )
        return (
            rolled.join(national, on=["period", "period_type", "age_band", "sex"], how="left")
            .group_by(KEYS)
            .agg(
                pl.col("numerator").sum(),
                pl.col("n_cases").sum(),
                fixed_point(pl.col("n_cases") * pl.col("rate")).sum().alias("_expected_fp"),
            )
            .with_columns((pl.col("_expected_fp") / FIXED_POINT).alias("expected"))
            .drop("_expected_fp")
        )
    raise ValueError(f"{indicator.id}: count_cases does not handle kind {indicator.kind!r}")
