"""Leak check: scan everything a report run wrote for what must never leave the package.

Nothing written for a trust may contain patient ids, fødselsnummer or
counts of 1–4 persons, and reports make no network request.  After rendering, every
HTML file, executed notebook and JSON record in the output directory (each report as
soon as it is made, then ``index.html`` and ``reports.json``) is scanned for

``patient_id``
    a token that is a patient id of the extract (all ids are read from its
    ``patients`` table), or that has the pseudonym shape ``P`` + 8 digits;
``fodselsnummer``
    an 11-digit run whose two check digits are valid
    (:func:`indicators.reference.is_valid_fodselsnummer`);
``small_count``
    a cell marked ``data-count`` (see :mod:`indicators.reports.html`) with 1–4;
``suppressed_value``
    a cell marked ``data-suppressed`` whose text is not a suppression text
    (:data:`indicators.reports.format.SUPPRESSED_TEXTS`: ``<5``, ``for få``,
    ``skjult``, ...), i.e. a withheld value printed as a number;
``external_reference``
    anything that would make a browser fetch from the network.

A finding names the file and what was found, with any identifier masked.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from indicators.reference import is_valid_fodselsnummer
from indicators.reports.data import ReportError
from indicators.reports.format import SUPPRESSED_TEXTS
from indicators.reports.render import external_references

#: Shape of the pseudonymised patient ids of the extract model.
PATIENT_ID_SHAPE = re.compile(r"(?<![A-Za-z0-9])P\d{8}(?![A-Za-z0-9])")
_FNR_RUN = re.compile(r"(?<![0-9A-Za-z.,])\d{11}(?![0-9A-Za-z])")
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{4,}")
_COUNT_MARK = re.compile(r"""data-count=["']?(\d+)""")
_SUPPRESSED_MARK = re.compile(r"""<(\w+)[^>]*\bdata-suppressed=["']([^"']+)["'][^>]*>([^<]*)<""")


#: What the leak check reads in an output directory.
SCANNED_SUFFIXES = frozenset({".html", ".ipynb", ".json"})


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


def read_patient_ids(extract: str | Path) -> frozenset[str]:
    """Every ``patient_id`` in the extract's ``patients`` table (Parquet or CSV)."""
    from indicators.extract import load_extract

    frame = load_extract(extract)["patients"].select("patient_id").collect()
    return frozenset(frame["patient_id"].drop_nulls().to_list())


def scan_text(content: str, *, patient_ids: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Findings ``(kind, detail)`` in one document's text (HTML or notebook outputs).

    Examples
    --------
    >>> scan_text('<td data-suppressed="small_count">3</td>')
    [('suppressed_value', 'small_count shown as 3')]
    >>> scan_text('<td data-count="2">2</td> P12345678')
    [('patient_id', 'P12****** (pseudonym shape)'), ('small_count', 'data-count=2')]
    >>> scan_text('<td data-suppressed="small_count">&lt;5</td><td data-count="12">12</td>')
    []
    """
    findings: list[tuple[str, str]] = []
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
    for value in sorted({int(v) for v in _COUNT_MARK.findall(content)}):
        if 1 <= value <= 4:
            findings.append(("small_count", f"data-count={value}"))
    for _tag, reason, shown in _SUPPRESSED_MARK.findall(content):
        text = html_lib.unescape(shown).strip()
        if text not in SUPPRESSED_TEXTS:
            findings.append(("suppressed_value", f"{reason} shown as {text}"))
    for snippet in external_references(content):
        findings.append(("external_reference", snippet))
    return findings


def notebook_text(path: str | Path) -> str:
    """The text a notebook carries: sources and every output's data, joined."""
    nb = json.loads(Path(path).read_text("utf-8"))
    parts: list[str] = []
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        parts.append("".join(source) if isinstance(source, list) else source)
        for output in cell.get("outputs", []):
            if "text" in output:
                text = output["text"]
                parts.append("".join(text) if isinstance(text, list) else text)
            for mimetype, data in (output.get("data") or {}).items():
                if mimetype.endswith("json"):
                    # Vega-Lite specs: the data values are what matters, not the schema URL.
                    parts.append(json.dumps(data, ensure_ascii=False).replace("$schema", ""))
                else:
                    parts.append("".join(data) if isinstance(data, list) else str(data))
            parts.extend(output.get("traceback", []))
    return "\n".join(parts)


def _notebook_findings(text: str, patient_ids: frozenset[str]) -> list[tuple[str, str]]:
    # A notebook keeps the Vega-Lite spec beside the SVG; its "$schema" names a URL that
    # nothing fetches, so only the other kinds are checked here.
    text = re.sub(r'"https://vega\.github\.io/schema/[^"]*"', '""', text)
    return scan_text(text, patient_ids=patient_ids)


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
        if f.suffix == ".ipynb":
            found = _notebook_findings(notebook_text(f), patient_ids)
        else:
            found = scan_text(f.read_text("utf-8", errors="replace"), patient_ids=patient_ids)
        leaks += [Leak(f, kind, detail) for kind, detail in found]
    return leaks
