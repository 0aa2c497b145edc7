"""The ``indicators synth`` command: usage errors and an honest progress display."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from indicators.cli import app
from indicators.synth import generate_extract


@pytest.mark.parametrize("command", ["synth", "demo"])
def test_a_negative_seed_is_a_usage_error_not_a_traceback(tmp_path: Path, command: str):
    result = CliRunner().invoke(app, [command, "--out", str(tmp_path / "x"), "--seed", "-1"])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--seed'" in result.output
    assert not (tmp_path / "x").exists()


def test_the_synth_command_writes_an_extract_with_the_given_seed(tmp_path: Path):
    result = CliRunner().invoke(
        app, ["synth", "--out", str(tmp_path), "--scale", "0.002", "--seed", "0", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "contacts.parquet").exists()


@pytest.mark.parametrize(("defects", "steps"), [(False, 10), (True, 11)])
def test_the_progress_display_is_full_only_after_every_table_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], defects: bool, steps: int
):
    """Five generation steps, the defects if asked for, and writing each of the five tables."""
    generate_extract(tmp_path, scale=0.002, seed=1, defects=defects, progress=True)
    shown = capsys.readouterr().out
    assert f"{steps}/{steps}" in shown
    assert "done" in shown
