"""SPC limits and special-cause rules against NHSRplotthedots and hand-worked series.

Reference values
----------------
- NHSRplotthedots (NHS-R Community, GitHub nhs-r-community/NHSRplotthedots, commit 050b07d),
  ``tests/testthat/_snaps/ptd_spc_standard.md``: the series is R's ``set.seed(123);
  rnorm(20)``, written out below to 8 decimals as R prints it; the snapshot gives centre
  and limits to 7 significant digits, with moving ranges screened, then with point 15 set to
  10 screened and unscreened.  Their rule tests (``test-ptd_calculate_point_type.R``) give
  the two-in-three cases below.
- Laney's p′ chart: the published weekly A&E data of Mohammed et al. (BMJ Qual Saf 2013), with
  p̄, σ_z and limits worked step by step in ``tests/data/README_spc.md`` (``spc_laney.json``).
- The chance-signal share: against the same rules written out as plain loops below.
- Everything else is worked by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators.stats import (
    ArgumentError,
    assurance,
    chance_signal_share,
    p_chart_limits,
    special_causes,
    u_chart_limits,
    xmr_limits,
)

DATA = Path(__file__).parent.parent / "data"
#: NHSRplotthedots' published series, limits and rule cases (source in the file).
PLOTTHEDOTS = json.loads((DATA / "spc_nhsrplotthedots.json").read_text(encoding="utf-8"))
RNORM_SEED_123 = PLOTTHEDOTS["series"]["values"]

FLAGS = ["outside_limits", "run", "trend", "two_in_three"]
IMP, CON, COM = "special cause improvement", "special cause concern", "common cause"


def series(values: list[float], **columns: list[object]) -> pl.DataFrame:
    return pl.DataFrame({"t": list(range(len(values))), "x": values, **columns})


def flagged(
    values: list[float], *, centre: float = 0.0, limit: float = 3.0, **kwargs
) -> pl.DataFrame:
    """Rules for ``values`` around a fixed centre with limits centre ± limit."""
    return special_causes(
        series(values),
        "x",
        order="t",
        centre=centre,
        upper=centre + limit,
        lower=centre - limit,
        **kwargs,
    )


def rows(frame: pl.DataFrame, column: str) -> list[int]:
    return frame.with_row_index().filter(pl.col(column))["index"].to_list()


# --- XmR -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", PLOTTHEDOTS["xmr_limits"], ids=lambda c: f"{c['point_15']}-{c['screen']}"
)
def test_xmr_limits_agree_with_nhsrplotthedots(case):
    values = list(RNORM_SEED_123)
    if case["point_15"] is not None:
        values[14] = case["point_15"]
    result = xmr_limits(series(values), "x", order="t", screen=case["screen"])
    assert result["centre"].to_list() == pytest.approx([case["centre"]] * 20, abs=1e-6)
    assert result["lower"].to_list() == pytest.approx([case["lower"]] * 20, abs=1e-5)
    assert result["upper"].to_list() == pytest.approx([case["upper"]] * 20, abs=1e-5)


@pytest.mark.parametrize("case", PLOTTHEDOTS["two_in_three"]["cases"])
def test_two_in_three_agrees_with_nhsrplotthedots(case):
    assert rows(flagged(case["values"]), "two_in_three") == case["flagged"]


def test_xmr_limits_screen_out_a_moving_range_above_3_267_times_the_mean():
    # x = 10, 11, 10, 11, 10, 30: mean 82/6 = 13.6667; moving ranges 1, 1, 1, 1, 20, mean 4.8.
    # Unscreened: 13.6667 ± 2.66 × 4.8 = 13.6667 ± 12.768 -> 0.8987, 26.4347.
    # 3.267 × 4.8 = 15.68 < 20, so 20 is left out; mean MR 1 -> 13.6667 ± 2.66 -> 11.0067, 16.3267.
    frame = series([10.0, 11, 10, 11, 10, 30])
    plain = xmr_limits(frame, "x", order="t").row(0, named=True)
    screened = xmr_limits(frame, "x", order="t", screen=True).row(0, named=True)
    assert (plain["mean_moving_range"], plain["lower"], plain["upper"]) == pytest.approx(
        (4.8, 0.898667, 26.434667)
    )
    assert (screened["mean_moving_range"], screened["lower"], screened["upper"]) == pytest.approx(
        (1.0, 11.006667, 16.326667)
    )
    # 2σ band: 13.6667 ± (2/3) × 2.66 = 13.6667 ± 1.77333
    assert (screened["lower_2sigma"], screened["upper_2sigma"]) == pytest.approx((11.893333, 15.44))


def test_xmr_limits_with_a_baseline_come_from_the_first_points_only():
    # First 4 points 10, 12, 11, 13: mean 11.5, MR 2, 1, 2 -> mean 5/3;
    # limits 11.5 ± 2.66 × 5/3 = 11.5 ± 4.4333.
    frame = series([13.0, 11, 12, 10, 50, 60], t=[3, 2, 1, 0, 4, 5])
    result = xmr_limits(frame, "x", order="t", baseline=4)
    assert result["x"].to_list() == [10.0, 12, 11, 13, 50, 60]
    assert result["lower"].to_list() == pytest.approx([7.066667] * 6)
    assert result["upper"].to_list() == pytest.approx([15.933333] * 6)
    assert result["moving_range"].to_list() == pytest.approx([None, 2, 1, 2, 37, 10], nan_ok=True)


@pytest.mark.parametrize("baseline", [0, 1, True])
def test_xmr_limits_refuse_a_baseline_of_fewer_than_two_points(baseline):
    with pytest.raises(ArgumentError, match="baseline must be a whole number of points >= 2"):
        xmr_limits(series([1.0, 2.0]), "x", order="t", baseline=baseline)


def test_xmr_limits_keep_a_lazy_frame_lazy():
    assert isinstance(xmr_limits(series([1.0, 2.0]).lazy(), "x", order="t"), pl.LazyFrame)


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30), st.booleans())
def test_xmr_limits_are_symmetric_about_the_centre(values, screen):
    result = xmr_limits(series(values), "x", order="t", screen=screen)
    up = (result["upper"] - result["centre"]).to_list()
    down = (result["centre"] - result["lower"]).to_list()
    assert up == pytest.approx(down, abs=1e-6)
    assert min(up) >= 0


@given(st.floats(-1e6, 1e6), st.integers(1, 30))
def test_a_constant_series_has_zero_width_limits_and_no_special_cause(value, length):
    limits = xmr_limits(series([value] * length), "x", order="t")
    assert (limits["upper"] == limits["lower"]).all()
    result = special_causes(limits, "x", order="t", centre="centre", upper="upper", lower="lower")
    assert not result["special_cause"].any()
    assert set(result["variation"]) == {COM}


# --- p, p′ and u charts ------------------------------------------------------------------


def test_p_chart_limits_vary_with_n_and_are_clipped_at_zero():
    # x = 10, 30, 20, 0 of n = 100, 100, 400, 0: p̄ = 60/600 = 0.1.
    # n = 100: σ = √(0.1 × 0.9/100) = 0.03, limits 0.01, 0.19; 2σ band 0.04, 0.16.
    # n = 400: σ = 0.015, limits 0.055, 0.145.  n = 0: no proportion, no limits.
    # With n = 10 added (x = 1, p̄ = 61/610 = 0.1): σ = √0.009 = 0.0949, lower 0.1 − 0.2846 -> 0.
    frame = series([0.0] * 5, num=[10, 30, 20, 0, 1], den=[100, 100, 400, 0, 10])
    result = p_chart_limits(frame, "num", "den", order="t")
    assert result["proportion"].to_list() == pytest.approx([0.1, 0.3, 0.05, None, 0.1], nan_ok=True)
    assert result["lower"].to_list() == pytest.approx([0.01, 0.01, 0.055, None, 0.0], nan_ok=True)
    assert result["upper"].to_list() == pytest.approx(
        [0.19, 0.19, 0.145, None, 0.1 + 3 * 0.0948683], nan_ok=True
    )
    assert result["upper_2sigma"][0] == pytest.approx(0.16)
    assert result["sigma_z"].to_list() == [1.0] * 5


def test_laney_p_chart_widens_the_limits_by_the_spread_of_z():
    # As above without n = 0: z = 0/0.03 = 0, 0.2/0.03 = 6.6667, −0.05/0.015 = −3.3333.
    # Moving ranges of z 6.6667 and 10, mean 8.3333; σ_z = 8.3333/1.128 = 7.387707.
    # n = 100: 0.1 ± 3 × 0.03 × 7.387707 = 0.1 ± 0.664894 -> 0 (clipped), 0.764894.
    # n = 400: 0.1 ± 3 × 0.015 × 7.387707 = 0.1 ± 0.332447 -> 0 (clipped), 0.432447.
    frame = series([0.0] * 3, num=[10, 30, 20], den=[100, 100, 400])
    result = p_chart_limits(frame, "num", "den", order="t", laney=True)
    assert result["sigma_z"].to_list() == pytest.approx([7.387707] * 3)
    assert result["upper"].to_list() == pytest.approx([0.764894, 0.764894, 0.432447])
    assert result["lower"].to_list() == [0.0, 0.0, 0.0]
    assert result["chart"].to_list() == ["p′"] * 3


def test_u_chart_limits_follow_the_exposure_and_stop_at_zero():
    # c = 2, 6, 42 over e = 1, 2, 25: ū = 50/28 = 1.785714.
    # e = 1: 1.785714 ± 3√1.785714 = ± 4.008919 -> 0 (clipped), 5.794633.
    # e = 2: ± 3√0.892857 = ± 2.834734 -> 0, 4.620448.   e = 25: ± 3√0.0714286 = ± 0.801784.
    result = u_chart_limits(
        series([0.0] * 3, c=[2, 6, 42], e=[1.0, 2.0, 25.0]), "c", "e", order="t"
    )
    assert result["rate"].to_list() == pytest.approx([2.0, 3.0, 1.68])
    assert result["centre"].to_list() == pytest.approx([1.785714] * 3)
    assert result["upper"].to_list() == pytest.approx([5.794633, 4.620448, 2.587498])
    assert result["lower"].to_list() == pytest.approx([0.0, 0.0, 0.983931])


@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=20),
    st.booleans(),
)
def test_p_chart_limits_lie_in_0_1_around_the_centre(counts, laney):
    frame = series([0.0] * len(counts), num=[x for x, _ in counts], den=[x + y for x, y in counts])
    result = p_chart_limits(frame, "num", "den", order="t", laney=laney).drop_nulls("lower")
    assert (
        (result["lower"] >= 0) & (result["lower"] <= result["centre"]) & (result["upper"] <= 1)
    ).all()
    assert (result["upper"] >= result["centre"]).all()


# --- special causes ----------------------------------------------------------------------


def test_a_run_of_seven_on_one_side_is_flagged_and_a_point_on_the_centre_ends_a_run():
    # 7 points above, one below, then 6 above, one on the centre, one above: only the first 7.
    values = [1.0] * 7 + [-1.0] + [1.0] * 6 + [0.0, 1.0]
    result = flagged(values, improvement="decrease")
    assert rows(result, "run") == list(range(7))
    assert result["variation"].to_list() == [CON] * 7 + [COM] * 9


def test_a_run_of_six_is_common_cause():
    assert not flagged([-1.0] * 6 + [1.0]).get_column("special_cause").any()


def test_a_trend_of_seven_is_flagged_at_the_start_of_a_series_and_ties_end_a_trend():
    # 1 … 7 rise in 6 steps (7 points);
    # 10, 11, 12, 12, 13, 14, 15, 16 has a tie: runs of 2 and 4 steps, no trend.
    rising = flagged([1.0, 2, 3, 4, 5, 6, 7, 4.5], centre=4.0, limit=10.0, improvement="increase")
    assert rows(rising, "trend") == list(range(7))
    assert rising["variation"].to_list() == [IMP] * 7 + [COM]
    tied = flagged([10.0, 11, 12, 12, 13, 14, 15, 16], centre=13.0, limit=10.0)
    assert not tied["trend"].any()
    six = flagged([6.0, 5, 4, 3, 2, 1], centre=3.5, limit=10.0)
    assert not six["trend"].any()


def test_a_trend_at_the_end_of_a_series_is_flagged():
    values = [3.0, 3.5, 7, 6, 5, 4, 3, 2, 1]
    result = flagged(values, centre=4.0, limit=10.0, improvement="increase")
    assert rows(result, "trend") == [2, 3, 4, 5, 6, 7, 8]
    assert result["variation"].to_list() == [COM, COM] + [CON] * 7


def test_special_cause_precedence_is_outside_then_trend_then_two_in_three_then_run():
    # All 13 points are below the centre 100 (a run); 1 … 7 rise, 7 … 1 fall (the peak takes the
    # later, falling trend, as NHSRplotthedots does).  Higher is better.
    values = [1.0, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    result = flagged(values, centre=100.0, limit=200.0, improvement="increase")
    assert result["run"].all()
    assert result["trend"].all()
    assert result["variation"].to_list() == [IMP] * 6 + [CON] * 7


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # centre 0, limits ±3, 2σ band ±2.  NHSRplotthedots' cases, near-limit marks c(1, 0, 1),
        # c(0, 0, 1, 0, 1, 0, 0) and c(0, 0, 1, 1, 0, 0, 0), all on one side:
        ([2.5, 0.5, 2.5], [0, 2]),
        ([0.5, 0.5, 2.5, 0.5, 2.5, 0.5, 0.5], [2, 4]),
        ([-0.5, -0.5, -2.5, -2.5, -0.5, -0.5, -0.5], [2, 3]),
        # ... and on alternating sides: nothing.
        ([0.5, -0.5, 2.5, -0.5, 2.5, -0.5, 0.5], []),
        ([-0.5, 0.5, -2.5, 2.5, -0.5, 0.5, -0.5], []),
        # a point outside the limits is not "close to" them (it has its own rule)
        ([0.5, 2.5, 3.5], []),
        ([2.5, 3.5, 2.5], [0, 2]),
        # at the end of a series, in a full window of three
        ([0.5, 0.5, 0.5, 2.5, 2.5], [3, 4]),
        # no full window of three
        ([2.5, 2.5], []),
        ([-0.5, 2.5, 2.5], []),
    ],
)
def test_two_of_three_points_close_to_a_limit_on_one_side(values, expected):
    assert rows(flagged(values), "two_in_three") == expected


def test_points_outside_the_limits_read_by_improvement_direction():
    values = [0.0, 4.0, -4.0]
    up = flagged(values, improvement="increase")
    down = flagged(values, improvement="decrease")
    neither = flagged(values)
    assert up["outside_limits"].to_list() == [False, True, True]
    assert up["variation"].to_list() == [COM, IMP, CON]
    assert down["variation"].to_list() == [COM, CON, IMP]
    assert neither["variation"].to_list() == [COM, "special cause neither", "special cause neither"]


def test_special_causes_refuse_an_unknown_improvement_direction():
    with pytest.raises(ArgumentError, match="improvement must be one of"):
        flagged([1.0], improvement="higher")


def test_special_causes_on_the_nhsrplotthedots_series_are_common_cause():
    # The snapshot's limits are ±3.2 around 0.14 and no run of 7 or trend of 7 is in the series.
    limits = xmr_limits(series(RNORM_SEED_123), "x", order="t", screen=True)
    result = special_causes(limits, "x", order="t", centre="centre", upper="upper", lower="lower")
    assert set(result["variation"]) == {COM}


values_strategy = st.lists(st.integers(-6, 6).map(float), min_size=1, max_size=25)


@given(values_strategy, st.sampled_from(["increase", "decrease"]))
def test_mirroring_the_values_and_the_improvement_direction_keeps_every_verdict(
    values, improvement
):
    other = "decrease" if improvement == "increase" else "increase"
    result = flagged(values, centre=0.5, limit=3.0, improvement=improvement)
    mirrored = special_causes(
        series([-v for v in values]),
        "x",
        order="t",
        centre=-0.5,
        upper=2.5,
        lower=-3.5,
        improvement=other,
    )
    assert_frame_equal(result.drop("x"), mirrored.drop("x"))


@given(values_strategy)
def test_the_rules_read_a_series_the_same_backwards(values):
    forward = flagged(values, centre=0.5, limit=3.0)
    backward = flagged(values[::-1], centre=0.5, limit=3.0)
    for column in FLAGS:
        assert forward[column].to_list() == backward[column].to_list()[::-1]


@settings(max_examples=50)
@given(st.lists(st.floats(-100, 100), min_size=7, max_size=20, unique=True))
def test_reversing_a_trend_in_time_swaps_improvement_and_concern_unless_the_direction_swaps_too(
    values,
):
    # A strictly rising series, all within wide limits: every point is in the trend.
    rising = sorted(values)
    forward = flagged(rising, centre=0.0, limit=1e4, improvement="increase")
    backward = flagged(rising[::-1], centre=0.0, limit=1e4, improvement="increase")
    both = flagged(rising[::-1], centre=0.0, limit=1e4, improvement="decrease")
    assert forward["variation"].to_list() == [IMP] * len(rising)
    assert backward["variation"].to_list() == [CON] * len(rising)
    assert both["variation"].to_list() == [IMP] * len(rising)


def test_two_series_in_one_frame_give_the_same_results_as_each_alone():
    a = series(RNORM_SEED_123, unit=["a"] * 20, num=list(range(20)), den=[40] * 20)
    b = series(
        [1.0, 2, 3, 4, 5, 6, 7, 9, 12, 2], unit=["b"] * 10, num=[1] * 10, den=list(range(5, 15))
    )
    both = pl.concat([b, a])

    def chain(frame: pl.DataFrame, group_by: str | None) -> pl.DataFrame:
        xmr = xmr_limits(frame, "x", order="t", group_by=group_by, screen=True)
        flags = special_causes(
            xmr, "x", order="t", centre="centre", upper="upper", lower="lower", group_by=group_by
        )
        p = p_chart_limits(flags, "num", "den", order="t", group_by=group_by, laney=True)
        return u_chart_limits(
            p.drop("centre", "upper", "lower"), "num", "den", order="t", group_by=group_by
        )

    together = chain(both, "unit")
    alone = pl.concat([chain(a, None), chain(b, None)])
    assert_frame_equal(together, alone, check_row_order=False)


# --- assurance ---------------------------------------------------------------------------


def test_assurance_for_a_measure_where_lower_is_better():
    limits = pl.DataFrame(
        {"lower": [80.0, 60.0, 50.0, 50.0, None], "upper": [95.0, 75.0, 90.0, 78.0, 90.0]}
    )
    result = assurance(limits, target=78.0, upper="upper", lower="lower", improvement="decrease")
    assert result["assurance"].to_list() == [
        "consistently fails target",
        "consistently meets target",
        "hit and miss",
        "hit and miss",
        None,
    ]


def test_assurance_needs_an_improvement_direction():
    with pytest.raises(ArgumentError, match="improvement must be one of"):
        assurance(
            pl.DataFrame({"l": [1.0], "u": [2.0]}),
            target=1.5,
            upper="u",
            lower="l",
            improvement=None,
        )  # type: ignore[arg-type]


def test_a_step_after_the_baseline_is_a_special_cause_from_its_first_month():
    # Baseline 12, 10, 12, 10, 12, 10: centre 11, MR̄ 2, limits 11 ± 5.32 = 5.68, 16.32;
    # 2σ band 11 ± (2/3) × 5.32 = 11 ± 3.5467.
    # Then seven months at 15 (inside the limits, beyond the band, above the centre): a run of 7
    # and two-in-three from the step's first month; the baseline stays common cause.
    frame = series([12.0, 10, 12, 10, 12, 10] + [15.0] * 7)
    limits = xmr_limits(frame, "x", order="t", baseline=6)
    assert limits["upper"].to_list() == pytest.approx([16.32] * 13)
    result = special_causes(
        limits,
        "x",
        order="t",
        centre="centre",
        upper="upper",
        lower="lower",
        improvement="decrease",
    )
    assert rows(result, "run") == list(range(6, 13))
    assert rows(result, "two_in_three") == list(range(6, 13))
    assert result["variation"].to_list() == [COM] * 6 + [CON] * 7


def test_every_chart_keeps_a_lazy_frame_lazy():
    frame = series([1.0, 2.0, 4.0], num=[1, 2, 3], den=[5, 5, 5]).lazy()
    limits = xmr_limits(frame, "x", order="t")
    flags = special_causes(limits, "x", order="t", centre="centre", upper="upper", lower="lower")
    p = p_chart_limits(frame, "num", "den", order="t", laney=True)
    u = u_chart_limits(frame, "num", "den", order="t")
    checked = assurance(limits, target=2.0, upper="upper", lower="lower", improvement="increase")
    for result in (flags, p, u, checked):
        assert isinstance(result, pl.LazyFrame)
        result.collect()


def test_a_missing_month_ends_a_run_and_has_no_verdict():
    # 1 1 1 1 _ 1 1 1 4 3: mean of the 9 values 14/9 = 1.5556; moving ranges (those next to the gap
    # are missing) 0, 0, 0, 0, 0, 3, 1 -> mean 4/7; limits 1.5556 ± 2.66 × 4/7 = 0.0356, 3.0756.
    # Eight points below the centre, but in runs of 4 and 3 around the gap: no run; 4 is outside.
    values = [1.0, 1, 1, 1, None, 1, 1, 1, 4, 3]
    limits = xmr_limits(series(values), "x", order="t")
    assert limits.row(0, named=True)["upper"] == pytest.approx(3.075556)
    result = special_causes(
        limits,
        "x",
        order="t",
        centre="centre",
        upper="upper",
        lower="lower",
        improvement="increase",
    )
    assert not result["run"].any()
    assert result["variation"].to_list() == [COM] * 4 + [None] + [COM] * 3 + [IMP, COM]


def test_runs_trends_and_two_in_three_do_not_cross_from_one_series_to_the_next():
    # Series a ends with two points near the upper limit (band 2, limit 3) in a rising trend;
    # b starts with the trend's continuation and a near point, then falls below the centre.
    # Alone, a has two-in-three at 6, 7, a trend and a run over 0 … 7; b none of them (its one
    # window of three crosses the centre).  Together, nothing of a may spill into b.
    a = series([0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 2.5, 2.6], unit=["a"] * 8)
    b = series([2.7, 0.5, -0.5], unit=["b"] * 3)
    result = special_causes(
        pl.concat([b, a]), "x", order="t", centre=0.0, upper=3.0, lower=-3.0, group_by="unit"
    )
    assert rows(result, "two_in_three") == [6, 7]
    assert rows(result, "trend") == list(range(8))
    assert rows(result, "run") == list(range(8))


# --- Laney's p′ against a worked reference --------------------------------------------------


def test_laney_p_chart_reproduces_the_worked_a_and_e_example():
    reference = json.loads((DATA / "spc_laney.json").read_text(encoding="utf-8"))
    frame = pl.DataFrame(
        {
            "week": reference["week"],
            "seen": reference["seen_within_4_hours"],
            "attendances": reference["attendances"],
        }
    )
    result = p_chart_limits(frame, "seen", "attendances", order="week", laney=True)
    assert result["centre"].to_list() == pytest.approx([reference["p_bar"]] * 20, abs=5e-11)
    assert result["sigma_z"][0] == pytest.approx(reference["sigma_z"], abs=5e-9)
    assert result["lower"].to_list() == pytest.approx(reference["lower"], abs=5e-7)
    assert result["upper"].to_list() == pytest.approx(reference["upper"], abs=5e-7)


# --- rebasing and baselines -----------------------------------------------------------------


def test_xmr_limits_are_recalculated_from_a_rebase_and_no_moving_range_spans_it():
    # Before t = 4: 10, 12, 11, 13: mean 11.5, MR 2, 1, 2 -> 5/3; 11.5 ± 2.66 × 5/3 = 11.5 ± 4.4333.
    # From t = 4: 20, 24, 22, 26: mean 23, MR 4, 2, 4 -> 10/3; 23 ± 2.66 × 10/3 = 23 ± 8.8667.
    # The step 13 -> 20 is no moving range of either segment (it would make MR̄ 22/7 overall).
    frame = series([10.0, 12, 11, 13, 20, 24, 22, 26])
    result = xmr_limits(frame, "x", order="t", rebase_at=4)
    assert result["segment"].to_list() == [0] * 4 + [1] * 4
    assert result["segment"].dtype == pl.Int32
    assert result["moving_range"].to_list() == pytest.approx(
        [None, 2, 1, 2, None, 4, 2, 4], nan_ok=True
    )
    assert result["mean_moving_range"].to_list() == pytest.approx([5 / 3] * 4 + [10 / 3] * 4)
    assert result["centre"].to_list() == pytest.approx([11.5] * 4 + [23.0] * 4)
    assert result["lower"].to_list() == pytest.approx([7.066667] * 4 + [14.133333] * 4)
    assert result["upper"].to_list() == pytest.approx([15.933333] * 4 + [31.866667] * 4)


def test_a_baseline_applies_within_each_segment():
    # Baseline 2: segment 0 from 10, 12 (11 ± 2.66 × 2 = 11 ± 5.32);
    # segment 1 from 20, 24 (22 ± 2.66 × 4 = 22 ± 10.64).
    frame = series([10.0, 12, 11, 13, 20, 24, 22, 26])
    result = xmr_limits(frame, "x", order="t", rebase_at=4, baseline=2)
    assert result["centre"].to_list() == pytest.approx([11.0] * 4 + [22.0] * 4)
    assert result["upper"].to_list() == pytest.approx([16.32] * 4 + [32.64] * 4)


def test_every_limit_function_has_segment_0_without_a_rebase():
    frame = series([1.0, 2.0, 4.0], num=[1, 2, 3], den=[5, 5, 5])
    for result in (
        xmr_limits(frame, "x", order="t"),
        p_chart_limits(frame, "num", "den", order="t"),
        u_chart_limits(frame, "num", "den", order="t"),
        xmr_limits(frame, "x", order="t", rebase_at=[]),
    ):
        assert result["segment"].to_list() == [0, 0, 0]
        assert result["segment"].dtype == pl.Int32


def test_several_change_dates_apply_to_every_series_in_any_order():
    # Months Jan … Jun 2024 for two units; changes declared on 1 Mar and 1 May (given in
    # reverse order, once twice): segments 0, 0, 1, 1, 2, 2 in each unit.  A date between
    # two months starts the segment at the next month (15 Apr -> May).
    months = [dt.date(2024, m, 1) for m in range(1, 7)]
    frame = pl.DataFrame(
        {
            "unit": ["a"] * 6 + ["b"] * 6,
            "month": months * 2,
            "x": [1.0, 3, 10, 12, 20, 24, 5, 7, 5, 7, 5, 7],
        }
    )
    changes = [dt.date(2024, 5, 1), dt.date(2024, 3, 1), dt.date(2024, 5, 1)]
    result = xmr_limits(frame, "x", order="month", group_by="unit", rebase_at=changes)
    assert result["segment"].to_list() == [0, 0, 1, 1, 2, 2] * 2
    # unit a: means 2, 11, 22 and moving ranges 2, 2, 4 within the segments
    assert result.filter(unit="a")["centre"].to_list() == pytest.approx([2, 2, 11, 11, 22, 22])
    assert result.filter(unit="a")["mean_moving_range"].to_list() == pytest.approx(
        [2, 2, 2, 2, 4, 4]
    )
    between = xmr_limits(frame, "x", order="month", group_by="unit", rebase_at=dt.date(2024, 4, 15))
    assert between["segment"].to_list() == [0, 0, 0, 0, 1, 1] * 2


def test_a_rebase_can_be_a_text_period():
    frame = pl.DataFrame({"period": ["2024-01", "2024-02", "2024-03", "2024-04"], "x": [1.0] * 4})
    result = xmr_limits(frame, "x", order="period", rebase_at="2024-03")
    assert result["segment"].to_list() == [0, 0, 1, 1]


def test_p_chart_limits_after_a_rebase():
    # Before t = 2: x = 10, 30 of n = 100, 100: p̄ = 0.2, σ = √(0.16/100) = 0.04, limits 0.08, 0.32.
    # From t = 2: x = 5, 15 of n = 100, 300: p̄ = 20/400 = 0.05;
    #   n = 100: σ = √(0.0475/100) = 0.0217945, 0.05 ± 0.0653835 -> 0 (clipped), 0.1153835;
    #   n = 300: σ = √(0.0475/300) = 0.0125831, 0.05 ± 0.0377492 -> 0.0122508, 0.0877492.
    frame = series([0.0] * 4, num=[10, 30, 5, 15], den=[100, 100, 100, 300])
    result = p_chart_limits(frame, "num", "den", order="t", rebase_at=2)
    assert result["segment"].to_list() == [0, 0, 1, 1]
    assert result["centre"].to_list() == pytest.approx([0.2, 0.2, 0.05, 0.05])
    assert result["lower"].to_list() == pytest.approx([0.08, 0.08, 0.0, 0.0122508], abs=1e-7)
    assert result["upper"].to_list() == pytest.approx([0.32, 0.32, 0.1153835, 0.0877492], abs=1e-7)


def test_laney_sigma_z_is_computed_within_each_segment():
    # Each segment alone is the p′ example above (z = 0, 6.6667, −3.3333, σ_z = 7.387707);
    # across the rebase the z-scores of one segment never meet the other's.
    one = [10, 30, 20]
    frame = series([0.0] * 6, num=one + one, den=[100, 100, 400] * 2)
    result = p_chart_limits(frame, "num", "den", order="t", laney=True, rebase_at=3)
    assert result["sigma_z"].to_list() == pytest.approx([7.387707] * 6)
    assert result["upper"].to_list() == pytest.approx([0.764894, 0.764894, 0.432447] * 2)


def test_p_and_u_chart_baselines_take_the_centre_from_the_first_points():
    # p: the first three points give p̄ = 60/600 = 0.1; the fourth (90 of 100) is held to
    # 0.1 ± 3 × 0.03 = 0.01, 0.19.
    frame = series([0.0] * 4, num=[10, 30, 20, 90], den=[100, 100, 400, 100])
    p = p_chart_limits(frame, "num", "den", order="t", baseline=3)
    assert p["centre"].to_list() == pytest.approx([0.1] * 4)
    assert (p["lower"][3], p["upper"][3]) == pytest.approx((0.01, 0.19))
    # u: c = 2, 6 over e = 1, 2 give ū = 8/3; then c = 40 over 4 (rate 10) is not used.
    # e = 4: 8/3 ± 3√(8/12) = 2.666667 ± 2.449490.
    u = u_chart_limits(
        series([0.0] * 3, c=[2, 6, 40], e=[1.0, 2.0, 4.0]), "c", "e", order="t", baseline=2
    )
    assert u["centre"].to_list() == pytest.approx([8 / 3] * 3)
    assert (u["lower"][2], u["upper"][2]) == pytest.approx((0.217177, 5.116157))


def test_u_chart_limits_after_a_rebase():
    # Before t = 3: the u-chart example above (ū = 50/28).  From t = 3: c = 10 over e = 5,
    # ū = 2, limits 2 ± 3√(2/5) = 2 ± 1.8973666.
    frame = series([0.0] * 4, c=[2, 6, 42, 10], e=[1.0, 2.0, 25.0, 5.0])
    result = u_chart_limits(frame, "c", "e", order="t", rebase_at=3)
    assert result["centre"].to_list() == pytest.approx([1.785714] * 3 + [2.0])
    assert (result["lower"][3], result["upper"][3]) == pytest.approx((0.1026334, 3.8973666))


@pytest.mark.parametrize(
    "chart",
    [
        lambda f: p_chart_limits(f, "num", "den", order="t", baseline=1),
        lambda f: u_chart_limits(f, "num", "den", order="t", baseline=0),
    ],
)
def test_p_and_u_charts_refuse_a_baseline_of_fewer_than_two_points(chart):
    with pytest.raises(ArgumentError, match="baseline must be a whole number of points >= 2"):
        chart(series([0.0, 0.0], num=[1, 2], den=[5, 5]))


def segmented(values: list[float], segments: list[int], **kwargs) -> pl.DataFrame:
    """Rules for ``values`` around centre 0 with limits ±3, in the given segments."""
    return special_causes(
        series(values, segment=segments),
        "x",
        order="t",
        centre=0.0,
        upper=3.0,
        lower=-3.0,
        **kwargs,
    )


def test_a_run_does_not_span_a_rebase_but_starts_afresh_at_it():
    # Eight points above the centre: a run of 8 in one segment, but 4 + 4 across a rebase.
    # Then a segment of 7 points above, from its first point: a run of 7.
    assert rows(segmented([1.0] * 8, [0] * 8), "run") == list(range(8))
    assert not segmented([1.0] * 8, [0] * 4 + [1] * 4)["run"].any()
    assert rows(segmented([-1.0] * 3 + [1.0] * 7, [0] * 3 + [1] * 7), "run") == list(range(3, 10))
    # segment=None reads the frame as one segment again
    ignored = segmented([1.0] * 8, [0] * 4 + [1] * 4, segment=None)
    assert rows(ignored, "run") == list(range(8))


def test_a_trend_does_not_span_a_rebase_and_can_end_on_the_last_point_of_a_segment():
    # 0.1, 0.2, … 0.8 rise in 7 steps.  Split 4 + 4: no trend.  Split 7 + 1: the first
    # segment's 7 points are a trend up to its last point; the eighth point is not in it.
    rising = [0.1 * (i + 1) for i in range(8)]
    assert not segmented(rising, [0] * 4 + [1] * 4)["trend"].any()
    assert rows(segmented(rising, [0] * 7 + [1]), "trend") == list(range(7))
    assert rows(segmented(rising, [0] * 8), "trend") == list(range(8))


def test_two_in_three_does_not_span_a_rebase_but_counts_at_a_segments_first_and_last_points():
    # 0.5, 0.5, 2.5 | 2.5, 0.5, 0.5: the two near points are in different segments.
    values = [0.5, 0.5, 2.5, 2.5, 0.5, 0.5]
    assert rows(segmented(values, [0] * 6), "two_in_three") == [2, 3]
    assert not segmented(values, [0] * 3 + [1] * 3)["two_in_three"].any()
    # 0.5 | 2.5, 2.5, 0.5 | 0.5, 2.5, 2.5: at a segment's first two and last two points.
    values = [0.5, 2.5, 2.5, 0.5, 0.5, 2.5, 2.5]
    assert rows(segmented(values, [0, 1, 1, 1, 2, 2, 2]), "two_in_three") == [1, 2, 5, 6]


def test_a_rebase_at_a_step_change_leaves_both_levels_common_cause():
    # 12, 10, … (8 months) then 22, 20, … (8 months).  As one segment the centre is 16 and
    # all 16 points are runs of 8 on either side; rebased at month 8 each level alternates
    # around its own centre (11, then 21): common cause throughout.
    frame = series([12.0, 10] * 4 + [22.0, 20] * 4)
    whole = xmr_limits(frame, "x", order="t")
    rebased = xmr_limits(frame, "x", order="t", rebase_at=8)

    def rules(limits: pl.DataFrame) -> pl.DataFrame:
        return special_causes(limits, "x", order="t", centre="centre", upper="upper", lower="lower")

    assert rules(whole)["run"].all()
    assert set(rules(rebased)["variation"]) == {COM}


# --- chance signals ---------------------------------------------------------------------


def loop_flags(x: np.ndarray) -> list[bool]:
    """Every rule for one series with XmR limits from all its points, as plain loops."""
    k = len(x)
    centre = x.mean()
    mean_mr = np.abs(np.diff(x)).mean()
    upper, lower = centre + 2.66 * mean_mr, centre - 2.66 * mean_mr
    flagged = [bool(v > upper or v < lower) for v in x]
    side = np.sign(x - centre)
    step = np.sign(np.diff(x))
    for i in range(k - 6):  # runs: 7 consecutive points on one side
        if side[i] != 0 and all(side[i : i + 7] == side[i]):
            flagged[i : i + 7] = [True] * 7
    for i in range(k - 6):  # trends: 6 consecutive steps of one sign (7 points)
        if step[i] != 0 and all(step[i : i + 6] == step[i]):
            flagged[i : i + 7] = [True] * 7
    for sign, limit in ((1, upper), (-1, lower)):  # two of three beyond the 2σ band
        band = centre + 2 / 3 * (limit - centre)
        near = [(v - band) * sign > 0 and (v - limit) * sign <= 0 for v in x]
        for i in range(k - 2):
            window = range(i, i + 3)
            if sum(near[j] for j in window) >= 2 and all(
                (x[j] - centre) * sign > 0 for j in window
            ):
                for j in window:
                    flagged[j] = flagged[j] or near[j]
    return flagged


def test_chance_signal_share_agrees_with_the_rules_written_as_loops():
    # Independent draws: the two estimates differ by sampling error only, whose standard
    # deviation is √(2p(1 − p)/3000) ≈ 0.008 at p ≈ 0.11; allow 4 of them.
    rng = np.random.default_rng(20261130)
    n = 3000
    looped = sum(any(loop_flags(rng.standard_normal(36))[-12:]) for _ in range(n)) / n
    share = chance_signal_share(36, last=12, simulations=n, seed=1)
    assert share == pytest.approx(looped, abs=4 * (2 * looped * (1 - looped) / n) ** 0.5)


def test_chance_signal_share_of_36_months_in_the_last_12_is_about_11_percent():
    # 20 000 simulations give 0.110 (standard error 0.002); 4000 are within ±0.02 of it.
    assert chance_signal_share(36, last=12, simulations=4000) == pytest.approx(0.110, abs=0.02)


def test_chance_signal_share_grows_with_the_points_looked_at_and_is_a_share():
    shares = [chance_signal_share(24, last=last, simulations=2000) for last in (1, 6, 12, 24)]
    assert shares == sorted(shares)
    assert shares[0] > 0
    assert shares[-1] < 1
    assert chance_signal_share(24, last=6, simulations=2000, seed=5) == chance_signal_share(
        24, last=6, simulations=2000, seed=5
    )


def test_two_points_never_signal():
    # With two points each lies MR/2 from the centre, well inside ± 2.66 MR; no run, trend or
    # window of three fits in two points.
    assert chance_signal_share(2, last=2, simulations=500) == 0.0


@pytest.mark.parametrize(
    ("points", "last", "simulations", "message"),
    [
        (1, 1, 10, "points must be a whole number >= 2"),
        (12, 0, 10, "last must be a whole number from 1 to points"),
        (12, 13, 10, "last must be a whole number from 1 to points"),
        (12, 6, 0, "simulations must be a whole number >= 1"),
    ],
)
def test_chance_signal_share_checks_its_arguments(points, last, simulations, message):
    with pytest.raises(ArgumentError, match=message):
        chance_signal_share(points, last=last, simulations=simulations)


def test_a_segment_column_among_the_series_keys_is_kept_as_the_rebase():
    frame = series([10.0, 12, 11, 13, 20, 24, 22, 26], segment=[0] * 4 + [1] * 4)
    kept = xmr_limits(frame, "x", order="t", group_by="segment")
    rebased = xmr_limits(frame.drop("segment"), "x", order="t", rebase_at=4)
    assert_frame_equal(kept, rebased, check_dtypes=False)  # the caller's segment stays Int64
    with pytest.raises(ArgumentError, match="give rebase_at or a 'segment' column"):
        p_chart_limits(frame, "x", "x", order="t", group_by="segment", rebase_at=4)


def test_special_causes_take_a_segment_named_among_the_series_keys_once():
    result = segmented([1.0] * 8, [0] * 4 + [1] * 4, group_by="segment")
    assert not result["run"].any()
