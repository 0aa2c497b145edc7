"""The demo pipeline: a synthetic national extract taken through every stage.

synth -> validate -> compute -> report, into one directory::

    out/extract/      the synthetic extract (and its validation record)
    out/validation/   the offline validation report
    out/results/      indicators.parquet, variation.parquet, waiting_curves.parquet
    out/reports/      one HTML report per trust, the national overview, index.html
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from indicators.errors import IndicatorsError
from indicators.outward import styled


class DemoError(IndicatorsError):
    """A stage of the demo did not succeed (the message names the stage)."""


def run_demo(
    out: str | Path,
    *,
    scale: float = 1.0,
    seed: int = 2025,
    jobs: int | None = None,
    console: Console,
) -> Path:
    """Run every stage on a synthetic extract in ``out``; return the path of ``index.html``.

    Raises
    ------
    DemoError
        Validation failed, or a report failed or the leak check found something.
    """
    from indicators.compute import compute_extract
    from indicators.reports.run import render_reports
    from indicators.synth import generate_extract
    from indicators.validate.html import write_html
    from indicators.validate.record import write_record
    from indicators.validate.run import validate_extract

    start = time.perf_counter()
    target = Path(out)
    extract_dir = target / "extract"
    result = generate_extract(extract_dir, scale=scale, seed=seed, progress=True)
    counts = ", ".join(f"{n:,} {t}" for t, n in result.row_counts.items())
    console.print(
        styled(("synth", "green"), f" {extract_dir} ({counts}) in {result.seconds:.1f} s")
    )

    with console.status("validating the extract"):
        report = validate_extract(extract_dir).report
    write_record(extract_dir, report)
    page = write_html(report, target / "validation")
    failed = [r.rule_id for r in report.results() if r.is_error and r.failed]
    if not report.passed:
        raise DemoError(f"validate: {extract_dir} failed {', '.join(failed)}; see {page}")
    console.print(
        styled(
            ("validate", "green"),
            f" {sum(t.rows for t in report.tables.values()):,} rows, "
            f"{len(report.results())} rules, none failed, in {report.seconds:.1f} s ({page})",
        )
    )

    results_dir = target / "results"
    with console.status("computing indicators"):
        computed = compute_extract(extract_dir, results_dir)
    m = computed.manifest
    console.print(
        styled(
            ("compute", "green"),
            f" {results_dir} "
            f"({m['rows_written']['indicators']:,} indicator rows, "
            f"{sum(m['suppressed'].values()):,} suppressed) in {m['seconds']:.1f} s",
        )
    )

    with console.status("rendering reports"):
        rendered = render_reports(results_dir, target / "reports", jobs=jobs)
    made = len(rendered.outcomes) - len(rendered.failed)
    console.print(
        styled(
            ("report", "green"),
            f" {made} of {len(rendered.outcomes)} reports for "
            f"{rendered.period} in {rendered.seconds:.1f} s",
        )
    )
    if not rendered.ok:
        problems = [f"{o.name}: {o.error}" for o in rendered.failed]
        problems += [str(leak) for leak in rendered.leaks]
        raise DemoError("report: " + "; ".join(problems))
    console.print(f"demo finished in {time.perf_counter() - start:.1f} s")
    return rendered.index
