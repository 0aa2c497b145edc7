"""The validation record in EXTRACT/validation.json and require_passed."""

from __future__ import annotations

import pytest

from indicators.errors import IndicatorsError
from indicators.validate import ValidationRequiredError, require_passed
from indicators.validate.record import RECORD_FILE, current_fingerprint, read_record, write_record
from tests.validate.conftest import copy_extract


def test_require_passed_refuses_an_unvalidated_extract(passing_extract, tmp_path):
    extract = copy_extract(passing_extract, tmp_path / "x")
    with pytest.raises(ValidationRequiredError, match="Run `indicators validate"):
        require_passed(extract)
    assert issubclass(ValidationRequiredError, IndicatorsError)


def test_require_passed_accepts_a_passed_record_until_a_file_changes(
    passing_extract, passing_validation, tmp_path
):
    extract = copy_extract(passing_extract, tmp_path / "x")
    write_record(extract, passing_validation.report)
    assert (extract / RECORD_FILE).exists()
    assert current_fingerprint(extract) == passing_validation.report.fingerprint
    require_passed(extract)
    (extract / "primary_care.parquet").unlink()
    with pytest.raises(ValidationRequiredError, match="no validation of these files"):
        require_passed(extract)


def test_require_passed_refuses_a_failed_record(defect_extract, defect_validation, tmp_path):
    extract = copy_extract(defect_extract, tmp_path / "x")
    write_record(extract, defect_validation.report)
    with pytest.raises(ValidationRequiredError, match="failed"):
        require_passed(extract)
    entry = read_record(extract)[defect_validation.report.fingerprint]
    rules = {r.rule_id: r for r in entry.rules}
    assert rules["patients.sex.not_null"].unexpected == 5


def test_the_record_breaks_failing_rows_down_by_trust_for_the_trust_reports(
    defect_extract, defect_validation, tmp_path
):
    import json

    import polars as pl

    from indicators import load_extract
    from indicators.reports.quality import quality_html, read_validation

    extract = copy_extract(defect_extract, tmp_path / "x")
    write_record(extract, defect_validation.report)
    rules = {r.rule_id: r for r in read_record(extract)[defect_validation.report.fingerprint].rules}
    manifest = json.loads((defect_extract / "manifest.json").read_text())
    defect = next(d for d in manifest["defects"] if d["column"] == "service")
    # The injected unknown service codes (1-based data rows), counted by their rows' trust.
    referrals = load_extract(defect_extract, tables=["referrals"])["referrals"].collect()
    expected = (
        referrals.with_row_index(offset=1)
        .filter(pl.col("index").is_in(defect["rows"]))
        .group_by("trust_id")
        .len()
    )
    assert rules["referrals.service.code"].by_trust == dict(expected.iter_rows())
    assert rules["patients.sex.not_null"].by_trust == {}  # patients have no trust

    trust, rows = next(iter(expected.iter_rows()))
    html = quality_html(
        read_validation(extract / RECORD_FILE, fingerprint=defect_validation.report.fingerprint),
        trust_id=trust,
        lang="en",
    )
    assert f'data-rows="{rows}"' in html
