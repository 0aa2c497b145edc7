"""Executed notebook -> one self-contained, offline HTML file without code.

The ``offline`` nbconvert template (``indicators/reports/templates/offline``) is the
JupyterLab template without require.js, MathJax, Mermaid and the widget manager, all of
which load from a CDN, with SVG outputs embedded inline, and with a small style sheet
of its own instead of the JupyterLab theme.  After conversion the XML namespace
declarations of the inline SVGs and the comments of the style sheets (which credit
their sources by URL) are dropped, so the file names no URL at all;
:func:`external_references` checks that nothing would be fetched.

Two things nbconvert would do are left out because they cost more than the rest of the
conversion: the interactive Vega-Lite outputs (which the HTML does not show: it shows
their SVG) are not copied through the exporter, and the finished page is not parsed
again with BeautifulSoup to add ``tabindex`` and image ``alt`` texts (the template
sets ``tabindex`` on the charts itself, and the reports have no images).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

TEMPLATE_NAME = "offline"

#: A reference that would make the browser fetch something: src/href/url() or @import
#: pointing to http(s) or a protocol-relative ``//host`` address.
EXTERNAL_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:@import\s+["']?\s*(?:url\()?\s*["']?(?:https?:)?//)""",
    re.IGNORECASE,
)
#: How far before a "//" a reference may begin (``@import url( "`` with some space).
_WINDOW = 80
_STYLE_BLOCK = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL | re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SVG_NAMESPACES = re.compile(r'(<svg\b[^>]*?)\s+xmlns(?::xlink)?="http://www\.w3\.org/[^"]*"')


def template_dir() -> Path:
    """The directory holding the ``offline`` nbconvert template."""
    return Path(str(files("indicators.reports") / "templates"))


def external_references(html: str) -> list[str]:
    """Snippets of ``html`` that would load something from the network.

    >>> external_references('<img src="https://example.org/x.png">')
    ['<img src="https://example.org/x.png">']
    >>> external_references('<a href="#ind-WAIT-01">x</a><svg viewBox="0 0 1 1"></svg>')
    []
    """
    # Every reference the pattern knows ends in "//": it is matched only in a window
    # before each "//", which is much faster than matching the whole page.
    spans: dict[int, int] = {}
    for slash in re.finditer("//", html):
        for m in EXTERNAL_REFERENCE.finditer(html, max(0, slash.start() - _WINDOW), slash.end()):
            spans.setdefault(m.start(), m.end())
    found, reached = [], -1
    for start, end in sorted(spans.items()):
        if start >= reached:  # as one pass over the page: matches do not overlap
            found.append(html[max(0, start - 5) : end + 24].strip())
            reached = end
    return found


def strip_svg_namespaces(html: str) -> str:
    """Drop ``xmlns`` declarations from inline ``<svg>`` tags (HTML5 implies them).

    >>> strip_svg_namespaces('<svg xmlns="http://www.w3.org/2000/svg" width="2"></svg>')
    '<svg width="2"></svg>'
    """
    previous = None
    while previous != html:
        previous = html
        html = _SVG_NAMESPACES.sub(r"\1", html)
    return html


@cache
def html_exporter(lang: str = "nb") -> Any:
    """The ``offline`` template in nbconvert's ``HTMLExporter``, one exporter per language.

    ``lang`` is the page's language (``<html lang>``).  The exporter's last step
    re-parses the whole page with BeautifulSoup (to give images alt text and outputs a
    tab stop): measured on a trust report, 0.7–1.0 s per page where the template alone
    takes 0.1–0.3 s.  nbconvert has no public switch for it, so it is paid.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    # Code is left out, so the style sheet for highlighting it is not needed.
    config = Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}})
    return HTMLExporter(
        config=config,
        language_code=lang,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(template_dir())],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
        embed_images=True,
    )


def strip_css_comments(html: str) -> str:
    """Drop comments inside ``<style>`` blocks (the JupyterLab theme credits its sources).

    >>> strip_css_comments("<style>/* see https://x.org */ p { color: red; }</style>")
    '<style> p { color: red; }</style>'
    """
    return _STYLE_BLOCK.sub(
        lambda m: m.group(1) + _CSS_COMMENT.sub("", m.group(2)) + m.group(3), html
    )


#: Output mimetypes the HTML does not show (it shows the chart's SVG instead).
NOT_IN_HTML = ("application/vnd.vegalite.v5+json",)


def notebook_to_html(
    notebook: str | Path | Any, html_path: str | Path, *, title: str, lang: str = "nb"
) -> Path:
    """Convert an executed notebook to offline HTML with code cells and prompts left out.

    Parameters
    ----------
    notebook
        The executed ``.ipynb``, or the notebook itself as papermill returns it (it is
        changed: outputs the HTML does not show are dropped from it).
    html_path
        Where to write the HTML.
    title
        The page title.
    lang
        The report's language (``nb`` or ``en``), the page's ``<html lang>``.

    Returns
    -------
    Path
        ``html_path``.
    """
    import nbformat

    nb: Any = notebook
    if isinstance(notebook, str | Path):
        nb = nbformat.read(str(notebook), as_version=4)
    nb.metadata["title"] = title
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mimetype in NOT_IN_HTML:
                output.get("data", {}).pop(mimetype, None)
    body, _ = html_exporter(lang).from_notebook_node(nb)
    target = Path(html_path)
    target.write_text(strip_css_comments(strip_svg_namespaces(body)), "utf-8")
    return target
