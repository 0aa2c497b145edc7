"""The data-quality section: what validation of the extract found, for the reader of a report.

This section only reads a validation record that ``indicators validate`` wrote; it
never re-validates.  Both files it writes hold the declared structure of
:mod:`indicators.validate.schema` and are read by its one reader,
:func:`~indicators.validate.schema.read_validation_file`:

- ``EXTRACT/validation.json``: one record per extract fingerprint; the entry of the
  results' extract fingerprint is shown (else the latest, with a warning);
- ``--report DIR/validation.json``: one record.

The section shows the outcome and every failed rule (id, message, severity, rows
affected, and the report trust's rows).  Example values a record holds are never
shown.  A file of another schema version (one written by an older version of the
program, say) is not guessed at: the section says in a warning box that it cannot be
read and what to run.  Without a record the section says so.

Where the record is looked for, in order: an explicit path, ``validation.json`` in the
results directory, ``validation.json`` in the extract directory named by the results
manifest (resolved to an absolute path when the manifest is read, see
:func:`indicators.reports.data.resolve_recorded_path`).  When none is found, or the
record found is for another version of the extract, the section says so in a warning
box, naming where it looked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from indicators.present.format import format_count
from indicators.present.labels import text
from indicators.reports.html import Cell, attrs, escape, table
from indicators.validate.schema import (
    RuleRecord,
    ValidationFileError,
    ValidationRecord,
    read_validation_file,
)

VALIDATION_FILE = "validation.json"


@dataclass(frozen=True)
class ValidationSummary:
    """A validation record as a report shows it, or why it could not be read."""

    source: Path
    record: ValidationRecord | None
    #: Why the file could not be read (another schema version, not JSON); "" if it was.
    problem: str = ""
    #: False when the record is for other files than the results' extract (the latest
    #: entry is shown instead); None when no fingerprint was asked for.
    fingerprint_matched: bool | None = None

    @property
    def passed(self) -> bool | None:
        """Whether the extract passed; None when the record could not be read."""
        return None if self.record is None else self.record.passed

    @property
    def failed(self) -> tuple[RuleRecord, ...]:
        """The rules that did not pass (errors, then warnings)."""
        return () if self.record is None else self.record.failed


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


def read_validation(path: str | Path, *, fingerprint: str | None = None) -> ValidationSummary:
    """Read a validation file through :func:`~indicators.validate.schema.read_validation_file`.

    A file that cannot be read gives a summary without a record and with the reason.

    Examples
    --------
    >>> import tempfile, json, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "validation.json"
    >>> _ = p.write_text(json.dumps({"passed": False, "results": []}))
    >>> summary = read_validation(p)
    >>> summary.record is None, "older version" in summary.problem
    (True, True)
    """
    source = Path(path)
    try:
        record = read_validation_file(source, fingerprint=fingerprint)
    except ValidationFileError as error:
        return ValidationSummary(source=source, record=None, problem=str(error))
    matched = None if fingerprint is None else record.fingerprint == fingerprint
    return ValidationSummary(source=source, record=record, fingerprint_matched=matched)


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
    section is a warning naming the places ``searched``; a record that cannot be read
    is a warning saying why.
    """
    heading = f'<h2 id="data-quality">{escape(text("data_quality", lang))}</h2>'
    if summary is None:
        looked = f"{text('searched', lang)}: " + (
            ", ".join(str(p) for p in searched) if searched else "–"
        )
        return heading + warning_html(text("no_validation", lang), [looked])
    record = summary.record
    if record is None:
        return heading + warning_html(text("validation_unusable", lang), [summary.problem])
    if summary.fingerprint_matched is False:
        heading += warning_html(text("validation_other_extract", lang), [str(summary.source)])
    verdict = (
        ("ind-ok", "validation_passed") if record.passed else ("ind-failed", "validation_failed")
    )
    outcome = f'<p class="{verdict[0]}">{escape(text(verdict[1], lang))}</p>'
    # When and against how many rules, not the record's file name (which the reader of a
    # report does not have).
    when = str(record.validated_at or "")[:10]
    checked = text("validation_checked", lang).format(
        date=when or "–", rules=rule_count(len(record.rules), lang)
    )
    source = f'<p class="ind-note">{escape(checked)}</p>'
    if not record.readable:
        reason = record.error.message if record.error else ""
        unreadable = warning_html(text("validation_unreadable_extract", lang), [reason])
        return heading + outcome + unreadable + source
    if not summary.failed:
        return heading + outcome + f"<p>{escape(text('no_failed_rules', lang))}</p>" + source
    english = text("rules_in_english", lang)
    note = f'<p class="ind-note">{escape(english)}</p>' if english else ""
    return heading + outcome + _failed_table(summary.failed, trust_id, lang) + note + source


def _failed_table(failed: Sequence[RuleRecord], trust_id: str | None, lang: str) -> str:
    """The failed rules: id, message, severity, rows (and the trust's rows)."""
    by_trust = trust_id is not None and any(r.by_trust for r in failed)
    header = [text("rule", lang), text("description", lang), text("severity", lang)]
    header.append(text("rows_affected", lang))
    if by_trust:
        header.append(text("rows_for_trust", lang))
    rows = []
    for rule in failed:
        row: list[Cell | str] = [rule.rule_id, rule.message, rule.severity]
        row.append(_count_cell(rule.unexpected, lang))
        if by_trust:
            row.append(_count_cell(rule.by_trust.get(str(trust_id), 0), lang))
        rows.append(row)
    return table(header, rows)


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
