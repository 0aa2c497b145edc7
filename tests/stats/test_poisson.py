"""Byar's and exact Poisson intervals for counts and O/E ratios against PHEindicatormethods."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from indicators.stats import (
    BYAR_MIN_COUNT,
    byar_lower,
    byar_upper,
    exact_poisson_lower,
    exact_poisson_upper,
    poisson_interval,
    ratio_interval,
)


def test_byar_limits_reproduce_phe_byars_wilson_sheet_to_six_decimals(phe):
    ref = phe("byars_wilson.csv").filter(pl.col("method") == "Byars")
    for label, level in [("95%", 0.95), ("99.8%", 0.998)]:
        rows = ref.filter(pl.col("confidence") == label)
        out = rows.select(lo=byar_lower("x", level), hi=byar_upper("x", level))
        np.testing.assert_allclose(out["lo"], rows["lowercl"], atol=5e-7, rtol=0)
        np.testing.assert_allclose(out["hi"], rows["uppercl"], atol=5e-7, rtol=0)


def test_byar_lower_is_null_where_the_approximation_turns_negative(phe):
    # PHE's sheet has no lower limit for O = 1 at 99.8 %.
    out = pl.DataFrame({"x": [1]}).select(byar_lower("x", 0.998))
    assert out.item() is None


def test_rate_intervals_reproduce_phe_rates_with_method_per_row(phe):
    ref = phe("rate.csv").filter(
        pl.col("Numerator").is_not_null() & pl.col("Denominator").is_not_null()
    )
    out = ratio_interval(
        ref.with_columns(pl.col("Denominator").cast(pl.Float64).alias("E")),
        "Numerator",
        "E",
        multiplier=1.0,
    ).with_columns(pl.col("^(value|lower|upper)_.*$|^value$") * pl.col("multiplier"))
    for ours, theirs in [
        ("value", "value"),
        ("lower_95", "lower95_0cl"),
        ("upper_95", "upper95_0cl"),
        ("lower_99_8", "lower99_8cl"),
        ("upper_99_8", "upper99_8cl"),
    ]:
        np.testing.assert_allclose(out[ours], out[theirs], rtol=1e-6, atol=5e-7)
    expected_method = ref["method"].replace({"Byars": "Byar", "Exact": "exact"})
    assert out["method"].to_list() == expected_method.to_list()


def test_poisson_interval_switches_from_exact_to_byar_at_ten_events():
    out = poisson_interval(pl.DataFrame({"observed": [0, 9, 10, 11]}))
    assert BYAR_MIN_COUNT == 10
    assert out["method"].to_list() == ["exact", "exact", "Byar", "Byar"]
    assert out.select("confidence", "statistic").row(0) == ("95%, 99.8%", "count")


def test_exact_limits_match_chi_square_quantiles():
    o = np.arange(0, 30)
    out = pl.DataFrame({"o": o}).select(
        lo=exact_poisson_lower("o", 0.95), hi=exact_poisson_upper("o", 0.95)
    )
    want_lo = np.where(o == 0, 0.0, stats.chi2.ppf(0.025, 2 * np.maximum(o, 1)) / 2)
    want_hi = stats.chi2.ppf(0.975, 2 * o + 2) / 2
    np.testing.assert_allclose(out["lo"], want_lo, rtol=1e-10)
    np.testing.assert_allclose(out["hi"], want_hi, rtol=1e-10)


def test_zero_observed_has_lower_limit_zero_and_a_positive_upper_limit():
    out = poisson_interval(pl.DataFrame({"observed": [0]}))
    assert out["lower_95"].item() == 0.0
    assert abs(out["upper_95"].item() - stats.chi2.ppf(0.975, 2) / 2) < 1e-10
    assert out["method"].item() == "exact"


def test_ratio_is_null_not_an_error_when_expected_is_zero_or_inputs_are_null():
    frame = pl.DataFrame(
        {"observed": [5, None, 3, 4], "expected": [0.0, 2.0, None, -1.0]},
        schema={"observed": pl.Int64, "expected": pl.Float64},
    )
    out = ratio_interval(frame)
    for column in ("value", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "method"):
        assert out[column].null_count() == 4, column


@given(st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=40))
def test_count_limits_bracket_the_count_and_99_8_contains_95(observed):
    out = poisson_interval(pl.DataFrame({"observed": observed}))
    eps = 1e-9
    assert (out["lower_99_8"] <= out["lower_95"] + eps).all()
    assert (out["lower_95"] <= out["value"] + eps).all()
    assert (out["value"] <= out["upper_95"] + eps).all()
    assert (out["upper_95"] <= out["upper_99_8"] + eps).all()


@given(st.integers(min_value=1, max_value=5_000), st.integers(min_value=2, max_value=20))
def test_ratio_interval_narrows_as_expected_count_grows(observed, factor):
    frame = pl.DataFrame(
        {"observed": [observed, observed * factor], "expected": [observed, observed * factor]},
        schema={"observed": pl.Int64, "expected": pl.Float64},
    )
    out = ratio_interval(frame)
    width = (out["upper_95"] - out["lower_95"]).to_list()
    assert width[1] < width[0]
