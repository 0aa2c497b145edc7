"""PDFs of the reports: headless Chromium found, stopped, kept offline; pages checked as images.

The fast tests stand a small shell script in for Chromium.  The slow one prints a real
trust report with ``indicators report --pdf`` and reads the PDF back with pypdfium2:
A4 pages, the first and a later page rendered to PNG and not blank, the trust's name
and the headings in its text, and no heading left as the last text of a page.  It is
skipped when Chromium is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import html as html_module
import re
import stat
import struct
import time
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from indicators.cli import app
from indicators.reports.leaks import Leak
from indicators.reports.pdf import CHROMIUM_SWITCHES, PdfError, find_chromium, html_to_pdf
from indicators.reports.run import ReportJob, ReportOutcome, print_pdf

from .conftest import OUTLIER_TRUST

#: An A4 page in PDF points (1/72 inch): 210 mm x 297 mm.
A4_POINTS = (595.28, 841.89)


def _fake_chromium(directory: Path, body: str) -> Path:
    """A shell script named ``chromium`` in ``directory`` that runs ``body``."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "chromium"
    script.write_text(f"#!/bin/sh\n{body}\n", "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


#: A stand-in that records its arguments and writes a minimal PDF where it is told.
WRITES_PDF = r"""
for a in "$@"; do echo "$a"; done > "$(dirname "$0")/args.txt"
for a in "$@"; do
  case "$a" in --print-to-pdf=*) printf '%%PDF-1.4\n%%%%EOF\n' > "${a#--print-to-pdf=}";; esac
done
"""


@pytest.fixture
def report_html(tmp_path: Path) -> Path:
    page = tmp_path / "report.html"
    page.write_text("<!DOCTYPE html><html><body><h1>Rapport</h1></body></html>", "utf-8")
    return page


def test_without_chromium_pdf_ends_with_one_line_naming_what_to_install(
    results_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["report", str(results_dir), "--out", str(out), "--pdf"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:")  # one message (wrapped to the terminal)
    assert result.output.count("error:") == 1
    assert "Traceback" not in result.output
    assert "apt-get install chromium" in " ".join(result.output.split())
    assert not list(out.glob("*.html"))  # stopped before any notebook ran


def test_find_chromium_looks_on_path_and_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PdfError, match=r"no chromium or chromium-browser is on PATH: install"):
        find_chromium()
    fake = _fake_chromium(tmp_path / "bin", "exit 0")
    monkeypatch.setenv("PATH", str(fake.parent))
    assert find_chromium() == fake


def test_chromium_is_run_headless_off_the_network_with_a_profile_of_its_own(report_html, tmp_path):
    fake = _fake_chromium(tmp_path / "bin", WRITES_PDF)
    pdf = html_to_pdf(report_html, tmp_path / "report.pdf", chromium=fake)
    assert pdf.read_bytes().startswith(b"%PDF-")
    args = (fake.parent / "args.txt").read_text("utf-8").splitlines()
    for switch in ("--headless", "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer"):
        assert switch in args
    assert set(CHROMIUM_SWITCHES) <= set(args)
    profile = next(a for a in args if a.startswith("--user-data-dir="))
    assert not Path(profile.split("=", 1)[1]).exists()  # removed afterwards
    assert args[-1] == report_html.resolve().as_uri()


def test_a_chromium_that_fails_leaves_no_pdf_and_says_why(report_html, tmp_path):
    fake = _fake_chromium(
        tmp_path / "bin",
        "echo '[1:2:ERROR:dbus/bus.cc:405] Failed to connect to the bus' >&2\n"
        "echo 'cannot open display' >&2\nexit 3",
    )
    with pytest.raises(PdfError, match=r"report.html: .*wrote no PDF \(exit code 3\): cannot open"):
        html_to_pdf(report_html, tmp_path / "report.pdf", chromium=fake)
    assert not (tmp_path / "report.pdf").exists()


def test_a_chromium_that_hangs_is_stopped_with_what_it_started(report_html, tmp_path):
    pid_file = tmp_path / "helper.pid"
    fake = _fake_chromium(tmp_path / "bin", f"sleep 60 &\necho $! > {pid_file}\nwait")
    start = time.perf_counter()
    with pytest.raises(PdfError, match=r"did not print report.html within 0.5 s"):
        html_to_pdf(report_html, tmp_path / "report.pdf", chromium=fake, timeout=0.5)
    assert time.perf_counter() - start < 10
    helper = int(pid_file.read_text().strip())
    for _ in range(50):  # the helper was killed with its group (then reaped, or a zombie)
        status = Path(f"/proc/{helper}/status")
        if not status.exists() or "\nState:\tZ" in status.read_text():
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"Chromium's helper {helper} still runs")


def _pdf_job(report_html: Path, pdf: Path) -> ReportJob:
    """A trust's report job whose HTML is written and whose PDF goes to ``pdf``."""
    return ReportJob(
        key=OUTLIER_TRUST,
        name="Sykehuset Innlandet HF",
        group="Helse Sør-Øst",
        notebook=report_html.parent / "trust_report.ipynb",
        parameters={},
        ipynb=report_html.parent / "report.ipynb",
        html=report_html,
        pdf=pdf,
    )


def test_a_pdf_that_fails_fails_its_report_and_keeps_the_html(report_html, tmp_path):
    job = _pdf_job(report_html, tmp_path / "report.pdf")
    outcome = ReportOutcome(job.key, job.name, job.group, ok=True, seconds=1.0, html=job.html.name)
    print_pdf(job, outcome, chromium=str(_fake_chromium(tmp_path / "bin", "exit 1")))
    assert not outcome.ok
    assert outcome.error is not None
    assert outcome.error.startswith("PDF: PdfError: report.html")
    assert outcome.html == "report.html"
    assert outcome.pdf is None
    assert report_html.exists()


def test_a_page_the_leak_check_flagged_is_not_printed(report_html, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 from an earlier run")
    job = _pdf_job(report_html, pdf)
    leak = Leak(report_html, "patient_id", "P20****** (in the extract)")
    outcome = ReportOutcome(
        job.key, job.name, job.group, ok=True, seconds=1.0, html=job.html.name, leaks=[leak]
    )
    fake = _fake_chromium(tmp_path / "bin", WRITES_PDF)
    print_pdf(job, outcome, chromium=str(fake))
    assert not pdf.exists()
    assert not (fake.parent / "args.txt").exists()  # Chromium was not started
    assert outcome.pdf is None


def _png(rgb) -> bytes:
    """A PNG file of an RGB ``numpy`` array (height x width x 3, uint8)."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def _words(text: str) -> str:
    return " ".join(text.split())


def _text_of(fragment: str) -> str:
    """The words of an HTML fragment, as a PDF's text shows them."""
    return _words(html_module.unescape(re.sub(r"<[^>]+>", "", fragment)))


#: The page number the print style sheet puts at the foot of each page ("3 / 12").
PAGE_NUMBER = re.compile(r"^\s*\d+ / \d+\s*$", re.MULTILINE)


@pytest.mark.slow
@pytest.mark.browser
def test_a_trust_report_prints_to_a4_pages_that_show_the_report(results_dir, tmp_path):
    pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 is in the test group")
    try:
        find_chromium()
    except PdfError as missing:
        pytest.skip(f"headless Chromium is not installed: {missing}")
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        app,
        [
            *("report", str(results_dir), "--out", str(out), "--trusts", OUTLIER_TRUST),
            *("--no-national", "--jobs", "1", "--pdf"),
        ],
    )
    assert result.exit_code == 0, result.output
    html_path = out / f"{OUTLIER_TRUST}_2025_nb.html"
    pdf_path = html_path.with_suffix(".pdf")
    assert f'data-pdf="{pdf_path.name}"' in (out / "index.html").read_text("utf-8")

    page_html = html_path.read_text("utf-8")
    headings = [
        _text_of(h) for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", page_html, re.DOTALL)
    ]
    assert "Oppsummering" in headings

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        assert len(document) >= 4
        texts = []
        for page in document:
            width, height = page.get_size()
            assert abs(width - A4_POINTS[0]) <= 1
            assert abs(height - A4_POINTS[1]) <= 1
            texts.append(page.get_textpage().get_text_range())
        for index in (0, len(document) // 2):
            rgb = document[index].render(scale=1, rev_byteorder=True).to_numpy()[:, :, :3]
            png = _png(rgb.copy())
            (tmp_path / f"page-{index + 1}.png").write_bytes(png)
            assert png.startswith(b"\x89PNG")
            inked = (rgb.min(axis=2) < 200).mean()
            assert inked > 0.01, f"page {index + 1} is blank ({inked:.2%} inked)"
            colours = {tuple(c) for c in rgb[::7, ::7].reshape(-1, 3).tolist()}
            assert len(colours) > 20, f"page {index + 1} has {len(colours)} colours"
    finally:
        document.close()

    everything = _words(" ".join(texts))
    assert "Sykehuset Innlandet HF" in everything
    assert "Oppsummering" in everything
    assert "WAIT-02 Vurdering ikke ferdig innen 10 virkedager" in everything
    assert "Metodevedlegg" in everything
    for number, text in enumerate(texts[:-1], start=1):
        body = _words(PAGE_NUMBER.sub("", text))
        stranded = [h for h in headings if body.endswith(h)]
        assert not stranded, f"page {number} ends with the heading {stranded[0]!r}"
    # An indicator's heading and introduction are printed on the page of its first
    # chart, whose title begins with the heading and a colon: they are not left at the
    # foot of the page before it.
    introductions = [
        (_text_of(heading), " ".join(_text_of(paragraph).split()[:5]))
        for heading, paragraph in re.findall(
            r'<h3 id="ind-[^"]+">(.*?)</h3><p>(.*?)</p>', page_html, re.DOTALL
        )
    ]
    assert len(introductions) >= 5
    pages = [_words(text) for text in texts]
    for heading, opening in introductions:
        (page,) = [p for p in pages if f"{heading} {opening}" in p]
        assert f"{heading}:" in page, f"{heading!r} is not on the page of its chart"


@pytest.mark.browser
def test_chromium_prints_a_page_without_network(tmp_path):
    try:
        find_chromium()
    except PdfError as missing:
        pytest.skip(f"headless Chromium is not installed: {missing}")
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><style>@page { size: A4; }</style></head><body>"
        '<h1>Rapport</h1><img src="http://192.0.2.1/x.png"></body></html>',
        "utf-8",
    )
    start = time.perf_counter()
    pdf = html_to_pdf(page, tmp_path / "page.pdf", timeout=60)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert time.perf_counter() - start < 30  # the unreachable image is not waited for
    assert pdf.stat().st_size > 500
