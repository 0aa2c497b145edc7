"""The synthetic extract: deterministic, valid by the model, and carrying its planted effects."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import load_extract
from indicators.extract.model import EXTRACT
from indicators.reference import municipalities, orgnr_is_valid, trusts
from indicators.synth import PLANTED_OUTLIERS, generate_extract, generate_tables


def file_hashes(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_the_same_seed_gives_byte_identical_files(tmp_path: Path):
    generate_extract(tmp_path / "a", scale=0.01, seed=3)
    generate_extract(tmp_path / "b", scale=0.01, seed=3)
    generate_extract(tmp_path / "c", scale=0.01, seed=4)
    assert file_hashes(tmp_path / "a") == file_hashes(tmp_path / "b")
    assert (
        file_hashes(tmp_path / "a")["contacts.parquet"]
        != file_hashes(tmp_path / "c")["contacts.parquet"]
    )


def test_csv_output_loads_to_the_same_tables_as_parquet(tmp_path: Path):
    generate_extract(tmp_path / "p", scale=0.005, seed=5)
    generate_extract(tmp_path / "c", scale=0.005, seed=5, format="csv")
    parquet, csv = load_extract(tmp_path / "p"), load_extract(tmp_path / "c")
    for name in EXTRACT:
        assert_frame_equal(parquet[name].collect(), csv[name].collect())


def test_volumes_scale_with_the_scale_parameter():
    tables = generate_tables(scale=0.05, seed=1)
    assert tables["patients"].height == 5_000
    assert 1.3 < tables["referrals"].height / 5_000 < 1.7
    assert 15 < tables["contacts"].height / 5_000 < 25  # 2 million at scale 1


@pytest.fixture(scope="module")
def tables(medium_extract: Path) -> dict[str, pl.DataFrame]:
    extract = load_extract(medium_extract)
    return {name: extract[name].collect() for name in EXTRACT}


def test_generated_data_keeps_to_the_model_types_codes_and_patterns(tables):
    for name, frame in tables.items():
        table = EXTRACT[name]
        assert frame.schema == table.schema
        for column in table.columns:
            values = frame[column.name]
            if column.required:
                assert values.null_count() == 0, (name, column.name)
            if column.codes:
                assert values.drop_nulls().is_in(list(column.codes)).all(), (name, column.name)
            if column.pattern and column.dtype == "str":
                assert values.drop_nulls().str.contains(column.pattern).all(), (name, column.name)
            if column.pattern and column.dtype == "list[str]":
                assert values.explode().drop_nulls().str.contains(column.pattern).all()
            if column.reference == "trust":
                assert values.is_in(trusts()["trust_id"].implode()).all()
                assert frame.select(orgnr_is_valid(column.name)).to_series().all()
            if column.reference == "municipality":
                assert values.is_in(municipalities()["municipality"].implode()).all()


def test_generated_data_has_unique_ids_resolving_keys_and_ordered_dates(tables):
    for name, frame in tables.items():
        table = EXTRACT[name]
        if table.primary_key:
            assert frame[table.primary_key].is_unique().all(), name
        for fk in table.foreign_keys:
            keys = tables[fk.table][fk.ref_column].implode()
            assert frame[fk.column].drop_nulls().is_in(keys).all(), (name, fk.column)
        for order in table.date_orders:
            bad = frame.filter(pl.col(order.earlier) > pl.col(order.later))
            assert bad.height == 0, (name, order)
        for column in table.date_columns:
            if table.column(column).may_be_after_extract_date:
                continue
            assert (frame[column].drop_nulls() <= date(2025, 12, 31)).all()


def test_referrals_still_waiting_at_the_extract_date_are_present(tables):
    waiting = tables["referrals"].filter(
        pl.col("right_to_care") & pl.col("care_start_date").is_null()
    )
    assert waiting.filter(pl.col("received_date") >= pl.date(2025, 11, 1)).height > 100


def test_main_diagnoses_follow_the_service(tables):
    contacts = tables["contacts"].drop_nulls("main_diagnosis")
    tsb = contacts.filter(service="TSB")["main_diagnosis"]
    phv = contacts.filter(service="PHV")["main_diagnosis"]
    assert tsb.str.contains(r"^F1[0-9]").all()
    assert phv.str.slice(1, 2).cast(pl.Int32).is_between(20, 48).mean() > 0.9


def test_tsb_patients_are_mostly_men_and_phv_patients_mostly_women(tables):
    first = tables["referrals"].group_by("patient_id").agg(pl.col("service").first())
    sexes = (
        first.join(tables["patients"], on="patient_id")
        .group_by("service")
        .agg((pl.col("sex") == "M").mean().alias("male"))
    )
    male = dict(sexes.iter_rows())
    assert male["TSB"] > 0.6
    assert male["PHV"] < 0.5


def test_the_planted_slow_trust_has_clearly_the_longest_median_wait(tables):
    waits = (
        tables["referrals"]
        .filter(service="TSB", right_to_care=True)
        .group_by("trust_id")
        .agg(
            (pl.col("care_start_date") - pl.col("received_date"))
            .dt.total_days()
            .median()
            .alias("m")
        )
        .sort("m", descending=True)
    )
    assert waits["trust_id"][0] == "983971709"
    assert waits["m"][0] > 1.3 * waits["m"][1]
    assert "WAIT-01" in PLANTED_OUTLIERS["983971709"]


def test_the_planted_trust_assigns_inpatient_care_least_often(tables):
    shares = (
        tables["referrals"]
        .filter(service="TSB", right_to_care=True)
        .group_by("trust_id")
        .agg((pl.col("assigned_level") == "inpatient").mean().alias("share"))
        .sort("share")
    )
    assert shares["trust_id"][0] == "983974724"
    assert shares["share"][0] < 0.6 * shares["share"][1]


def test_diabetes_is_recorded_less_often_than_its_population_prevalence(tables):
    # General-population prevalence in this age mix is about 2-3 %; recorded (any source)
    # among these patients must come out below what their ages and sexes predict.
    recorded_contacts = tables["contacts"].filter(
        pl.col("main_diagnosis").str.contains(r"^E1[0-4]")
        | pl.col("secondary_diagnoses").list.eval(pl.element().str.contains(r"^E1[0-4]")).list.any()
    )["patient_id"]
    recorded_gp = tables["primary_care"].filter(pl.col("icpc2").is_in(["T89", "T90"]))["patient_id"]
    recorded = pl.concat([recorded_contacts, recorded_gp]).n_unique()
    assert recorded / tables["patients"].height < 0.03
    som = "983974899"
    home = tables["patients"].join(
        municipalities().select("municipality", "catchment_trust_id"), on="municipality"
    )
    by_trust = (
        home.with_columns(
            pl.col("patient_id")
            .is_in(pl.concat([recorded_contacts, recorded_gp]).implode())
            .alias("r")
        )
        .group_by("catchment_trust_id")
        .agg(pl.col("r").mean())
    )
    rates = dict(by_trust.iter_rows())
    assert rates[som] < 0.6 * sorted(rates.values())[len(rates) // 2]


def test_pathways_miss_some_events_as_real_registration_does(tables):
    events = tables["pathway_events"]
    per_pathway = events.group_by("pathway_id").agg(
        pl.col("event").is_in(["first_attendance"]).any().alias("first"),
        pl.col("event").is_in(["clinical_decision"]).any().alias("decision"),
    )
    gaps = per_pathway.filter(pl.col("decision") & ~pl.col("first")).height
    assert 0 < gaps < 0.1 * per_pathway.height


def test_defects_are_listed_in_the_manifest_with_their_rows(defect_extract: Path):
    extract = load_extract(defect_extract)
    defects = {d["id"]: d for d in extract.manifest.extra["defects"]}
    assert sorted(defects) == [f"D{i:02d}" for i in range(1, 13)]
    referrals = extract["referrals"].collect().with_row_index("row", offset=1)
    assert referrals.filter(service="TBS")["row"].to_list() == defects["D01"]["rows"]
    patients = extract["patients"].collect().with_row_index("row", offset=1)
    assert patients.filter(pl.col("sex").is_null())["row"].to_list() == defects["D08"]["rows"]
    contacts = extract["contacts"].collect().with_row_index("row", offset=1)
    duplicated = contacts.filter(pl.col("contact_id").is_duplicated())["row"].to_list()
    assert duplicated == defects["D05"]["rows"]
    assert (defect_extract / "pathway_events.csv").exists()
    text = (defect_extract / "pathway_events.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        text.decode("utf-8")
    events = extract["pathway_events"].collect()
    assert events["outcome"].str.contains("ønske fra").sum() == len(defects["D09"]["rows"])


def test_defects_are_listed_in_the_order_of_their_ids(defect_extract: Path):
    defects = load_extract(defect_extract).manifest.extra["defects"]
    assert [d["id"] for d in defects] == [f"D{i:02d}" for i in range(1, 13)]


def test_defect_rows_do_not_overlap_within_a_table(defect_extract: Path):
    defects = load_extract(defect_extract).manifest.extra["defects"]
    seen: dict[str, set[int]] = {}
    for d in defects:
        rows = set(d["rows"])
        assert not rows & seen.get(d["table"], set()), d["id"]
        seen.setdefault(d["table"], set()).update(rows)


def test_nothing_is_dated_after_the_patients_death(tables):
    death = tables["patients"].select("patient_id", "death_date").drop_nulls()
    dated = {
        "referrals": ("received_date", "assessed_date", "care_start_date"),
        "contacts": ("start_date", "end_date"),
        "pathway_events": ("event_date",),
        "primary_care": ("contact_date",),
    }
    for name, columns in dated.items():
        after = (
            tables[name]
            .join(death, on="patient_id")
            .filter(pl.any_horizontal(pl.col(c) > pl.col("death_date") for c in columns))
        )
        assert after.height == 0, (name, after.head(3))


def test_pathways_of_patients_who_died_end_at_or_before_death(tables):
    death = tables["patients"].select("patient_id", "death_date").drop_nulls()
    pathways = (
        tables["pathway_events"]
        .join(death, on="patient_id")
        .group_by("pathway_id")
        .agg((pl.col("event") == "end").any().alias("ended"))
    )
    # Registration gaps may hide a few end events, as for every other event.
    assert pathways.height > 100
    assert pathways["ended"].mean() > 0.9


def test_a_deadline_exists_exactly_when_there_is_a_right_to_care(tables):
    referrals = tables["referrals"]
    assert (
        referrals.filter(
            pl.col("deadline_date").is_not_null() != pl.col("right_to_care").fill_null(False)
        ).height
        == 0
    )
    assert (
        referrals.filter(
            pl.col("right_to_care").not_() & pl.col("care_start_date").is_not_null()
        ).height
        == 0
    )


def test_referrals_still_waiting_at_the_extract_date_are_mostly_recent(tables):
    """Living patients with a right to care and no start of care: waiting now.

    Care normally starts within the deadline (at most 90 days), so nearly every referral
    still waiting was received in the last half year; those that are not are deadline
    breaches, which the registries close or start in time.
    """
    alive = tables["patients"].filter(pl.col("death_date").is_null())["patient_id"].implode()
    waiting = tables["referrals"].filter(
        pl.col("right_to_care")
        & pl.col("care_start_date").is_null()
        & pl.col("patient_id").is_in(alive)
    )
    recent = waiting.filter(pl.col("received_date") >= pl.date(2025, 7, 1)).height
    assert waiting.height > 500
    assert recent / waiting.height > 0.95
    # Patients who died while waiting are few: their waiting ended at death.
    died_waiting = tables["referrals"].filter(
        pl.col("right_to_care")
        & pl.col("care_start_date").is_null()
        & ~pl.col("patient_id").is_in(alive)
    )
    assert died_waiting.height < 0.01 * tables["referrals"].height


def test_pathway_registration_gaps_differ_between_trusts(tables):
    """Missing first attendances (given a decision) vary more between trusts than chance.

    The dispersion ratio (Pearson chi-square over its degrees of freedom) is about 1 for
    one shared gap rate; trust-specific rates make it clearly larger.
    """
    per_trust = (
        tables["pathway_events"]
        .group_by("pathway_id", "trust_id")
        .agg(
            pl.col("event").is_in(["first_attendance"]).any().alias("first"),
            pl.col("event").is_in(["clinical_decision"]).any().alias("decision"),
        )
        .filter("decision")
        .group_by("trust_id")
        .agg(pl.len().alias("n"), (~pl.col("first")).sum().alias("gaps"))
    )
    p = per_trust["gaps"].sum() / per_trust["n"].sum()
    expected = per_trust["n"] * p
    chi2 = (((per_trust["gaps"] - expected) ** 2) / (expected * (1 - p))).sum()
    assert chi2 / (per_trust.height - 1) > 3
