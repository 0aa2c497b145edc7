"""Offline HTML report -> PDF on A4, printed by headless Chromium.

The report's page layout is its print style sheet (A4, margins, page numbers, no
heading left at the foot of a page, no chart or table row split over two pages: see
the ``offline`` template); Chromium only prints it.  It runs as a subprocess, with a
profile of its own in a temporary directory (reports printed in parallel do not share
one), with a time limit, and without network: the report is self-contained
(:func:`indicators.reports.render.external_references` finds nothing in it), and every
host name resolves to nothing and every request goes to a proxy that does not exist,
so a reference that slipped through could not be fetched either.

The PDF is made from the HTML after the HTML has passed the leak check, and shows
nothing the HTML does not.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from indicators.reports.data import ReportError

#: Names the Chromium command has in Linux distributions and Chrome installs, in the
#: order they are looked for on ``PATH``.
CHROMIUM_COMMANDS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
#: What to install when none of them is found.
INSTALL_HINT = "install Chromium (Debian/Ubuntu: apt-get install chromium)"
#: Seconds one report may take to print before Chromium is stopped.
PDF_TIMEOUT = 120.0
#: Switches that keep Chromium headless, quiet and off the network.
CHROMIUM_SWITCHES = (
    "--headless",
    "--no-sandbox",  # as root in containers and CI; the page is the report's own
    "--disable-gpu",
    "--no-pdf-header-footer",  # page numbers come from the report's @page rules
    "--print-to-pdf-no-header",  # the same, as older Chromium calls it (newer ignores it)
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-extensions",
    "--disable-sync",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
)


class PdfError(ReportError):
    """A PDF could not be made: no Chromium, or Chromium failed or took too long."""


def find_chromium() -> Path:
    """The Chromium (or Chrome) command on ``PATH``.

    Raises
    ------
    PdfError
        When none of :data:`CHROMIUM_COMMANDS` is on ``PATH``; the message says what to
        install.
    """
    for name in CHROMIUM_COMMANDS:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise PdfError(
        "writing PDFs (--pdf) needs headless Chromium, and no "
        f"{' or '.join(CHROMIUM_COMMANDS[:2])} is on PATH: {INSTALL_HINT}"
    )


def html_to_pdf(
    html_path: str | Path,
    pdf_path: str | Path,
    *,
    chromium: str | Path | None = None,
    timeout: float = PDF_TIMEOUT,
) -> Path:
    """Print an offline HTML report to a PDF with headless Chromium.

    Parameters
    ----------
    html_path
        The HTML file (self-contained; nothing is fetched while printing).
    pdf_path
        Where to write the PDF; its directory must exist.
    chromium
        The Chromium command; default: :func:`find_chromium`.
    timeout
        Seconds before Chromium (with every process it started) is stopped and the
        PDF counts as failed.

    Returns
    -------
    Path
        ``pdf_path``.

    Raises
    ------
    PdfError
        Chromium is missing, fails, takes longer than ``timeout``, or writes no PDF.
    """
    source = Path(html_path).resolve()
    target = Path(pdf_path).resolve()
    if not source.is_file():
        raise PdfError(f"{source}: no such HTML report to print")
    browser = str(chromium) if chromium is not None else str(find_chromium())
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="indicators-chromium-") as profile:
        command = [
            browser,
            *CHROMIUM_SWITCHES,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        returncode, stderr = _run_in_own_group(command, timeout=timeout, cwd=profile)
    if returncode != 0 or not _is_pdf(target):
        target.unlink(missing_ok=True)
        raise PdfError(
            f"{source.name}: Chromium ({browser}) wrote no PDF (exit code {returncode})"
            f"{': ' + _last_error(stderr) if _last_error(stderr) else ''}"
        )
    return target


def _run_in_own_group(command: list[str], *, timeout: float, cwd: str) -> tuple[int, str]:
    """Run ``command`` in a new process group; on timeout stop that group, then raise."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=cwd,
        start_new_session=True,  # Chromium's helpers join the group, so all of them stop
    )
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_group(process)
        raise PdfError(
            f"Chromium did not print {command[-1].rsplit('/', 1)[-1]} within {timeout:g} s"
        ) from None
    except BaseException:
        _stop_group(process)
        raise
    return process.returncode, err.decode("utf-8", "replace")


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the process group ``process`` leads, and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def _is_pdf(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def _last_error(stderr: str) -> str:
    r"""The last line of Chromium's stderr worth showing (not its D-Bus noise).

    >>> _last_error("[1:2:ERROR:dbus/bus.cc:405] Failed to connect to the bus\nboom\n")
    'boom'
    """
    lines = [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and "dbus" not in line and "unexpected operator" not in line
    ]
    return lines[-1][:200] if lines else ""
