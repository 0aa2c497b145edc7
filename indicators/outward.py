r"""The one gate for text that leaves the program: terminal, files and error messages.

Everything the toolkit prints or writes as text (the terminal, ``validation.json``,
``validation.html``, JUnit XML, run records and manifests, error messages, names of
files it writes) passes through :func:`redact`:

- every run of exactly 11 digits is masked whole (a fødselsnummer, or something a
  reader cannot tell from one), and so is a run of 10 digits that passes the
  fødselsnummer check digits once its lost leading zero is put back;
- a token shaped like the extract's pseudonymised patient ids (``P`` + 8 digits) is
  masked after its first letter;
- control characters (NUL and the rest of C0 except tab and newline, DEL, and what
  XML 1.0 does not allow) become U+FFFD, so every XML and HTML document written is
  well-formed whatever the input held.

Redaction keeps the length of the text, so styled terminal text keeps its styles.
Text from data is never read as terminal markup: :func:`console` makes consoles that
print strings as they are, and styled text is built with :func:`styled`.

Examples
--------
>>> redact("fnr 01010012356, pasient P10000003, trust 974631326")
'fnr ***********, pasient P********, trust 974631326'
>>> redact("NUL\x00byte") == "NUL\ufffdbyte"
True
>>> redact_json({"by_trust": {"01010012356": 1}})
{'by_trust': {'***********': 1}}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import (
    Console,
    ConsoleOptions,
    ConsoleRenderable,
    RenderableType,
    RenderHook,
    RenderResult,
)
from rich.segment import Segment
from rich.text import Text

from indicators.reference.identifiers import is_valid_fodselsnummer

_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9]{10,11}(?![0-9])")
_PATIENT_ID = re.compile(r"(?<![A-Za-z0-9])P[0-9]{8}(?![A-Za-z0-9])")
#: Characters XML 1.0 does not allow, and C0/C1 controls other than tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) == 11 or is_valid_fodselsnummer("0" + run):
        return "*" * len(run)
    return run


def redact(text: str) -> str:
    """``text`` with identifiers masked and control characters replaced; same length.

    >>> redact("ref 12345678901 and 123456789012"), redact("K0000000001")
    ('ref *********** and 123456789012', 'K0000000001')
    """
    text = _DIGIT_RUN.sub(_mask_run, text)
    text = _PATIENT_ID.sub(lambda m: "P" + "*" * 8, text)
    return _CONTROL.sub(REPLACEMENT, text)


def redact_json(value: Any) -> Any:
    """``value`` (JSON-ready) with every string, keys included, passed through :func:`redact`."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): redact_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_json(v) for v in value]
    return value


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` (UTF-8) through :func:`redact`; returns the path."""
    target = Path(path)
    target.write_text(redact(text), encoding="utf-8")
    return target


def write_json(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented JSON through :func:`redact_json`; returns the path."""
    return write_text(path, json.dumps(redact_json(data), indent=2, ensure_ascii=False) + "\n")


def safe_name(name: str) -> str:
    """A file name made from data: redacted, and without path separators.

    >>> safe_name("01010012356/../x")
    '***********_.._x'
    """
    return redact(name).replace("/", "_").replace("\\", "_")


def styled(*parts: str | tuple[str, str]) -> Text:
    """Terminal text from plain strings and ``(text, style)`` pairs, never read as markup.

    >>> styled(("error:", "red"), " [/red] is data").plain
    'error: [/red] is data'
    """
    return Text.assemble(*parts)


class _Redacted:
    """A renderable whose rendered text is redacted, segment by segment."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control or not segment.text:
                yield segment
            else:
                yield Segment(redact(segment.text), segment.style, segment.control)


class _RedactHook(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Redacted(r) for r in renderables]


def console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A console whose output is redacted and that never reads strings as markup.

    Styled text comes from :func:`styled` (or rich ``Text``).  A console that is not a
    terminal (a CI log) is 140 columns wide unless ``width`` says otherwise.
    """
    probe = Console(stderr=stderr)
    if width is None and not probe.is_terminal:
        width = 140
    out = Console(stderr=stderr, width=width, markup=False, highlight=False, emoji=False)
    out.push_render_hook(_RedactHook())
    return out


def first_line(lines: Iterable[str] | str) -> str:
    """The first non-empty line of a message, redacted (for one-line errors)."""
    text = lines if isinstance(lines, str) else "\n".join(lines)
    for line in text.splitlines():
        if line.strip():
            return redact(line.strip())
    return ""


def output_directory(path: str | Path, option: str = "--out") -> Path:
    """Create ``path`` as a directory for outputs, or say in one line why it cannot be.

    Checked before long work starts, so a wrong ``--out`` fails at once.
    """
    from indicators.errors import OutputError

    target = Path(path)
    blocker = next((p for p in (target, *target.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise OutputError(
            f"{option} {target}: {blocker} is a file, not a directory; choose another path"
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"{option} {target}: cannot be created ({error.strerror or error}); choose a "
            "writable path"
        ) from None
    return target
