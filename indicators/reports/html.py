"""Small HTML building blocks for report sections, with machine-readable markers.

Every cell that shows an indicator value carries ``data-indicator``, ``data-unit``,
``data-period`` and, when withheld, ``data-suppressed``; every cell that shows a count
carries ``data-count``.  The leak check (:mod:`indicators.reports.leaks`) reads these
markers in the rendered HTML to prove that no withheld value and no count below five
was printed.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: The page of a report's own standalone documents (the index); the reports' pages
#: get theirs from the ``offline`` nbconvert template.
PAGE_CSS = """
body { margin: 0; background: #ffffff; }
main { max-width: 1080px; margin: 0 auto; padding: 16px 32px 48px 32px; }
a { color: #0B4F8A; }
"""

#: Styles of the report's own elements (the notebook styles come from nbconvert).
CSS = """
.ind-report { font-family: Helvetica, Arial, sans-serif; color: #1d2733; }
.ind-report h1 { font-size: 1.7em; margin: 0.2em 0; }
.ind-report h2 { font-size: 1.35em; margin-top: 1.4em; border-bottom: 1px solid #d5dbe2; }
.ind-report h3 { font-size: 1.1em; margin-top: 1.1em; }
.ind-banner { background: #E30713; color: white; font-weight: bold; padding: 0.6em 1em;
  border-radius: 4px; margin: 0.5em 0 1em 0; letter-spacing: 0.02em; }
.ind-meta { border-collapse: collapse; margin: 0.4em 0; }
.ind-meta th { padding: 2px 14px 2px 0; font-weight: normal; color: #5b6b7c;
  vertical-align: top; white-space: nowrap; }
.ind-meta td { padding: 2px 0; vertical-align: top; }
.ind-report .ind-meta { margin-left: 0 !important; margin-right: auto !important; }
.ind-report .ind-meta td, .ind-report .ind-meta th { text-align: left !important; }
.ind-table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
.ind-table th { background: #eef2f6; text-align: left; padding: 5px 8px;
  border-bottom: 2px solid #c9d2dc; }
.ind-table td { padding: 4px 8px; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
.ind-report .ind-table { margin-left: 0 !important; margin-right: auto !important; }
.ind-report .ind-table td, .ind-report .ind-table th { text-align: left !important; }
.ind-report .ind-table td.num { text-align: right !important; white-space: nowrap; }
.ind-report h3 { font-size: 1.15em !important; margin-top: 1.4em !important; }
.ind-table td.sup { color: #5b6b7c; font-style: italic; }
.ind-goal { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%;
  margin-right: 0.35em; vertical-align: -0.1em; border: 1px solid rgba(0,0,0,0.15); }
.ind-note { color: #5b6b7c; font-size: 0.88em; margin: 0.3em 0; }
.ind-fingerprint { font-family: monospace; font-size: 0.9em; word-break: break-all; }
.ind-warning { background: #FFF4E0; border-left: 5px solid #FD9C00; padding: 0.6em 1em;
  margin: 0.6em 0; font-weight: bold; }
.ind-warning .ind-note { font-weight: normal; word-break: break-all; }
.ind-ok { color: #2d7d27; font-weight: bold; }
.ind-failed { color: #b10510; font-weight: bold; }
"""


def escape(value: Any) -> str:
    """HTML-escape ``value`` (None prints as an empty string).

    >>> escape("<5")
    '&lt;5'
    """
    return "" if value is None else html.escape(str(value), quote=True)


def attrs(**values: Any) -> str:
    """HTML attributes from keyword arguments (``data_x`` -> ``data-x``); None is omitted.

    >>> attrs(class_="num", data_count=12, data_suppressed=None)
    ' class="num" data-count="12"'
    """
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f' {name}="{escape(value)}"')
    return "".join(parts)


@dataclass(frozen=True)
class Cell:
    """A table cell: its text (escaped when rendered) or trusted ``html``, and attributes."""

    text: str = ""
    html: str | None = None
    attributes: str = ""

    def render(self) -> str:
        """The ``<td>`` element."""
        body = self.html if self.html is not None else escape(self.text)
        return f"<td{self.attributes}>{body}</td>"


def table(header: Sequence[str], rows: Iterable[Sequence[Cell | str]], **attributes: Any) -> str:
    """An HTML table with a header row; plain strings become escaped cells.

    >>> table(["a"], [["<5"]])  # doctest: +ELLIPSIS
    '<table class="ind-table">...<td>&lt;5</td></tr></tbody></table>'
    """
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join((c if isinstance(c, Cell) else Cell(c)).render() for c in row) + "</tr>"
        for row in rows
    )
    extra = attrs(**attributes)
    return (
        f'<table class="ind-table"{extra}><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


class Html:
    """A piece of report HTML that notebooks display as ``text/html``.

    The first piece a report shows includes :data:`CSS` (``with_css=True``).  ``lang``
    (``nb``, ``en``) marks the piece's language, so a screen reader reads bokmål as
    bokmål whatever the page around it says.

    >>> str(Html("<p>Hei</p>", lang="nb"))
    '<div class="ind-report" lang="nb"><p>Hei</p></div>'
    """

    def __init__(self, body: str, *, with_css: bool = False, lang: str | None = None) -> None:
        style = f"<style>{CSS}</style>" if with_css else ""
        marked = f' lang="{escape(lang)}"' if lang else ""
        self.body = f'{style}<div class="ind-report"{marked}>{body}</div>'

    def _repr_html_(self) -> str:
        return self.body

    def __str__(self) -> str:
        return self.body


class Parts:
    """A sequence of displayable parts (HTML and charts) shown in order by one cell."""

    def __init__(self, parts: Sequence[Any]) -> None:
        self.parts = list(parts)

    def __iter__(self):
        return iter(self.parts)

    def __len__(self) -> int:
        return len(self.parts)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for part in self.parts:
            display(part)
