"""JUnit XML and the offline HTML report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from indicators.validate.html import render_html
from indicators.validate.junit import junit_xml
from indicators.validate.results import mask_value


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
    assert "*****" in html
    assert "Synthetic extract" in html


def test_mask_value_masks_every_eleven_digit_run_but_not_longer_ones():
    assert mask_value("01010012356") == "010100*****"
    assert mask_value("123456789012") == "123456789012"
    assert mask_value(None) == "∅"
