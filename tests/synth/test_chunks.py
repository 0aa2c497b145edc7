"""Large synthetic extracts, generated chunk by chunk: the same files as before up to one
chunk, deterministic above it, and one extract (ids, order, planted effects) over all chunks."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from indicators import load_extract
from indicators.cli import app
from indicators.extract.model import EXTRACT
from indicators.synth import generate_extract, generate_tables, generator
from indicators.synth.generator import SynthError
from indicators.validate.run import validate_extract

#: sha256 of the CSV files of ``scale=0.003, seed=7`` (without and with defects) as the
#: generator wrote them before it was chunked: an extract of one chunk must not change.
#: (CSV rather than Parquet: the Parquet bytes also carry the writer's version.)
ONE_CHUNK_CSV = {
    False: {
        "contacts.csv": "0148f1e29fa13c9a6bde4ff8e33d431d7a777b9697df3c902a443125af60e882",
        "pathway_events.csv": "0d0000d78fe2656cac2b741bcf92d166669a87b7459255abdc4ee5e0551f83b9",
        "patients.csv": "fe6b389822a09f06925516d20c95fd8095f8ef828cefc1eb241099155da55362",
        "primary_care.csv": "220dc7d824eba992e6c59ecab1dd04284680c3cc0ee92a74dcc5b1d59a308c4f",
        "referrals.csv": "9c73e9e14d84328f30361caeba19c750cfa4c1417b64f0adc361035b8c4287bb",
    },
    True: {
        "contacts.csv": "970e235d2769db3e0638162da8cd6d4595969e02f20cf4e5ba67e816a7cede65",
        "pathway_events.csv": "d17ff02b9599d6c1f9794b76b41d82a55c0ab766b564f6ffa5d8796eb414109e",
        "patients.csv": "f7383fc24290ebcf5c49f53dd479f5a0277a7720caa08f66f36ce692fe4ca8df",
        "primary_care.csv": "220dc7d824eba992e6c59ecab1dd04284680c3cc0ee92a74dcc5b1d59a308c4f",
        "referrals.csv": "5bad0d02da193df6ff2be21085eda8e0c55455792950640462fe79e474feb79a",
    },
}

#: A small extract in four chunks (1 000 patients, 250 a chunk).
FOUR_CHUNKS: dict[str, Any] = {"scale": 0.01, "seed": 5, "chunk_patients": 250}


def table_hashes(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.stem in EXTRACT
    }


def patient_number(column: str = "patient_id") -> pl.Expr:
    return pl.col(column).str.slice(1).cast(pl.Int64) - 10_000_000


@pytest.mark.parametrize("defects", [False, True])
def test_an_extract_of_one_chunk_has_the_files_it_always_had(tmp_path: Path, defects: bool):
    generate_extract(tmp_path, scale=0.003, seed=7, format="csv", defects=defects)
    assert table_hashes(tmp_path) == ONE_CHUNK_CSV[defects]


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("chunked")
    generate_extract(out, **FOUR_CHUNKS)
    return out


def test_a_chunked_extract_is_byte_identical_run_to_run(chunked: Path, tmp_path: Path):
    generate_extract(tmp_path, **FOUR_CHUNKS)
    assert table_hashes(tmp_path) == table_hashes(chunked)
    assert not [p for p in chunked.iterdir() if p.name.startswith(".")]  # no parts left


def test_a_chunked_extract_differs_from_one_chunk_and_by_seed(chunked: Path, tmp_path: Path):
    generate_extract(tmp_path / "one", scale=0.01, seed=5)
    generate_extract(tmp_path / "seed", **{**FOUR_CHUNKS, "seed": 6})
    hashes = table_hashes(chunked)
    assert hashes["contacts.parquet"] != table_hashes(tmp_path / "one")["contacts.parquet"]
    assert hashes["contacts.parquet"] != table_hashes(tmp_path / "seed")["contacts.parquet"]


def test_the_files_hold_the_tables_generated_in_memory(chunked: Path, tmp_path: Path):
    tables = generate_tables(**FOUR_CHUNKS)
    extract = load_extract(chunked)
    for name in EXTRACT:
        assert_frame_equal(extract[name].collect(), tables[name])
    generate_extract(tmp_path, **FOUR_CHUNKS, format="csv")
    csv = load_extract(tmp_path)
    for name in EXTRACT:
        assert_frame_equal(csv[name].collect(), tables[name])


def test_ids_are_unique_over_chunks_and_tables_keep_their_order(chunked: Path):
    extract = load_extract(chunked)
    t = {name: extract[name].collect() for name in EXTRACT}
    assert t["patients"]["patient_id"].to_list() == [f"P{10_000_000 + i}" for i in range(1000)]
    n_referrals, n_contacts = t["referrals"].height, t["contacts"].height
    assert t["referrals"]["referral_id"].to_list() == [
        f"H{i:09d}" for i in range(1, n_referrals + 1)
    ]
    assert t["contacts"]["contact_id"].to_list() == [f"K{i:010d}" for i in range(1, n_contacts + 1)]
    by_start = t["contacts"].select(
        "start_date", patient_number().alias("p")
    )  # start date, then patient id, over all chunks
    assert by_start.equals(by_start.sort("start_date", "p"))
    pathways = t["pathway_events"]["pathway_id"].unique(maintain_order=True)
    assert pathways.to_list() == [f"F{i:08d}" for i in range(1, pathways.len() + 1)]
    care = t["primary_care"].select("patient_id", "contact_date", "icpc2")
    assert care.equals(care.sort(pl.all()))


def test_a_chunked_extract_validates(chunked: Path):
    assert validate_extract(chunked).report.passed


def test_the_first_chunk_is_the_one_chunk_extract_of_its_size():
    """Chunk 0 draws from ``default_rng(seed)`` as a one-chunk extract does."""
    chunked = generate_tables(**FOUR_CHUNKS)
    alone = generate_tables(scale=0.0025, seed=5)  # 250 patients: one chunk
    first = chunked["patients"].filter(patient_number() < 250)
    assert_frame_equal(first, alone["patients"])
    referrals = chunked["referrals"].filter(patient_number() < 250)
    assert_frame_equal(referrals, alone["referrals"])


def test_later_chunks_carry_the_planted_effects():
    """Chunks 1 and 2 alone: the trust effects are the first chunk's, not drawn anew."""
    tables = generate_tables(scale=0.3, seed=11, chunk_patients=10_000)
    referrals = tables["referrals"].filter(
        patient_number() >= 10_000, service="TSB", right_to_care=True
    )
    waits = (
        referrals.group_by("trust_id")
        .agg((pl.col("care_start_date") - pl.col("received_date")).dt.total_days().median())
        .sort("care_start_date", descending=True)
    )
    assert waits["trust_id"][0] == "983971709"  # slow
    inpatient = (
        referrals.group_by("trust_id")
        .agg((pl.col("assigned_level") == "inpatient").mean().alias("share"))
        .sort("share")
    )
    assert inpatient["trust_id"][0] == "983974724"  # few inpatient assignments


def test_defects_above_one_chunk_are_refused_before_anything_is_written(tmp_path: Path):
    with pytest.raises(SynthError, match="one chunk"):
        generate_extract(tmp_path / "x", **FOUR_CHUNKS, defects=True)
    assert not (tmp_path / "x").exists()
    result = CliRunner().invoke(
        app, ["synth", "--out", str(tmp_path / "y"), "--scale", "1.5", "--defects", "-q"]
    )
    assert result.exit_code == 2
    assert result.output.startswith("error: defects are injected only into an extract of one")
    assert not (tmp_path / "y").exists()


def test_the_progress_display_counts_chunks_then_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    shown_steps: list[str] = []
    step = generator._Steps.step

    def recording(self: generator._Steps, description: str) -> None:
        shown_steps.append(description)
        step(self, description)

    monkeypatch.setattr(generator._Steps, "step", recording)
    generate_extract(tmp_path, **FOUR_CHUNKS, progress=True)
    assert shown_steps == [
        *(f"chunk {i} of 4" for i in range(1, 5)),
        *(f"writing {name}" for name in EXTRACT),
    ]
    assert "9/9" in capsys.readouterr().out  # full only when every table is written


def test_quiet_chunked_generation_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    generate_extract(tmp_path, **FOUR_CHUNKS)
    assert capsys.readouterr().out == ""
