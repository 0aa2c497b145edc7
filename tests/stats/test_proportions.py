"""Wilson score intervals against PHEindicatormethods, edge cases and invariants."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.stats import ConfidenceLevelError, wilson_interval, wilson_lower, wilson_upper


def test_wilson_interval_reproduces_phe_proportion_reference_to_six_decimals(phe):
    ref = phe("proportion.csv")
    for multiplier, rows in ref.group_by("multiplier"):
        out = wilson_interval(rows, "Numerator", "Denominator", multiplier=float(multiplier[0]))
        for ours, theirs in [
            ("value", "value"),
            ("lower_95", "lower95_0cl"),
            ("upper_95", "upper95_0cl"),
            ("lower_99_8", "lower99_8cl"),
            ("upper_99_8", "upper99_8cl"),
        ]:
            got, want = out[ours].to_numpy(), out[theirs].to_numpy()
            assert np.array_equal(np.isnan(got), np.isnan(want)), ours
            np.testing.assert_allclose(got, want, atol=5e-7 * multiplier[0], rtol=0, equal_nan=True)


def test_wilson_limits_reproduce_phe_byars_wilson_sheet_including_fractional_x(phe):
    ref = phe("byars_wilson.csv").filter(pl.col("method") == "Wilson")
    for label, level in [("95%", 0.95), ("99.8%", 0.998)]:
        rows = ref.filter(pl.col("confidence") == label)
        out = rows.select(lo=wilson_lower("x", "n", level), hi=wilson_upper("x", "n", level))
        np.testing.assert_allclose(out["lo"], rows["lowercl"], atol=5e-7, rtol=0)
        np.testing.assert_allclose(out["hi"], rows["uppercl"], atol=5e-7, rtol=0)


def test_wilson_interval_describes_itself():
    out = wilson_interval(pl.DataFrame({"numerator": [1], "denominator": [2]}))
    assert out.select("confidence", "statistic", "method").row(0) == (
        "95%, 99.8%",
        "proportion of 1",
        "Wilson",
    )


def test_wilson_interval_starts_at_zero_when_x_is_zero_and_ends_at_one_when_x_is_n():
    out = wilson_interval(pl.DataFrame({"numerator": [0, 7], "denominator": [7, 7]}))
    assert out["lower_95"][0] == 0.0
    assert out["lower_99_8"][0] == 0.0
    assert out["upper_95"][1] == 1.0
    assert out["upper_99_8"][1] == 1.0
    assert out["upper_95"][0] > 0.0
    assert out["lower_95"][1] < 1.0


def test_wilson_interval_is_null_not_an_error_when_n_is_zero_or_inputs_are_null():
    frame = pl.DataFrame(
        {"numerator": [0, None, 3, 5], "denominator": [0, 10, None, 4]},
        schema={"numerator": pl.Int64, "denominator": pl.Int64},
    )
    out = wilson_interval(frame)
    assert out["value"].null_count() == 4
    assert out["lower_95"].null_count() == 4
    assert out["upper_99_8"].null_count() == 4


def test_wilson_interval_works_on_lazy_frames():
    lazy = pl.LazyFrame({"numerator": [65], "denominator": [100]})
    out = wilson_interval(lazy, confidence=0.95).collect()
    assert out["lower_95"][0] == pytest.approx(0.552544, abs=5e-7)


@pytest.mark.parametrize("level", [0, 1, 95, -0.5, float("nan")])
def test_confidence_level_outside_zero_one_is_misuse(level):
    with pytest.raises(ConfidenceLevelError, match="between 0 and 1"):
        wilson_lower("x", "n", level)


def test_percentage_confidence_level_gets_a_hint():
    with pytest.raises(ConfidenceLevelError, match="divide by 100"):
        wilson_interval(pl.DataFrame({"numerator": [1], "denominator": [2]}), confidence=95)


counts = st.integers(min_value=0, max_value=10_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@given(st.lists(counts, min_size=1, max_size=50))
def test_wilson_limits_bracket_the_proportion_and_99_8_contains_95(pairs):
    frame = pl.DataFrame({"numerator": [x for x, _ in pairs], "denominator": [n for _, n in pairs]})
    out = wilson_interval(frame).filter(pl.col("denominator") > 0)
    eps = 1e-12
    assert (out["lower_99_8"] <= out["lower_95"] + eps).all()
    assert (out["lower_95"] <= out["value"] + eps).all()
    assert (out["value"] <= out["upper_95"] + eps).all()
    assert (out["upper_95"] <= out["upper_99_8"] + eps).all()
    assert (out["lower_99_8"] >= 0).all()
    assert (out["upper_99_8"] <= 1).all()


@given(
    st.integers(min_value=1, max_value=1000),
    st.floats(min_value=0.0, max_value=1.0),
    st.integers(min_value=2, max_value=50),
)
def test_wilson_interval_narrows_as_n_grows_at_the_same_proportion(n, p, factor):
    x = round(p * n)
    frame = pl.DataFrame({"numerator": [x, x * factor], "denominator": [n, n * factor]})
    out = wilson_interval(frame, confidence=0.95)
    width = (out["upper_95"] - out["lower_95"]).to_list()
    assert width[1] < width[0]
