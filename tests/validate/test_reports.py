"""JUnit XML and the offline HTML report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from indicators.errors import ExtractReadError
from indicators.validate.html import render_html, render_unreadable_html
from indicators.validate.junit import junit_unreadable, junit_xml
from indicators.validate.results import RuleResult, TableResult, ValidationReport, mask_value
from indicators.validate.rules import RULES


def test_junit_has_a_suite_per_table_and_a_case_per_rule(defect_validation):
    report = defect_validation.report
    root = ET.fromstring(junit_xml(report))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == set(report.tables)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {r.rule_id for r in report.results()}
    failure = cases["patients.sex.not_null"].find("failure")
    assert failure is not None
    assert "unexpected: 5 of" in failure.text
    assert cases["patients.sex.code"].find("failure") is None


def test_html_report_makes_no_network_request(defect_validation):
    html = render_html(defect_validation.report)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html, re.IGNORECASE)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", html, re.IGNORECASE)
    assert "http://" not in html
    assert "https://" not in html
    assert "<script" not in html.lower()


def test_html_report_masks_fodselsnummer(defect_validation):
    html = render_html(defect_validation.report)
    assert re.search(r"(?<![0-9])[0-9]{11}(?![0-9])", html) is None
    assert "***********" in html
    assert "Syntetisk uttrekk" in html
    assert "Synthetic extract" in render_html(defect_validation.report, lang="en")


def test_mask_value_masks_the_whole_number_and_keeps_the_text_around_it():
    assert mask_value("01010012356") == "***********"
    assert mask_value("Samtale 060822*****") == "Samtale 060822*****"  # no 10-11 digit run
    assert mask_value("ref 12345678901 pas 01010012356.") == "ref *********** pas ***********."
    assert mask_value("123456789012") == "123456789012"
    assert mask_value(None) == "∅"


def test_mask_value_masks_a_fodselsnummer_that_lost_its_leading_zero():
    assert mask_value(1010012356) == "**********"  # 01010012356 stored as an integer
    assert mask_value("K0000000001") == "K0000000001"  # a 10-digit id that is not one


def _report(results, tables=("patients",)):
    return ValidationReport(
        extract="x",
        fingerprint="f",
        extract_date="2025-12-31",
        synthetic=False,
        tables={
            t: TableResult(t, f"{t}.parquet", 3, [r for r in results if r.table == t])
            for t in tables
        },
    )


def test_examples_of_any_rule_are_masked_when_the_result_is_made():
    result = RuleResult("patients.birth_year.range", "patients", False, 3, 1, ["1010012356"])
    assert result.examples == ["**********"]
    detail = RuleResult("patients.sex.code", "patients", False, 3, 1, detail="see 01010012356")
    assert detail.detail == "see ***********"


def test_not_checked_rules_are_skipped_cases_and_shown_in_html():
    rule = RULES["patients.sex.not_null"]
    results = [
        RuleResult.skipped(rule, "patients was not read row by row"),
        RuleResult("patients.columns.present", "patients", False, 3, 1, ["sex"]),
    ]
    report = _report(results)
    root = ET.fromstring(junit_xml(report))
    (suite,) = root.iter("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("2", "1", "1")
    skipped = next(c for c in root.iter("testcase") if c.get("name") == rule.id).find("skipped")
    assert skipped.get("message") == "not checked: patients was not read row by row"
    html = render_html(report, lang="en")
    folded = html[html.index("<details><summary>Rules not checked: 1</summary>") :]
    assert "every row of <code>patients</code> has <code>sex</code>" in folded
    assert "because patients was not read row by row" in folded
    assert results[0].status == "not checked"
    assert not results[0].failed


def test_unreadable_extract_gets_one_failing_junit_case_and_a_page_naming_the_file():
    error = ExtractReadError(
        "x/patients.csv: column 'birth_year': 1 value(s) are not a whole number; rows 3 "
        "('01010012356')",
        file="x/patients.csv",
        column="birth_year",
    )
    root = ET.fromstring(junit_unreadable("x", error))
    (case,) = root.iter("testcase")
    assert case.get("name") == "extract.readable"
    failure = case.find("failure")
    assert "patients.csv" in failure.get("message")
    assert "column: birth_year" in failure.text
    assert "rows 3 ('***********')" in failure.text
    html = render_unreadable_html("x", error)
    assert "patients.csv" in html
    assert "birth_year" in html
    assert "01010012356" not in html
    assert "01010012356" not in failure.text
