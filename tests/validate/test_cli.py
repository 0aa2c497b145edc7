"""`indicators validate` end to end: exit codes, files written, no GX for other commands."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from indicators.cli import app
from tests.validate.conftest import copy_extract

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


def test_defect_extract_exits_1_and_quarantines(defect_extract, tmp_path):
    extract = copy_extract(defect_extract, tmp_path / "x")
    result = runner.invoke(app, ["validate", str(extract), "--quarantine", str(tmp_path / "q")])
    assert result.exit_code == 1, result.output
    assert (tmp_path / "q" / "manifest.json").exists()
    assert "010100" not in result.output or "*****" in result.output


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
