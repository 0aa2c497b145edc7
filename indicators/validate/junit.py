"""JUnit XML of a validation, so CI systems show every rule as a test case.

One ``<testsuite>`` per table, one ``<testcase>`` per rule id (``classname`` is the table);
a failed rule of severity ``error`` is a ``<failure>`` with the rule's message, the
counts and masked example values; a failed warning is a ``<skipped>`` case with the same
text (CI shows it without failing the job).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from indicators.validate.results import RuleResult, ValidationReport


def _text(result: RuleResult) -> str:
    lines = [
        result.rule.message,
        f"unexpected: {result.unexpected} of {result.checked} rows checked",
    ]
    if result.detail:
        lines.append(result.detail)
    if result.examples:
        lines.append("examples: " + "; ".join(result.examples))
    return "\n".join(lines)


def junit_xml(report: ValidationReport) -> str:
    """The report as JUnit XML text."""
    root = ET.Element("testsuites", name=f"indicators validate {report.fingerprint}")
    for table in report.tables.values():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=table.table,
            tests=str(len(table.results)),
            failures=str(len(table.errors)),
            skipped=str(len(table.warnings)),
            errors="0",
        )
        for result in table.results:
            case = ET.SubElement(suite, "testcase", classname=table.table, name=result.rule_id)
            if result.is_error:
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{result.rule.message} ({result.unexpected} unexpected)",
                    type=result.rule.kind,
                )
                failure.text = _text(result)
            elif result.failed:
                skipped = ET.SubElement(case, "skipped", message=f"warning: {result.rule.message}")
                skipped.text = _text(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def write_junit(report: ValidationReport, path: Path) -> Path:
    """Write the JUnit XML file (parent directories are created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(junit_xml(report) + "\n", encoding="utf-8")
    return path
