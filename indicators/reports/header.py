"""The header every report starts with.

It states what the report is about (trust and RHF, or the nation), the period, the
extract date and fingerprint, the package versions that computed the results and made
the report, and carries a banner when the extract is synthetic.
"""

from __future__ import annotations

from indicators import __version__
from indicators.present.labels import text
from indicators.reports.data import ResultsData
from indicators.reports.html import escape


def header_html(
    data: ResultsData, *, title: str, subtitle: str, period: str, lang: str = "nb"
) -> str:
    """The header as HTML: title, synthetic banner, and a table of provenance."""
    manifest = data.manifest
    computed = manifest.get("package_version") or "–"
    version = escape(computed)
    if computed != __version__:
        version += f" ({escape(text('rendered_with', lang))} {escape(__version__)})"
    fingerprint = escape(manifest.get("extract_fingerprint") or "–")
    rows = [
        (text("period", lang), f"<strong>{escape(period)}</strong>"),
        (text("extract_date", lang), escape(manifest.get("extract_date") or "–")),
        (text("fingerprint", lang), f'<span class="ind-fingerprint">{fingerprint}</span>'),
        (text("package_version", lang), version),
    ]
    meta = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    banner = (
        f'<div class="ind-banner" data-synthetic="true">{escape(text("synthetic_banner", lang))}'
        "</div>"
        if data.synthetic
        else ""
    )
    return (
        f"<h1>{escape(title)}</h1>"
        f'<p class="ind-subtitle">{escape(subtitle)}</p>'
        f"{banner}"
        f'<table class="ind-meta">{meta}</table>'
    )
