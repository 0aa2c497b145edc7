"""An offline HTML validation report: one self-contained page, no script, no link out.

GX's Data Docs load scripts and fonts from CDNs; a report about health data must make
no network request when opened.  This page has inline CSS only, and
every value in it is escaped and passed through
:func:`~indicators.validate.results.mask_value` (done when results are made), and every
character HTML and XML do not allow (NUL and the other control characters) is written
as U+FFFD (:func:`~indicators.validate.junit.printable`).  An extract that cannot be
read gets a short page saying why (:func:`render_unreadable_html`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from indicators.errors import IndicatorsError
from indicators.outward import write_json, write_text
from indicators.validate.junit import printable, unreadable_lines
from indicators.validate.results import RuleResult, ValidationReport, mask_text
from indicators.validate.schema import unreadable_record, validation_record

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
.pass{color:#3BAA34;font-weight:bold}.fail{color:#E30713;font-weight:bold}
.warn{color:#FD9C00;font-weight:bold}.banner{background:#FD9C00;padding:.5rem}
.skip{color:#666;font-style:italic}
code{font-size:90%}
"""


_CLASS = {"passed": "pass", "failed": "fail", "warning": "warn", "not checked": "skip"}


def _status(result: RuleResult) -> str:
    return f'<span class="{_CLASS[result.status]}">{result.status}</span>'


def _head(title: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Extract validation</h1>",
    ]


def render_html(report: ValidationReport) -> str:
    """The report as one HTML page (inline CSS, no external resource)."""
    verdict = "passed" if report.passed else "failed"
    parts = _head(f"Validation {report.fingerprint}")
    if report.synthetic:
        parts.append('<p class="banner">Synthetic extract: not real patients.</p>')
    parts.append(
        f"<p>Extract <code>{escape(report.extract)}</code>, fingerprint "
        f"<code>{escape(report.fingerprint)}</code>, extract date "
        f"{escape(report.extract_date or 'unknown')} "
        f"(from {escape(report.extract_date_source)}): "
        f'<span class="{"pass" if report.passed else "fail"}">{verdict}</span>.</p>'
    )
    for notice in report.notices:
        parts.append(f'<p class="banner">Warning: {escape(notice)}</p>')
    parts.append(
        "<table><tr><th>table</th><th>file</th><th>rows</th><th>rules</th>"
        "<th>failed</th><th>warnings</th><th>not checked</th></tr>"
    )
    for t in report.tables.values():
        parts.append(
            f"<tr><td>{escape(t.table)}</td><td>{escape(t.file or 'missing')}</td>"
            f"<td>{t.rows:,}</td><td>{len(t.results)}</td><td>{len(t.errors)}</td>"
            f"<td>{len(t.warnings)}</td><td>{len(t.not_checked)}</td></tr>"
        )
    parts.append("</table>")
    for t in report.tables.values():
        parts.append(f'<h2 id="{escape(t.table)}">{escape(t.table)}</h2>')
        parts.append(
            "<table><tr><th>rule</th><th>status</th><th>unexpected</th><th>checked</th>"
            "<th>message</th><th>examples (masked)</th></tr>"
        )
        for r in t.results:
            note = r.detail or (f"not checked: {r.not_checked}" if r.not_checked else "")
            message = r.rule.message + (f" ({note})" if note else "")
            parts.append(
                f"<tr><td><code>{escape(r.rule_id)}</code></td>"
                f"<td>{_status(r)}</td><td>{r.unexpected:,}</td>"
                f"<td>{r.checked:,}</td><td>{escape(message)}</td>"
                f"<td>{escape('; '.join(r.examples))}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return printable("\n".join(parts)) + "\n"


def render_unreadable_html(extract: str, error: IndicatorsError) -> str:
    """A short page for an extract that could not be read: which file, column, rows."""
    lines = unreadable_lines(error)
    parts = _head("Validation: extract cannot be read")
    parts.append(
        f"<p>Extract <code>{escape(mask_text(extract))}</code>: "
        '<span class="fail">cannot be read</span>; no rule was checked.</p>'
    )
    parts.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>")
    parts.append("</body></html>")
    return printable("\n".join(parts)) + "\n"


def write_html(report: ValidationReport, directory: Path) -> Path:
    """Write ``DIR/validation.html`` and ``DIR/validation.json``; return the HTML path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "validation.html"
    write_text(path, render_html(report))
    _write_json(directory, validation_record(report).to_dict())
    return path


def write_unreadable_html(extract: str, error: IndicatorsError, directory: Path) -> Path:
    """Write the page (and ``validation.json``) of an extract that could not be read."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "validation.html"
    write_text(path, render_unreadable_html(extract, error))
    _write_json(
        directory,
        unreadable_record(extract, error, unreadable_lines(error)[0]).to_dict(),
    )
    return path


def _write_json(directory: Path, payload: dict[str, object]) -> None:
    write_json(directory / "validation.json", payload)
