"""`indicators validate` end to end: exit codes, files written, no GX for other commands."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from indicators.cli import app
from indicators.validate import ValidationRequiredError, require_passed
from tests.validate.conftest import copy_extract, damage_pages

runner = CliRunner()


def test_import_of_the_cli_does_not_import_great_expectations():
    code = (
        "import sys, indicators, indicators.cli, indicators.validate; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_valid_extract_exits_0_and_writes_report_junit_and_record(passing_extract, tmp_path):
    extract = copy_extract(passing_extract, tmp_path / "x")
    result = runner.invoke(
        app,
        [
            "validate",
            str(extract),
            "--report",
            str(tmp_path / "report"),
            "--junit",
            str(tmp_path / "junit.xml"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report" / "validation.html").exists()
    assert (tmp_path / "report" / "validation.json").exists()
    assert (extract / "validation.json").exists()
    ET.parse(tmp_path / "junit.xml")
    assert "PASSED" in result.output


def test_defect_extract_exits_1_and_shows_no_fodselsnummer_anywhere(
    defect_extract, defect_validation, tmp_path
):
    extract = copy_extract(defect_extract, tmp_path / "x")
    junit, report = tmp_path / "junit.xml", tmp_path / "report"
    result = runner.invoke(
        app, ["validate", str(extract), "--junit", str(junit), "--report", str(report)]
    )
    assert result.exit_code == 1, result.output
    outcome = defect_validation.frames["pathway_events"]["outcome"]
    planted = outcome.str.extract_all(r"[0-9]{11}").explode().drop_nulls().unique().to_list()
    assert planted
    texts = {
        "terminal": result.output,
        "junit": junit.read_text(encoding="utf-8"),
        "html": (report / "validation.html").read_text(encoding="utf-8"),
        "json": (report / "validation.json").read_text(encoding="utf-8"),
    }
    for where, text in texts.items():
        for number in planted:
            assert number not in text, where
            assert number[:6] + "*" not in text, where  # the date of birth
        assert "***********" in text, where


def test_quarantined_extract_accepted_rows_validate_and_compute_is_then_allowed(
    defect_extract, tmp_path
):
    extract = copy_extract(defect_extract, tmp_path / "x")
    q = tmp_path / "q"
    result = runner.invoke(app, ["validate", str(extract), "--quarantine", str(q)])
    assert result.exit_code == 1, result.output
    assert (q / "manifest.json").exists()
    # What `indicators compute` says to do on the failed extract ...
    with pytest.raises(ValidationRequiredError) as refused:
        require_passed(extract)
    assert f"indicators validate {extract} --quarantine Q" in str(refused.value)
    assert "indicators validate Q/accepted" in str(refused.value)
    # ... works: the accepted rows pass, and compute would accept them.
    again = runner.invoke(app, ["validate", str(q / "accepted")])
    assert again.exit_code == 0, again.output
    require_passed(q / "accepted")


def test_unreadable_extract_exits_2(passing_extract, tmp_path):
    extract = copy_extract(passing_extract, tmp_path / "x")
    (extract / "contacts.parquet").write_bytes(b"PAR1 broken")
    proc = subprocess.run(
        [sys.executable, "-m", "indicators", "validate", str(extract)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert "cannot be read as Parquet" in proc.stderr


def test_damaged_parquet_pages_exit_2_with_junit_and_report_naming_the_file(
    passing_extract, tmp_path
):
    extract = copy_extract(passing_extract, tmp_path / "x")
    damage_pages(extract / "referrals.parquet")
    junit, report = tmp_path / "junit.xml", tmp_path / "report"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "indicators",
            "validate",
            str(extract),
            "--junit",
            str(junit),
            "--report",
            str(report),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "referrals.parquet" in proc.stderr
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert [c.get("name") for c in cases] == ["extract.readable"]
    assert "referrals.parquet" in cases[0].find("failure").get("message")
    assert "referrals.parquet" in (report / "validation.html").read_text(encoding="utf-8")
    assert json.loads((report / "validation.json").read_text(encoding="utf-8"))["readable"] is False


def test_missing_table_exits_1_with_a_report_not_2(passing_extract, tmp_path):
    extract = copy_extract(passing_extract, tmp_path / "x")
    (extract / "referrals.parquet").unlink()
    junit = tmp_path / "junit.xml"
    result = runner.invoke(
        app, ["validate", str(extract), "--junit", str(junit), "--report", str(tmp_path / "r")]
    )
    assert result.exit_code == 1, result.output
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases["referrals.table.present"].find("failure") is not None
    assert cases["referrals.referral_id.unique"].find("skipped") is not None
    assert "not checked" in result.output


def test_unwritable_record_still_writes_junit_and_report_and_says_why(passing_extract, tmp_path):
    extract = copy_extract(passing_extract, tmp_path / "x")
    (extract / "validation.json").mkdir()  # cannot be written as a file, even by root
    junit, report = tmp_path / "junit.xml", tmp_path / "report"
    result = runner.invoke(
        app, ["validate", str(extract), "--junit", str(junit), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "could not be written" in result.output
    assert "could not be written" in junit.read_text(encoding="utf-8")
    assert "could not be written" in (report / "validation.html").read_text(encoding="utf-8")
    with pytest.raises(ValidationRequiredError):
        require_passed(extract)
