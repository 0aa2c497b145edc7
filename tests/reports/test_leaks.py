"""The leak check finds what must not leave the package, and names the file."""

from __future__ import annotations

import json
from pathlib import Path

from indicators.reports.leaks import check_leaks, scan_text

#: A valid fødselsnummer (check digits pass), as in the reference tests.
FNR = "01010012356"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def test_a_planted_patient_id_of_the_extract_is_found_and_the_file_named(tmp_path):
    clean = _write(tmp_path / "a.html", "<p>Helse Bergen: 72,4 %</p>")
    leaky = _write(tmp_path / "b.html", "<p>Helse Bergen: 72,4 % (pasient X7Q2ZK19)</p>")
    leaks = check_leaks([tmp_path], patient_ids=frozenset({"X7Q2ZK19", "Y0000000"}))
    assert [(x.path, x.kind) for x in leaks] == [(leaky, "patient_id")]
    assert clean not in {x.path for x in leaks}
    assert "X7Q2ZK19" not in str(leaks[0])  # the finding masks the id


def test_an_id_shaped_like_the_pseudonyms_is_found_without_the_extract(tmp_path):
    _write(tmp_path / "r.html", "<td>P12345678</td>")
    assert [x.kind for x in check_leaks([tmp_path])] == ["patient_id"]


def test_a_fodselsnummer_is_found_but_decimals_and_hex_are_not():
    assert scan_text(f"<td>{FNR}</td>") == [("fodselsnummer", "010********")]
    assert scan_text(f"<path d='M0.{FNR},3'/> sha:a{FNR}f") == []


def test_a_count_below_five_in_a_count_cell_is_found():
    assert scan_text('<td data-count="3">3</td>') == [("small_count", "data-count=3")]
    assert scan_text('<td data-count="5">5</td><td data-count="0">0</td>') == []


def test_a_withheld_value_printed_as_a_number_is_found():
    found = scan_text('<td data-suppressed="too_few">12,5 %</td>')
    assert found == [("suppressed_value", "too_few shown as 12,5 %")]
    assert scan_text('<span data-suppressed="too_few">for få</span>') == []
    assert scan_text('<td data-suppressed="secondary">skjult</td>') == []
    assert scan_text('<td data-suppressed="secondary">withheld</td>') == []
    assert scan_text('<td data-suppressed="secondary">41</td>') == [
        ("suppressed_value", "secondary shown as 41")
    ]


def test_anything_fetched_from_the_network_is_found():
    kinds = [k for k, _ in scan_text('<script src="https://cdn.example/x.js"></script>')]
    assert kinds == ["external_reference"]
    assert scan_text("<style>a { background: url(//cdn.example/i.png) }</style>")


def test_a_notebook_is_scanned_through_its_outputs(tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "report.summary()",
                "outputs": [{"output_type": "display_data", "data": {"text/html": "P87654321"}}],
            }
        ]
    }
    path = _write(tmp_path / "r.ipynb", json.dumps(nb))
    assert [(x.path, x.kind) for x in check_leaks([path])] == [(path, "patient_id")]
