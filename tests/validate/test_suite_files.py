"""The suite files drive validation: a rule added to or removed from a copy of a suite
changes the outcome with no change to the code; GX is the tested release."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import great_expectations as gx
from typer.testing import CliRunner

from indicators.cli import app
from indicators.validate.run import validate_extract
from indicators.validate.suites import default_suites_dir
from tests.validate.conftest import copy_extract

#: The GX minor release the package is tested with.
TESTED_GX = (1, 24)

runner = CliRunner()


def _suites_copy(tmp_path: Path) -> Path:
    suites = tmp_path / "suites"
    shutil.copytree(default_suites_dir(), suites)
    return suites


def _edit(suites: Path, table: str, edit) -> None:
    path = suites / f"{table}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_installed_great_expectations_is_the_tested_minor_release():
    installed = tuple(int(p) for p in gx.__version__.split(".")[:2])
    assert installed == TESTED_GX, (
        f"great_expectations {gx.__version__} is installed; the suites and the custom "
        f"expectations are tested with {'.'.join(map(str, TESTED_GX))}.x. Install "
        "great_expectations>=1.24,<1.25 or test the new release and update TESTED_GX."
    )


def test_an_expectation_added_to_a_suite_file_fails_a_clean_extract_everywhere(
    passing_extract, tmp_path
):
    suites = _suites_copy(tmp_path)
    added = {
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "activity", "value_set": ["no such activity"]},
        "meta": {
            "rule_id": "contacts.activity.local_rule",
            "message": "activity is not one the region accepts",
            "severity": "error",
            "level": "row",
        },
    }
    # A custom expectation of the package, without meta: its id is derived.
    derived = {"type": "expect_column_values_to_be_valid_orgnr", "kwargs": {"column": "service"}}
    _edit(suites, "contacts", lambda d: d["expectations"].extend([added, derived]))
    extract = copy_extract(passing_extract, tmp_path / "x")
    junit, report = tmp_path / "junit.xml", tmp_path / "report"
    result = runner.invoke(
        app,
        ["validate", str(extract), "--suites", str(suites), "--junit", str(junit),
         "--report", str(report)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    ids = ["contacts.activity.local_rule", "contacts.service.column_values_to_be_valid_orgnr"]
    record = json.loads((report / "validation.json").read_text(encoding="utf-8"))
    failed = {r["rule_id"]: r for r in record["rules"] if r["status"] == "failed"}
    html = (report / "validation.html").read_text(encoding="utf-8")
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    # No activity is in the one-value set: every contact breaks the added rule.
    assert failed[ids[0]]["unexpected"] == failed[ids[0]]["checked"] > 0
    assert failed[ids[0]]["message"] == "activity is not one the region accepts"
    for rule_id in ids:
        assert rule_id in result.output
        assert rule_id in failed
        assert rule_id in html
        assert cases[rule_id].find("failure") is not None
    assert set(failed) == set(ids)


def test_a_rule_removed_from_a_suite_file_lets_its_defect_through(
    defect_extract, defect_validation, tmp_path
):
    rule_id = "contacts.main_diagnosis.shape"
    caught = defect_validation.failing_rows["contacts"][rule_id]
    assert caught.len() > 0
    suites = _suites_copy(tmp_path)
    _edit(
        suites,
        "contacts",
        lambda d: d.update(
            expectations=[e for e in d["expectations"] if e["meta"]["rule_id"] != rule_id]
        ),
    )
    validation = validate_extract(defect_extract, suites_dir=suites)
    assert rule_id not in validation.report.counts()
    still = validation.failing_rows["contacts"]
    flagged = set().union(*(set(rows.to_list()) for rows in still.values()))
    assert not set(caught.to_list()) <= flagged


def test_a_cross_table_rule_removed_from_cross_table_json_is_not_checked(
    defect_extract, defect_validation, tmp_path
):
    rule_id = "contacts.patient_id.foreign_key"
    assert defect_validation.report.counts()[rule_id] > 0
    suites = _suites_copy(tmp_path)
    path = suites / "cross_table.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["rules"] = [r for r in data["rules"] if r["rule_id"] != rule_id]
    path.write_text(json.dumps(data), encoding="utf-8")
    validation = validate_extract(defect_extract, suites_dir=suites)
    assert rule_id not in validation.report.counts()
