"""Rendering through the command line: offline HTML, index, failures, leak check, browser.

These run papermill kernels and take a while (marked ``slow``); the browser test needs
headless Chromium at /usr/bin/chromium (``apt-get install -y chromium``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from indicators.cli import app
from indicators.reference import trusts as reference_trusts
from indicators.reports.leaks import check_leaks
from indicators.reports.run import INDEX, REPORT_STEPS

from .conftest import MISSING_TRUST, OUTLIER_TRUST, SMALL_COUNT_TRUST, build_results

CHROMIUM = Path("/usr/bin/chromium")
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(results_dir, tmp_path_factory):
    """Reports for a trust with a suppressed value, the outlier, a trust without data."""
    out = tmp_path_factory.mktemp("reports")
    trusts = f"{SMALL_COUNT_TRUST},{OUTLIER_TRUST},{MISSING_TRUST}"
    result = CliRunner().invoke(
        app, ["report", str(results_dir), "--out", str(out), "--trusts", trusts, "--jobs", "2"]
    )
    return out, result


def test_a_failing_trust_is_in_the_index_and_the_exit_code_while_others_complete(rendered):
    out, result = rendered
    assert result.exit_code == 1, result.output
    index = (out / "index.html").read_text("utf-8")
    assert re.search(rf'data-report="{MISSING_TRUST}" data-status="failed"', index)
    assert "NoTrustDataError" in index
    for ok in (SMALL_COUNT_TRUST, OUTLIER_TRUST, "national"):
        assert re.search(rf'data-report="{ok}" data-status="ok"', index)
        assert (out / f"{ok}_2025_nb.html").exists()
        assert (out / "notebooks" / f"{ok}_2025_nb.ipynb").exists()


def test_reports_are_offline_small_and_without_code(rendered):
    out, _ = rendered
    for html in out.glob("*.html"):
        text = html.read_text("utf-8")
        assert not EXTERNAL.search(text), html
        assert "//cdn" not in text
        assert "http://" not in text, html
        assert "https://" not in text, html
        assert "TrustReport.load" not in text  # code cells are left out
        assert html.stat().st_size < 2_000_000


def test_a_bokmal_report_says_so_to_browsers_and_screen_readers(rendered):
    out, _ = rendered
    for html in out.glob("*_nb.html"):
        assert re.search(r'<html lang="nb"', html.read_text("utf-8")), html


def test_reports_carry_only_the_styles_they_use(rendered):
    out, _ = rendered
    text = (out / f"{OUTLIER_TRUST}_2025_nb.html").read_text("utf-8")
    head = text[: text.index("<body")]
    assert len(head) < 20_000  # not the 220 KB JupyterLab theme
    assert "--jp-" not in head
    assert "vegalite" not in text  # the HTML shows the SVG of each chart only
    assert re.search(r'class="jp-RenderedSVG[^"]*"[^>]*tabindex="0"', text)


def test_suppressed_values_render_as_their_reason_in_the_html(rendered):
    out, _ = rendered
    text = (out / f"{SMALL_COUNT_TRUST}_2025_nb.html").read_text("utf-8")
    cells = re.findall(r"<td([^>]*)>([^<]*)<", text)
    shown = [
        body for tag, body in cells if 'data-indicator="WAIT-02"' in tag and "small_count" in tag
    ]
    assert shown
    assert set(shown) == {"&lt;5"}


def test_the_leak_check_finds_a_patient_id_planted_in_an_output(rendered, tmp_path):
    out, _ = rendered
    planted = tmp_path / "planted.html"
    text = (out / f"{OUTLIER_TRUST}_2025_nb.html").read_text("utf-8")
    planted.write_text(text.replace("</main>", "<p>P20250001</p></main>"), "utf-8")
    leaks = check_leaks([out, planted], patient_ids=frozenset({"P20250001"}))
    assert [(x.path, x.kind) for x in leaks] == [(planted, "patient_id")]


def test_no_number_in_any_output_is_longer_than_it_is_shown(rendered):
    """Pages, notebooks and the run record: every number as it is shown, nothing unrounded."""
    out, _ = rendered
    assert [x for x in check_leaks([out]) if x.kind == "unrounded_number"] == []
    for html in out.glob("*_2025_nb.html"):
        read_out = re.findall(r'aria-label="([^"]*)"', html.read_text("utf-8"))
        assert read_out
        assert not re.search(r"\d[.,]\d{7}", " ".join(read_out)), html
    record = json.loads((out / "reports.json").read_text("utf-8"))
    assert all(r["seconds"] == round(r["seconds"], 2) for r in record["reports"])


def test_the_run_record_gives_each_report_its_time_step_by_step(rendered):
    out, _ = rendered
    record = json.loads((out / "reports.json").read_text("utf-8"))
    made = [r for r in record["reports"] if r["ok"]]
    assert made
    for report in made:
        steps = report["seconds_by_step"]
        assert list(steps) == ["kernel", "notebook", "html", "leak_check"]
        assert all(seconds >= 0 for seconds in steps.values())
        until_html = steps["kernel"] + steps["notebook"] + steps["html"]
        assert until_html <= report["seconds"] + 0.03
        assert report["seconds"] - until_html < 0.5
    failed = [r for r in record["reports"] if not r["ok"]]
    assert all(set(r["seconds_by_step"]) <= set(REPORT_STEPS) for r in failed)


def test_all_trusts_from_results_of_one_trust_give_one_report_and_a_note(tmp_path, caplog):
    results = build_results(tmp_path / "results", only=[OUTLIER_TRUST])
    out = tmp_path / "reports"
    with caplog.at_level(logging.WARNING, logger="indicators.reports.run"):
        result = CliRunner().invoke(
            app, ["report", str(results), "--out", str(out), "--no-national", "--jobs", "1"]
        )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.html")) == [f"{OUTLIER_TRUST}_2025_nb.html", INDEX]
    index = (out / INDEX).read_text("utf-8")
    assert re.findall(r'data-report="([^"]*)" data-status="(\w+)"', index) == [
        (OUTLIER_TRUST, "ok")
    ]
    record = json.loads((out / "reports.json").read_text("utf-8"))
    others = set(reference_trusts()["trust_id"].to_list()) - {OUTLIER_TRUST}
    assert {s["trust_id"] for s in record["skipped"]} == others
    (note,) = [w for w in record["warnings"] if w.startswith("Ingen rapport for")]
    assert f"Ingen rapport for {len(others)} helseforetak" in note
    assert f"Sørlandet sykehus HF ({MISSING_TRUST})" in note
    assert f"Finnmarkssykehuset HF ({SMALL_COUNT_TRUST})" in note
    assert note in index  # at the top of the index
    assert note in caplog.messages  # logged for callers of the API
    assert note in " ".join(result.output.split())  # and printed by the command


def _png_colours(png: bytes) -> int:
    """Distinct RGB(A) pixel values of a non-interlaced 8-bit PNG (enough for a check)."""
    pos, idat, width, height, channels = 8, b"", 0, 0, 4
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:8], "big")
            channels = {2: 3, 6: 4}.get(data[9], 4)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    colours: set[bytes] = set()
    previous = bytearray(stride)
    for y in range(height):
        row_start = y * (stride + 1)
        filt, line = raw[row_start], bytearray(raw[row_start + 1 : row_start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if filt == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filt == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filt == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif filt == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + pred) & 0xFF
        previous = line
        if y % 7 == 0:
            colours.update(bytes(line[i : i + channels]) for i in range(0, stride, channels * 3))
    return len(colours)


@pytest.mark.browser
def test_a_report_opens_in_headless_chromium_and_is_not_blank(rendered, tmp_path):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install headless Chromium (apt-get install -y chromium)")
        pytest.skip("headless Chromium not installed at /usr/bin/chromium")
    out, _ = rendered
    html = out / f"{OUTLIER_TRUST}_2025_nb.html"
    shot = tmp_path / "report.png"
    profile = tmp_path / "profile"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            "--window-size=1280,2000",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG")
    assert _png_colours(png) > 50  # text, tables, the banner and charts, not a blank page
    shutil.copy(shot, out / "report.png")
