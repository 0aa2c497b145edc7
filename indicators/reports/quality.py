"""The data-quality section: what validation of the extract found, for the reader of a report.

This section only reads a validation record that ``indicators validate`` wrote; it
never re-validates.  Two shapes are understood:

- ``EXTRACT/validation.json``: ``{"validations": {fingerprint: {"passed",
  "rules_failed", "counts", ...}}}``; the entry of the results' extract fingerprint is
  shown (else the latest);
- ``--report DIR/validation.json``: ``{"passed", "results": [{"rule_id", "success",
  "unexpected", "severity", "message", ...}]}``.

Anything else that has an outcome and a list of rule results is shown as far as it is
recognised (rule id, title, severity, rows affected, and the report trust's rows where
a record breaks them down by trust).  Example values a record may hold are never
shown.  Without a record the section says so.

Where the record is looked for, in order: an explicit path, ``validation.json`` in the
results directory, ``validation.json`` in the extract directory named by the results
manifest (resolved to an absolute path when the manifest is read, see
:func:`indicators.reports.data.resolve_recorded_path`).  When none is found, or the
record found is for another version of the extract, the section says so in a warning
box, naming where it looked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indicators.reports.format import format_count
from indicators.reports.html import Cell, attrs, escape, table
from indicators.reports.labels import text

VALIDATION_FILE = "validation.json"

_RULE_LISTS = ("rules", "results", "checks", "expectations")
_ID_KEYS = ("id", "rule_id", "rule", "expectation_id", "name")
_TITLE_KEYS = ("title", "description", "message")
_PASSED_KEYS = ("passed", "success", "ok")
_ROWS_KEYS = ("unexpected", "failed_rows", "rows_failed", "unexpected_count", "n_failed", "rows")
_TRUST_KEYS = ("by_trust", "failed_by_trust", "trusts")


@dataclass(frozen=True)
class RuleOutcome:
    """One validation rule's outcome, as far as the record tells."""

    rule_id: str
    title: str = ""
    passed: bool | None = None
    severity: str = ""
    rows: int | None = None
    rows_by_trust: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ValidationSummary:
    """The outcome of validating an extract, read from its record."""

    source: Path
    passed: bool | None
    rules: tuple[RuleOutcome, ...]
    #: False when the record holds no entry for the results' extract fingerprint and
    #: the latest entry is shown instead; None when the record is not keyed by it.
    fingerprint_matched: bool | None = None

    @property
    def failed(self) -> tuple[RuleOutcome, ...]:
        """The rules that did not pass."""
        return tuple(r for r in self.rules if r.passed is False)


def validation_candidates(
    results_dir: Path | None, extract_dir: Path | None, explicit: Path | None = None
) -> list[Path]:
    """Where a validation record is looked for, in order (see the module docstring)."""
    candidates = [explicit] if explicit else []
    candidates += [d / VALIDATION_FILE for d in (results_dir, extract_dir) if d is not None]
    return candidates


def find_validation(
    results_dir: Path | None, extract_dir: Path | None, explicit: Path | None = None
) -> Path | None:
    """The validation record to show, or None (see the module docstring for the order)."""
    candidates = validation_candidates(results_dir, extract_dir, explicit)
    return next((c for c in candidates if c.is_file()), None)


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((record[k] for k in keys if k in record), None)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in {"pass", "passed", "ok", "success", "true"}:
            return True
        if lowered in {"fail", "failed", "error", "false"}:
            return False
    return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, list):
        return len(value)
    return None


def _rule(record: Any, fallback_id: str) -> RuleOutcome:
    if not isinstance(record, dict):
        return RuleOutcome(rule_id=fallback_id, title=str(record))
    passed = _as_bool(_first(record, _PASSED_KEYS))
    if passed is None:
        passed = _as_bool(record.get("status"))
    by_trust_raw = _first(record, _TRUST_KEYS)
    by_trust = (
        {str(k): n for k, v in by_trust_raw.items() if (n := _as_int(v)) is not None}
        if isinstance(by_trust_raw, dict)
        else {}
    )
    return RuleOutcome(
        rule_id=str(_first(record, _ID_KEYS) or fallback_id),
        title=str(_first(record, _TITLE_KEYS) or ""),
        passed=passed,
        severity=str(record.get("severity") or record.get("level") or ""),
        rows=_as_int(_first(record, _ROWS_KEYS)),
        rows_by_trust=by_trust,
    )


def _rule_titles() -> dict[str, str]:
    try:
        from indicators.validate.rules import RULES
    except ImportError:  # pragma: no cover - validation not installed
        return {}
    return {rule_id: getattr(rule, "message", "") for rule_id, rule in RULES.items()}


def _from_fingerprint_record(
    validations: dict[str, Any], fingerprint: str | None
) -> dict[str, Any]:
    """The rule list of one entry of ``EXTRACT/validation.json``, as a generic record."""
    entry = validations.get(fingerprint or "")
    matched = entry is not None
    if entry is None:
        entry = max(validations.values(), key=lambda e: str(e.get("validated_at", "")))
    failed = set(entry.get("rules_failed") or [])
    by_trust = entry.get("by_trust") or {}
    titles = _rule_titles()
    rules = [
        {
            "id": rule_id,
            "title": titles.get(rule_id, ""),
            "passed": not count,
            "severity": "error" if rule_id in failed else ("warning" if count else ""),
            "rows": count,
            "by_trust": by_trust.get(rule_id) or {},
        }
        for rule_id, count in (entry.get("counts") or {}).items()
    ]
    return {"passed": entry.get("passed"), "rules": rules, "_matched": matched}


def read_validation(path: str | Path, *, fingerprint: str | None = None) -> ValidationSummary:
    """Read a validation record; unknown keys are ignored, a rule list may be list or dict.

    Examples
    --------
    >>> import tempfile, json, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "validation.json"
    >>> _ = p.write_text(json.dumps({"passed": False, "rules": [
    ...     {"id": "V001", "title": "ids unique", "passed": True},
    ...     {"id": "V002", "title": "dates in order", "passed": False, "failed_rows": 3}]}))
    >>> [r.rule_id for r in read_validation(p).failed]
    ['V002']
    """
    source = Path(path)
    record = json.loads(source.read_text("utf-8"))
    matched: bool | None = None
    if isinstance(record, dict) and isinstance(record.get("validations"), dict):
        record = (
            _from_fingerprint_record(record["validations"], fingerprint)
            if record["validations"]
            else {}
        )
        matched = record.pop("_matched", None) if fingerprint else None
    rules_raw: Any = []
    if isinstance(record, dict):
        rules_raw = _first(record, _RULE_LISTS) or []
    elif isinstance(record, list):
        rules_raw, record = record, {}
    if isinstance(rules_raw, dict):
        items = [
            {"id": k, **v} if isinstance(v, dict) else {"id": k, "passed": v}
            for k, v in rules_raw.items()
        ]
    else:
        items = list(rules_raw)
    rules = tuple(_rule(r, f"#{i + 1}") for i, r in enumerate(items))
    passed = _as_bool(_first(record, _PASSED_KEYS)) if record else None
    if passed is None and isinstance(record, dict):
        passed = _as_bool(record.get("status"))
    if passed is None and rules and all(r.passed is not None for r in rules):
        passed = all(r.passed for r in rules)
    return ValidationSummary(source=source, passed=passed, rules=rules, fingerprint_matched=matched)


def warning_html(message: str, details: Sequence[str] = ()) -> str:
    """A warning box (the reader must not miss it), with optional detail lines."""
    extra = "".join(f"<br><span class='ind-note'>{escape(d)}</span>" for d in details)
    return f'<div class="ind-warning" role="alert">{escape(message)}{extra}</div>'


def quality_html(
    summary: ValidationSummary | None,
    *,
    lang: str = "nb",
    trust_id: str | None = None,
    searched: Sequence[Path] = (),
) -> str:
    """The data-quality section as HTML: outcome, and the rules that failed.

    With ``trust_id`` the failed-rule table gets a column of the trust's own rows where
    the record breaks rows down by trust.  Without a record (``summary`` None) the
    section is a warning naming the places ``searched``.
    """
    heading = f"<h2>{escape(text('data_quality', lang))}</h2>"
    if summary is None:
        looked = f"{text('searched', lang)}: " + (
            ", ".join(str(p) for p in searched) if searched else "–"
        )
        return heading + warning_html(text("no_validation", lang), [looked])
    if summary.fingerprint_matched is False:
        heading += warning_html(text("validation_other_extract", lang), [str(summary.source)])
    if summary.passed is True:
        outcome = f'<p class="ind-ok">{escape(text("validation_passed", lang))}</p>'
    elif summary.passed is False:
        outcome = f'<p class="ind-failed">{escape(text("validation_failed", lang))}</p>'
    else:
        outcome = ""
    source = (
        f'<p class="ind-note">{escape(text("validation_source", lang))}: '
        f"{escape(summary.source.name)} ({escape(rule_count(len(summary.rules), lang))})</p>"
    )
    failed = summary.failed
    if not failed:
        return heading + outcome + f"<p>{escape(text('no_failed_rules', lang))}</p>" + source
    by_trust = trust_id is not None and any(r.rows_by_trust for r in failed)
    header = [text("rule", lang), text("description", lang), text("severity", lang)]
    header.append(text("rows_affected", lang))
    if by_trust:
        header.append(text("rows_for_trust", lang))
    rows = []
    for rule in failed:
        row: list[Cell | str] = [rule.rule_id, rule.title, rule.severity]
        row.append(_count_cell(rule.rows, lang))
        if by_trust:
            row.append(_count_cell(rule.rows_by_trust.get(str(trust_id), 0), lang))
        rows.append(row)
    english = text("rules_in_english", lang)
    note = f'<p class="ind-note">{escape(english)}</p>' if english else ""
    return heading + outcome + table(header, rows) + note + source


def rule_count(n: int, lang: str = "nb") -> str:
    """``n`` rules in words, singular or plural.

    >>> rule_count(1), rule_count(159), rule_count(1234, "en")
    ('1 regel', '159 regler', '1,234 rules')
    """
    key = "rule_one" if n == 1 else "rule_many"
    return f"{format_count(n, lang=lang)} {text(key, lang)}"


def _count_cell(value: int | None, lang: str) -> Cell:
    # Counts of rows that failed a rule describe the extract, not persons; they are shown
    # as they are but carry the marker so the leak check knows what they are.
    return Cell(
        format_count(value, lang=lang) if value is not None else "–",
        attributes=attrs(class_="num", data_rows=value),
    )
