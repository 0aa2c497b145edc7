"""The demo pipeline: a synthetic national extract taken through every stage.

synth -> validate -> compute -> report, into one directory::

    out/extract/      the synthetic extract (and its validation record)
    out/validation/   the offline validation report
    out/results/      indicators.parquet, variation.parquet, waiting_curves.parquet
    out/reports/      one HTML report per trust, the national overview, index.html
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from indicators.errors import IndicatorsError

log = logging.getLogger(__name__)


class DemoError(IndicatorsError):
    """A stage of the demo did not succeed (the message names the stage)."""


def run_demo(
    out: str | Path,
    *,
    scale: float = 1.0,
    seed: int = 2025,
    jobs: int | None = None,
) -> Path:
    """Run every stage on a synthetic extract in ``out``; return the path of ``index.html``.

    Each stage is logged (``indicators.demo``, level INFO) when it starts and when it is
    done, with what it made and how long it took.

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
    log.info("synth: %s (%s) in %.1f s", extract_dir, counts, result.seconds)

    log.info("validate: validating the extract")
    report = validate_extract(extract_dir).report
    write_record(extract_dir, report)
    page = write_html(report, target / "validation")
    failed = [r.rule_id for r in report.results() if r.is_error and r.failed]
    if not report.passed:
        raise DemoError(f"validate: {extract_dir} failed {', '.join(failed)}; see {page}")
    rows = sum(t.rows for t in report.tables.values())
    log.info(
        "validate: %s rows, %d rules, none failed, in %.1f s (%s)",
        f"{rows:,}",
        len(report.results()),
        report.seconds,
        page,
    )

    results_dir = target / "results"
    log.info("compute: computing indicators")
    computed = compute_extract(extract_dir, results_dir)
    m = computed.manifest
    log.info(
        "compute: %s (%s indicator rows, %s suppressed) in %.1f s",
        results_dir,
        f"{m['rows_written']['indicators']:,}",
        f"{sum(m['suppressed'].values()):,}",
        m["seconds"],
    )

    log.info("report: rendering reports")
    rendered = render_reports(results_dir, target / "reports", jobs=jobs)
    made = len(rendered.outcomes) - len(rendered.failed)
    log.info(
        "report: %d of %d reports for %s in %.1f s",
        made,
        len(rendered.outcomes),
        rendered.period,
        rendered.seconds,
    )
    if not rendered.ok:
        problems = [f"{o.name}: {o.error}" for o in rendered.failed]
        problems += [str(leak) for leak in rendered.leaks]
        raise DemoError("report: " + "; ".join(problems))
    log.info("demo finished in %.1f s", time.perf_counter() - start)
    return rendered.index
