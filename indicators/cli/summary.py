"""The terminal summary of a validation: one line per table, then the failed rules."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table as RichTable

from indicators.outward import styled
from indicators.validate.results import ValidationReport


def print_summary(report: ValidationReport, console: Console) -> None:
    """Print rows, rules failed and unexpected counts per table, and each failed rule.

    ``console`` is one of :func:`indicators.outward.console` (plain text, redacted).
    Rules that could not be checked are counted per table and listed by reason; notices
    (an extract date taken from the data, a record that could not be written) come last.
    """
    overview = RichTable(title=f"Validation of {report.extract} ({report.fingerprint})")
    for name in ("table", "rows", "rules", "failed", "warnings", "not checked", "unexpected rows"):
        overview.add_column(name, justify="left" if name == "table" else "right")
    for t in report.tables.values():
        overview.add_row(
            t.table,
            f"{t.rows:,}",
            str(len(t.results)),
            str(len(t.errors)),
            str(len(t.warnings)),
            str(len(t.not_checked)),
            f"{sum(r.unexpected for r in t.errors if r.rule.level == 'row'):,}",
        )
    console.print(overview)
    failed = [r for r in report.results() if r.failed]
    if failed:
        details = RichTable(title="Failed rules")
        # A rule id is never broken across lines: it is what a reader searches for.
        longest = max(len(r.rule_id) for r in failed)
        details.add_column("rule", no_wrap=True, min_width=longest)
        for name in ("severity", "unexpected", "message", "where; examples (masked)"):
            details.add_column(name, overflow="fold")
        for r in failed:
            details.add_row(
                r.rule_id,
                r.rule.severity,
                f"{r.unexpected:,}",
                r.rule.message + (f" ({r.detail})" if r.detail else ""),
                "; ".join(r.where + r.examples),
            )
        console.print(details)
    reasons = Counter((r.table, r.not_checked) for r in report.results() if r.not_checked)
    for (table, reason), n in reasons.items():
        console.print(styled(("not checked", "yellow"), f" {n} rule(s) of {table}: {reason}"))
    for notice in report.notices:
        console.print(styled(("warning:", "yellow"), f" {notice}"))
    verdict = ("PASSED", "green") if report.passed else ("FAILED", "red")
    stopped = " (a table-level rule failed: nothing was checked row by row in that table)"
    console.print(styled(verdict, stopped if report.stopped else "", f" in {report.seconds:.1f} s"))
