"""Disclosure control: primary and secondary suppression, and what the published tables keep."""

from __future__ import annotations

import polars as pl
import pytest

from indicators.catalogue import BY_ID
from indicators.compute.statistics import add_funnels
from indicators.disclosure import disclose_indicators, mark_suppressed


def _rows(**columns) -> pl.DataFrame:
    n = len(columns["unit_id"])
    base = {
        "indicator_id": ["X"] * n,
        "level": ["trust"] * n,
        "period": ["2025"] * n,
        "period_type": ["year"] * n,
        "rhf_code": ["1"] * n,
        "statistic": ["proportion"] * n,
        "min_denominator": [20] * n,
    }
    base.update(columns)
    frame = pl.DataFrame(base)
    if "denominator" not in frame.columns:
        frame = frame.with_columns(pl.col("n_cases").cast(pl.Float64).alias("denominator"))
    return frame


def test_a_lone_small_count_takes_the_smallest_other_unit_of_its_rhf_with_it():
    rows = _rows(
        unit_id=["A", "B", "C", "D", "E"],
        rhf_code=["1", "1", "1", "1", "2"],
        numerator=[3, 30, 12, 20, 10],
        n_cases=[40, 40, 30, 60, 25],
    )
    # E (25) is smaller than C (30) but in another RHF: RHF 1 minus B and D would
    # still give A exactly if E were chosen.
    assert mark_suppressed(rows)["suppressed"].to_list() == [
        "small_count", None, "secondary", None, None
    ]  # fmt: skip


def test_two_small_counts_in_a_group_need_no_secondary_suppression():
    rows = _rows(unit_id=["A", "B", "C"], numerator=[3, 2, 12], n_cases=[40, 40, 30])
    assert mark_suppressed(rows)["suppressed"].to_list() == ["small_count", "small_count", None]


def test_a_lone_too_few_row_reveals_no_small_count_and_takes_no_other_unit():
    rows = _rows(unit_id=["A", "B", "C"], numerator=[6, 30, 12], n_cases=[12, 40, 30])
    assert mark_suppressed(rows)["suppressed"].to_list() == ["too_few", None, None]


def test_the_national_row_is_never_a_secondary_cell():
    rows = _rows(
        unit_id=["NO", "1", "2"],
        level=["national", "rhf", "rhf"],
        rhf_code=[None, "1", "2"],
        numerator=[40, 3, 37],
        n_cases=[100, 30, 70],
    )
    assert mark_suppressed(rows)["suppressed"].to_list() == [None, "small_count", "secondary"]


def test_a_waiting_time_publishes_no_started_count_and_is_withheld_only_for_few_referrals():
    rows = _rows(
        unit_id=["A", "B", "C", "D"],
        statistic=["median_days"] * 4,
        numerator=[2.0, 20.0, 30.0, 40.0],
        n_cases=[4, 22, 30, 12],
        value=[29.0, 30.0, 31.0, 32.0],
        mean_days=[33.5, 30.0, 31.0, 32.0],
    )
    out = disclose_indicators(rows)
    # A: 4 referrals (small count); B: 2 still waiting, but the started count is never
    # published, so nothing can be subtracted; D: 12 referrals, below the minimum of 20.
    assert out["suppressed"].to_list() == ["small_count", None, None, "too_few"]
    assert out["value"].to_list() == [None, 30.0, 31.0, None]
    assert out["mean_days"].to_list() == [None, 30.0, 31.0, None]
    assert out["numerator"].to_list() == [None, None, None, None]


def test_overdispersion_is_estimated_from_published_units_only():
    units = _rows(
        unit_id=list("ABCDEF"),
        numerator=[40.0, 55.0, 48.0, 70.0, 35.0, 1.0],
        n_cases=[100, 100, 100, 100, 100, 100],
    ).with_columns(
        (pl.col("numerator") / pl.col("n_cases")).alias("value"),
        pl.lit(0.5).alias("national_value"),
        pl.lit(1.0).alias("_scale"),
        pl.lit("1", pl.String).alias("indicator_id"),
        pl.Series("shown", [True] * 5 + [False]),
    )
    ind = BY_ID["WAIT-02"]
    by_id = {"1": ind}
    with_hidden = add_funnels(units, by_id, among=pl.col("shown"))
    without = add_funnels(units.filter("shown"), by_id, among=pl.col("shown"))
    cols = ["phi", "tau2", "funnel_low_998_od", "funnel_high_998_od"]
    assert with_hidden.filter("shown").select(cols).equals(without.select(cols))
    hidden = with_hidden.filter(~pl.col("shown")).row(0, named=True)
    assert hidden["phi"] is None
    assert hidden["funnel_low_998_od"] is None
    assert hidden["funnel_flag_998"] == "low"  # plain limits need no other unit


@pytest.mark.slow
def test_no_group_of_units_has_a_lone_small_count_to_recover_by_subtraction(medium):
    """National − RHFs, RHF − its trusts, national − catchment trusts: ≥ 2 hidden or none."""
    t = medium.indicators.filter(pl.col("level") != "national").with_columns(
        pl.when(pl.col("level") == "trust").then("rhf_code").otherwise(pl.lit("NO")).alias("total")
    )
    groups = t.group_by("indicator_id", "level", "period", "total").agg(
        pl.col("suppressed").is_not_null().sum().alias("hidden"),
        (pl.col("suppressed") == "small_count").sum().alias("small"),
        (pl.col("suppressed") == "secondary").sum().alias("secondary"),
    )
    assert groups.filter((pl.col("hidden") == 1) & (pl.col("small") == 1)).height == 0
    assert groups["secondary"].sum() > 0  # the rule did something on this extract


@pytest.mark.slow
def test_variation_uses_only_published_units(medium):
    # k counts the units whose value is published (a published WAIT-01 month whose
    # median is not reached yet has none)
    published = medium.indicators.filter(
        (pl.col("level") != "national")
        & pl.col("suppressed").is_null()
        & pl.col("value").is_not_null()
    )
    expected = published.group_by("indicator_id", "level", "period").agg(
        pl.len().alias("k_published"),
        (pl.col("value").max() / pl.col("value").min()).alias("ft1_published"),
    )
    everything = medium.internal.filter(pl.col("level") != "national")
    all_units = everything.group_by("indicator_id", "level", "period").agg(
        pl.col("value").is_not_null().sum().alias("k_all")
    )
    v = medium.variation.join(expected, on=["indicator_id", "level", "period"]).join(
        all_units, on=["indicator_id", "level", "period"]
    )
    assert (v["k"] == v["k_published"]).all()
    assert (v["k"] < v["k_all"]).any()  # some units are withheld, and left out
    shown = v.filter(pl.col("ft1").is_not_null())
    assert shown["ft1"].to_list() == pytest.approx(shown["ft1_published"].to_list())


def test_a_lone_small_tertial_takes_the_smallest_other_tertial_of_its_year_with_it():
    # One trust alone in its RHF's group has nothing to subtract across units; across
    # periods its year (16/436) minus T1 (6/145) and T2 (8/147) would give T3 = 2/144.
    rows = _rows(
        unit_id=["A"] * 4,
        period=["2025", "2025-T1", "2025-T2", "2025-T3"],
        period_type=["year", "tertial", "tertial", "tertial"],
        numerator=[16, 6, 8, 2],
        n_cases=[436, 145, 147, 144],
    )
    assert mark_suppressed(rows)["suppressed"].to_list() == [
        None, "secondary", None, "small_count"
    ]  # fmt: skip


def test_secondary_cells_are_covered_in_the_other_dimension_too():
    """Hand-worked chain, one RHF with trusts A, B, C and the year 2025 with T1-T3.

    A-T1 has 3 cases (small count).  Round 1, units: within 2025-T1 of the RHF, C-T1 is
    the smallest published trust (30), so it becomes secondary.  Periods: A's tertials
    have one exposed cell (T1), so A's smallest other tertial, A-T3 (35), is secondary;
    C's tertials now have one exposed cell (C-T1), so C-T2 (31) is secondary.  Round 2,
    units: 2025-T3 has A-T3 alone, so C-T3 (32, the smallest published) is secondary;
    2025-T2 has C-T2 alone, so A-T2 (40, smaller than B's 100) is secondary.  Periods:
    A has T1, T2, T3 hidden and C has T1, T2, T3 hidden: nothing is lone.  Round 3
    changes nothing.  Every group now has zero or at least two withheld cells.
    """
    units = ["A", "B", "C"]
    periods = ["2025", "2025-T1", "2025-T2", "2025-T3"]
    n = {
        "A": [115, 40, 40, 35],
        "B": [300, 100, 100, 100],
        "C": [93, 30, 31, 32],
    }
    x = {"A": [23, 3, 10, 10], "B": [60, 20, 20, 20], "C": [30, 10, 10, 10]}
    rows = _rows(
        unit_id=[u for u in units for _ in periods],
        period=periods * 3,
        period_type=["year", "tertial", "tertial", "tertial"] * 3,
        numerator=[v for u in units for v in x[u]],
        n_cases=[v for u in units for v in n[u]],
    )
    out = dict(
        zip(
            zip(rows["unit_id"], rows["period"], strict=True),
            mark_suppressed(rows)["suppressed"],
            strict=True,
        )
    )
    assert out[("A", "2025-T1")] == "small_count"
    secondary = {k for k, v in out.items() if v == "secondary"}
    assert secondary == {
        ("C", "2025-T1"), ("A", "2025-T3"), ("C", "2025-T2"), ("C", "2025-T3"), ("A", "2025-T2")
    }  # fmt: skip
    assert all(out[(u, "2025")] is None for u in units)
    assert all(out[("B", p)] is None for p in periods)


def test_waiting_times_publish_their_funnel_flags_but_not_limits_that_give_n_away():
    from indicators.disclosure.rules import withhold

    rows = pl.DataFrame(
        {
            "statistic": ["median_days", "proportion"],
            "numerator": [40.0, 12.0],
            "denominator": [44.0, 50.0],
            "value": [27.0, 0.24],
            "funnel_low_95": [25.1, 0.12],
            "funnel_high_95": [34.9, 0.40],
            "funnel_flag_95": ["high", "within"],
            "suppressed": [None, None],
        },
        schema_overrides={"suppressed": pl.String},
    )
    shown = withhold(rows)
    assert shown.row(0, named=True) == {
        "statistic": "median_days",
        "numerator": None,  # the number who started stays internal
        "denominator": 44.0,
        "value": 27.0,
        "funnel_low_95": None,
        "funnel_high_95": None,
        "funnel_flag_95": "high",
        "suppressed": None,
    }
    assert shown.row(1) == rows.row(1)
