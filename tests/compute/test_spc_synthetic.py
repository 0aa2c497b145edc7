"""The planted step change is found from its month; stable trusts signal only by chance."""

from __future__ import annotations

import polars as pl
import pytest
from scipy.stats import binom

from indicators.synth import PLANTED_CHANGES

pytestmark = pytest.mark.slow

#: The year whose months are read, as a report for it does.
YEAR = "2025"


def _signals(spc: pl.DataFrame) -> pl.DataFrame:
    """Per trust series: whether any whole month of YEAR has a special cause."""
    return (
        spc.filter(pl.col("level") == "trust", pl.col("period").str.starts_with(YEAR))
        .group_by("indicator_id", "unit_id")
        .agg((pl.col("special_cause") & pl.col("included")).any().alias("signal"))
    )


def test_the_planted_step_is_a_special_cause_from_its_month(medium):
    ((trust, changes),) = PLANTED_CHANGES.items()
    ((indicator, (month, direction)),) = changes.items()
    series = medium.spc.filter(
        pl.col("level") == "trust", pl.col("unit_id") == trust, pl.col("indicator_id") == indicator
    ).sort("month")
    after = series.filter(pl.col("period") >= month, pl.col("included"))
    before = series.filter(pl.col("period") < month, pl.col("included"))
    assert after.height >= 6
    assert after["special_cause"].all()
    assert after["period"][0] == month  # flagged from the month of the change
    assert set(after["variation"]) == {"special cause improvement"}  # shorter waits
    assert direction == "decrease"
    assert after["value"].mean() < before["value"].mean()
    assert series["series_variation"][0] == "special cause improvement"


def test_trusts_without_a_planted_change_signal_no_more_than_chance_says(medium):
    """Over all their series, and trust by trust, at the 1 % level of the binomial."""
    chance = medium.manifest["parameters"]["spc"]["chance_signal_share"]["share"]
    stable = _signals(medium.spc).filter(~pl.col("unit_id").is_in(list(PLANTED_CHANGES)))
    k, n = int(stable["signal"].sum()), stable.height
    assert n >= 40
    assert binom.sf(k - 1, n, chance) > 0.01, f"{k} of {n} series signal; chance {chance}"
    per_trust = stable.group_by("unit_id").agg(pl.col("signal").sum(), pl.len())
    most = int(binom.ppf(0.99, per_trust["len"].max(), chance))
    assert per_trust["signal"].max() <= most, per_trust.sort("signal").tail(3)
