"""End-to-end validation of synthetic extracts, clean and with every documented defect."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from indicators.errors import ExtractReadError
from indicators.validate.run import validate_extract
from tests.validate.conftest import copy_extract, damage_pages

#: Defect kind (indicators.synth.defects) -> the rule that must catch it.
RULE_OF_DEFECT = {
    "D01": "referrals.service.code",
    "D02": "contacts.activity.code",
    "D03": "referrals.assessed_date.not_before_received_date",
    "D05": "contacts.contact_id.unique",
    "D06": "contacts.patient_id.foreign_key",
    "D07": "pathway_events.outcome.no_fodselsnummer",
    "D08": "patients.sex.not_null",
    "D10": "referrals.trust_id.orgnr",
    "D11": "patients.municipality.known_municipality",
    "D12": "contacts.main_diagnosis.shape",
}
#: D04 dates both columns of the same rows after the extract date.
FUTURE_DATE_RULES = (
    "contacts.start_date.not_after_extract_date",
    "contacts.end_date.not_after_extract_date",
)
#: Rules a defect also breaks, by construction (an orgnr with a wrong check digit is
#: not a known trust either).
ALSO_BROKEN = {"referrals.trust_id.known_trust": "D10"}
#: The generator dates some pathway events after the pathway's end (reported).
GENERATOR_ISSUES = {"pathway_events.event_date.pathway_order"}


def _defects(extract: Path) -> dict[str, dict]:
    manifest = json.loads((extract / "manifest.json").read_text(encoding="utf-8"))
    return {d["id"]: d for d in manifest["defects"]}


def _rows(validation, table: str, rule_id: str) -> list[int]:
    rows = validation.failing_rows[table].get(rule_id)
    return [] if rows is None else sorted(int(r) + 1 for r in rows)


def test_every_defect_is_caught_by_its_rule_on_exactly_its_rows(defect_extract, defect_validation):
    defects = _defects(defect_extract)
    counts = defect_validation.report.counts()
    for defect_id, rule_id in RULE_OF_DEFECT.items():
        defect = defects[defect_id]
        assert counts[rule_id] == defect["count"], (defect_id, rule_id)
        assert _rows(defect_validation, defect["table"], rule_id) == sorted(defect["rows"])
    for rule_id in FUTURE_DATE_RULES:
        assert counts[rule_id] == defects["D04"]["count"]
        assert _rows(defect_validation, "contacts", rule_id) == sorted(defects["D04"]["rows"])


def test_no_rule_fails_beyond_the_planted_defects(defect_validation):
    expected = set(RULE_OF_DEFECT.values()) | set(FUTURE_DATE_RULES) | set(ALSO_BROKEN)
    failed = {r.rule_id for r in defect_validation.report.results() if r.failed}
    assert failed - GENERATOR_ISSUES == expected


def test_windows_1252_csv_with_norwegian_letters_loads_and_passes(
    defect_extract, defect_validation
):
    assert (defect_extract / "pathway_events.csv").exists()
    events = defect_validation.frames["pathway_events"]
    assert events["outcome"].str.contains("Tromsø").any()
    table = defect_validation.report.tables["pathway_events"]
    assert not [r for r in table.errors if r.rule.level == "table"]


def test_defect_extract_is_invalid(defect_validation):
    assert not defect_validation.report.passed
    assert not defect_validation.report.stopped


def test_passing_extract_has_no_failed_rule(passing_validation):
    report = passing_validation.report
    assert [r.rule_id for r in report.results() if r.failed] == []
    assert report.passed


def test_clean_synthetic_extract_passes_with_zero_failures(small_extract):
    report = validate_extract(small_extract).report
    assert [r.rule_id for r in report.results() if r.failed] == []


def test_fodselsnummer_is_masked_in_every_example(defect_validation):
    examples = [e for r in defect_validation.report.results() for e in r.examples]
    leaked = [e for e in examples if pl.Series([e]).str.contains(r"[0-9]{11}").item()]
    assert leaked == []
    assert any("*****" in e for e in examples)


# ---------------------------------------------------------------------------
# Broken files
# ---------------------------------------------------------------------------
def _variant(passing_extract: Path, tmp_path: Path) -> Path:
    return copy_extract(passing_extract, tmp_path / "extract")


def test_referrals_table_present_fails_and_reads_nothing_else_when_the_file_is_missing(
    passing_extract, passing_validation, tmp_path
):
    extract = _variant(passing_extract, tmp_path)
    (extract / "referrals.parquet").unlink()
    report = validate_extract(extract).report
    referrals = report.tables["referrals"]
    assert [r.rule_id for r in referrals.errors] == ["referrals.table.present"]
    assert not report.passed
    assert report.stopped
    # Every rule is still listed (CI sees the same test cases); the ones that need the
    # referrals are not checked, and say why.
    assert [r.rule_id for r in report.results()] == [
        r.rule_id for r in passing_validation.report.results()
    ]
    not_checked = {r.rule_id: r.not_checked for r in report.results() if r.not_checked}
    assert "referrals.referral_id.unique" in not_checked
    assert not_checked["contacts.referral_id.foreign_key"] == "the extract has no referrals table"
    assert "contacts.patient_id.same_as_referral" in not_checked
    assert "contacts.patient_id.foreign_key" not in not_checked


def test_table_stopped_by_a_missing_column_lists_its_row_and_cross_table_rules_as_not_checked(
    passing_extract, passing_validation, tmp_path
):
    extract = _variant(passing_extract, tmp_path)
    pl.read_parquet(extract / "patients.parquet").drop("sex").write_parquet(
        extract / "patients.parquet"
    )
    report = validate_extract(extract).report
    assert [r.rule_id for r in report.results()] == [
        r.rule_id for r in passing_validation.report.results()
    ]
    statuses = {r.rule_id: r.status for r in report.results()}
    assert statuses["patients.columns.present"] == "failed"
    assert statuses["patients.sex.not_null"] == "not checked"
    assert statuses["patients.patient_id.unique"] == "not checked"
    assert statuses["referrals.patient_id.foreign_key"] == "not checked"
    assert statuses["referrals.referral_id.unique"] == "passed"
    reasons = {r.rule_id: r.not_checked for r in report.tables["patients"].not_checked}
    assert reasons["patients.sex.type"] == "the column is missing"
    assert "patients.columns.present" in reasons["patients.sex.not_null"]


def test_file_that_is_not_parquet_raises_extract_read_error(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    (extract / "patients.parquet").write_text("this is not parquet", encoding="utf-8")
    with pytest.raises(ExtractReadError, match=r"patients\.parquet.*cannot be read as Parquet"):
        validate_extract(extract)


def test_malformed_csv_raises_extract_read_error(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    (extract / "patients.parquet").unlink()
    (extract / "patients.csv").write_text(
        "patient_id;birth_year;sex;municipality;death_date\nP1;nineteen;F;0301;\n",
        encoding="utf-8",
    )
    with pytest.raises(ExtractReadError, match="birth_year"):
        validate_extract(extract)


def test_windows_1252_csv_table_is_read(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    events = pl.read_parquet(extract / "pathway_events.parquet")
    (extract / "pathway_events.parquet").unlink()
    words = ["Tromsø", "Ærø", "Åsane skole, særskilt"]
    events = events.with_columns(
        outcome=pl.when(pl.int_range(pl.len()) < 3)
        .then(pl.Series(words * (events.height // 3 + 1))[: events.height])
        .otherwise(pl.col("outcome"))
    )
    raw = events.write_csv(separator=";").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really Windows-1252, not UTF-8 that happens to be ASCII
    (extract / "pathway_events.csv").write_bytes(raw)
    validation = validate_extract(extract)
    report = validation.report
    assert report.tables["pathway_events"].file == "pathway_events.csv"
    assert report.tables["pathway_events"].errors == []
    assert validation.frames["pathway_events"]["outcome"].head(3).to_list() == words


def test_empty_table_stops_with_table_level_failure(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    pl.read_parquet(extract / "primary_care.parquet").clear().write_parquet(
        extract / "primary_care.parquet"
    )
    report = validate_extract(extract).report
    assert [r.rule_id for r in report.tables["primary_care"].errors] == [
        "primary_care.rows.not_empty"
    ]
    assert report.stopped
    assert not report.passed


def test_missing_column_stops_with_table_level_failure(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    pl.read_parquet(extract / "patients.parquet").drop("sex").write_parquet(
        extract / "patients.parquet"
    )
    validation = validate_extract(extract)
    errors = validation.report.tables["patients"].errors
    assert [r.rule_id for r in errors] == ["patients.columns.present"]
    assert "sex" in errors[0].detail
    assert "patients" not in validation.frames


def test_extra_column_is_a_warning_only(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    patients = pl.read_parquet(extract / "patients.parquet")
    patients.with_columns(note=pl.lit("x")).write_parquet(extract / "patients.parquet")
    report = validate_extract(extract).report
    warnings = report.tables["patients"].warnings
    assert [r.rule_id for r in warnings] == ["patients.columns.no_extra"]
    assert warnings[0].examples == ["note"]
    assert report.passed


def test_wrong_dtype_stops_with_type_failure(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    patients = pl.read_parquet(extract / "patients.parquet")
    patients.with_columns(pl.col("municipality").cast(pl.Int64)).write_parquet(
        extract / "patients.parquet"
    )
    report = validate_extract(extract).report
    errors = report.tables["patients"].errors
    assert [r.rule_id for r in errors] == ["patients.municipality.type"]
    assert "integer" in errors[0].detail


def test_without_any_extract_date_the_latest_date_is_used_and_named(
    passing_extract, passing_validation, tmp_path
):
    extract = _variant(passing_extract, tmp_path)
    (extract / "manifest.json").unlink()  # the manifest is optional
    report = validate_extract(extract).report
    latest = max(passing_validation.frames["contacts"][c].max() for c in ("start_date", "end_date"))
    assert report.passed
    assert report.extract_date_source == "latest date in the extract"
    assert report.extract_date >= latest.isoformat()
    assert report.notices
    assert report.extract_date in report.notices[0]
    assert "--extract-date" in report.notices[0]
    given = validate_extract(extract, extract_date=date(2025, 12, 31)).report
    assert (given.extract_date, given.extract_date_source) == ("2025-12-31", "--extract-date")
    assert given.notices == []


def test_manifest_without_extract_date_falls_back_the_same_way(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    manifest = json.loads((extract / "manifest.json").read_text(encoding="utf-8"))
    manifest["extract_date"] = None
    (extract / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = validate_extract(extract).report
    assert report.passed
    assert report.extract_date_source == "latest date in the extract"
    assert not [r for r in report.results() if r.not_checked]


# ---------------------------------------------------------------------------
# Fødselsnummer outside the model's columns, damaged files
# ---------------------------------------------------------------------------
NOTES = ["ref 12345678901 pas 01010012356", "ingen", None, "pas 01010012356", "ref 12345678901"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_extra_columns_no_fodselsnummer_flags_a_number_in_an_undeclared_column(
    passing_extract, tmp_path, fmt
):
    extract = _variant(passing_extract, tmp_path)
    patients = pl.read_parquet(extract / "patients.parquet")
    notes = (NOTES * (patients.height // len(NOTES) + 1))[: patients.height]
    patients = patients.with_columns(note=pl.Series(notes), count=pl.lit(7))
    (extract / "patients.parquet").unlink()
    if fmt == "parquet":
        patients.write_parquet(extract / "patients.parquet")
    else:
        (extract / "patients.csv").write_text(patients.write_csv(separator=";"), encoding="utf-8")
    validation = validate_extract(extract)
    report = validation.report
    result = next(
        r for r in report.results() if r.rule_id == "patients.extra_columns.no_fodselsnummer"
    )
    expected = [i for i, n in enumerate(notes) if n is not None and "01010012356" in n]
    assert result.is_error
    assert result.unexpected == len(expected)
    assert validation.failing_rows["patients"][result.rule_id].to_list() == expected
    # Distinct failing values in sorted order, masked.
    assert result.examples == ["note: pas ***********", "note: ref *********** pas ***********"]
    assert [r.rule_id for r in report.tables["patients"].warnings] == ["patients.columns.no_extra"]
    assert not report.passed


def test_clean_extract_searches_no_extra_column_and_passes_the_extra_rule(passing_validation):
    result = next(
        r
        for r in passing_validation.report.results()
        if r.rule_id == "contacts.extra_columns.no_fodselsnummer"
    )
    assert result.status == "passed"


def test_parquet_with_a_sound_footer_but_damaged_pages_raises_extract_read_error(
    passing_extract, tmp_path
):
    extract = _variant(passing_extract, tmp_path)
    damage_pages(extract / "referrals.parquet")
    with pytest.raises(ExtractReadError, match=r"referrals\.parquet: cannot be read"):
        validate_extract(extract)
