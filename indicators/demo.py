"""The demo pipeline: a synthetic national extract taken through every stage."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from indicators.synth import generate_extract


def run_demo(out: str | Path, *, scale: float = 1.0, seed: int = 2025, console: Console) -> Path:
    """Write ``out/extract`` (synthetic) and run the later stages on it; return the final path.

    Stages: synth -> validate -> compute -> report.  Returns the path a person opens
    last (the report index once reports exist, else the extract directory).
    """
    target = Path(out)
    extract_dir = target / "extract"
    result = generate_extract(extract_dir, scale=scale, seed=seed, progress=True)
    counts = ", ".join(f"{n:,} {t}" for t, n in result.row_counts.items())
    console.print(f"[green]synth[/green] {extract_dir} ({counts}) in {result.seconds:.1f} s")
    return extract_dir
