"""Funnel limits and flags against PHEindicatormethods; overdispersion worked by hand."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators.stats import (
    ArgumentError,
    mean_funnel_limits,
    poisson_funnel_bound,
    proportion_funnel_limits,
    ratio_funnel_limits,
    wilson_funnel_bound,
)

Z95 = 1.959963984540054
Z998 = 3.090232306167813

PHE_FLAGS = {
    "High (0.001)": ("high", "high"),
    "Low (0.001)": ("low", "low"),
    "High (0.025)": ("high", "within"),
    "Low (0.025)": ("low", "within"),
    "Not significant": ("within", "within"),
}


@pytest.mark.parametrize(
    ("outputs", "baseline"),
    [
        ("funnel_prop_outputs.csv", "pooled"),
        ("funnel_prop_outputs_axis_variation.csv", "file"),
    ],
)
def test_proportion_funnel_bounds_reproduce_phe_limits_to_six_decimals(phe, outputs, baseline):
    ref = phe(outputs)
    ref.columns = [c.lower() for c in ref.columns]
    if baseline == "pooled":
        inputs = phe("funnel_prop_inputs.csv")
        target = inputs["numerator"].sum() / inputs["denominator"].sum()
        assert target * 100 == pytest.approx(ref["baseline"][0], abs=5e-7)
    else:
        target = ref["baseline"][0] / 100
    out = ref.select(
        lower_95=wilson_funnel_bound("population", target, 0.95, "lower") * 100,
        upper_95=wilson_funnel_bound("population", target, 0.95, "upper") * 100,
        lower_99_8=wilson_funnel_bound("population", target, 0.998, "lower") * 100,
        upper_99_8=wilson_funnel_bound("population", target, 0.998, "upper") * 100,
    )
    for ours, theirs in [
        ("lower_95", "lower2s0025limit"),
        ("upper_95", "upper2s0025limit"),
        ("lower_99_8", "lower3s0001limit"),
        ("upper_99_8", "upper3s0001limit"),
    ]:
        np.testing.assert_allclose(out[ours], ref[theirs], atol=1e-6, rtol=0)


def test_proportion_funnel_flags_reproduce_phe_significance_for_all_303_units(phe):
    inputs = phe("funnel_prop_inputs.csv")
    out = proportion_funnel_limits(inputs)
    want = inputs["significance"].replace_strict(
        {k: list(v) for k, v in PHE_FLAGS.items()}, return_dtype=pl.List(pl.String)
    )
    got = out.select(pl.concat_list("flag_95", "flag_99_8")).to_series()
    assert got.to_list() == want.to_list()


def test_ratio_funnel_bounds_reproduce_phe_ratio_funnel_outputs(phe):
    ref = phe("funnel_ratio_outputs.csv")
    checks = [
        ("lower_2s_exp_events", "lower_2s_isr", 0.95, "lower"),
        ("upper_2s_exp_events", "upper_2s_isr", 0.95, "upper"),
        ("lower_3s_exp_events", "lower_3s_isr", 0.998, "lower"),
        ("upper_3s_exp_events", "upper_3s_isr", 0.998, "upper"),
    ]
    for expected, isr, level, side in checks:
        got = ref.select(poisson_funnel_bound(expected, 1.0, level, side) * 100).to_series()
        # The expected counts are given to 7-10 significant digits: compare to 1e-5.
        np.testing.assert_allclose(got, ref[isr], rtol=1e-5)


def test_ratio_funnel_flags_reproduce_phe_significance_for_all_300_units(phe):
    inputs = phe("funnel_ratio_inputs.csv")
    out = ratio_funnel_limits(inputs, "obs", "expected", target=1.0)
    want = inputs["significance"].replace_strict(
        {k: list(v) for k, v in PHE_FLAGS.items()}, return_dtype=pl.List(pl.String)
    )
    got = out.select(pl.concat_list("flag_95", "flag_99_8")).to_series()
    assert got.to_list() == want.to_list()


def test_proportion_funnel_rows_describe_themselves():
    units = pl.DataFrame({"numerator": [10, 20, 30], "denominator": [100, 100, 100]})
    out = proportion_funnel_limits(units)
    assert out.select("confidence", "statistic", "method", "adjustment").row(0) == (
        "95%, 99.8%",
        "proportion of 1",
        "Wilson score funnel",
        "none",
    )
    assert out["target"].to_list() == pytest.approx([0.2, 0.2, 0.2])


# A hand-worked example of Spiegelhalter (2005) overdispersion, 12 units.
HAND_X = [12, 30, 45, 22, 60, 8, 90, 15, 40, 70, 25, 5]
HAND_N = [100, 150, 200, 120, 250, 60, 300, 90, 180, 260, 110, 50]


def _hand_overdispersion(x, n):
    """phi and tau2 computed step by step, independently of the implementation."""
    k = len(x)
    theta = sum(x) / sum(n)
    s = [math.sqrt(theta * (1 - theta) / ni) for ni in n]
    z = [(xi / ni - theta) / si for xi, ni, si in zip(x, n, s, strict=True)]
    # Winsorise at the 10th and 90th percentiles (linear interpolation, R type 7).
    ordered = sorted(z)

    def percentile(q):
        h = (k - 1) * q
        lo = math.floor(h)
        return ordered[lo] + (h - lo) * (ordered[min(lo + 1, k - 1)] - ordered[lo])

    p10, p90 = percentile(0.1), percentile(0.9)
    zw = [min(max(zi, p10), p90) for zi in z]
    phi = sum(v * v for v in zw) / k
    w = [1 / si**2 for si in s]
    tau2 = max(0.0, (k * phi - (k - 1)) / (sum(w) - sum(wi * wi for wi in w) / sum(w)))
    return theta, s, phi, tau2


def test_overdispersion_phi_and_tau2_match_a_hand_worked_example():
    theta, s, phi, tau2 = _hand_overdispersion(HAND_X, HAND_N)
    assert phi > 1  # the example is overdispersed
    units = pl.DataFrame({"numerator": HAND_X, "denominator": HAND_N})
    out = proportion_funnel_limits(units, adjustment="multiplicative")
    assert out["phi"].unique().to_list() == [pytest.approx(phi, rel=1e-12)]
    assert out["tau2"].unique().to_list() == [pytest.approx(tau2, rel=1e-12)]
    assert out["units"].unique().to_list() == [12]
    assert out["overdispersed"].all()
    want_upper = [min(1.0, theta + Z998 * math.sqrt(phi) * si) for si in s]
    np.testing.assert_allclose(out["upper_99_8"], want_upper, rtol=1e-12)
    assert out["method"][0].endswith("multiplicative overdispersion (Spiegelhalter 2005)")

    additive = proportion_funnel_limits(units, adjustment="additive")
    want_lower = [max(0.0, theta - Z95 * math.sqrt(si**2 + tau2)) for si in s]
    np.testing.assert_allclose(additive["lower_95"], want_lower, rtol=1e-12)


def test_units_without_overdispersion_get_unadjusted_limits():
    # Every unit sits exactly on the target: all z = 0, so phi = 0 <= 1.
    units = pl.DataFrame({"numerator": [10, 20, 30, 40], "denominator": [100, 200, 300, 400]})
    plain = proportion_funnel_limits(units)
    for adjustment in ("multiplicative", "additive"):
        adjusted = proportion_funnel_limits(units, adjustment=adjustment)
        assert adjusted["phi"].unique().to_list() == [0.0]
        assert adjusted["tau2"].unique().to_list() == [0.0]
        assert not adjusted["overdispersed"].any()
        assert_frame_equal(
            adjusted.select("^(lower|upper|flag)_.*$", "method"),
            plain.select("^(lower|upper|flag)_.*$", "method"),
        )


def test_ratio_overdispersion_uses_the_square_root_scale():
    observed = [5, 30, 12, 60, 2, 45, 20, 9, 80, 15]
    expected = [10.0, 20.0, 15.0, 40.0, 8.0, 50.0, 12.0, 14.0, 50.0, 25.0]
    z = [2 * (math.sqrt(o) - math.sqrt(e)) for o, e in zip(observed, expected, strict=True)]
    p10, p90 = np.percentile(z, [10, 90])
    phi = float(np.mean(np.clip(z, p10, p90) ** 2))
    out = ratio_funnel_limits(
        pl.DataFrame({"observed": observed, "expected": expected}),
        target=1.0,
        adjustment="multiplicative",
    )
    np.testing.assert_allclose(out["z_score"], z, rtol=1e-12)
    assert out["phi"][0] == pytest.approx(phi, rel=1e-12)
    s = [0.5 / math.sqrt(e) for e in expected]
    want = [(1 + Z95 * math.sqrt(phi) * si) ** 2 for si in s]
    np.testing.assert_allclose(out["upper_95"], want, rtol=1e-12)


def test_funnels_for_many_groups_in_one_call_equal_separate_calls():
    rng = np.random.default_rng(3)
    n = rng.integers(20, 500, size=60)
    frame = pl.DataFrame(
        {
            "indicator": np.repeat(["USER-01", "USER-02", "WAIT-02"], 20),
            "period": np.tile(np.repeat(["2025-T1", "2025-T2"], 10), 3),
            "numerator": rng.binomial(n, 0.4),
            "denominator": n,
        }
    )
    together = proportion_funnel_limits(
        frame, group_by=["indicator", "period"], adjustment="additive"
    )
    parts = [
        proportion_funnel_limits(part, adjustment="additive")
        for _, part in frame.group_by(["indicator", "period"], maintain_order=True)
    ]
    assert_frame_equal(
        together.sort("indicator", "period", "denominator", "numerator"),
        pl.concat(parts).sort("indicator", "period", "denominator", "numerator"),
    )
    assert (
        together.select(pl.col("target").n_unique().over("indicator", "period")).max().item() == 1
    )


def test_units_without_data_get_null_limits_and_flags_and_do_not_count():
    units = pl.DataFrame(
        {"numerator": [0, 5, None, 20, 30], "denominator": [0, 50, 40, 100, 150]},
        schema={"numerator": pl.Int64, "denominator": pl.Int64},
    )
    out = proportion_funnel_limits(units)
    assert out["flag_95"].to_list()[:3] == [None, "within", None]
    assert out["lower_95"][0] is None
    assert out["units"][0] == 3
    assert out["target"][0] == pytest.approx(55 / 300)


def test_ratio_funnel_handles_zero_observed_and_zero_expected():
    units = pl.DataFrame({"observed": [0, 4, 10], "expected": [30.0, 0.0, 10.0]})
    out = ratio_funnel_limits(units, target=1.0)
    assert out["flag_99_8"].to_list() == ["low", None, "within"]
    assert out["value"][1] is None


def test_unknown_adjustment_is_misuse():
    units = pl.DataFrame({"numerator": [1], "denominator": [2]})
    with pytest.raises(ArgumentError, match="adjustment must be one of"):
        proportion_funnel_limits(units, adjustment="both")  # type: ignore[arg-type]


@given(
    st.floats(min_value=0.01, max_value=0.99),
    st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=30),
)
def test_proportion_funnel_99_8_limits_contain_95_limits_and_the_target(target, sizes):
    frame = pl.DataFrame({"n": sizes}).select(
        t=pl.lit(target),
        lo95=wilson_funnel_bound("n", target, 0.95, "lower"),
        hi95=wilson_funnel_bound("n", target, 0.95, "upper"),
        lo998=wilson_funnel_bound("n", target, 0.998, "lower"),
        hi998=wilson_funnel_bound("n", target, 0.998, "upper"),
    )
    assert (frame["lo998"] <= frame["lo95"]).all()
    assert (frame["lo95"] <= frame["t"]).all()
    assert (frame["t"] <= frame["hi95"]).all()
    assert (frame["hi95"] <= frame["hi998"]).all()


@given(
    st.floats(min_value=0.2, max_value=5.0),
    st.lists(st.floats(min_value=0.5, max_value=1e5), min_size=1, max_size=30),
)
def test_ratio_funnel_99_8_limits_contain_95_limits(target, sizes):
    frame = pl.DataFrame({"e": sizes}).select(
        lo95=poisson_funnel_bound("e", target, 0.95, "lower"),
        hi95=poisson_funnel_bound("e", target, 0.95, "upper"),
        lo998=poisson_funnel_bound("e", target, 0.998, "lower"),
        hi998=poisson_funnel_bound("e", target, 0.998, "upper"),
    )
    assert (frame["lo998"] <= frame["lo95"] + 1e-12).all()
    assert (frame["lo95"] <= target).all()
    assert (frame["hi95"] >= target).all()
    assert (frame["hi95"] <= frame["hi998"] + 1e-12).all()


def test_tau2_follows_the_published_rule_below_phi_of_one_and_limits_stay_plain():
    """φ = 0.946 for six units: kφ > k − 1, so τ² > 0, yet φ <= 1 leaves the limits plain."""
    x, n = [27, 13, 21, 24, 17, 17], [100] * 6
    _, _, phi, tau2 = _hand_overdispersion(x, n)
    assert 5 / 6 < phi < 1
    assert tau2 > 0
    units = pl.DataFrame({"numerator": x, "denominator": n})
    adjusted = proportion_funnel_limits(units, adjustment="additive")
    assert adjusted["phi"].unique().to_list() == [pytest.approx(phi, rel=1e-12)]
    assert adjusted["tau2"].unique().to_list() == [pytest.approx(tau2, rel=1e-12)]
    assert not adjusted["overdispersed"].any()
    plain = proportion_funnel_limits(units)
    assert_frame_equal(
        adjusted.select("^(lower|upper|flag)_.*$"), plain.select("^(lower|upper|flag)_.*$")
    )


def test_mean_funnel_limits_are_the_target_plus_minus_z_sigma_over_root_n():
    """σ = 20 days around μ = 30: n = 100 gives 30 ± z·2, n = 25 gives 30 ± z·4."""
    units = pl.DataFrame({"unit": ["A", "B"], "mean": [35.0, 31.0], "count": [100, 25]})
    out = mean_funnel_limits(units, spread=20.0, target=30.0).select(
        "unit", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "flag_95", "flag_99_8"
    )
    expected = pl.DataFrame(
        {
            "unit": ["A", "B"],
            "lower_95": [30 - 3.919928, 30 - 7.839856],
            "upper_95": [30 + 3.919928, 30 + 7.839856],
            "lower_99_8": [30 - 6.180465, 30 - 12.360929],
            "upper_99_8": [30 + 6.180465, 30 + 12.360929],
            "flag_95": ["high", "within"],
            "flag_99_8": ["within", "within"],
        }
    )
    assert_frame_equal(out, expected, abs_tol=1e-5)


def test_mean_funnel_overdispersion_is_worked_by_hand():
    """σ = 10, n = 100 (s = 1), μ = 0, means (−4, 0, 0, 4): z = (−4, 0, 0, 4).

    Winsorised z (−2.8, 0, 0, 2.8), φ = 2·2.8²/4 = 3.92; w = 1/s² = 1: Σw − Σw²/Σw = 3,
    τ² = (4·3.92 − 3)/3 = 4.226667; additive 95 % limits ±1.959964·√5.226667 = ±4.480851,
    so the unit at 4, high in the plain funnel, is within the adjusted one.
    """
    units = pl.DataFrame({"mean": [-4.0, 0.0, 0.0, 4.0], "count": [100] * 4})
    plain = mean_funnel_limits(units, spread=10.0, target=0.0, confidence=0.95)
    out = mean_funnel_limits(units, spread=10.0, target=0.0, confidence=0.95, adjustment="additive")
    assert plain["flag_95"].to_list() == ["low", "within", "within", "high"]
    assert out["phi"].to_list() == pytest.approx([3.92] * 4)
    assert out["tau2"].to_list() == pytest.approx([12.68 / 3] * 4)
    assert out["upper_95"].to_list() == pytest.approx([4.480851] * 4, abs=1e-5)
    assert out["flag_95"].to_list() == ["within"] * 4
