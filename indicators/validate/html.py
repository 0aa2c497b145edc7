"""An offline HTML validation report: one self-contained page, no script, no link out.

GX's Data Docs load scripts and fonts from CDNs; a report about health data must make
no network request when opened (DOMAIN.md §5).  This page has inline CSS only, and
every value in it is escaped and passed through
:func:`~indicators.validate.results.mask_value` (done when results are made).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from indicators.validate.results import ValidationReport

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
.pass{color:#3BAA34;font-weight:bold}.fail{color:#E30713;font-weight:bold}
.warn{color:#FD9C00;font-weight:bold}.banner{background:#FD9C00;padding:.5rem}
code{font-size:90%}
"""


def _status(result_failed: bool, is_error: bool) -> str:
    if not result_failed:
        return '<span class="pass">passed</span>'
    return '<span class="fail">failed</span>' if is_error else '<span class="warn">warning</span>'


def render_html(report: ValidationReport) -> str:
    """The report as one HTML page (inline CSS, no external resource)."""
    verdict = "passed" if report.passed else "failed"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Validation {escape(report.fingerprint)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Extract validation</h1>",
    ]
    if report.synthetic:
        parts.append('<p class="banner">Synthetic extract: not real patients.</p>')
    parts.append(
        f"<p>Extract <code>{escape(report.extract)}</code>, fingerprint "
        f"<code>{escape(report.fingerprint)}</code>, extract date "
        f"{escape(report.extract_date or 'unknown')}: "
        f'<span class="{"pass" if report.passed else "fail"}">{verdict}</span>.</p>'
    )
    parts.append(
        "<table><tr><th>table</th><th>file</th><th>rows</th><th>rules</th>"
        "<th>failed</th><th>warnings</th></tr>"
    )
    for t in report.tables.values():
        parts.append(
            f"<tr><td>{escape(t.table)}</td><td>{escape(t.file)}</td><td>{t.rows:,}</td>"
            f"<td>{len(t.results)}</td><td>{len(t.errors)}</td><td>{len(t.warnings)}</td></tr>"
        )
    parts.append("</table>")
    for t in report.tables.values():
        parts.append(f'<h2 id="{escape(t.table)}">{escape(t.table)}</h2>')
        parts.append(
            "<table><tr><th>rule</th><th>status</th><th>unexpected</th><th>checked</th>"
            "<th>message</th><th>examples (masked)</th></tr>"
        )
        for r in t.results:
            message = r.rule.message + (f" ({r.detail})" if r.detail else "")
            parts.append(
                f"<tr><td><code>{escape(r.rule_id)}</code></td>"
                f"<td>{_status(r.failed, r.is_error)}</td><td>{r.unexpected:,}</td>"
                f"<td>{r.checked:,}</td><td>{escape(message)}</td>"
                f"<td>{escape('; '.join(r.examples))}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html(report: ValidationReport, directory: Path) -> Path:
    """Write ``DIR/validation.html`` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "validation.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path
