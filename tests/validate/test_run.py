"""End-to-end validation of synthetic extracts, clean and with every documented defect."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from indicators.errors import ExtractReadError, MissingTableError
from indicators.validate.run import validate_extract
from tests.validate.conftest import copy_extract

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


def test_missing_table_raises_missing_table_error(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    (extract / "referrals.parquet").unlink()
    with pytest.raises(MissingTableError, match="referrals"):
        validate_extract(extract)


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
    patients = pl.read_parquet(extract / "patients.parquet")
    (extract / "patients.parquet").unlink()
    text = patients.write_csv(separator=";")
    (extract / "patients.csv").write_bytes(text.replace("\n", "\n", 1).encode("cp1252"))
    report = validate_extract(extract).report
    assert report.tables["patients"].file == "patients.csv"
    assert report.tables["patients"].errors == []


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


def test_without_extract_date_the_date_rules_fail_unchecked(passing_extract, tmp_path):
    extract = _variant(passing_extract, tmp_path)
    manifest = json.loads((extract / "manifest.json").read_text(encoding="utf-8"))
    manifest["extract_date"] = None
    (extract / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = validate_extract(extract).report
    unchecked = {r.rule_id for r in report.results() if "not checked" in r.detail}
    assert "contacts.start_date.not_after_extract_date" in unchecked
    assert "patients.birth_year.age" in unchecked
    assert validate_extract(extract, extract_date=date(2025, 12, 31)).report.passed
