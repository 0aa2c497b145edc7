"""The committed suites are what the extract model generates, and GX reads them back."""

from __future__ import annotations

import json

from indicators.extract.model import EXTRACT
from indicators.validate import suites
from indicators.validate.rules import all_rules


def test_committed_suites_match_the_extract_model():
    assert suites.stale_suites() == [], (
        "expectations/ differs from the extract model: review the change, or run "
        "`python -m indicators.validate.suites --write`"
    )


def test_every_single_table_rule_is_one_expectation_with_its_id():
    for table in EXTRACT:
        data = json.loads(
            (suites.default_suites_dir() / f"{table}.json").read_text(encoding="utf-8")
        )
        ids = [e["meta"]["rule_id"] for e in data["expectations"]]
        expected = [r.id for r in all_rules() if r.table == table and r.in_suite]
        assert ids == expected


def test_committed_suite_loads_into_gx_with_custom_expectations():
    suite = suites.load_suite(suites.default_suites_dir() / "pathway_events.json")
    types = {e.expectation_type for e in suite.expectations}
    assert "expect_column_values_to_have_no_fodselsnummer" in types
    assert "expect_column_values_to_be_valid_orgnr" in types


def test_extract_date_is_a_suite_parameter_not_a_literal():
    text = (suites.default_suites_dir() / "contacts.json").read_text(encoding="utf-8")
    assert '"$PARAMETER": "extract_date"' in text


def test_check_mode_reports_a_stale_suite(tmp_path):
    suites.write_suites(tmp_path)
    assert suites.main(["--dir", str(tmp_path), "--check"]) == 0
    (tmp_path / "patients.json").write_text("{}", encoding="utf-8")
    assert suites.main(["--dir", str(tmp_path), "--check"]) == 1
