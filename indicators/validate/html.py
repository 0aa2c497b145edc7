"""An offline HTML validation report: one self-contained page, no script, no link out.

GX's Data Docs load scripts and fonts from CDNs; a report about health data must make
no network request when opened.  This page has inline CSS only, and every value in it
is escaped and passed through :func:`~indicators.validate.results.mask_value` (done
when results are made), and every character HTML and XML do not allow (NUL and the
other control characters) is written as U+FFFD (:func:`~indicators.validate.junit.printable`).

The page reads the declared structure of :mod:`indicators.validate.schema`, the one
``validation.json`` beside it holds.  It is written for the person who must correct
the extract: the verdict first, then what must be corrected, grouped by table (each
failed rule with its message, columns, the rows that break it, their first places in
the file and example values), then the rules that held and those that could not be
checked, folded away and worded as what was checked.  Bokmål by default with
Norwegian numbers (``1 234``), English with ``lang="en"``.  An extract that cannot be
read gets a short page saying why (:func:`render_unreadable_html`).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from pathlib import Path

from indicators.errors import IndicatorsError
from indicators.language import check_lang, format_count
from indicators.outward import write_json, write_text
from indicators.validate.junit import printable, unreadable_lines
from indicators.validate.labels import CHECKED, checked_text, place_text, text
from indicators.validate.results import ValidationReport, mask_text
from indicators.validate.schema import (
    RuleRecord,
    ValidationRecord,
    unreadable_record,
    validation_record,
)

_CSS = """
body{font-family:system-ui,sans-serif;margin:0;color:#222;line-height:1.45;background:#fafafa}
main{max-width:62rem;margin:0 auto;padding:1.5rem 2rem;background:#fff}
h1{margin:.2rem 0 1rem}h2{margin-top:2rem;border-bottom:2px solid #ddd}
h3{margin:1.4rem 0 .4rem}
table{border-collapse:collapse;margin:.6rem 0}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{padding:.8rem 1rem;font-size:1.15rem;font-weight:bold;border-radius:4px}
.verdict.ok{background:#e3f4e1;color:#1d6b18}.verdict.fail{background:#fde4e4;color:#9b0610}
.banner{background:#FD9C00;padding:.5rem 1rem;font-weight:bold}
.notice{background:#fff4df;border-left:5px solid #FD9C00;padding:.5rem 1rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:1rem 0}
dl.meta dt{color:#555}dl.meta dd{margin:0;overflow-wrap:anywhere}
.rule{border:1px solid #ddd;border-left:6px solid #E30713;padding:.5rem 1rem;margin:.8rem 0}
.rule.warning{border-left-color:#FD9C00}
.rule h4{margin:.2rem 0 .4rem;font-size:1.05rem}
.rule dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.3rem 0}
.rule dt{color:#555}.rule dd{margin:0;overflow-wrap:anywhere}
.badge{display:inline-block;font-size:.8rem;padding:.05rem .45rem;border-radius:3px;
color:#fff;background:#E30713;margin-right:.5rem;vertical-align:middle}
.badge.warning{background:#b86e00}
.values span{display:inline-block;background:#f3f3f3;border:1px solid #ddd;
padding:0 .35rem;margin:0 .3rem .2rem 0;font-family:monospace}
details{margin:.8rem 0;border:1px solid #ddd;padding:.4rem .8rem}
summary{cursor:pointer;font-weight:bold}
ul.held{list-style:none;padding-left:.5rem;margin:.2rem 0}
ul.held li::before{content:"\\2713\\00a0";color:#3BAA34;font-weight:bold}
ul.skipped li{color:#555}
.note{color:#555;font-size:.9rem}
code{font-size:90%;overflow-wrap:anywhere}
"""

#: The extract date's sources as :func:`indicators.validate.run.validate_extract` names
#: them, in bokmål.
_DATE_SOURCE_NB = {
    "latest date in the extract": "seneste dato i uttrekket",
    "unknown": "ukjent",
}


def _head(title: str, lang: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
    ]


def _n(value: int, lang: str) -> str:
    return escape(format_count(value, lang=lang))


def _english(value: str, lang: str) -> str:
    """Text that is in English whatever the page's language (rule messages, reasons)."""
    return f'<span lang="en">{escape(value)}</span>' if lang != "en" else escape(value)


def _overview(record: ValidationRecord, lang: str) -> list[str]:
    """Banner, verdict with the rule counts, what was validated, notices."""
    parts = [f'<p class="banner">{escape(text("synthetic", lang))}</p>'] if record.synthetic else []
    verdict = ("ok", "verdict_passed") if record.passed else ("fail", "verdict_failed")
    errors = sum(r.is_error for r in record.rules)
    warnings = sum(r.failed and not r.is_error for r in record.rules)
    skipped = sum(r.status == "not checked" for r in record.rules)
    parts.append(f'<p class="verdict {verdict[0]}">{escape(text(verdict[1], lang))}</p>')
    counts = [
        (text("rules", lang), len(record.rules)),
        (text("errors", lang), errors),
        (text("warnings", lang), warnings),
        (text("not_checked", lang), skipped),
    ]
    parts.append("<p>" + " · ".join(f"{escape(k)}: {_n(v, lang)}" for k, v in counts) + "</p>")
    source = record.extract_date_source
    if lang == "nb":
        source = _DATE_SOURCE_NB.get(source, source)
    date = record.extract_date or text("unknown", lang)
    version = escape(record.indicators_version)
    meta = [
        (text("extract", lang), f"<code>{escape(record.extract)}</code>"),
        (text("fingerprint", lang), f"<code>{escape(record.fingerprint)}</code>"),
        (
            text("extract_date", lang),
            f"{escape(date)} ({text('date_from', lang)} {escape(source)})",
        ),
        (
            text("validated", lang),
            f"{escape(_when(record.validated_at))} {text('with_version', lang)} {version}",
        ),
    ]
    parts.append('<dl class="meta">')
    parts += [f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in meta]
    parts.append("</dl>")
    parts += [
        f'<p class="notice"><b>{escape(text("warning", lang))}:</b> {_english(n, lang)}</p>'
        for n in record.notices
    ]
    return parts


def _when(iso: str) -> str:
    """``2026-01-31T08:00:00+00:00`` as ``2026-01-31 08:00 UTC``; other text as it is."""
    if len(iso) >= 16 and iso[10] == "T" and iso.endswith("+00:00"):
        return f"{iso[:10]} {iso[11:16]} UTC"
    return iso


def _tables(record: ValidationRecord, lang: str) -> list[str]:
    """One row per table: file, rows read, rules, errors, warnings, not checked."""
    keys = ("table", "file", "rows", "rules", "errors", "warnings", "not_checked")
    parts = [f"<h2>{escape(text('tables', lang))}</h2>", "<table><tr>"]
    parts += [f"<th>{escape(text(k, lang))}</th>" for k in keys]
    parts.append("</tr>")
    for t in record.tables:
        rules = [r for r in record.rules if r.table == t.table]
        numbers = (
            t.rows,
            len(rules),
            sum(r.is_error for r in rules),
            sum(r.failed and not r.is_error for r in rules),
            sum(r.status == "not checked" for r in rules),
        )
        file = escape(t.file) if t.file else f"<i>{escape(text('missing', lang))}</i>"
        cells = "".join(f'<td class="num">{_n(v, lang)}</td>' for v in numbers)
        name = escape(t.table)
        if any(r.failed for r in rules):
            name = f'<a href="#t-{name}">{name}</a>'
        parts.append(f"<tr><td>{name}</td>")
        parts.append(f"<td>{file}</td>{cells}</tr>")
    parts.append("</table>")
    return parts


def _checked(rule: RuleRecord, lang: str) -> str:
    """What the rule checks, as HTML: fixed wording, table and column names as code."""
    if rule.kind not in CHECKED:
        return _english(rule.message, lang)
    return checked_text(rule.kind, rule.table, rule.columns, rule.message, lang, name=_code)


def _code(name: str) -> str:
    return f"<code>{escape(name)}</code>"


def _values(values: Iterable[str]) -> str:
    return '<dd class="values">' + "".join(f"<span>{escape(v)}</span>" for v in values) + "</dd>"


def _failure(rule: RuleRecord, lang: str) -> list[str]:
    """One failed rule: what it checks, its message, columns, rows, places, examples."""
    kind = "error" if rule.is_error else "warning"
    badge = f'<span class="badge {kind}">{escape(text(kind + "_badge", lang))}</span>'
    message = rule.message + (f" ({rule.detail})" if rule.detail else "")
    rows = f"{_n(rule.unexpected, lang)} {text('of_checked', lang)} {_n(rule.checked, lang)}"
    facts = [(text("rule_says", lang), _english(message, lang))]
    if rule.columns:
        facts.append(
            (text("columns", lang), ", ".join(f"<code>{escape(c)}</code>" for c in rule.columns))
        )
    if rule.level == "row":
        facts.append((text("broken_rows", lang), rows))
    parts = [f'<div class="rule {kind}" id="{escape(rule.rule_id)}">']
    heading = f"{escape(text('not_met', lang))}: {_checked(rule, lang)}"
    parts.append(f"<h4>{badge}{heading}</h4><dl>")
    parts += [f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in facts]
    if rule.where:
        where = [place_text(w, lang) for w in rule.where]
        parts.append(f"<dt>{escape(text('first_places', lang))}</dt>{_values(where)}")
    if rule.examples:
        parts.append(f"<dt>{escape(text('examples', lang))}</dt>{_values(rule.examples)}")
    elif rule.where:
        parts.append(f"<dt>{escape(text('examples', lang))}</dt>")
        parts.append(f"<dd>{escape(text('examples_withheld', lang))}</dd>")
    parts.append(
        f"<dt>{escape(text('rule_id', lang))}</dt><dd><code>{escape(rule.rule_id)}</code></dd>"
    )
    parts.append("</dl></div>")
    return parts


def _failures(record: ValidationRecord, lang: str) -> list[str]:
    """The failed rules, errors before warnings, grouped by table."""
    failed = record.failed
    if not failed:
        return [f"<p>{escape(text('no_failures', lang))}</p>"]
    heading = "failures" if any(r.is_error for r in failed) else "only_warnings"
    parts = [f"<h2>{escape(text(heading, lang))}</h2>"]
    for table in _table_order(record):
        rules = [r for r in failed if r.table == table]
        if rules:
            parts.append(f'<h3 id="t-{escape(table)}">{escape(table)}</h3>')
            for rule in rules:
                parts += _failure(rule, lang)
    note = text("messages_in_english", lang)
    return parts + ([f'<p class="note">{escape(note)}</p>'] if note else [])


def _table_order(record: ValidationRecord) -> list[str]:
    """Tables as the record lists them, then any a rule names besides."""
    names = [t.table for t in record.tables]
    return names + sorted({r.table for r in record.rules} - set(names))


def _folded(record: ValidationRecord, lang: str) -> list[str]:
    """The rules that held and those not checked, each group folded away by table."""
    parts: list[str] = []
    held = [r for r in record.rules if r.status == "passed"]
    skipped = [r for r in record.rules if r.status == "not checked"]
    for key, rules, css in (
        ("passed_rules", held, "held"),
        ("not_checked_rules", skipped, "skipped"),
    ):
        if not rules:
            continue
        parts.append(
            f"<details><summary>{escape(text(key, lang))}: {_n(len(rules), lang)}</summary>"
        )
        for table in _table_order(record):
            items = [r for r in rules if r.table == table]
            if not items:
                continue
            parts.append(f'<h4>{escape(table)} ({_n(len(items), lang)})</h4><ul class="{css}">')
            for r in items:
                why = (
                    f" – {text('because', lang)} {_english(r.not_checked, lang)}"
                    if r.not_checked
                    else ""
                )
                parts.append(f'<li title="{escape(r.rule_id)}">{_checked(r, lang)}{why}</li>')
            parts.append("</ul>")
        parts.append("</details>")
    return parts


def render_html(report: ValidationReport, lang: str = "nb") -> str:
    """The report as one HTML page (inline CSS, no external resource), in ``lang``."""
    return render_record(validation_record(report), lang)


def render_record(record: ValidationRecord, lang: str = "nb") -> str:
    """The page of a validation record (as ``validation.json`` holds it), in ``lang``."""
    lang = check_lang(lang)
    parts = _head(text("title", lang), lang)
    parts += _overview(record, lang)
    parts += _failures(record, lang)
    parts += _tables(record, lang)
    parts += _folded(record, lang)
    parts.append("</main></body></html>")
    return printable("\n".join(parts)) + "\n"


def render_unreadable_html(extract: str, error: IndicatorsError, lang: str = "nb") -> str:
    """A short page for an extract that could not be read: which file, column, rows."""
    lang = check_lang(lang)
    lines = unreadable_lines(error)
    parts = _head(text("title", lang), lang)
    parts.append(f'<p class="verdict fail">{escape(text("unreadable", lang))}</p>')
    parts.append(
        f"<p>{escape(text('extract', lang))}: <code>{escape(mask_text(extract))}</code></p>"
    )
    parts.append("<ul>" + "".join(f"<li>{_english(line, lang)}</li>" for line in lines) + "</ul>")
    parts.append("</main></body></html>")
    return printable("\n".join(parts)) + "\n"


def write_html(report: ValidationReport, directory: Path, lang: str = "nb") -> Path:
    """Write ``DIR/validation.html`` (in ``lang``) and ``DIR/validation.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "validation.html"
    record = validation_record(report)
    write_text(path, render_record(record, lang))
    _write_json(directory, record.to_dict())
    return path


def write_unreadable_html(
    extract: str, error: IndicatorsError, directory: Path, lang: str = "nb"
) -> Path:
    """Write the page (and ``validation.json``) of an extract that could not be read."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "validation.html"
    write_text(path, render_unreadable_html(extract, error, lang))
    _write_json(
        directory,
        unreadable_record(extract, error, unreadable_lines(error)[0]).to_dict(),
    )
    return path


def _write_json(directory: Path, payload: dict[str, object]) -> None:
    write_json(directory / "validation.json", payload)
