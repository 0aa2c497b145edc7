"""The ``indicators`` command line.

Each subcommand imports what it needs when it runs, so ``indicators --help`` and the
commands that do not validate never import Great Expectations or Jupyter.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from indicators import outward
from indicators.errors import IndicatorsError
from indicators.outward import styled

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


def _console(*, stderr: bool = False) -> Console:
    """A redacting console that never reads markup (see :mod:`indicators.outward`)."""
    return outward.console(stderr=stderr)


console = _console(stderr=True)


def command(name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command behind the error boundary.

    What a user or a file can cause (the toolkit's own errors, files that cannot be read
    or written, malformed data) ends with a one-line message and exit code 2; anything
    else is an internal error (exit 3). ``--debug`` shows the traceback instead.
    """

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except (typer.Exit, typer.Abort, typer.BadParameter):
                raise
            except Exception as exc:
                if DEBUG["on"]:
                    raise
                code, message = describe_error(exc)
                console.print(styled(("error:", "red"), f" {message}"))
                raise typer.Exit(code) from None

        return app.command(name)(guarded)

    return register


#: Set by ``--debug``: show the traceback of an error instead of its one-line message.
DEBUG = {"on": False}


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when a command fails.")
    ] = False,
) -> None:
    """Quality indicators for Norwegian mental-health and substance-use treatment."""
    DEBUG["on"] = debug
    # Commands print what the library logs as warnings themselves, through the gate.
    logging.getLogger("indicators").addHandler(logging.NullHandler())


class _GatedHandler(logging.Handler):
    """Log records printed through the redacting console, the stage name styled."""

    def emit(self, record: logging.LogRecord) -> None:
        stage, sep, rest = record.getMessage().partition(": ")
        colour = "green" if record.levelno < logging.WARNING else "yellow"
        if sep:
            console.print(styled((stage, colour), f" {rest}"))
        else:
            console.print(stage)


@contextlib.contextmanager
def _log_to_terminal(logger_name: str) -> Iterator[None]:
    """While the block runs, print what ``logger_name`` logs at INFO and above."""
    logger = logging.getLogger(logger_name)
    handler = _GatedHandler(logging.INFO)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)


class OutputFormat(StrEnum):
    """File format of a written extract."""

    parquet = "parquet"
    csv = "csv"


@command()
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
        int,
        typer.Option(min=0, help="Random seed (0 or more); the same seed gives identical files."),
    ] = 2025,
    format: Annotated[
        OutputFormat, typer.Option("--format", help="parquet, or ';'-separated CSV.")
    ] = OutputFormat.parquet,
    defects: Annotated[
        bool,
        typer.Option(
            "--defects/--no-defects",
            help="Inject the documented defects real extracts have (listed in manifest.json). "
            "Only up to --scale 1 (an extract generated in one chunk); above it, an error.",
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
    console.print(styled(("wrote", "green"), f" {out} ({counts}) in {result.seconds:.1f} s"))


#: ``--catalogue``, shared by the commands that read the catalogue.
CatalogueOption = Annotated[
    list[str] | None,
    typer.Option(
        "--catalogue",
        help="A local catalogue: a .py file (or module) defining INDICATORS; repeat for "
        "several. Installed catalogues (entry point group indicators.catalogues) are "
        "always included.",
    ),
]


@command("list")
def list_indicators(
    lang: Annotated[str, typer.Option(help="Language of the titles: nb or en.")] = "en",
    catalogue: CatalogueOption = None,
) -> None:
    """Print the indicator catalogue: ids, titles, unit, direction, method and periods.

    With --catalogue (or installed catalogues), the local indicators follow the built-in
    ones, each definition checked as compute checks it.
    """
    from rich.table import Table

    from indicators.catalogue.local import full_catalogue, local_catalogues

    catalogues = local_catalogues(catalogue or [])
    table = Table(title="Indicator catalogue")
    for column in ("id", "title", "unit", "better", "method", "min n", "periods"):
        table.add_column(column)
    for ind in full_catalogue(catalogues):
        better = "higher" if ind.direction == "higher_is_better" else "lower"
        periods = ", ".join(ind.periods)
        table.add_row(
            ind.id, ind.title(lang), ind.unit, better, ind.method, str(ind.min_denominator), periods
        )
    _console().print(table)
    for local in catalogues:
        ids = ", ".join(i.id for i in local.indicators) or "none"
        _console().print(f"local catalogue {local.source}: {ids}")


@command()
def compute(
    extract: Annotated[Path, typer.Argument(help="Extract directory (Parquet or CSV tables).")],
    out: Annotated[Path, typer.Option("--out", help="Directory for the results tables.")],
    internal: Annotated[
        bool,
        typer.Option(
            "--internal",
            help="Also write the unsuppressed table (INTERNAL-unsuppressed-indicators.parquet); "
            "for the advisers' own checks, never for delivery.",
        ),
    ] = False,
    prevalence: Annotated[
        Path | None,
        typer.Option(
            help="Prevalence table for SOM-01/02 (';'-separated CSV); default: "
            "the package's illustrative table."
        ),
    ] = None,
    allow_unvalidated: Annotated[
        bool,
        typer.Option(
            "--allow-unvalidated",
            help="Compute even though the extract's files have not passed "
            "`indicators validate` (the manifest records that).",
        ),
    ] = False,
    catalogue: CatalogueOption = None,
) -> None:
    """Compute every indicator for every unit and period, with disclosure control.

    The extract must have passed `indicators validate` (its record in
    EXTRACT/validation.json must match the files as they are now), unless
    --allow-unvalidated is given.
    """
    from indicators.catalogue.local import local_catalogues
    from indicators.compute import compute_extract
    from indicators.errors import ExtractReadError
    from indicators.validate.record import ValidationRequiredError

    if not extract.is_dir():
        raise ExtractReadError(f"{extract}: no such extract directory")
    catalogues = local_catalogues(catalogue or [])  # checked before anything is read
    outward.output_directory(out)

    def unvalidated(error: ValidationRequiredError) -> None:
        console.print(styled(("computing an unvalidated extract:", "yellow"), f" {error}"))

    try:
        with console.status("computing indicators"):
            result = compute_extract(
                extract,
                out,
                internal=internal,
                prevalence=prevalence,
                allow_unvalidated=allow_unvalidated,
                on_unvalidated=unvalidated,
                catalogues=catalogues,
            )
    except ValidationRequiredError as error:
        console.print(styled(("not computed:", "red"), f" {error}"))
        console.print("Use --allow-unvalidated to compute anyway (recorded in the manifest).")
        raise typer.Exit(1) from None
    m = result.manifest
    console.print(
        styled(
            ("wrote", "green"),
            f" {out}: {m['rows_written']['indicators']:,} indicator rows "
            f"({sum(m['suppressed'].values()):,} suppressed) in {m['seconds']:.1f} s",
        )
    )
    for indicator_id, reason in result.skipped.items():
        console.print(styled(("skipped", "yellow"), f" {indicator_id}: {reason}"))
    for indicator_id, notes in result.partial.items():
        for note in notes:
            console.print(styled(("partial", "yellow"), f" {indicator_id}: {note}"))


@command()
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Directory for everything the demo writes.")
    ] = Path("outputs/demo"),
    scale: Annotated[float, typer.Option(min=0.001, help="Size of the synthetic extract.")] = 1.0,
    seed: Annotated[
        int, typer.Option(min=0, help="Seed of the synthetic extract (0 or more).")
    ] = 2025,
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Report notebooks run in parallel (default: CPUs).")
    ] = None,
) -> None:
    """Run the whole pipeline on a synthetic national extract: synth, validate, compute, report.

    Writes OUT/extract, OUT/validation, OUT/results and OUT/reports, and prints the
    path of OUT/reports/index.html (open it in a browser).
    """
    from indicators.demo import run_demo

    with _log_to_terminal("indicators.demo"):
        index = run_demo(out, scale=scale, seed=seed, jobs=jobs)
    typer.echo(outward.redact(str(index.resolve())))


@command()
def report(
    results_dir: Annotated[
        Path, typer.Argument(help="Results directory written by `indicators compute`.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Directory for the reports and index.html.")],
    trusts: Annotated[
        list[str] | None,
        typer.Option(
            "--trusts",
            help="'all' (default), or organisation numbers (repeat the option or separate "
            "with commas).",
        ),
    ] = None,
    lang: Annotated[str, typer.Option(help="Report language: nb (bokmål) or en.")] = "nb",
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Notebooks run in parallel (default: CPUs).")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help="Period, e.g. 2025 or 2025-T2 (default: latest full year)."),
    ] = None,
    extract: Annotated[
        Path | None,
        typer.Option(
            help="Extract whose patient ids the leak check looks for (default: the one "
            "named in the results manifest)."
        ),
    ] = None,
    national: Annotated[
        bool, typer.Option("--national/--no-national", help="Also the national overview.")
    ] = True,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf",
            help="Also print each report to a PDF (A4) beside its HTML, with headless "
            "Chromium (apt-get install chromium).",
        ),
    ] = False,
) -> None:
    """Render a report per trust (and the national overview) as offline HTML, then leak-check.

    With --pdf each report is also printed to <report>.pdf on A4 by headless Chromium,
    found on PATH (chromium, chromium-browser or google-chrome); without it, the
    command ends before rendering, saying what to install.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from indicators.reports.pdf import find_chromium
    from indicators.reports.run import render_reports, require_report_extra

    if lang not in ("nb", "en"):
        raise typer.BadParameter(f"{lang!r}: use nb or en", param_hint="--lang")
    require_report_extra()
    if pdf:
        find_chromium()
    outward.output_directory(out)
    named = [t.strip() for item in trusts or [] for t in item.split(",") if t.strip()]
    ids = None if not named or named == ["all"] else named
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task(
            "rendering reports (HTML and PDF)" if pdf else "rendering reports", total=None
        )

        def done(outcome) -> None:
            progress.advance(task)
            if not outcome.ok:
                progress.console.print(
                    styled(("failed", "red"), f" {outcome.name}: {outcome.error}")
                )

        result = render_reports(
            results_dir,
            out,
            trusts=ids,
            lang=lang,
            jobs=jobs,
            period=period,
            national=national,
            extract=extract,
            pdf=pdf,
            on_start=lambda total: progress.update(task, total=total),
            on_done=done,
        )
    for warning in result.warnings:
        console.print(styled(("warning:", "yellow"), f" {warning}"))
    for leak in result.leaks:
        console.print(styled(("leak", "red"), f" {leak}"))
    made = len(result.outcomes) - len(result.failed)
    pdfs = f" ({sum(1 for o in result.outcomes if o.pdf)} as PDF)" if pdf else ""
    console.print(
        f"{made} of {len(result.outcomes)} reports{pdfs} for {result.period} in "
        f"{result.seconds:.1f} s; {len(result.leaks)} leak-check findings"
    )
    typer.echo(outward.redact(str(result.index)))
    if not result.ok:
        raise typer.Exit(1)


@command()
def audit(
    results_dir: Annotated[
        Path, typer.Argument(help="Results directory written by `indicators compute`.")
    ],
) -> None:
    """Attack a results table as an outsider would: exit 0 if protected, 1 if not.

    Checks that no published row shows a count of 1-4 and that no withheld row shows a
    figure, then re-runs the disclosure audit (linear programming over every relation
    between published counts, with the relations and protection rule recorded in the
    results manifest). Exit 1 names every exposed cell; exit 2 when the directory cannot
    be read.
    """
    from indicators.disclosure.command import run_audit_command

    raise typer.Exit(run_audit_command(results_dir, console=_console()))


@command()
def validate(
    extract: Annotated[Path, typer.Argument(help="Extract directory to validate.")],
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Directory for validation.html and validation.json."),
    ] = None,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Write JUnit XML (one test case per rule).")
    ] = None,
    quarantine: Annotated[
        Path | None,
        typer.Option(
            "--quarantine", help="Write accepted and quarantined rows (Parquet) per table here."
        ),
    ] = None,
    extract_date: Annotated[
        str | None,
        typer.Option(
            "--extract-date",
            help="YYYY-MM-DD; overrides manifest.json's date. Without either, the latest "
            "date in the extract is used, with a warning.",
        ),
    ] = None,
    lang: Annotated[
        str, typer.Option(help="Language of the --report page: nb (bokmål) or en.")
    ] = "nb",
    suites: Annotated[
        Path | None,
        typer.Option(
            "--suites",
            help="Directory of the GX suite files (<table>.json) and cross_table.json "
            "to validate with; default: the package's expectations/.",
        ),
    ] = None,
) -> None:
    """Validate an extract: exit 0 if valid, 1 if invalid, 2 if it cannot be read.

    A missing required table is a table-level failure (exit 1, rule
    <table>.table.present, the table's other rules reported as not checked), not an
    unreadable extract. Exit 2: a file is not Parquet, damaged, not text or holds a value
    that cannot be parsed, or manifest.json is invalid (or an output asked for cannot be
    written); --junit and --report then still get a failing test case and a page saying
    which file, column and rows.

    Records the outcome in EXTRACT/validation.json (keyed by the extract's fingerprint),
    which `indicators compute` checks before computing. If the record cannot be written
    (a read-only extract), the JUnit file and report are still written, a warning says
    why, and the exit code still follows the validity.
    """
    from datetime import date

    from indicators.cli.validate import run_validate
    from indicators.extract.load import EXTRACT_DATE_TOLERANCE

    if lang not in ("nb", "en"):
        raise typer.BadParameter(f"{lang!r}: use nb or en", param_hint="--lang")
    when = None
    if extract_date is not None:
        try:
            when = date.fromisoformat(extract_date)
        except ValueError:
            raise typer.BadParameter(f"{extract_date!r} is not a date as YYYY-MM-DD") from None
        if when > date.today() + EXTRACT_DATE_TOLERANCE:
            raise typer.BadParameter(
                f"{extract_date} lies in the future; an extract is taken on or before today",
                param_hint="--extract-date",
            )
    code = run_validate(
        extract,
        report=report,
        junit=junit,
        quarantine=quarantine,
        extract_date=when,
        lang=lang,
        suites=suites,
        console=_console(),
        errors=console,
    )
    raise typer.Exit(code)


def main() -> None:
    """Run the command line (each command has its error boundary, :func:`command`)."""
    try:
        app()
    except KeyboardInterrupt:
        console.print(styled(("interrupted", "red")))
        raise SystemExit(130) from None


#: Modules of the optional extras, and the extra that installs each.
EXTRA_OF = dict.fromkeys(
    ("altair", "vl_convert", "papermill", "nbconvert", "nbformat", "ipykernel",
     "jupyter_client", "traitlets"),
    "reports",
) | {"jupyterlab": "lab"}  # fmt: skip


def describe_error(exc: BaseException) -> tuple[int, str]:
    """Exit code and one-line message for an error that ends a command."""
    import json

    import polars as pl

    text = outward.first_line(str(exc)) or type(exc).__name__
    missing = (exc.name or "").split(".")[0] if isinstance(exc, ModuleNotFoundError) else ""
    if missing in EXTRA_OF:
        extra = EXTRA_OF[missing]
        return 2, (
            f"this command needs the {extra} extra ({missing} is not installed): "
            f"pip install 'indicators[{extra}]'"
        )
    if isinstance(exc, IndicatorsError):
        return 2, text
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        reason = exc.strerror or text
        return 2, outward.redact(f"{where}{reason}")
    if isinstance(exc, (pl.exceptions.PolarsError, json.JSONDecodeError, UnicodeError)):
        return 2, f"a file could not be read ({type(exc).__name__}: {text})"
    return 3, (
        f"internal error ({type(exc).__name__}: {text}); run again with --debug for the "
        "traceback, and report it"
    )


if __name__ == "__main__":
    main()
