"""Validation results: one record per rule, whichever engine checked it.

Great Expectations results (single-table rules) and the polars cross-table checks are
both turned into :class:`RuleResult`, so the terminal summary, the JUnit file, the HTML
report and the validation record read one format.  Example values and details are masked
here, once, when a result is made (:func:`mask_value`), so no fødselsnummer reaches a
report: every run of exactly 11 digits is replaced by asterisks, and so is every run of
10 digits that would pass the fødselsnummer check digits with a leading zero (a
fødselsnummer stored as a number loses its leading zero).

Examples
--------
>>> mask_value("Samtale med 01010012356 avsluttet")
'Samtale med *********** avsluttet'
>>> mask_value(1010012356)
'**********'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from indicators.extract.model import EXTRACT
from indicators.outward import redact
from indicators.validate.rules import RULES, Rule

#: Example values kept per failed rule.
EXAMPLE_VALUES = 5
#: Longest example value shown, in characters.
EXAMPLE_LENGTH = 60

#: Columns that identify a person or a person's record: failing rows are shown by their
#: place in the file, never by these values.  Text ``*_id`` columns without a code
#: pattern (organisation numbers carry one).
IDENTIFIER_COLUMNS = frozenset(
    column.name
    for table in EXTRACT.values()
    for column in table.columns
    if column.name.endswith("_id") and column.pattern is None
)

Status = Literal["passed", "failed", "warning", "not checked"]


def mask_value(value: object) -> str:
    """A value as text, with every number that could be a fødselsnummer masked whole.

    Every run of exactly 11 digits is masked, not only those that pass the check
    digits (a report is no place to decide whether a number is a person), and every
    run of 10 digits that passes them once a leading zero is put back.  The text around
    a run is kept; longer runs of digits are not fødselsnummer and are kept.

    >>> mask_value("ref 12345678901 pas 01010012356")
    'ref *********** pas ***********'
    >>> mask_value("K0000000001"), mask_value("123456789012"), mask_value(None)
    ('K0000000001', '123456789012', '∅')
    """
    text = redact("∅" if value is None else str(value))
    if len(text) > EXAMPLE_LENGTH:
        text = text[: EXAMPLE_LENGTH - 1] + "…"
    return text


def mask_text(text: str) -> str:
    """Free text (a detail, an error message) with identifiers masked, uncut."""
    return redact(text)


@dataclass
class RuleResult:
    """The outcome of one rule on one table.

    ``checked`` is the number of rows (or, for table-level rules, 1) the rule looked at;
    ``unexpected`` the rows that break it (for table-level rules: the columns or 1).
    ``not_checked`` holds the reason a rule could not be checked (its table was stopped,
    a table it reads is missing); such a rule neither passes nor fails.  Examples and
    the detail are masked (:func:`mask_value`) when the result is made; a rule that
    reads an identifier column (:data:`IDENTIFIER_COLUMNS`) keeps no example values, and
    ``where`` gives the places of the first failing rows in the file (:meth:`locate`).
    """

    rule_id: str
    table: str
    success: bool
    checked: int
    unexpected: int
    examples: list[str] = field(default_factory=list)
    detail: str = ""
    engine: str = "gx"
    not_checked: str = ""
    where: list[str] = field(default_factory=list)
    message: str = ""
    severity: str = ""
    level: str = ""
    kind: str = ""
    columns: list[str] | None = None

    def __post_init__(self) -> None:
        self._describe(RULES.get(self.rule_id))
        identifies = set(self.columns or ()) & IDENTIFIER_COLUMNS
        self.examples = [] if identifies else [mask_value(e) for e in self.examples]
        self.detail = mask_text(self.detail)

    def _describe(self, rule: Rule | None) -> None:
        """Fill what the result does not say about its rule from ``rule`` (or defaults).

        A rule that exists only in a suite file carries its own message, severity,
        level, kind and columns; a built-in rule may leave them to :data:`RULES`.
        """
        self.message = self.message or (rule.message if rule else self.rule_id)
        self.severity = self.severity or (rule.severity if rule else "error")
        self.level = self.level or (rule.level if rule else "row")
        self.kind = self.kind or (rule.kind if rule else "")
        if self.columns is None:
            self.columns = list(rule.columns) if rule else []

    def locate(self, positions: Sequence[int], *, csv: bool) -> None:
        """Record where the first failing rows are in the file.

        ``line N`` of a CSV file (the header is line 1); ``row N`` of a Parquet file
        (1-based).
        """
        first = list(positions)[:EXAMPLE_VALUES]
        self.where = [f"line {p + 2}" if csv else f"row {p + 1}" for p in first]

    @classmethod
    def skipped(cls, rule: Rule, reason: str, *, rows: int = 0) -> RuleResult:
        """A result saying ``rule`` was not checked, and why."""
        return cls(
            rule.id, rule.table, True, rows, 0, not_checked=reason, engine="none", **describe(rule)
        )

    @classmethod
    def of(cls, rule: Rule, success: bool, checked: int, unexpected: int, **kw: Any) -> RuleResult:
        """A result of ``rule`` that carries the rule's description."""
        return cls(rule.id, rule.table, success, checked, unexpected, **kw, **describe(rule))

    @property
    def status(self) -> Status:
        """``passed``, ``failed`` (an error), ``warning`` or ``not checked``."""
        if self.not_checked:
            return "not checked"
        if self.success:
            return "passed"
        return "failed" if self.severity == "error" else "warning"

    @property
    def rule(self) -> Rule:
        """The rule this result is about, as the result describes it."""
        return Rule(
            self.rule_id,
            self.table,
            tuple(self.columns or ()),
            self.kind,  # type: ignore[arg-type]
            self.message,
            self.level,  # type: ignore[arg-type]
            self.severity,  # type: ignore[arg-type]
        )

    @property
    def failed(self) -> bool:
        """True if the rule failed (errors and warnings alike)."""
        return not self.success and not self.not_checked

    @property
    def is_error(self) -> bool:
        """True if the rule failed and its severity makes the extract invalid."""
        return self.failed and self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the rule's message, kind, level and severity."""
        out = asdict(self)
        out.update(columns=list(self.columns or ()), status=self.status)
        return out


def describe(rule: Rule) -> dict[str, Any]:
    """What a result carries about its rule: message, severity, level, kind, columns."""
    return {
        "message": rule.message,
        "severity": rule.severity,
        "level": rule.level,
        "kind": rule.kind,
        "columns": list(rule.columns),
    }


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
    def not_checked(self) -> list[RuleResult]:
        """Rules that could not be checked (see :attr:`RuleResult.not_checked`)."""
        return [r for r in self.results if r.not_checked]

    @property
    def stopped(self) -> bool:
        """True if a table-level error stops the run for this table."""
        return any(r.level == "table" for r in self.errors)


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
    extract_date_source: str = "manifest"
    notices: list[str] = field(default_factory=list)
    #: Failing rows per rule id and treating trust (``trust_id`` of the row), for the
    #: tables that have one; trust reports show their own rows.
    failed_by_trust: dict[str, dict[str, int]] = field(default_factory=dict)

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
        """Unexpected count per rule id (0 for passing and not-checked rules)."""
        return {r.rule_id: r.unexpected for r in self.results()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the declared :class:`~indicators.validate.schema.ValidationRecord`.

        What both ``validation.json`` files hold (the report's, and each entry of the
        extract's record).
        """
        from indicators.validate.schema import validation_record

        return validation_record(self).to_dict()
