"""The ``indicators`` command line.

Each subcommand imports what it needs when it runs, so ``indicators --help`` and the
commands that do not validate never import Great Expectations or Jupyter.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from indicators.errors import IndicatorsError

app = typer.Typer(
    name="indicators",
    help=(
        "Quality indicators for Norwegian mental-health and substance-use treatment: "
        "make or validate a registry extract, compute the indicators, and report per health trust."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


@app.callback()
def _root() -> None:
    """Quality indicators for Norwegian mental-health and substance-use treatment."""


class OutputFormat(StrEnum):
    """File format of a written extract."""

    parquet = "parquet"
    csv = "csv"


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the extract into.")],
    scale: Annotated[
        float,
        typer.Option(
            min=0.001,
            help="Size relative to the national TSB + adult PHV volume over three years "
            "(1 = about 100 000 patients, 150 000 referrals, 2 million contacts).",
        ),
    ] = 1.0,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives identical files.")
    ] = 2025,
    format: Annotated[
        OutputFormat, typer.Option("--format", help="parquet, or ';'-separated CSV.")
    ] = OutputFormat.parquet,
    defects: Annotated[
        bool,
        typer.Option(
            "--defects/--no-defects",
            help="Inject the documented defects real extracts have (listed in manifest.json).",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Write a realistic synthetic national extract (marked synthetic in its manifest)."""
    from indicators.synth import generate_extract

    result = generate_extract(
        out, scale=scale, seed=seed, format=format.value, defects=defects, progress=not quiet
    )
    counts = ", ".join(f"{n:,} {t}" for t, n in result.row_counts.items())
    console.print(f"[green]wrote[/green] {out} ({counts}) in {result.seconds:.1f} s")


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Directory for everything the demo writes.")
    ] = Path("outputs/demo"),
    scale: Annotated[float, typer.Option(min=0.001, help="Size of the synthetic extract.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic extract.")] = 2025,
) -> None:
    """Run the whole pipeline on a synthetic national extract: synth, validate, compute, report."""
    from indicators.demo import run_demo

    final = run_demo(out, scale=scale, seed=seed, console=console)
    console.print(f"[green]demo finished[/green]: {final}")
    typer.echo(str(final))


def main() -> None:
    """Run the command line, turning the toolkit's own errors into a clear message and exit 2."""
    try:
        app()
    except IndicatorsError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
