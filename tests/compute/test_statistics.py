"""Funnels, intervals, dispersion and variation of the computed table, on hand-worked values."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators.catalogue import BY_ID
from indicators.compute.statistics import (
    add_funnels,
    add_intervals,
    variation_table,
    waiting_time_results,
)

PUBLISHED = pl.col("suppressed").is_null()


def _units(indicator_id: str, numerators, expected=None, sizes=None, national=None):
    """A one-period table: one trust row per unit and a national row (O, E, n)."""
    k = len(numerators)
    expected = expected or [None] * k
    sizes = sizes or [100] * k
    national = national or (sum(numerators), sum(e or 0 for e in expected), sum(sizes))
    return pl.DataFrame(
        {
            "indicator_id": indicator_id,
            "level": ["trust"] * k + ["national"],
            "unit_id": [f"U{i}" for i in range(k)] + ["NO"],
            "period": "2025",
            "period_type": "year",
            "numerator": [*map(float, numerators), float(national[0])],
            "n_cases": [*sizes, national[2]],
            "expected": [*expected, national[1]],
            "suppressed": pl.Series([None] * (k + 1), dtype=pl.String),
        },
        schema_overrides={"expected": pl.Float64, "n_cases": pl.Int64},
    )


def _computed(table: pl.DataFrame, indicator_id: str) -> pl.DataFrame:
    by_id = {indicator_id: BY_ID[indicator_id]}
    return add_funnels(add_intervals(table, by_id), by_id, among=PUBLISHED)


@pytest.fixture
def som():
    """Four trusts, SOM-02, pooled O/E = ΣO/ΣE = 120/240 = 0.5 (national row 118/240).

    O = a², θE = m² with a = (2, 4, 6, 8), m = (2, 6, 4, 8), θ = 0.5, so E = 2m² =
    (8, 72, 32, 128) and z = 2(√O − √(θE)) = 2(a − m) = (0, −4, 4, 0).
    """
    table = _units("SOM-02", [4, 16, 36, 64], [8.0, 72.0, 32.0, 128.0], national=(118, 240, 900))
    return _computed(table, "SOM-02")


def test_SOM_02_funnel_is_centred_on_the_pooled_ratio_not_on_1_nor_the_national_row(som):
    trusts = som.filter(pl.col("level") == "trust").sort("unit_id")
    assert trusts["funnel_target"].to_list() == pytest.approx([0.5] * 4)
    assert trusts["national_value"].to_list() == pytest.approx([118 / 240] * 4)
    # Around 1 all but U2 (O/E = 1.125) would be low; around 0.5 only z = ±4 stand out.
    assert trusts["funnel_flag_95"].to_list() == ["within", "low", "high", "within"]


def test_SOM_02_phi_and_tau2_are_estimated_around_the_pooled_ratio(som):
    """Hand-worked φ and τ² (Spiegelhalter 2005b) around θ = 0.5.

    z sorted (−4, 0, 0, 4); winsorised at the 10th/90th percentiles (linear, position
    0.3 and 2.7): −4 + 0.3·4 = −2.8 and 0 + 0.7·4 = 2.8, so z = (−2.8, 0, 0, 2.8) and
    φ = 2·2.8²/4 = 3.92.  w = 4E = (32, 288, 128, 512): Σw = 960, Σw² = 362 496,
    Σw − Σw²/Σw = 960 − 377.6 = 582.4; τ² = (4·3.92 − 3)/582.4 = 12.68/582.4.
    """
    trusts = som.filter(pl.col("level") == "trust")
    assert trusts["phi"].to_list() == pytest.approx([3.92] * 4)
    assert trusts["tau2"].to_list() == pytest.approx([12.68 / 582.4] * 4)


def test_SOM_02_scv_is_computed_on_expected_counts_rescaled_to_the_observed_total(som):
    """E' = E·ΣO/ΣE = E/2 = (4, 36, 16, 64) against O = (4, 16, 36, 64).

    Σ(O − E')²/E'² = 0 + 400/1296 + 400/256 + 0 = 25/81 + 1.5625; Σ1/E' = 205/576;
    SCV = 100 · (25/81 + 1.5625 − 205/576) / 4 = 37.88098 %.
    """
    variation = variation_table(som, {"SOM-02": BY_ID["SOM-02"]})
    expected = 100 * (25 / 81 + 1.5625 - 205 / 576) / 4
    assert variation["scv"].to_list() == pytest.approx([expected])
    assert variation["phi"].to_list() == pytest.approx([3.92])


def test_a_withheld_unit_does_not_move_the_pooled_centre():
    table = _units("SOM-02", [4, 16, 36, 64, 50], [8.0, 72.0, 32.0, 128.0, 10.0])
    table = table.with_columns(
        pl.when(pl.col("unit_id") == "U4").then(pl.lit("small_count")).alias("suppressed")
    )
    out = _computed(table, "SOM-02").filter(pl.col("level") == "trust")
    assert out["funnel_target"].to_list() == pytest.approx([0.5] * 5)


@pytest.fixture
def waits():
    """WAIT-01, two trusts, waits of those who started (days x referrals).

    A: 10 days x 20, 20 days x 20 (and 3 still waiting, censored at 5 days): n = 40, mean 15.
    B: 60 days x 20, 70 days x 20: n = 40, mean 65.
    Nation: n = 80, mean 40, Σw(d − 40)² = 20·(900 + 400 + 400 + 900) = 52 000,
    σ = √(52 000/79) = 25.655 95 days; σ/√40 = 4.056 55.
    95 %: 40 ± 1.959 964·4.056 55 = 40 ± 7.950 69; 99.8 %: 40 ± 3.090 232·4.056 55 =
    40 ± 12.535 67.  A's mean interval 15 ± 7.950 69.
    """
    rows = [
        ("A", 10, True, 20),
        ("A", 20, True, 20),
        ("A", 5, False, 3),
        ("B", 60, True, 20),
        ("B", 70, True, 20),
    ]
    trusts = pl.DataFrame(rows, schema=["unit_id", "days", "event", "n_cases"], orient="row")
    counts = pl.concat(
        [
            trusts.with_columns(level=pl.lit("trust")),
            trusts.with_columns(level=pl.lit("national"), unit_id=pl.lit("NO")),
        ]
    ).with_columns(
        indicator_id=pl.lit("WAIT-01"), period=pl.lit("2025"), period_type=pl.lit("year")
    )
    counted, _ = waiting_time_results(BY_ID["WAIT-01"], counts)
    return _computed(
        counted.with_columns(pl.lit(None, pl.String).alias("suppressed")), "WAIT-01"
    ).sort("level", "unit_id")


def test_WAIT_01_national_standard_deviation_of_waits_is_weighted_by_referrals(waits):
    national = waits.filter(pl.col("level") == "national")
    assert national["mean_days"].item() == pytest.approx(40.0)
    assert national["sd_days"].item() == pytest.approx(25.65595, rel=1e-6)


def test_WAIT_01_means_are_compared_in_a_funnel_around_the_national_mean(waits):
    trusts = waits.filter(pl.col("level") == "trust").select(
        "unit_id",
        "mean_days",
        "funnel_target",
        "funnel_low_95",
        "funnel_high_95",
        "funnel_low_998",
        "funnel_high_998",
        "funnel_flag_95",
        "funnel_flag_998",
        "mean_ci_low",
        "mean_ci_high",
    )
    expected = pl.DataFrame(
        {
            "unit_id": ["A", "B"],
            "mean_days": [15.0, 65.0],
            "funnel_target": [40.0, 40.0],
            "funnel_low_95": [32.04931] * 2,
            "funnel_high_95": [47.95069] * 2,
            "funnel_low_998": [27.46433] * 2,
            "funnel_high_998": [52.53567] * 2,
            "funnel_flag_95": ["low", "high"],
            "funnel_flag_998": ["low", "high"],
            "mean_ci_low": [7.04931, 57.04931],
            "mean_ci_high": [22.95069, 72.95069],
        }
    )
    assert_frame_equal(trusts, expected, abs_tol=1e-4)


def _agree(out: pl.DataFrame) -> None:
    """Every row: flag high ⟺ interval wholly above the centre, low ⟺ wholly below."""
    rows = out.filter(pl.col("level") == "trust", pl.col("value").is_not_null())
    high = rows["funnel_flag_95"] == "high"
    low = rows["funnel_flag_95"] == "low"
    assert (high == (rows["ci_low"] > rows["funnel_target"])).all()
    assert (low == (rows["ci_high"] < rows["funnel_target"])).all()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.floats(0.05, 500, allow_nan=False)),
        min_size=1,
        max_size=8,
    )
)
def test_ratio_flag_agrees_with_the_exact_poisson_interval_shown(units):
    observed, expected = zip(*units, strict=True)
    out = _computed(_units("SOM-01", list(observed), list(expected)), "SOM-01")
    assert (out.filter(pl.col("level") == "trust")["method"] == "exact").all()
    _agree(out)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
        min_size=1,
        max_size=8,
    )
)
def test_proportion_flag_agrees_with_the_wilson_interval_shown(units):
    x, n = zip(*units, strict=True)
    out = _computed(_units("WAIT-02", list(x), sizes=list(n)), "WAIT-02")
    _agree(out)


def test_standardised_proportion_flag_agrees_with_its_scaled_interval():
    table = _units("LEVEL-01", [30, 5, 12, 40], [20.0, 9.0, 12.0, 45.0], sizes=[60, 20, 30, 90])
    out = _computed(table, "LEVEL-01")
    assert out.filter(pl.col("level") == "trust")["funnel_target"].to_list() == pytest.approx(
        [87 / 200] * 4
    )
    _agree(out)
    assert math.isclose(out.filter(pl.col("unit_id") == "U0")["value"].item(), 30 / 20 * 87 / 200)


def test_a_count_of_10_between_byars_and_the_exact_limit_is_flagged_with_its_interval():
    """O = 10 at E = 9.58 against θ = (10 + 1000)/(9.58 + 2010.42) = 0.5, θE = 4.79.

    The exact lower limit of 10 events is 4.7954 > 4.79 (flagged high at 95 %); Byar's is
    10·(1 − 1/90 − 1.96/(3√10))³ = 4.7875 < 4.79, so a Byar interval shown beside the flag
    would have contained the centre.  The interval shown is exact: 4.7954/9.58 = 0.50056.
    """
    out = _computed(_units("SOM-01", [10, 1000], [9.58, 2010.42]), "SOM-01")
    unit = out.filter(pl.col("unit_id") == "U0")
    assert unit["funnel_target"].item() == pytest.approx(0.5)
    assert unit["ci_low"].item() == pytest.approx(4.7954 / 9.58, abs=1e-5)
    assert unit["funnel_flag_95"].item() == "high"
