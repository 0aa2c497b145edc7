"""JUnit XML of a validation, so CI systems show every rule as a test case.

One ``<testsuite>`` per table, one ``<testcase>`` per rule id (``classname`` is the table);
a failed rule of severity ``error`` is a ``<failure>`` with the rule's message, the
counts and masked example values; a failed warning and a rule that could not be checked
are ``<skipped>`` cases saying so (CI shows them without failing the job).  Every run
lists the same rules, so the number of test cases does not change when a table stops.
Notices (an extract date taken from the data, a record not written) are ``<property>``
elements of every suite.

An extract that cannot be read at all gets one failing case, ``extract.readable``,
saying which file (and column and rows) could not be read (:func:`junit_unreadable`).

The document is well-formed whatever the extract holds: every character that XML 1.0
does not allow (NUL and the other control characters but tab and line breaks, lone
surrogates, U+FFFE, U+FFFF) is written as U+FFFD, the replacement character
(:func:`printable`), wherever it came from (a value, a column name, a file name).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from indicators.errors import IndicatorsError
from indicators.outward import redact, write_text
from indicators.validate.results import RuleResult, ValidationReport, mask_text


def printable(text: str) -> str:
    """``text`` as it may leave the program (:func:`indicators.outward.redact`).

    Characters XML 1.0 (or HTML) does not allow become U+FFFD, identifiers are masked.

    >>> printable("P" + chr(0) + "1") == "P" + chr(0xFFFD) + "1"
    True
    """
    return redact(text)


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


def _document(root: ET.Element) -> str:
    ET.indent(root)
    body = printable(ET.tostring(root, encoding="unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


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
            skipped=str(len(table.warnings) + len(table.not_checked)),
            errors="0",
        )
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="extract_date", value=report.extract_date or "")
        ET.SubElement(
            properties, "property", name="extract_date_source", value=report.extract_date_source
        )
        for notice in report.notices:
            ET.SubElement(properties, "property", name="notice", value=notice)
        for result in table.results:
            case = ET.SubElement(suite, "testcase", classname=table.table, name=result.rule_id)
            if result.not_checked:
                skipped = ET.SubElement(
                    case, "skipped", message=f"not checked: {result.not_checked}"
                )
                skipped.text = result.rule.message
            elif result.is_error:
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
    return _document(root)


def unreadable_lines(error: IndicatorsError) -> list[str]:
    """Why an extract could not be read: the (masked) message, file and column."""
    lines = [mask_text(str(error))]
    for name in ("file", "column"):
        value = getattr(error, name, None)
        if value:
            lines.append(f"{name}: {mask_text(str(value))}")
    return lines


def junit_unreadable(extract: str, error: IndicatorsError) -> str:
    """JUnit XML for an extract that could not be read: one failing test case."""
    root = ET.Element("testsuites", name=f"indicators validate {extract}")
    suite = ET.SubElement(
        root, "testsuite", name="extract", tests="1", failures="1", skipped="0", errors="0"
    )
    case = ET.SubElement(suite, "testcase", classname="extract", name="extract.readable")
    lines = unreadable_lines(error)
    failure = ET.SubElement(
        case,
        "failure",
        message=f"the extract cannot be read: {lines[0].splitlines()[0]}",
        type=type(error).__name__,
    )
    failure.text = "\n".join(lines)
    return _document(root)


def write_junit(report: ValidationReport, path: Path) -> Path:
    """Write the JUnit XML file (parent directories are created)."""
    return _write(path, junit_xml(report))


def write_junit_unreadable(extract: str, error: IndicatorsError, path: Path) -> Path:
    """Write the JUnit XML file of an extract that could not be read."""
    return _write(path, junit_unreadable(extract, error))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text(path, text + "\n")
