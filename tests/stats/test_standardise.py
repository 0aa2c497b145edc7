"""Indirectly standardised ratios and directly standardised rates against PHEindicatormethods."""

from __future__ import annotations

import numpy as np
import polars as pl

from indicators.stats import (
    DSR_MIN_COUNT,
    directly_standardised_rate,
    expected_count,
    indirectly_standardised_ratio,
    ratio_interval,
)

LIMITS = [
    ("value", "value"),
    ("lower_95", "lower95_0cl"),
    ("upper_95", "upper95_0cl"),
    ("lower_99_8", "lower99_8cl"),
    ("upper_99_8", "upper99_8cl"),
]


def test_isr_reproduces_phe_expected_counts_ratios_and_limits(phe):
    strata = phe("isr_multiarea.csv").with_columns(
        (pl.col("refcount") / pl.col("refpop")).alias("reference_rate")
    )
    ref = phe("isr_results.csv")
    for multiplier in (1, 100):
        out = indirectly_standardised_ratio(
            strata,
            observed="count",
            population="pop",
            group_by="area",
            multiplier=multiplier,
        ).join(ref.filter(pl.col("multiplier") == multiplier), on="area", suffix="_ref")
        assert out.height == 3
        np.testing.assert_allclose(out["expected"], out["expected_ref"], atol=5e-7, rtol=0)
        assert out["observed"].to_list() == out["observed_ref"].to_list()
        for ours, theirs in LIMITS:
            np.testing.assert_allclose(out[ours], out[theirs], atol=5e-7 * multiplier, rtol=0)
        assert (
            out["method"].to_list()
            == out["method_ref"].replace({"Byars": "Byar", "Exact": "exact"}).to_list()
        )


def test_isr_with_separate_observed_totals_reproduces_phe_grouped_by_indicator_year_and_sex(phe):
    keys = ["indicatorid", "year", "sex"]
    strata = phe("isr_obs_strata.csv").with_columns(
        (pl.col("refcount") / pl.col("refpop")).alias("reference_rate")
    )
    expected = expected_count(strata, population="pop", group_by=keys)
    units = phe("isr_obs_totals.csv").join(expected, on=keys)
    out = ratio_interval(units, "observed", "expected", confidence=0.95)
    ref = phe("isr_obs_results.csv")
    both = out.join(ref, on=keys, suffix="_ref")
    assert both.height == ref.height == 40
    np.testing.assert_allclose(both["expected"], both["expected_ref"], rtol=1e-9)
    np.testing.assert_allclose(both["value"], both["Value"], rtol=1e-9)
    np.testing.assert_allclose(both["lower_95"], both["lower_95_ci"], rtol=1e-9)
    np.testing.assert_allclose(both["upper_95"], both["upper_95_ci"], rtol=1e-9)


def test_dsr_reproduces_phe_values_and_dobson_limits(phe):
    strata = phe("dsr_multiarea.csv").join(phe("dsr_esp2013.csv"), on="ageband")
    ref = phe("dsr_results.csv").filter(pl.col("area") != "testdata_1976")
    for multiplier in (10_000, 100_000):
        out = directly_standardised_rate(
            strata,
            count="count",
            population="pop",
            standard_population="esp2013",
            group_by="area",
            multiplier=multiplier,
        ).join(
            ref.filter(
                pl.col("multiplier").is_null() | (pl.col("multiplier") == multiplier)
            ).unique(subset="area", keep="first", maintain_order=True),
            on="area",
            suffix="_ref",
        )
        assert out.height == 3
        assert out["total_count"].to_list() == out["total_count_ref"].to_list()
        for ours, theirs in LIMITS:
            np.testing.assert_allclose(
                out[ours], out[theirs], atol=5e-7 * multiplier / 1e4, rtol=1e-9
            )


def test_dsr_reproduces_phe_1976_standard_population_at_95_percent(phe):
    strata = phe("dsr_1976.csv").with_columns(pl.lit("testdata_1976").alias("area"))
    ref = phe("dsr_results.csv").filter(
        (pl.col("area") == "testdata_1976") & (pl.col("multiplier") == 100_000)
    )
    out = directly_standardised_rate(
        strata, count="count", population="pop", standard_population="esp1976", group_by="area"
    )
    for ours, theirs in LIMITS[:3]:
        np.testing.assert_allclose(out[ours], ref[theirs], rtol=1e-9)


def test_dsr_is_withheld_below_ten_events_and_says_why():
    strata = pl.DataFrame(
        {
            "unit": ["a", "a", "b", "b"],
            "count": [4, 5, 5, 5],
            "population": [100, 100, 100, 100],
            "standard_population": [1, 1, 1, 1],
        }
    )
    out = directly_standardised_rate(strata, group_by="unit").sort("unit")
    assert DSR_MIN_COUNT == 10
    assert out["value"].to_list()[0] is None
    assert out["value"].to_list()[1] is not None
    assert out["statistic"].to_list() == ["dsr withheld: total count < 10", "dsr per 100000"]
    assert out["method"].to_list() == ["Dobson", "Dobson"]


def test_dsr_is_null_when_a_stratum_has_no_population():
    strata = pl.DataFrame({"count": [40, 5], "population": [100, 0], "standard_population": [1, 1]})
    out = directly_standardised_rate(strata)
    assert out["value"].item() is None
    assert "zero population" in out["statistic"].item()


def test_isr_is_null_when_expected_is_zero():
    strata = pl.DataFrame({"observed": [3], "population": [100], "reference_rate": [0.0]})
    out = indirectly_standardised_ratio(strata)
    assert out["expected"].item() == 0.0
    assert out["value"].item() is None
    assert out["lower_95"].item() is None


def test_isr_with_zero_observed_has_lower_limit_zero():
    strata = pl.DataFrame(
        {"observed": [0, 0], "population": [100, 50], "reference_rate": [0.02, 0.04]}
    )
    out = indirectly_standardised_ratio(strata)
    assert out["value"].item() == 0.0
    assert out["lower_95"].item() == 0.0
    assert out["upper_95"].item() > 0.0
    assert out["method"].item() == "exact"
