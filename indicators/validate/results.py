"""Validation results: one record per rule, whichever engine checked it.

Great Expectations results (single-table rules) and the polars cross-table checks are
both turned into :class:`RuleResult`, so the terminal summary, the JUnit file, the HTML
report and the validation record read one format.  Example values are masked here,
once: any 11-digit run is cut to its first six digits (``010100*****``) before a value
is stored, so no fødselsnummer reaches a report.

Examples
--------
>>> mask_value("Samtale med 01010012356 avsluttet")
'Samtale med 010100***** avsluttet'
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from indicators.validate.rules import RULES, Rule

#: Example values kept per failed rule.
EXAMPLE_VALUES = 5
#: Longest example value shown, in characters.
EXAMPLE_LENGTH = 60

_DIGIT_RUN = re.compile(r"(?<![0-9])([0-9]{6})([0-9]{5})(?![0-9])")


def mask_value(value: object) -> str:
    """A value as text, with every 11-digit run masked after its sixth digit.

    Every run is masked, not only those that pass the check digits: a report is no
    place to decide whether a number is a person.
    """
    text = "∅" if value is None else str(value)
    text = _DIGIT_RUN.sub(lambda m: m.group(1) + "*****", text)
    if len(text) > EXAMPLE_LENGTH:
        text = text[: EXAMPLE_LENGTH - 1] + "…"
    return text


@dataclass
class RuleResult:
    """The outcome of one rule on one table.

    ``checked`` is the number of rows (or, for table-level rules, 1) the rule looked at;
    ``unexpected`` the rows that break it (for table-level rules: the columns or 1).
    """

    rule_id: str
    table: str
    success: bool
    checked: int
    unexpected: int
    examples: list[str] = field(default_factory=list)
    detail: str = ""
    engine: str = "gx"

    @property
    def rule(self) -> Rule:
        """The rule this result is about."""
        return RULES[self.rule_id]

    @property
    def failed(self) -> bool:
        """True if the rule failed (errors and warnings alike)."""
        return not self.success

    @property
    def is_error(self) -> bool:
        """True if the rule failed and its severity makes the extract invalid."""
        return not self.success and self.rule.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the rule's message, kind, level and severity."""
        out = asdict(self)
        rule = self.rule
        out.update(
            message=rule.message,
            kind=rule.kind,
            level=rule.level,
            severity=rule.severity,
            columns=list(rule.columns),
        )
        return out


@dataclass
class TableResult:
    """Every rule result of one table, with its row count and file."""

    table: str
    file: str
    rows: int
    results: list[RuleResult] = field(default_factory=list)

    @property
    def errors(self) -> list[RuleResult]:
        """Failed rules whose severity is ``error``."""
        return [r for r in self.results if r.is_error]

    @property
    def warnings(self) -> list[RuleResult]:
        """Failed rules whose severity is ``warning``."""
        return [r for r in self.results if r.failed and not r.is_error]

    @property
    def stopped(self) -> bool:
        """True if a table-level error stops the run for this table."""
        return any(r.rule.level == "table" for r in self.errors)


@dataclass
class ValidationReport:
    """The validation of one extract."""

    extract: str
    fingerprint: str
    extract_date: str | None
    synthetic: bool
    tables: dict[str, TableResult]
    seconds: float = 0.0
    gx_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """True if no rule of severity ``error`` failed."""
        return not any(t.errors for t in self.tables.values())

    @property
    def stopped(self) -> bool:
        """True if a table-level failure stopped the run (nothing is quarantined)."""
        return any(t.stopped for t in self.tables.values())

    def results(self) -> list[RuleResult]:
        """Every rule result, table by table."""
        return [r for t in self.tables.values() for r in t.results]

    def counts(self) -> dict[str, int]:
        """Unexpected count per rule id (0 for passing rules)."""
        return {r.rule_id: r.unexpected for r in self.results()}
