"""The compute engine against the hand-worked extract in ``handworked.py``."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import polars as pl
import pytest

from indicators import load_extract, write_extract
from indicators.catalogue import BY_ID, CaseContext
from indicators.catalogue.definitions import PrevalenceTableError
from indicators.compute import compute_extract, compute_indicators, write_results
from indicators.disclosure import published_digest
from indicators.results import INDICATOR_SCHEMA, read_results

from .handworked import MANIFEST, A, B, tables

NO = "NO"


@pytest.fixture(scope="module")
def extract_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("handworked")
    write_extract(tables(), out, manifest=MANIFEST)
    return out


@pytest.fixture(scope="module")
def result(extract_dir: Path):
    return compute_indicators(load_extract(extract_dir))


def row(result, indicator: str, unit: str, period: str = "2025", level: str | None = None):
    level = level or {NO: "national", A: "trust", B: "trust"}[unit]
    found = result.internal.filter(indicator_id=indicator, level=level, unit_id=unit, period=period)
    assert found.height == 1, (indicator, unit, period, level)
    return found.row(0, named=True)


@pytest.mark.parametrize(
    ("indicator", "unit", "x", "n"),
    [
        ("WAIT-02", A, 1, 7),
        ("WAIT-02", B, 1, 3),
        ("WAIT-02", NO, 2, 10),
        ("WAIT-03", A, 2, 5),
        ("WAIT-03", B, 0, 4),
        ("WAIT-03", NO, 2, 9),
        ("LEVEL-02", A, 1, 2),
        ("LEVEL-02", B, 1, 1),
        ("LEVEL-02", NO, 2, 3),
        ("PATH-01", A, 2, 4),
        ("PATH-01", B, 3, 5),
        ("PATH-01", NO, 5, 9),
        ("PATH-02", A, 2, 3),
        ("PATH-02", B, 5, 5),
        ("PATH-02", NO, 7, 8),
        ("USER-01", A, 3, 3),
        ("USER-01", B, 1, 1),
        ("USER-02", A, 2, 3),
        ("USER-02", B, 0, 1),
        ("USER-03", NO, 2, 4),
        ("USER-04", A, 2, 3),
        ("USER-04", NO, 2, 4),
        ("SOM-03", A, 2, 3),
        ("SOM-03", B, 1, 2),
        ("SOM-03", NO, 3, 5),
    ],
)
def test_proportions_match_the_hand_count(result, indicator, unit, x, n):
    r = row(result, indicator, unit)
    assert (r["numerator"], r["denominator"]) == (x, n)
    assert r["value"] == pytest.approx(x / n)
    assert r["ci_low"] <= r["value"] <= r["ci_high"]
    assert r["method"] == "wilson"


def test_assessment_deadline_counts_working_days_over_easter(result):
    # H01 assessed 28 April is inside the 10 working days (Easter holidays skipped); H02 on
    # 2 May is not.  By tertial, both fall in T1 with H06 and H07: 1 breach of 4.
    assert row(result, "WAIT-02", A, "2025-T1")["numerator"] == 1
    assert row(result, "WAIT-02", A, "2025-T1")["denominator"] == 4
    assert row(result, "WAIT-02", A, "2025-T3")["denominator"] == 2


def test_PATH_01_decision_limits_are_7_days_inpatient_and_21_days_outpatient():
    from indicators.catalogue.definitions import decision_on_time_cases

    t = {name: frame.lazy() for name, frame in tables().items()}
    cases = decision_on_time_cases(t, CaseContext(extract_date=MANIFEST.extract_date))
    on_time = dict(cases.select("patient_id", "numerator").collect().iter_rows())
    # P25: inpatient, 7 days; P26: inpatient, 8; P27: outpatient, 21; P28: outpatient, 22.
    assert [on_time[p] for p in ("P25", "P26", "P27", "P28")] == [True, False, True, False]
    # F2 (P02): inpatient decision after 35 days.
    assert on_time["P02"] is False


def test_PATH_01_limits_show_in_the_tertial_counts(result):
    r = row(result, "PATH-01", B, "2025-T3")
    assert (r["numerator"], r["denominator"]) == (2, 4)


def test_waiting_time_median_uses_kaplan_meier_with_censoring(result):
    a, b, nation = row(result, "WAIT-01", A), row(result, "WAIT-01", B), row(result, "WAIT-01", NO)
    assert (a["value"], b["value"], nation["value"]) == (29, 21, 28)
    assert (a["numerator"], a["denominator"]) == (4, 6)  # 4 started of 6, 2 censored
    assert a["mean_days"] == pytest.approx(33.5)
    assert a["method"] == "kaplan_meier"
    assert a["national_value"] == 28


def test_waiting_time_goal_is_judged_on_the_mean_as_the_national_goal_is_stated(result):
    # A: median 29 days, mean of completed waits 33.5: the goal (mean < 30) is not met.
    assert row(result, "WAIT-01", A)["target_level"] == "moderate"
    # B: median and mean 21; national mean (17 + 28 + 29 + 60 + 14 + 28 + 21) / 7 = 28.1.
    assert row(result, "WAIT-01", B)["target_level"] == "high"
    assert row(result, "WAIT-01", NO)["mean_days"] == pytest.approx(197 / 7)
    assert row(result, "WAIT-01", NO)["target_level"] == "high"


def test_inpatient_share_is_indirectly_standardised_for_age_and_sex(result):
    a, b = row(result, "LEVEL-01", A), row(result, "LEVEL-01", B)
    assert a["value"] == pytest.approx(1 / 3)
    assert b["value"] == pytest.approx(2 / 3)
    assert row(result, "LEVEL-01", NO)["value"] == pytest.approx(4 / 9)
    catchment = row(result, "LEVEL-01", B, level="catchment")
    assert catchment["value"] == pytest.approx(2 / 3)


def test_recorded_somatic_disease_is_observed_over_expected(result):
    a, b = row(result, "SOM-01", A), row(result, "SOM-01", B)
    assert (a["numerator"], a["denominator"]) == (2, pytest.approx(0.256))
    assert a["value"] == pytest.approx(2 / 0.256)
    assert (b["numerator"], b["denominator"]) == (1, pytest.approx(0.196))
    hyp_a, hyp_b = row(result, "SOM-02", A), row(result, "SOM-02", B)
    assert (hyp_a["numerator"], hyp_a["denominator"]) == (2, pytest.approx(1.06))
    assert hyp_a["value"] == pytest.approx(2 / 1.06)
    assert (hyp_b["numerator"], hyp_b["denominator"]) == (1, pytest.approx(0.79))


def test_somatic_indicators_leave_out_children(result):
    # P31 (15, diabetes recorded at A) would make A's O 3 and add a case with no expected
    # count.
    a = row(result, "SOM-01", A)
    assert a["n_cases"] == 20
    assert a["numerator"] == 2


def test_a_patient_treated_by_two_trusts_counts_once_nationally_and_once_in_each_trust(result):
    nation, hyp_nation = row(result, "SOM-01", NO), row(result, "SOM-02", NO)
    assert (nation["numerator"], nation["denominator"]) == (3, pytest.approx(0.44))
    assert nation["n_cases"] == 30
    assert (hyp_nation["numerator"], hyp_nation["denominator"]) == (2, pytest.approx(1.8))
    assert row(result, "SOM-02", B)["n_cases"] == 11
    catchment = row(result, "SOM-02", A, level="catchment")
    assert (catchment["numerator"], catchment["n_cases"]) == (2, 20)
    assert row(result, "SOM-02", "4", level="rhf")["n_cases"] == 20


def test_somatic_expected_counts_use_the_age_bands_of_the_prevalence_table(extract_dir):
    bands = pl.DataFrame(
        {
            "condition": ["diabetes"] * 4,
            "age_band": ["18-39", "18-39", "40+", "40+"],
            "age_from": [18, 18, 40, 40],
            "age_to": [39, 39, 120, 120],
            "sex": ["F", "M", "F", "M"],
            "prevalence": [0.01, 0.02, 0.10, 0.20],
        }
    ).with_columns(pl.col("age_from", "age_to").cast(pl.Int32))
    own = compute_indicators(
        load_extract(extract_dir), prevalence=bands, indicators=(BY_ID["SOM-01"],)
    )
    # A: 18 M aged 35 (0.02) + 2 F aged 45 (0.10).
    assert row(own, "SOM-01", A)["denominator"] == pytest.approx(18 * 0.02 + 2 * 0.10)


@pytest.mark.parametrize(
    ("age_from", "age_to", "message"),
    [
        ((20, 40), (39, 120), r"sex F: ages 18-19 not covered"),
        ((18, 35), (39, 120), r"sex F: ages 35-39 covered by more than one band"),
        ((18, 40), (39, 99), r"ages 100-120 not covered"),
    ],
)
def test_a_prevalence_table_that_does_not_cover_every_adult_age_is_refused(
    extract_dir, age_from, age_to, message
):
    bands = pl.DataFrame(
        {
            "condition": ["diabetes"] * 4,
            "age_band": ["a", "a", "b", "b"],
            "age_from": [age_from[0], age_from[0], age_from[1], age_from[1]],
            "age_to": [age_to[0], age_to[0], age_to[1], age_to[1]],
            "sex": ["F", "M", "F", "M"],
            "prevalence": [0.01, 0.02, 0.10, 0.20],
        }
    ).with_columns(pl.col("age_from", "age_to").cast(pl.Int32))
    with pytest.raises(PrevalenceTableError, match=message):
        compute_indicators(
            load_extract(extract_dir), prevalence=bands, indicators=(BY_ID["SOM-01"],)
        )


def test_without_primary_care_the_manifest_says_the_icpc2_part_was_not_used(tmp_path: Path):
    t = tables()
    del t["primary_care"]
    write_extract(t, tmp_path, manifest=MANIFEST)
    result = compute_indicators(load_extract(tmp_path))
    assert row(result, "SOM-01", A)["numerator"] == 1  # P09's primary-care record is gone
    for indicator in ("SOM-01", "SOM-02"):
        (note,) = result.manifest["partial"][indicator]
        assert "primary_care" in note
        assert "ICPC-2" in note
    assert "WAIT-01" not in result.manifest["partial"]


def test_rhf_rows_equal_their_single_trust(result):
    assert row(result, "WAIT-03", "4", level="rhf")["numerator"] == 2
    assert row(result, "WAIT-03", "3", level="rhf")["denominator"] == 4


def test_small_counts_are_masked_in_the_published_table(result):
    published = result.indicators.filter(indicator_id="WAIT-02", unit_id=A, period="2025")
    r = published.row(0, named=True)
    assert r["suppressed"] == "small_count"
    assert r["value"] is None
    assert r["numerator"] is None
    assert r["denominator"] is None
    assert r["funnel_low_95"] is None


def test_nothing_in_the_published_table_shows_a_count_from_one_to_four(result):
    shown = result.indicators.filter(pl.col("suppressed").is_null())
    counts = pl.concat([shown["numerator"], shown.filter(statistic="proportion")["denominator"]])
    assert not counts.drop_nulls().is_between(1, 4).any()


def test_published_tables_have_the_declared_schema_and_write_deterministically(
    extract_dir: Path, tmp_path: Path
):
    compute_extract(extract_dir, tmp_path / "one", allow_unvalidated=True)
    compute_extract(extract_dir, tmp_path / "two", allow_unvalidated=True)
    for name in ("indicators.parquet", "variation.parquet", "waiting_curves.parquet"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    results = read_results(tmp_path / "one")
    assert results["indicators"].schema == INDICATOR_SCHEMA
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert manifest["row_counts"]["patients"] == 31
    assert manifest["extract_fingerprint"] == load_extract(extract_dir).fingerprint()
    assert not (tmp_path / "one" / "INTERNAL-unsuppressed-indicators.parquet").exists()


@pytest.mark.slow
def test_a_larger_extract_gives_byte_identical_outputs_run_to_run(
    medium, medium_extract: Path, tmp_path: Path
):
    """Funnel overdispersion (φ, τ², adjusted limits) and variation sum floats over units.

    On ~30 000 patients, group-by order changes between runs; the outputs must not.
    """
    runs = [tmp_path / str(i) for i in range(2)]
    write_results(medium, runs[0])  # the session's run
    compute_extract(medium_extract, runs[1], allow_unvalidated=True)
    for name in ("indicators.parquet", "variation.parquet", "waiting_curves.parquet",
                 "spc.parquet"):  # fmt: skip
        first = (runs[0] / name).read_bytes()
        assert all((out / name).read_bytes() == first for out in runs[1:]), name


def test_an_extract_without_pathways_computes_the_rest_and_says_what_it_skipped(tmp_path: Path):
    t = tables()
    del t["pathway_events"]
    write_extract(t, tmp_path, manifest=MANIFEST)
    (tmp_path / "pathway_events.parquet").unlink(missing_ok=True)
    from indicators.extract.load import read_table  # noqa: F401

    extract = load_extract(tmp_path, tables=["patients", "referrals", "contacts", "primary_care"])
    result = compute_indicators(extract)
    assert set(result.skipped) == {"PATH-01", "PATH-02", "SOM-03", "USER-01", "USER-02",
                                   "USER-03", "USER-04"}  # fmt: skip
    assert "pathway_events" in result.skipped["PATH-01"]
    assert result.manifest["skipped"] == result.skipped
    assert "WAIT-01" in set(result.indicators["indicator_id"])


def test_an_extract_without_patients_computes_the_rest_through_the_command_line_path(
    tmp_path: Path,
):
    t = tables()
    del t["patients"]
    write_extract(t, tmp_path / "x", manifest=MANIFEST)
    result = compute_extract(tmp_path / "x", tmp_path / "out", allow_unvalidated=True)
    # Their own selectors need patients (age, sex): skipped, naming the table.
    assert set(result.skipped) == {"LEVEL-01", "SOM-01", "SOM-02"}
    assert all("patients" in reason for reason in result.skipped.values())
    # The others lose only the catchment level (it comes from the patient's municipality).
    assert result.partial["WAIT-02"] == [
        "catchment level not computed: table(s) patients missing from the extract",
        (
            "optional table patients missing from the extract: death dates unknown: waiting "
            "of patients who died is counted until the extract date"
        ),
    ]
    assert "catchment" not in set(result.internal["level"])
    assert row(result, "WAIT-02", NO)["numerator"] == 2
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["skipped"] == result.skipped
    assert manifest["partial"]["WAIT-02"] == result.partial["WAIT-02"]


def test_the_compute_command_says_what_it_skipped_and_records_allow_unvalidated(tmp_path: Path):
    from typer.testing import CliRunner

    from indicators.cli import app

    t = tables()
    del t["patients"]
    write_extract(t, tmp_path / "x", manifest=MANIFEST)
    out = tmp_path / "out"
    refused = CliRunner().invoke(app, ["compute", str(tmp_path / "x"), "--out", str(out)])
    assert refused.exit_code == 1
    done = CliRunner().invoke(
        app, ["compute", str(tmp_path / "x"), "--out", str(out), "--allow-unvalidated"]
    )
    assert done.exit_code == 0, done.output
    text = " ".join(done.output.split())
    assert "skipped LEVEL-01: table(s) patients missing from the extract" in text
    assert "partial WAIT-01: catchment level not computed" in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert "--allow-unvalidated" in manifest["parameters"]["validation"]


def test_the_manifest_records_the_parameters_of_the_run(result, extract_dir: Path, tmp_path: Path):
    parameters = result.manifest["parameters"]
    assert parameters["confidence"] == {"intervals": 0.95, "funnel_limits": [0.95, 0.998]}
    assert parameters["disclosure"]["min_count"] == 5
    assert parameters["disclosure"]["min_denominator"]["LEVEL-02"] == 10
    rules = {"small_count", "too_few", "secondary", "audit"}
    assert set(parameters["disclosure"]["rules"]) == rules
    audit = parameters["disclosure"]["audit"]
    assert audit["passed"] is True
    assert audit["table_sha256"] == published_digest(result.indicators)
    assert parameters["disclosure"]["protection_rule"]["min_values"] == 3
    withheld = parameters["disclosure"]["withheld"]
    assert sum(withheld["by_rule"].values()) == result.indicators["suppressed"].is_not_null().sum()
    assert "not checked" in parameters["validation"]
    shipped = parameters["prevalence"]
    assert "ILLUSTRATIVE" in shipped["source"]
    assert shipped["illustrative"] is True
    # A replacement table given as a file: its path and the hash of its content.
    csv = tmp_path / "prevalence.csv"
    csv.write_text(
        (Path(__file__).parents[2] / "indicators/reference/data/prevalence.csv")
        .read_text()
        .replace("0.012", "0.013")
    )
    own = compute_indicators(load_extract(extract_dir), prevalence=csv).manifest["parameters"]
    assert own["prevalence"]["source"] == str(csv.resolve())
    assert own["prevalence"]["illustrative"] is False
    assert len(own["prevalence"]["sha256"]) == 64
    assert own["prevalence"]["sha256"] != shipped["sha256"]


def test_an_extract_without_an_extract_date_says_where_to_give_it(tmp_path: Path):
    from dataclasses import replace

    from indicators.compute import ComputeError

    write_extract(tables(), tmp_path, manifest=replace(MANIFEST, extract_date=None))
    with pytest.raises(ComputeError, match=r'add "extract_date": "YYYY-MM-DD" to .*manifest'):
        compute_indicators(load_extract(tmp_path))


@pytest.fixture(scope="module")
def synthetic_result(tmp_path_factory: pytest.TempPathFactory):
    """The catalogue on a default-scale synthetic extract (where the outliers are planted)."""
    from indicators.synth import generate_extract

    out = tmp_path_factory.mktemp("national")
    generate_extract(out, scale=1.0, seed=2025)
    return compute_indicators(load_extract(out))


@pytest.fixture(scope="module")
def planted_rows(synthetic_result) -> pl.DataFrame:
    """Yearly rows of the planted (trust, indicator) pairs with funnels, and their rank.

    ``rank`` is 1 for the most extreme unit of the indicator, level and year in the
    planted direction (lowest value for "low").
    """
    from indicators.synth import PLANTED_OUTLIERS

    planted = pl.DataFrame(
        [(t, i, d) for t, effects in PLANTED_OUTLIERS.items() for i, d in effects.items()],
        schema=["unit_id", "indicator_id", "direction"],
        orient="row",
    ).with_columns(
        pl.when(pl.col("indicator_id") == "LEVEL-01")
        .then(pl.lit("catchment"))
        .otherwise(pl.lit("trust"))
        .alias("level")
    )
    units = synthetic_result.internal.filter(
        (pl.col("period_type") == "year") & pl.col("value").is_not_null()
    ).with_columns(
        pl.col("value").rank("ordinal").over("indicator_id", "level", "period").alias("_low"),
        pl.col("value")
        .rank("ordinal", descending=True)
        .over("indicator_id", "level", "period")
        .alias("_high"),
    )
    return (
        planted.join(units, on=["unit_id", "indicator_id", "level"], how="left")
        .filter(pl.col("indicator_id") != "WAIT-01")  # its funnel is on the mean; see below
        .with_columns(
            pl.when(pl.col("direction") == "low").then("_low").otherwise("_high").alias("rank")
        )
    )


@pytest.mark.slow
def test_planted_outliers_stand_out_and_the_other_trusts_mostly_do_not(
    synthetic_result, planted_rows
):
    """Planted trusts against the 99.8 % funnel limits, plain and overdispersion-adjusted.

    Measured on this extract (scale 1, seed 2025): 10 planted (trust, indicator) pairs
    with a funnel x 3 years.

    - Plain 99.8 % limits: the planted trust is outside, in the planted direction, in all
      30.  Other trusts are outside in about 37 %: the synthetic data are overdispersed,
      as real ones are, so plain limits flag too much.
    - Adjusted 99.8 % limits (additive random effects): 4 of the 30 planted rows are
      withheld as small counts (LEVEL-02 and SOM-01 numerators of 2-4), and so are
      not in the adjusted funnel; of the other 26, 25 are outside the adjusted limits.
      The planted trust is the most extreme unit in its direction in 29 of 30 (second
      in the other).  Other trusts are outside the adjusted limits in about 1 %.
    """
    assert planted_rows.height == 30
    assert planted_rows["value"].is_not_null().all()
    assert (planted_rows["funnel_flag_998"] == planted_rows["direction"]).fill_null(False).all()

    assert (planted_rows["rank"] <= 2).all()
    assert (planted_rows["rank"] == 1).sum() >= 28
    published = planted_rows.filter(pl.col("suppressed").is_null())
    assert published.height >= 24
    assert published["funnel_flag_998_od"].is_not_null().all()
    # All but one: UNN's USER-04 in 2023 (the pathways' run-in year, an incomplete
    # period), 0.044 against an adjusted lower limit of 0.042 since the case-mix areas
    # were planted (they move every trust's pathways a little, and so φ and τ²).
    agree = published["funnel_flag_998_od"] == published["direction"]
    assert agree.sum() >= published.height - 1, published.filter(~agree)
    withheld = planted_rows.filter(pl.col("suppressed").is_not_null())
    assert withheld["funnel_flag_998_od"].is_null().all()  # not in the adjusted funnel

    others = synthetic_result.internal.filter(
        (pl.col("period_type") == "year")
        & (pl.col("level") == "trust")
        & pl.col("funnel_flag_998_od").is_not_null()
    ).join(
        planted_rows.select("unit_id", "indicator_id"), on=["unit_id", "indicator_id"], how="anti"
    )
    assert others.height > 500
    assert (others["funnel_flag_998_od"] != "within").mean() < 0.05


@pytest.mark.slow
def test_the_planted_slow_trust_has_the_longest_median_wait(synthetic_result):
    waits = synthetic_result.internal.filter(
        indicator_id="WAIT-01", level="trust", period_type="year"
    )
    slowest = waits.group_by("period").agg(pl.col("unit_id").sort_by("value").last())
    assert set(slowest["unit_id"]) == {"983971709"}


@pytest.mark.slow
def test_WAIT_01_planted_slow_trust_is_flagged_high_on_its_mean_wait(synthetic_result):
    """Innlandet: mean waits of 52-54 days against 32-33 nationally (those who started).

    Measured on this extract: high at 99.8 % adjusted in every year (and tertial); of the
    other trusts' yearly rows 1 of 60 is outside the adjusted 99.8 % limits (low).
    """
    waits = synthetic_result.internal.filter(
        pl.col("suppressed").is_null(), indicator_id="WAIT-01", level="trust", period_type="year"
    )
    slow = waits.filter(unit_id="983971709")
    assert slow.height == 3
    assert (slow["funnel_flag_998_od"] == "high").all()
    assert (slow["funnel_flag_95"] == "high").all()
    others = waits.filter(pl.col("unit_id") != "983971709")
    assert (others["funnel_flag_998_od"] != "within").sum() <= 3


@pytest.mark.slow
def test_variation_table_has_statistics_per_indicator_level_and_period(synthetic_result):
    v = synthetic_result.variation.filter(indicator_id="LEVEL-01", level="catchment", period="2025")
    r = v.row(0, named=True)
    assert r["k"] == 19  # 21 trusts, of which Lovisenberg and Diakonhjemmet have no catchment
    # The published values of the same units, with the standard library's statistics.
    values = sorted(
        synthetic_result.indicators.filter(
            pl.col("suppressed").is_null(),
            indicator_id="LEVEL-01",
            level="catchment",
            period="2025",
        )["value"].to_list()
    )
    assert len(values) == r["k"]
    assert r["cv"] == pytest.approx(100 * statistics.stdev(values) / statistics.mean(values))
    assert r["ft1"] == pytest.approx(values[-1] / values[0])
    assert r["ft2"] == pytest.approx(values[-2] / values[1])
    assert r["ft3"] == pytest.approx(values[-3] / values[2])
    assert r["phi"] > 1


@pytest.mark.slow
def test_every_indicator_has_variation_and_overdispersion_for_its_funnel(synthetic_result):
    from indicators.catalogue import CATALOGUE

    v = synthetic_result.variation
    assert set(v["indicator_id"]) == {i.id for i in CATALOGUE}
    # Every funnel plot reports phi and tau2, not only the variation indicators.
    path = v.filter(indicator_id="PATH-01", level="trust", period="2025").row(0, named=True)
    assert path["k"] >= 15
    assert path["phi"] is not None
    assert path["tau2"] is not None
    assert path["cv"] > 0


@pytest.mark.slow
def test_scv_is_published_only_where_expected_counts_come_from_standardisation(synthetic_result):
    v = synthetic_result.variation.filter(level="trust", period_type="year")
    standardised = v.filter(pl.col("indicator_id").is_in(["LEVEL-01", "SOM-01", "SOM-02"]))
    assert standardised["scv"].is_not_null().all()
    crude = v.filter(pl.col("indicator_id").is_in(["WAIT-01", "LEVEL-02"]))
    assert crude["scv"].is_null().all()
    assert crude["reason"].str.contains("SCV: not standardised").all()


def test_waiting_ends_at_the_patients_death():
    """Hand-worked: extract date 2025-12-31; patient D died 2025-03-01 while waiting.

    Referral R1 (D): received 2025-01-06 (Monday), deadline 2025-02-05, never assessed
    nor started.  Waiting is observed until death: WAIT-01 censored at 54 days (not
    359); WAIT-03 a breach (the deadline passed before death); WAIT-02 a breach (due
    2025-01-20, before death).  Referral R2 (D): received 2025-02-24, deadline
    2025-03-20, unassessed: death (03-01) comes before the assessment due date (03-10)
    and the deadline, so WAIT-02 and WAIT-03 exclude it and WAIT-01 censors it at 5
    days.  Referral R3 (L, alive): still waiting, censored at the extract date.
    """
    from datetime import date

    from indicators.catalogue.definitions import (
        assessment_breach_cases,
        deadline_breach_cases,
        waiting_time_cases,
    )
    from indicators.catalogue.model import CaseContext

    referrals = pl.LazyFrame(
        {
            "referral_id": ["R1", "R2", "R3"],
            "patient_id": ["D", "D", "L"],
            "trust_id": ["1"] * 3,
            "service": ["TSB"] * 3,
            "received_date": [date(2025, 1, 6), date(2025, 2, 24), date(2025, 12, 1)],
            "assessed_date": [None, None, date(2025, 12, 3)],
            "right_to_care": [True, True, True],
            "deadline_date": [date(2025, 2, 5), date(2025, 3, 20), date(2026, 1, 15)],
            "care_start_date": [None, None, None],
        }
    )
    patients = pl.LazyFrame({"patient_id": ["D", "L"], "death_date": [date(2025, 3, 1), None]})
    ctx = CaseContext(extract_date=date(2025, 12, 31))
    t = {"referrals": referrals, "patients": patients}

    waits = waiting_time_cases(t, ctx).collect()
    assert waits["days"].to_list() == [54.0, 5.0, 30.0]
    assert waits["event"].to_list() == [False, False, False]
    assert deadline_breach_cases(t, ctx).collect()["numerator"].to_list() == [True]
    assert assessment_breach_cases(t, ctx).collect()["numerator"].to_list() == [True, False]

    # Without the patients table, deaths are unknown: waiting runs to the extract date.
    alone = {"referrals": referrals}
    assert waiting_time_cases(alone, ctx).collect()["days"].to_list() == [359.0, 310.0, 30.0]


def _record_validation(extract: Path, *, passed: bool) -> None:
    """Write the validation record ``indicators validate`` would write for these files."""
    from indicators.validate.record import current_fingerprint, write_record
    from indicators.validate.results import RuleResult, TableResult, ValidationReport

    result = RuleResult("patients.table.present", "patients", passed, 1, 0 if passed else 1)
    report = ValidationReport(
        extract=str(extract),
        fingerprint=current_fingerprint(extract),
        extract_date="2026-01-31",
        synthetic=True,
        tables={"patients": TableResult("patients", "patients.parquet", 31, [result])},
    )
    write_record(extract, report)


def test_compute_extract_refuses_an_extract_that_has_not_passed_validation(tmp_path: Path):
    from indicators.validate import ValidationRequiredError

    write_extract(tables(), tmp_path / "x", manifest=MANIFEST)
    with pytest.raises(ValidationRequiredError, match="Run `indicators validate"):
        compute_extract(tmp_path / "x", tmp_path / "out")
    _record_validation(tmp_path / "x", passed=False)
    with pytest.raises(ValidationRequiredError, match="failed"):
        compute_extract(tmp_path / "x", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_compute_extract_records_whether_the_extract_passed_validation(tmp_path: Path):
    write_extract(tables(), tmp_path / "x", manifest=MANIFEST)
    reasons = []
    unvalidated = compute_extract(
        tmp_path / "x", tmp_path / "a", allow_unvalidated=True, on_unvalidated=reasons.append
    )
    assert "not validated" in unvalidated.manifest["parameters"]["validation"]
    assert "no validation of these files" in str(reasons[0])
    _record_validation(tmp_path / "x", passed=True)
    validated = compute_extract(tmp_path / "x", tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["parameters"]["validation"].startswith("passed")
    assert validated.manifest["parameters"]["validation"] == manifest["parameters"]["validation"]


def test_the_manifest_splits_the_run_time_into_its_steps(result):
    steps = result.manifest["seconds_by_step"]
    assert set(steps) == {"pass_over_rows", "roll_up", "disclosure_audit", "other"}
    assert all(seconds >= 0 for seconds in steps.values())
    assert sum(steps.values()) == pytest.approx(result.manifest["seconds"], abs=0.04)
    assert (
        steps["disclosure_audit"] == result.manifest["parameters"]["disclosure"]["audit"]["seconds"]
    )
