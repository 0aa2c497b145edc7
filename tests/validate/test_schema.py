"""Both validation.json files: one declared structure, written and read back."""

from __future__ import annotations

import json
import re

import pytest

from indicators.reports.quality import quality_html, read_validation
from indicators.validate import ValidationRequiredError, require_passed
from indicators.validate.html import write_html, write_unreadable_html
from indicators.validate.record import RECORD_FILE, read_record, write_record
from indicators.validate.schema import (
    SCHEMA_VERSION,
    ValidationFileError,
    ValidationRecord,
    read_validation_file,
    validation_record,
)
from tests.validate.conftest import copy_extract

#: What an extract's record looked like before it had a schema version.
OLD_RECORD = {
    "validations": {"abc": {"passed": True, "rules_failed": [], "counts": {"patients.sex.code": 0}}}
}


def _same(a: ValidationRecord, b: ValidationRecord) -> bool:
    """Equal but for the time of writing."""
    return a.to_dict() | {"validated_at": ""} == b.to_dict() | {"validated_at": ""}


def test_a_record_round_trips_through_json(defect_validation):
    record = validation_record(defect_validation.report)
    again = ValidationRecord.from_dict(json.loads(json.dumps(record.to_dict())))
    assert again == record
    assert again.schema_version == SCHEMA_VERSION
    assert not again.passed
    failed = {r.rule_id: r for r in again.failed}
    assert failed["patients.sex.not_null"].unexpected == 5
    assert failed["patients.sex.not_null"].where


def test_the_report_and_the_extract_record_hold_the_same_structure(
    defect_extract, defect_validation, tmp_path
):
    extract = copy_extract(defect_extract, tmp_path / "x")
    report = defect_validation.report
    write_record(extract, report)
    write_html(report, tmp_path / "r")
    for path in (tmp_path / "r" / "validation.json", extract / RECORD_FILE):
        assert json.loads(path.read_text("utf-8"))["schema_version"] == SCHEMA_VERSION
    from_report = read_validation_file(tmp_path / "r" / "validation.json")
    from_record = read_validation_file(extract / RECORD_FILE, fingerprint=report.fingerprint)
    assert _same(from_report, from_record)
    assert _same(from_record, read_record(extract)[report.fingerprint])
    assert _same(from_record, validation_record(report))


def test_the_trust_reports_read_a_record_written_by_validate(
    defect_extract, defect_validation, tmp_path
):
    extract = copy_extract(defect_extract, tmp_path / "x")
    write_record(extract, defect_validation.report)
    summary = read_validation(
        extract / RECORD_FILE, fingerprint=defect_validation.report.fingerprint
    )
    assert summary.fingerprint_matched is True
    html = quality_html(summary, lang="nb")
    assert "Uttrekket besto ikke valideringen." in html
    assert "patients.sex.not_null" in html
    assert "sex is empty but required" in html
    assert "ind-warning" not in html


def test_an_unreadable_extract_is_recorded_in_the_same_structure(tmp_path):
    from indicators.errors import ExtractReadError

    write_unreadable_html("x", ExtractReadError("x/patients.csv: not text"), tmp_path / "r")
    record = read_validation_file(tmp_path / "r" / "validation.json")
    assert (record.readable, record.passed, record.rules) == (False, False, ())
    assert record.error is not None
    assert "not text" in record.error.message
    html = quality_html(read_validation(tmp_path / "r" / "validation.json"), lang="en")
    assert "The extract could not be read, so no rule was checked." in html


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (OLD_RECORD, "older version of indicators (no schema_version"),
        ({"schema_version": 1, "validations": {}}, "older version of indicators (schema version 1"),
        ({"schema_version": 99, "validations": {}}, "newer version of indicators"),
    ],
)
def test_a_record_of_another_schema_version_is_refused_saying_what_to_run(
    passing_extract, passing_validation, tmp_path, content, says
):
    extract = copy_extract(passing_extract, tmp_path / "x")
    (extract / RECORD_FILE).write_text(json.dumps(content), "utf-8")
    with pytest.raises(ValidationFileError, match=re.escape(says)):
        read_validation_file(extract / RECORD_FILE)
    with pytest.raises(ValidationRequiredError, match="run `indicators validate") as refused:
        require_passed(extract)
    assert says in str(refused.value)
    html = quality_html(read_validation(extract / RECORD_FILE), lang="nb")
    assert "kan ikke leses av denne versjonen av programmet" in html
    # Validating again replaces the record with one of this version.
    write_record(extract, passing_validation.report)
    assert list(read_record(extract)) == [passing_validation.report.fingerprint]
    data = json.loads((extract / RECORD_FILE).read_text("utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert list(data["validations"]) == [passing_validation.report.fingerprint]


def test_a_file_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "validation.json"
    path.write_text("{not json", "utf-8")
    with pytest.raises(ValidationFileError, match="cannot be read as JSON"):
        read_validation_file(path)
