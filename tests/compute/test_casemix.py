"""Case-mix adjustment (LEVEL-01A): the national logistic model, its summary and the planted areas.

Reference values come from outside the module: statsmodels' own logit fitted on one row
per case with a formula, and the c-statistic counted pair by pair.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.formula.api as smf

from indicators import load_extract
from indicators.catalogue import BY_ID, CaseContext
from indicators.compute import ComputeResult
from indicators.compute.casemix import (
    CaseMixError,
    c_statistic,
    calibration_table,
    covariate_levels,
    covariate_patterns,
    fit_case_mix,
    fit_case_mix_models,
)
from indicators.synth import PLANTED_CASE_MIX, generate_tables

LEVEL_01A = BY_ID["LEVEL-01A"]


@pytest.fixture(scope="module")
def cases() -> pl.DataFrame:
    """LEVEL-01A's cases, one row each, from a small synthetic extract."""
    tables = {k: v.lazy() for k, v in generate_tables(scale=0.03, seed=7).items()}
    ctx = CaseContext(extract_date=date(2025, 12, 31))
    return LEVEL_01A.cases(tables, ctx).collect()


@pytest.fixture(scope="module")
def model(cases: pl.DataFrame):
    return fit_case_mix(LEVEL_01A, covariate_patterns(LEVEL_01A, cases.lazy()).collect())


def test_LEVEL_01A_coefficients_are_statsmodels_logit_on_one_row_per_case(cases, model):
    rows = pd.DataFrame(
        cases.select(
            *covariate_levels(LEVEL_01A.covariates), pl.col("numerator").cast(pl.Int64)
        ).to_dict(as_series=False)
    )
    terms = " + ".join(
        f"C({c}, Treatment(reference={model.reference[c]!r}))" for c in LEVEL_01A.covariates
    )
    theirs = smf.logit(f"numerator ~ {terms}", data=rows).fit(disp=0, method="newton", tol=1e-12)
    names = {
        f"C({c}, Treatment(reference={model.reference[c]!r}))[T.{level}]": f"{c}={level}"
        for c in LEVEL_01A.covariates
        for level in rows[c].unique()
    }
    expected = {names.get(k, "intercept"): v for k, v in theirs.params.items()}
    errors = {names.get(k, "intercept"): v for k, v in theirs.bse.items()}
    assert set(expected) == set(model.terms)
    for term, estimate, se in zip(
        model.terms, model.coefficients, model.standard_errors, strict=True
    ):
        assert estimate == pytest.approx(expected[term], abs=1e-6), term
        assert se == pytest.approx(errors[term], rel=1e-5), term


def test_terms_are_readable_and_drop_the_reference_level(model):
    assert model.terms[0] == "intercept"
    assert "housing=homeless" in model.terms
    assert all(f"{c}={model.reference[c]}" not in model.terms for c in model.covariates)


def test_c_statistic_equals_the_share_of_concordant_pairs_counted_one_by_one(cases, model):
    """Every (event, non-event) pair of a sample: 1 when the event has the higher p̂, ½ if tied."""
    sample = (
        cases.with_columns(covariate_levels(LEVEL_01A.covariates))
        .join(model.patterns.select(*LEVEL_01A.covariates, "expected"), on=LEVEL_01A.covariates)
        .sample(400, seed=1)
    )
    p = sample["expected"].to_list()
    y = sample["numerator"].to_list()
    pairs = [
        1.0 if p[i] > p[j] else 0.5 if p[i] == p[j] else 0.0
        for i, j in itertools.product(range(len(p)), repeat=2)
        if y[i] and not y[j]
    ]
    patterns = sample.group_by("expected").agg(
        pl.len().alias("n"), pl.col("numerator").cast(pl.Int64).sum().alias("events")
    )
    assert c_statistic(patterns) == pytest.approx(sum(pairs) / len(pairs), abs=1e-12)
    assert 0.6 < model.c_statistic < 0.9


def test_calibration_table_sums_to_the_model_totals(model):
    table = model.calibration
    assert table["decile"].to_list() == list(range(1, 11))
    assert table["n"].sum() == model.n
    assert table["observed"].sum() == model.events
    fitted = (model.patterns["expected"] * model.patterns["n"]).sum()
    assert table["expected"].sum() == pytest.approx(fitted, rel=1e-12)
    # A logistic model with an intercept predicts as many events as it was fitted on.
    assert fitted == pytest.approx(model.events, rel=1e-8)
    assert table["risk_high"].is_sorted()
    assert table["expected_rate"].is_sorted()


def test_calibration_keeps_cases_of_equal_risk_in_one_group():
    patterns = pl.DataFrame({"expected": [0.1, 0.2, 0.2, 0.9], "n": [3, 4, 4, 1], "events": 1})
    table = calibration_table(patterns, groups=4)
    assert table.select("decile", "n").rows() == [(1, 3), (2, 8), (4, 1)]


def test_a_case_mix_indicator_without_a_declared_covariate_stops_naming_it():
    broken = replace(LEVEL_01A, id="LOCAL-9", covariates=(*LEVEL_01A.covariates, "income"))
    tables = {k: v.lazy() for k, v in generate_tables(scale=0.005, seed=2).items()}
    with pytest.raises(
        CaseMixError, match=r"LOCAL-9: the case selector returns no column 'income'"
    ):
        fit_case_mix_models(
            [broken],
            tables,
            CaseContext(extract_date=date(2025, 12, 31)),
            period_start=None,
            period_end=None,
        )


def test_the_manifest_records_the_fit(model):
    summary = model.summary()
    assert summary["covariates"] == list(LEVEL_01A.covariates)
    assert summary["n"] == model.n
    assert summary["events"] == model.events
    terms = [c["term"] for c in summary["coefficients"]]
    assert terms == list(model.terms)
    assert all(c["standard_error"] > 0 for c in summary["coefficients"])
    assert len(summary["calibration"]) == 10
    assert np.isfinite(summary["c_statistic"])


# ------------------------------------------------------------ the medium synthetic extract
def _catchment_years(medium: ComputeResult, indicator: str, unit: str) -> pl.DataFrame:
    return medium.internal.filter(
        indicator_id=indicator, level="catchment", unit_id=unit, period_type="year"
    ).sort("period")


@pytest.mark.slow
def test_the_need_area_is_high_crude_and_as_expected_once_need_is_adjusted(medium):
    need = next(t for t, e in PLANTED_CASE_MIX.items() if e["LEVEL-01A"] == "as expected")
    crude = _catchment_years(medium, "LEVEL-01", need)
    adjusted = _catchment_years(medium, "LEVEL-01A", need)
    assert (crude["value"] > crude["national_value"]).all()
    assert (crude["funnel_flag_95"] == "high").sum() >= 2
    assert (adjusted["funnel_flag_95"] == "within").all()
    assert adjusted["value"].is_between(0.8, 1.2).all()


@pytest.mark.slow
def test_the_over_assigning_area_is_high_crude_and_adjusted(medium):
    over = next(t for t, e in PLANTED_CASE_MIX.items() if e["LEVEL-01A"] == "high")
    for indicator in ("LEVEL-01", "LEVEL-01A"):
        rows = _catchment_years(medium, indicator, over)
        assert (rows["funnel_flag_998"] == "high").all(), indicator


@pytest.mark.slow
def test_adjusting_for_need_leaves_less_overdispersion_between_catchment_areas(medium):
    v = medium.variation.filter(level="catchment", period_type="year")
    wide = v.pivot("indicator_id", index="period", values="phi")
    assert (wide["LEVEL-01A"] < wide["LEVEL-01"]).all()


@pytest.mark.slow
def test_the_medium_manifest_holds_the_fitted_model(medium):
    fit = medium.manifest["parameters"]["case_mix"]["LEVEL-01A"]
    assert fit["covariates"] == list(LEVEL_01A.covariates)
    assert 0.6 < fit["c_statistic"] < 0.9
    calibration = pl.DataFrame(fit["calibration"])
    assert calibration["n"].sum() == fit["n"]
    deviation = (calibration["observed"] - calibration["expected"]).abs() / calibration["n"]
    assert deviation.max() < 0.05


def test_case_mix_results_need_no_more_than_the_extract(tmp_path: Path):
    """LEVEL-01A is computed without ``contacts`` (diagnosis unknown), and says so."""
    from indicators import write_extract
    from indicators.compute import compute_indicators

    tables = generate_tables(scale=0.01, seed=3)
    del tables["contacts"]
    write_extract(tables, tmp_path)
    result = compute_indicators(
        load_extract(tmp_path, tables=["patients", "referrals"]),
        indicators=(BY_ID["LEVEL-01"], LEVEL_01A),
        extract_date=date(2025, 12, 31),
    )
    assert any("contacts" in p for p in result.partial["LEVEL-01A"])
    fit = result.manifest["parameters"]["case_mix"]["LEVEL-01A"]
    assert not any(c["term"].startswith("diagnosis_group=") for c in fit["coefficients"])
    national = result.internal.filter(indicator_id="LEVEL-01A", level="national")
    assert national["numerator"].sum() == pytest.approx(national["denominator"].sum(), rel=1e-6)


def test_the_methods_appendix_states_the_model_its_discrimination_and_calibration(model):
    from indicators.reports.methods import methods_html

    manifest = {"parameters": {"case_mix": {"LEVEL-01A": model.summary()}}}
    html = methods_html([LEVEL_01A], lang="nb", manifest=manifest)
    assert "logistisk regresjonsmodell" in html
    assert "bosituasjon" in html
    assert "tidligere tildelt døgnbehandling" in html
    assert f"{model.c_statistic:.3f}".replace(".", ",") in html
    assert html.count("<tr><td>") == 10  # one row per tenth of predicted probability
    without = methods_html([LEVEL_01A], lang="en")
    assert "fit is not in the results" in without
