"""Leak check: scan everything a report run wrote for what must never leave the package.

Nothing written for a trust may contain patient ids, fødselsnummer or counts of 1–4
persons, every number in it must be formatted as it is shown, and reports make no
network request.  After rendering, every HTML file, executed notebook and JSON record in
the output directory (each report as soon as it is made, then ``index.html`` and
``reports.json``) is scanned for

``patient_id``
    a token that is a patient id of the extract (all ids are read from its
    ``patients`` table), or that has the pseudonym shape ``P`` + 8 digits;
``fodselsnummer``
    an 11-digit run whose two check digits are valid
    (:func:`indicators.reference.is_valid_fodselsnummer`);
``small_count``
    a count of 1–4 in a row that is not withheld, wherever a count is shown:

    - a cell marked ``data-count`` (see :mod:`indicators.reports.html`), or a table
      cell under a count heading (:data:`COUNT_TITLES`, e.g. ``Antall (n)``);
    - a count field (:data:`COUNT_FIELDS`) of a row of chart data: the ``datasets`` and
      inline ``values`` of every Vega or Vega-Lite spec, read with the JSON parser
      from a notebook's outputs, from ``<script>`` blocks of an HTML page and from
      JSON files;
    - a count in an SVG ``aria-label`` (the descriptions Vega-Lite gives each mark,
      ``Antall (n): 3; Verdi: 21 %``), read as ``key: value`` pairs;
``suppressed_value``
    a cell marked ``data-suppressed`` whose text is not a suppression text
    (:data:`indicators.present.format.SUPPRESSED_TEXTS`: ``<5``, ``for få``,
    ``skjult``, ...), or a chart-data row marked ``suppressed`` that carries a count
    or value: a withheld value printed as a number;
``unrounded_number``
    a number with more than :data:`MAX_DECIMALS` digits after its decimal separator in
    what a reader or a screen reader is given (text, ``aria-label``, ``title`` and
    ``alt`` attributes, text outputs of a notebook) or in the data and spec of a chart
    (its tooltips and descriptions read them): such a number is not formatted as it is
    shown, and scanners for data-loss prevention take it for an identifier.  The
    geometry of an SVG (paths, transforms) is not read;
``external_reference``
    anything that would make a browser fetch from the network.

Counts are read from structure, never from free text, so a year or a percentage is
not taken for a count.  A finding names the file and where in it (the chart and its
dataset, row and field; the table and column; the element), with any identifier
masked and any long number cut short.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indicators.disclosure.rules import MIN_COUNT
from indicators.present.format import SUPPRESSED_TEXTS
from indicators.present.labels import TEXT
from indicators.reference import is_valid_fodselsnummer
from indicators.reports.data import ReportError
from indicators.reports.render import external_references

#: Shape of the pseudonymised patient ids of the extract model.
PATIENT_ID_SHAPE = re.compile(r"(?<![A-Za-z0-9])P\d{8}(?![A-Za-z0-9])")
_FNR_RUN = re.compile(r"(?<![0-9A-Za-z.,])\d{11}(?![0-9A-Za-z])")
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{4,}")
_COUNT_MARK = re.compile(r"""data-count=["']?(\d+)""")
_SUPPRESSED_MARK = re.compile(r"""data-suppressed=["']([^"']+)["'][^>]*>([^<]*)<""")

#: Fields of chart data (and keys of chart descriptions) that hold counts of persons:
#: those of the results tables and the formatted counts the charts show in tooltips.
COUNT_FIELDS = frozenset(
    {"numerator", "denominator", "n", "n_at_risk", "n_text", "at_risk_text", "denominator_text"}
)
#: Fields of a withheld row that must be empty (besides its counts).
VALUE_FIELDS = frozenset({"value", "ci_low", "ci_high"})
#: Headings and chart titles under which counts are shown, in every report language.
COUNT_TITLES = frozenset({*TEXT["denominator"].values(), "n"})
_COUNT_KEYS = COUNT_TITLES | COUNT_FIELDS
#: A number may show at most this many digits after its decimal separator.
MAX_DECIMALS = 6

#: A count as the reports print it: digits, thousands grouped by a space, comma or dot.
_COUNT_TEXT = re.compile(r"\d{1,3}(?:[ \u00a0\u202f,.]\d{3})*")
_LONG_FRACTION = re.compile(rf"[.,]\d{{{MAX_DECIMALS + 1},}}")
_HIDDEN_BLOCK = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_TEXT_NODE = re.compile(r">([^<>]+)<")
#: Attributes read out to a reader: a literal first, so the scan is fast.
_READ_ATTRIBUTE = re.compile(
    r"""(aria-label|aria-description|aria-valuetext|title|alt)=(?:"([^"]*)"|'([^']*)')"""
)
_ARIA_VALUE = re.compile(r'aria-label="([^"]*)"')
_ROLE = re.compile(r"""aria-roledescription="([^"]*)\"""")
_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.DOTALL | re.IGNORECASE)
_TABLE_NAME = re.compile(r"""data-table=["']([^"']*)""")
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.DOTALL | re.IGNORECASE)
_CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SCHEMA_URL = re.compile(r'"https://vega\.github\.io/schema/[^"]*"')
#: Keys only a Vega or Vega-Lite spec has at its top.
_CHART_KEYS = frozenset(
    {"$schema", "mark", "marks", "layer", "datasets", "encoding", "hconcat", "vconcat", "concat"}
)
#: What names a row of chart data in a finding, first found first.
_ROW_LABELS = ("unit_name", "axis_label", "series", "period", "side")

#: What the leak check reads in an output directory.
SCANNED_SUFFIXES = frozenset({".html", ".ipynb", ".json"})

Finding = tuple[str, str]


class LeakError(ReportError):
    """Something in a report's output identifies a patient or discloses a small count."""


@dataclass(frozen=True)
class Leak:
    """One finding of the leak check."""

    path: Path
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}: {self.detail}"


def mask(identifier: str) -> str:
    """Show only the first three characters of an identifier.

    >>> mask("P12345678")
    'P12******'
    """
    return identifier[:3] + "*" * max(0, len(identifier) - 3)


def shorten(number: str) -> str:
    """A long number cut after :data:`MAX_DECIMALS` decimals, so a finding does not repeat it.

    >>> shorten("1,64029024144")
    '1,640290…'
    """
    match = re.search(r"[.,]", number)
    end = match.end() + MAX_DECIMALS if match else len(number)
    return number[:end] + ("…" if end < len(number) else "")


def read_patient_ids(extract: str | Path) -> frozenset[str]:
    """Every ``patient_id`` in the extract's ``patients`` table (Parquet or CSV)."""
    from indicators.extract import load_extract

    frame = load_extract(extract)["patients"].select("patient_id").collect()
    return frozenset(frame["patient_id"].drop_nulls().to_list())


# ---------------------------------------------------------------------- reading numbers
def count_value(value: Any) -> int | None:
    """``value`` as a count (a whole number, or its text as the reports print it), or None.

    >>> count_value(3.0), count_value("1 234"), count_value("3,5"), count_value("<5")
    (3, 1234, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if _COUNT_TEXT.fullmatch(text):
            return int(re.sub(r"\D", "", text))
    return None


def is_small(count: int | None) -> bool:
    """True for a count of 1 to ``MIN_COUNT - 1`` persons.

    >>> is_small(3), is_small(0), is_small(5), is_small(None)
    (True, False, False, False)
    """
    return count is not None and 1 <= count < MIN_COUNT


def long_float(value: float) -> bool:
    """True when ``value`` is written with more than :data:`MAX_DECIMALS` decimals.

    >>> long_float(0.214976), long_float(0.21497584541062803), long_float(1e-07)
    (False, True, False)
    """
    digits = repr(value).partition("e")[0].partition(".")[2]
    return len(digits) > MAX_DECIMALS


def long_numbers(text: str) -> list[str]:
    """Numbers in ``text`` with more than :data:`MAX_DECIMALS` decimals (``.`` or ``,``).

    >>> long_numbers("ci_high: 1,64029024144; 72,4 %; 2025-12-31T10:51:59.318719")
    ['1,64029024144']
    """
    found = []
    for match in _LONG_FRACTION.finditer(text):
        start = match.start()
        while start and text[start - 1].isdigit():
            start -= 1
        if start < match.start():
            found.append(text[start : match.end()])
    return found


def _unrounded(numbers: Iterable[str], where: str) -> list[Finding]:
    """One finding for the long numbers found in one place, naming the first."""
    found = list(numbers)
    if not found:
        return []
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return [("unrounded_number", f"{where}{shorten(found[0])}{more}")]


# ---------------------------------------------------------------------- free text
def text_findings(content: str, *, patient_ids: frozenset[str] = frozenset()) -> list[Finding]:
    """Patient ids, fødselsnummer and network references anywhere in ``content``."""
    findings: list[Finding] = []
    seen: set[str] = set()
    if patient_ids:
        for token in set(_TOKEN.findall(content)):
            if token in patient_ids:
                seen.add(token)
                findings.append(("patient_id", f"{mask(token)} (in the extract)"))
    for token in sorted(set(PATIENT_ID_SHAPE.findall(content)) - seen):
        findings.append(("patient_id", f"{mask(token)} (pseudonym shape)"))
    for run in sorted(set(_FNR_RUN.findall(content))):
        if is_valid_fodselsnummer(run):
            findings.append(("fodselsnummer", mask(run)))
    for snippet in external_references(content):
        findings.append(("external_reference", snippet))
    return findings


# ---------------------------------------------------------------------- chart data
def spec_datasets(spec: Any) -> Iterator[tuple[str, list[Any]]]:
    """Every dataset of a Vega or Vega-Lite spec: ``(name, rows)``.

    Named ``datasets`` (as :class:`~indicators.charts.ChartView` writes them) and inline
    ``values`` (``data: {values: [...]}`` of Vega-Lite, ``data: [{name, values}]`` of
    Vega), at any depth (layers, concatenations).

    >>> spec = {"datasets": {"a": [{"n": 1}]}, "layer": [{"data": {"values": [{"n": 2}]}}]}
    >>> sorted(name for name, _ in spec_datasets(spec))
    ['a', 'values']
    """
    stack: list[Any] = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
            continue
        if not isinstance(node, dict):
            continue
        datasets = node.get("datasets")
        if isinstance(datasets, dict):
            yield from ((str(k), v) for k, v in datasets.items() if isinstance(v, list))
        values = node.get("values")
        if isinstance(values, list) and any(isinstance(v, dict) for v in values):
            yield str(node.get("name") or "values"), values
        stack.extend(
            v
            for k, v in node.items()
            if k not in ("datasets", "values") and isinstance(v, dict | list)
        )


def chart_name(spec: Any) -> str:
    """The title of a chart spec (or its description), for naming it in a finding.

    >>> chart_name({"title": {"text": "WAIT-02: Trakt"}}), chart_name({})
    ('WAIT-02: Trakt', 'chart')
    """
    if not isinstance(spec, dict):
        return "chart"
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title or spec.get("description") or "chart")


def _row_name(row: dict[str, Any], index: int) -> str:
    label = next((row[k] for k in _ROW_LABELS if isinstance(row.get(k), str | int)), None)
    return f"row {index}" + (f" ({label})" if label is not None else "")


def row_findings(row: dict[str, Any], where: str) -> list[Finding]:
    """A small count in a published row, or any count or value in a withheld one.

    >>> row_findings({"unit_name": "A", "denominator": 3.0}, "row 0")
    [('small_count', 'row 0: denominator=3.0')]
    >>> row_findings({"suppressed": "small_count", "numerator": 3}, "row 1")
    [('suppressed_value', 'row 1 is withheld (small_count) but carries numerator=3')]
    >>> row_findings({"denominator": 2025, "value_text": "3 %", "n_text": "<5"}, "row 2")
    []
    """
    withheld = row.get("suppressed")
    if not withheld:
        return [
            ("small_count", f"{where}: {field}={row[field]}")
            for field in sorted(COUNT_FIELDS.intersection(row))
            if is_small(count_value(row[field]))
        ]
    carried = [
        field
        for field in sorted(COUNT_FIELDS.union(VALUE_FIELDS).intersection(row))
        if count_value(row[field]) is not None
        or (isinstance(row[field], float) and field in VALUE_FIELDS)
    ]
    return [
        ("suppressed_value", f"{where} is withheld ({withheld}) but carries {f}={row[f]}")
        for f in carried
    ]


def _json_numbers(node: Any) -> Iterator[tuple[str, str]]:
    """``(key, text)`` of every long number in a JSON value: numbers and numbers in strings."""
    stack: list[tuple[str, Any]] = [("", node)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((key, v) for v in value)
        elif isinstance(value, float) and long_float(value):
            yield key, repr(value)
        elif isinstance(value, str):
            yield from ((key, number) for number in long_numbers(value))


def is_chart(spec: Any) -> bool:
    """True when parsed JSON looks like a Vega or Vega-Lite spec.

    >>> is_chart({"mark": "point"}), is_chart({"reports": []})
    (True, False)
    """
    return isinstance(spec, dict) and not _CHART_KEYS.isdisjoint(spec)


def spec_findings(spec: Any, where: str = "") -> list[Finding]:
    """Findings in a chart spec or any other parsed JSON: chart data and long numbers.

    Parameters
    ----------
    spec
        The parsed JSON.
    where
        Prefix naming where the spec is (a notebook cell), ending in a space.

    Examples
    --------
    >>> spec = {"title": "Trakt", "datasets": {"others": [
    ...     {"unit_name": "A", "denominator": 3.0, "value": 0.21497584541062803}]}}
    >>> for kind, detail in spec_findings(spec):
    ...     print(kind, detail)
    small_count chart 'Trakt' dataset 'others' row 0 (A): denominator=3.0
    unrounded_number chart 'Trakt' field 'value': 0.214975…
    """
    prefix = f"{where}chart '{chart_name(spec)}' " if is_chart(spec) else where
    findings: list[Finding] = []
    for name, rows in spec_datasets(spec):
        for index, row in enumerate(rows):
            if isinstance(row, dict):
                findings += row_findings(row, f"{prefix}dataset '{name}' {_row_name(row, index)}")
    by_field: dict[str, list[str]] = {}
    for key, number in _json_numbers(spec):
        by_field.setdefault(key, []).append(number)
    for key in sorted(by_field):
        findings += _unrounded(by_field[key], f"{prefix}field '{key}': ")
    return findings


# ---------------------------------------------------------------------- HTML and SVG
def _cell_text(body: str) -> str:
    return html_lib.unescape(_TAG.sub("", body)).strip()


def table_findings(content: str) -> list[Finding]:
    """Small counts in table cells: marked ``data-count``, or under a count heading.

    >>> page = ('<table data-table="summary"><tr><th>Verdi</th><th>Antall (n)</th></tr>'
    ...         '<tr><td>3 %</td><td class="num">3</td></tr>'
    ...         '<tr><td>2025</td><td data-suppressed="small_count">&lt;5</td></tr></table>')
    >>> table_findings(page)
    [('small_count', "table 'summary' row 1 column 'Antall (n)': 3")]
    """
    findings: list[Finding] = [
        ("small_count", f"data-count={value}")
        for value in sorted({int(v) for v in _COUNT_MARK.findall(content)})
        if is_small(value)
    ]
    for number, table in enumerate(_TABLE.finditer(content)):
        name_match = _TABLE_NAME.search(table.group(1))
        name = name_match.group(1) if name_match else str(number)
        columns: dict[int, str] = {}
        for index, row in enumerate(_ROW.findall(table.group(2))):
            cells = _CELL.findall(row)
            if cells and all(tag.lower() == "th" for tag, _, _ in cells):
                titles = [_cell_text(body) for _, _, body in cells]
                columns = {i: t for i, t in enumerate(titles) if t in COUNT_TITLES}
                continue
            for column, title in columns.items():
                if column >= len(cells) or "data-suppressed" in cells[column][1]:
                    continue
                shown = _cell_text(cells[column][2])
                if is_small(count_value(shown)):
                    findings.append(
                        ("small_count", f"table '{name}' row {index} column '{title}': {shown}")
                    )
    return findings


def suppressed_findings(content: str) -> list[Finding]:
    """Elements marked ``data-suppressed`` whose text is not a suppression text."""
    findings: list[Finding] = []
    for reason, shown in _SUPPRESSED_MARK.findall(content):
        text = html_lib.unescape(shown).strip()
        if text not in SUPPRESSED_TEXTS:
            findings.append(("suppressed_value", f"{reason} shown as {text}"))
    return findings


class Charts:
    """Which chart of a page a position lies in: its inline ``<svg>`` and aria label.

    >>> page = '<p>x</p><svg aria-label="Trakt"><text>1</text></svg><p>y</p>'
    >>> charts = Charts(page)
    >>> charts.at(page.index("1")), charts.at(page.index("y"))
    ("chart 'Trakt' ", '')
    """

    def __init__(self, content: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.names: list[str] = []
        for match in _SVG_OPEN.finditer(content):
            label = _ARIA_VALUE.search(match.group(0))
            end = content.find("</svg", match.end())
            self.starts.append(match.start())
            self.ends.append(end if end >= 0 else len(content))
            self.names.append(html_lib.unescape(label.group(1)) if label else "svg")

    def at(self, position: int) -> str:
        """``chart 'name' `` for a position inside a chart, else an empty string."""
        index = bisect_right(self.starts, position) - 1
        if index < 0 or position > self.ends[index]:
            return ""
        return f"chart '{self.names[index]}' "


def _element(content: str, position: int) -> str:
    """The role (``aria-roledescription``) or tag name of the element around ``position``."""
    start = content.rfind("<", 0, position)
    end = content.find(">", position)
    tag = content[start : end if end >= 0 else len(content)]
    role = _ROLE.search(tag)
    name = re.match(r"<(\w+)", tag)
    return role.group(1) if role else (name.group(1) if name else "element")


def _described(label: str) -> Iterator[tuple[str, str]]:
    """The ``key: value`` pairs of a mark's description (``a: 1; b: 2``)."""
    for part in label.split("; "):
        key, found, value = part.partition(": ")
        if found:
            yield key.strip(), value.strip()


def aria_findings(content: str) -> list[Finding]:
    """Small counts in the ``key: value`` descriptions of SVG elements (``aria-label``).

    >>> svg = ('<svg aria-label="Trakt"><path aria-roledescription="point" '
    ...        'aria-label="Antall (n): 3; Verdi: 21 %; period: 2024"></path></svg>')
    >>> aria_findings(svg)
    [('small_count', "chart 'Trakt' point aria-label: Antall (n)=3")]
    """
    charts: Charts | None = None
    findings: list[Finding] = []
    for match in _ARIA_VALUE.finditer(content):
        label = html_lib.unescape(match.group(1))
        for key, value in _described(label):
            if key in _COUNT_KEYS and is_small(count_value(value)):
                charts = charts or Charts(content)
                where = f"{charts.at(match.start())}{_element(content, match.start())}"
                findings.append(("small_count", f"{where} aria-label: {key}={value}"))
    return findings


def shown_text_findings(content: str, where: str = "") -> list[Finding]:
    """Long numbers in what a page shows or reads out: text, aria labels, titles, alt texts.

    Numbers are grouped by chart and by what holds them (text, an attribute, the key
    of a mark's description); SVG geometry is not read.

    >>> svg = ('<svg aria-label="Trend"><path aria-label="ci_high: 1,64029024144" '
    ...        'd="M0.123456789,1"/></svg>')
    >>> shown_text_findings(svg)
    [('unrounded_number', "chart 'Trend' aria-label 'ci_high': 1,640290…")]
    """
    visible = _HIDDEN_BLOCK.sub("", content)
    found: dict[tuple[int, str], list[str]] = {}
    for match in _TEXT_NODE.finditer(visible):
        for number in long_numbers(match.group(1)):
            found.setdefault((match.start(), "text"), []).append(number)
    for match in _READ_ATTRIBUTE.finditer(visible):
        if match.start() and not visible[match.start() - 1].isspace():
            continue  # data-title, subtitle, ...
        name = match.group(1).lower()
        value = html_lib.unescape(match.group(2) or match.group(3) or "")
        pairs = list(_described(value)) if name == "aria-label" else []
        for key, text in pairs or [("", value)]:
            for number in long_numbers(text):
                holder = f"{name} '{key}'" if key else name
                found.setdefault((match.start(), holder), []).append(number)
    if not found:
        return []
    charts = Charts(visible)
    grouped: dict[str, list[str]] = {}
    for (position, holder), numbers in found.items():
        grouped.setdefault(f"{where}{charts.at(position)}{holder}: ", []).extend(numbers)
    return [f for place, numbers in grouped.items() for f in _unrounded(numbers, place)]


def embedded_specs(content: str) -> Iterator[Any]:
    """JSON objects in the ``<script>`` blocks of a page: embedded chart specs.

    Each ``{`` is tried with the JSON parser (a spec passed to ``vegaEmbed``, a
    ``<script type="application/json">`` block); what is not JSON is passed over.

    >>> page = '<script>vegaEmbed("#c", {"datasets": {"d": [{"n": 2}]}}, {});</script>'
    >>> [spec for spec in embedded_specs(page)][0]
    {'datasets': {'d': [{'n': 2}]}}
    """
    decoder = json.JSONDecoder()
    for block in _SCRIPT_BLOCK.finditer(content):
        body, position = block.group(1), 0
        while (start := body.find("{", position)) >= 0:
            try:
                value, position = decoder.raw_decode(body, start)
            except ValueError:
                position = start + 1
                continue
            yield value


def html_findings(content: str, where: str = "") -> list[Finding]:
    """Small counts, withheld values and long numbers in one HTML or SVG document."""
    findings = [
        (kind, f"{where}{detail}")
        for kind, detail in (
            *table_findings(content),
            *suppressed_findings(content),
            *aria_findings(content),
        )
    ]
    findings += shown_text_findings(content, where)
    if "<script" in content.lower():
        for spec in embedded_specs(content):
            findings += spec_findings(spec, f"{where}script ")
    return findings


def scan_text(content: str, *, patient_ids: frozenset[str] = frozenset()) -> list[Finding]:
    """Findings ``(kind, detail)`` in one HTML document's text.

    Examples
    --------
    >>> scan_text('<td data-suppressed="small_count">3</td>')
    [('suppressed_value', 'small_count shown as 3')]
    >>> scan_text('<td data-count="2">2</td> P12345678')
    [('patient_id', 'P12****** (pseudonym shape)'), ('small_count', 'data-count=2')]
    >>> scan_text('<td data-suppressed="small_count">&lt;5</td><td data-count="12">12</td>')
    []
    """
    return _unique(text_findings(content, patient_ids=patient_ids) + html_findings(content))


# ---------------------------------------------------------------------- notebooks
def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _notebook_text(nb: dict[str, Any]) -> str:
    parts: list[str] = []
    for cell in nb.get("cells", []):
        parts.append(_joined(cell.get("source", "")))
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(_joined(output["text"]))
            for mimetype, data in (output.get("data") or {}).items():
                if mimetype.endswith("json"):
                    # Vega-Lite specs: the data values are what matters, not the schema URL.
                    parts.append(json.dumps(data, ensure_ascii=False).replace("$schema", ""))
                else:
                    parts.append(_joined(data))
            parts.extend(output.get("traceback", []))
    return "\n".join(parts)


def notebook_text(path: str | Path) -> str:
    """The text a notebook carries: sources and every output's data, joined."""
    return _notebook_text(json.loads(Path(path).read_text("utf-8")))


def output_findings(output: dict[str, Any], where: str) -> list[Finding]:
    """Findings in one output of a notebook cell, read by its mimetypes."""
    findings: list[Finding] = []
    for mimetype, data in (output.get("data") or {}).items():
        at = f"{where} ({mimetype}): "
        if mimetype.endswith("json"):
            findings += spec_findings(data, at)
        elif mimetype in ("text/html", "image/svg+xml"):
            findings += html_findings(_joined(data), at)
        else:
            findings += _unrounded(long_numbers(_joined(data)), at)
    for key in ("text", "traceback"):
        if key in output:
            findings += _unrounded(long_numbers(_joined(output[key])), f"{where} ({key}): ")
    return findings


def scan_notebook(
    nb: dict[str, Any], *, patient_ids: frozenset[str] = frozenset()
) -> list[Finding]:
    """Findings in an executed notebook: its text, and each output read by its mimetype."""
    # A notebook keeps the Vega-Lite spec beside the SVG; its "$schema" names a URL that
    # nothing fetches, so it is not an external reference.
    text = _SCHEMA_URL.sub('""', _notebook_text(nb))
    findings = text_findings(text, patient_ids=patient_ids)
    for number, cell in enumerate(nb.get("cells", [])):
        for index, output in enumerate(cell.get("outputs", [])):
            findings += output_findings(output, f"cell {number} output {index}")
    return _unique(findings)


def scan_json(content: str, *, patient_ids: frozenset[str] = frozenset()) -> list[Finding]:
    """Findings in a JSON record: its text, and its values read as parsed JSON."""
    findings = text_findings(content, patient_ids=patient_ids)
    try:
        parsed = json.loads(content)
    except ValueError:
        return _unique(findings + html_findings(content))
    return _unique(findings + spec_findings(parsed))


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def check_leaks(
    paths: Iterable[str | Path], *, patient_ids: frozenset[str] = frozenset()
) -> list[Leak]:
    """Scan files (``.html``, ``.ipynb``, ``.json``; directories are searched) for findings.

    Parameters
    ----------
    paths
        Files or directories to scan.
    patient_ids
        The extract's patient ids (see :func:`read_patient_ids`); without them only the
        pseudonym shape is recognised.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.suffix in SCANNED_SUFFIXES)
        else:
            files.append(p)
    leaks: list[Leak] = []
    for f in files:
        content = f.read_text("utf-8", errors="replace")
        if f.suffix == ".ipynb":
            found = scan_notebook(json.loads(content), patient_ids=patient_ids)
        elif f.suffix == ".json":
            found = scan_json(content, patient_ids=patient_ids)
        else:
            found = scan_text(content, patient_ids=patient_ids)
        leaks += [Leak(f, kind, detail) for kind, detail in found]
    return leaks
