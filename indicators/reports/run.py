"""Run the report notebooks for many trusts in parallel and write an index.

For every trust (and the national overview) the notebook is executed with papermill
in a pool of worker processes, converted to offline HTML without code, and kept beside
the HTML as an executed notebook.  One report's failure does not stop the others: it is
recorded in ``index.html`` and in the returned :class:`RenderResult`.  Afterwards every
output is scanned by the leak check (:mod:`indicators.reports.leaks`).

The notebooks only read the results directory; nothing is computed twice.

Kernel: each run registers a private kernelspec (:data:`KERNEL_NAME`) that starts
``python -m indicators.reports.kernel`` (ipykernel, see that module) with the
interpreter running this code, and passes it to papermill explicitly.

Kernel start-up, imports and the chart renderer's start-up cost more than a report
itself, so by default each worker process keeps one kernel and runs its notebooks in
it one after another, clearing the namespace (``%reset -f``) before each; every
notebook still runs top to bottom from its parameters.  ``reuse_kernels=False`` starts
a fresh kernel per notebook instead.  The notebooks therefore run in the same environment as the
command (a nox session, a venv), whatever kernels the user has installed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from indicators import __version__
from indicators.reports.data import ReportError, ResultsData
from indicators.reports.format import check_lang
from indicators.reports.html import CSS, escape
from indicators.reports.labels import text
from indicators.reports.leaks import Leak, check_leaks, read_patient_ids

KERNEL_NAME = "indicators-report"
TRUST_NOTEBOOK = "trust_report.ipynb"
NATIONAL_NOTEBOOK = "national_overview.ipynb"
NATIONAL_KEY = "national"
INDEX = "index.html"


def notebook_dir() -> Path:
    """Where the report notebooks are: ``notebooks/`` of the source tree or the package."""
    source_tree = Path(__file__).resolve().parents[2] / "notebooks"
    if (source_tree / TRUST_NOTEBOOK).exists():
        return source_tree
    packaged = Path(str(files("indicators.reports") / "notebooks"))
    if (packaged / TRUST_NOTEBOOK).exists():
        return packaged
    raise ReportError(f"report notebooks not found in {source_tree} or {packaged}")


def trust_parameters(*, trust_id: str, period: str, results_dir: Path, lang: str) -> dict[str, Any]:
    """The parameters the runner passes to ``trust_report.ipynb``."""
    return {"trust_id": trust_id, "period": period, "results_dir": str(results_dir), "lang": lang}


def national_parameters(*, period: str, results_dir: Path, lang: str) -> dict[str, Any]:
    """The parameters the runner passes to ``national_overview.ipynb``."""
    return {"period": period, "results_dir": str(results_dir), "lang": lang}


@dataclass(frozen=True)
class ReportJob:
    """One notebook to run: which, with what parameters, into which files."""

    key: str  # trust_id or "national"
    name: str
    group: str  # RHF name, or "" for the national overview
    notebook: Path
    parameters: dict[str, Any]
    ipynb: Path
    html: Path


@dataclass
class ReportOutcome:
    """What happened to one report."""

    key: str
    name: str
    group: str
    ok: bool
    seconds: float
    html: str | None = None
    ipynb: str | None = None
    bytes: int = 0
    error: str | None = None


@dataclass
class RenderResult:
    """Everything a report run produced."""

    out: Path
    index: Path
    period: str
    outcomes: list[ReportOutcome]
    leaks: list[Leak] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[ReportOutcome]:
        """The reports that could not be made."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        """True when every report was made and the leak check found nothing."""
        return not self.failed and not self.leaks


def write_kernelspec(directory: Path) -> Path:
    """Write the private kernelspec into ``directory/kernels`` and return ``directory``."""
    spec_dir = directory / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "indicators.reports.kernel",
            "-f",
            "{connection_file}",
            "--log-level=ERROR",
        ],
        "display_name": "Python (indicators reports)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), "utf-8")
    return directory


#: The kernel a worker process keeps between notebooks (``reuse_kernels=True``).
_WORKER_KERNEL: Any = None


def _init_worker(jupyter_path: str) -> None:
    previous = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (jupyter_path, previous) if p)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def _shutdown_worker_kernel() -> None:
    global _WORKER_KERNEL
    if _WORKER_KERNEL is not None:
        _WORKER_KERNEL.shutdown_kernel(now=True)
        _WORKER_KERNEL = None


def _worker_kernel(cwd: Path) -> Any:
    """The kernel of this worker, started on first use, with a cleared namespace."""
    global _WORKER_KERNEL
    from jupyter_client.manager import KernelManager

    km = _WORKER_KERNEL
    if km is None or not km.is_alive():
        km = KernelManager(kernel_name=KERNEL_NAME)
        km.start_kernel(cwd=str(cwd))
        if _WORKER_KERNEL is None:
            import atexit

            atexit.register(_shutdown_worker_kernel)
        _WORKER_KERNEL = km
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive("%reset -f", store_history=False, timeout=60)
    finally:
        client.stop_channels()
    return km


def run_job(job: ReportJob, reuse_kernel: bool = True) -> ReportOutcome:
    """Execute one notebook and convert it to HTML; never raises, records the error."""
    import papermill

    from indicators.reports.render import notebook_to_html

    start = time.perf_counter()
    try:
        kernel = {"km": _worker_kernel(job.ipynb.parent)} if reuse_kernel else {}
        papermill.execute_notebook(
            str(job.notebook),
            str(job.ipynb),
            parameters=job.parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            cwd=str(job.ipynb.parent),
            request_save_on_cell_execute=False,
            **kernel,
        )
        notebook_to_html(job.ipynb, job.html, title=job.name)
    except Exception as exc:  # noqa: BLE001 - one report's failure is recorded, not raised
        return ReportOutcome(
            key=job.key,
            name=job.name,
            group=job.group,
            ok=False,
            seconds=time.perf_counter() - start,
            ipynb=job.ipynb.name if job.ipynb.exists() else None,
            error=_error_summary(exc),
        )
    return ReportOutcome(
        key=job.key,
        name=job.name,
        group=job.group,
        ok=True,
        seconds=time.perf_counter() - start,
        html=job.html.name,
        ipynb=job.ipynb.name,
        bytes=job.html.stat().st_size,
    )


def _error_summary(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(exc).__name__}: {exc}"


def plan_jobs(
    data: ResultsData,
    out: Path,
    *,
    trusts: Sequence[str] | None,
    period: str,
    lang: str,
    national: bool,
) -> list[ReportJob]:
    """The notebooks to run: one per trust (all reference trusts by default) + national."""
    from indicators.reference import trusts as reference_trusts

    results_dir = data.directory.resolve() if data.directory else Path()
    ref = {r["trust_id"]: r for r in reference_trusts().iter_rows(named=True)}
    ids = list(trusts) if trusts else list(ref)
    nb_dir = notebook_dir()
    jobs = []
    for trust_id in ids:
        row = ref.get(trust_id, {})
        stem = f"{trust_id}_{period}_{lang}"
        jobs.append(
            ReportJob(
                key=trust_id,
                name=row.get("name", trust_id),
                group=row.get("rhf_short_name", ""),
                notebook=nb_dir / TRUST_NOTEBOOK,
                parameters=trust_parameters(
                    trust_id=trust_id, period=period, results_dir=results_dir, lang=lang
                ),
                ipynb=out / "notebooks" / f"{stem}.ipynb",
                html=out / f"{stem}.html",
            )
        )
    if national:
        stem = f"{NATIONAL_KEY}_{period}_{lang}"
        jobs.insert(
            0,
            ReportJob(
                key=NATIONAL_KEY,
                name=text("national_overview", lang),
                group="",
                notebook=nb_dir / NATIONAL_NOTEBOOK,
                parameters=national_parameters(period=period, results_dir=results_dir, lang=lang),
                ipynb=out / "notebooks" / f"{stem}.ipynb",
                html=out / f"{stem}.html",
            ),
        )
    return jobs


def render_reports(
    results_dir: str | Path,
    out: str | Path,
    *,
    trusts: Sequence[str] | None = None,
    lang: str = "nb",
    jobs: int | None = None,
    period: str | None = None,
    national: bool = True,
    extract: str | Path | None = None,
    reuse_kernels: bool = True,
    on_done: Callable[[ReportOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RenderResult:
    """Render the reports of ``trusts`` (default: every trust) and the national overview.

    Parameters
    ----------
    results_dir
        Directory written by ``indicators compute``.
    out
        Output directory: ``<trust>_<period>_<lang>.html`` per report, the executed
        notebooks in ``notebooks/``, ``index.html`` and ``reports.json``.
    trusts
        Organisation numbers; None for every trust in the reference data.
    lang
        ``nb`` or ``en``.
    jobs
        Worker processes (default: the number of CPUs).
    period
        ``2025`` or ``2025-T2``; None: the latest full year in the results.
    national
        Also render the national overview.
    extract
        The extract, for the leak check's patient ids; default: ``parameters.extract``
        of the results manifest.  Without one only the pseudonym shape is checked.
    reuse_kernels
        Run a worker's notebooks one after another in one kernel (the default, see the
        module docstring), or start a fresh kernel per notebook.
    on_done, on_start
        Progress callbacks: ``on_start(total)`` once, ``on_done(outcome)`` per report.

    Returns
    -------
    RenderResult
        Outcomes per report, leak-check findings and the index path.
    """
    start = time.perf_counter()
    lang = check_lang(lang)
    data = ResultsData.read(results_dir)
    period = data.check_period(period)
    target = Path(out)
    (target / "notebooks").mkdir(parents=True, exist_ok=True)
    planned = plan_jobs(data, target, trusts=trusts, period=period, lang=lang, national=national)
    if on_start:
        on_start(len(planned))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(planned)))
    outcomes: dict[str, ReportOutcome] = {}
    with tempfile.TemporaryDirectory(prefix="indicators-kernel-") as kernel_home:
        write_kernelspec(Path(kernel_home))
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("spawn"),
            initializer=_init_worker,
            initargs=(kernel_home,),
        ) as pool:
            futures = {pool.submit(run_job, job, reuse_kernels): job for job in planned}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails one report
                    outcome = ReportOutcome(
                        job.key, job.name, job.group, ok=False, seconds=0.0, error=str(exc)
                    )
                outcomes[job.key] = outcome
                if on_done:
                    on_done(outcome)
    ordered = [outcomes[j.key] for j in planned]
    extract_path = Path(extract) if extract else data.extract_path
    ids = read_patient_ids(extract_path) if extract_path and extract_path.exists() else frozenset()
    leaks = check_leaks(
        [f for j in planned for f in (j.html, j.ipynb) if f.exists()], patient_ids=ids
    )
    index = write_index(target, data=data, period=period, lang=lang, outcomes=ordered, leaks=leaks)
    result = RenderResult(
        out=target,
        index=index,
        period=period,
        outcomes=ordered,
        leaks=leaks,
        seconds=time.perf_counter() - start,
    )
    _write_record(result, results_dir=Path(results_dir), lang=lang, extract=extract_path)
    return result


def _write_record(
    result: RenderResult, *, results_dir: Path, lang: str, extract: Path | None
) -> None:
    record = {
        "results_dir": str(results_dir.resolve()),
        "extract_for_leak_check": str(extract) if extract else None,
        "period": result.period,
        "lang": lang,
        "package_version": __version__,
        "seconds": round(result.seconds, 2),
        "ok": result.ok,
        "reports": [asdict(o) for o in result.outcomes],
        "leaks": [{"file": str(x.path), "kind": x.kind, "detail": x.detail} for x in result.leaks],
    }
    (result.out / "reports.json").write_text(json.dumps(record, indent=2), "utf-8")


def write_index(
    out: Path,
    *,
    data: ResultsData,
    period: str,
    lang: str,
    outcomes: Sequence[ReportOutcome],
    leaks: Sequence[Leak],
) -> Path:
    """Write ``index.html``: every report with its status, links, size and error."""
    leak_files = {x.path.name for x in leaks}
    rows = []
    for o in outcomes:
        leaked = (o.html in leak_files) or (o.ipynb in leak_files)
        ok = o.ok and not leaked
        status_class = "ind-ok" if ok else "ind-failed"
        status = text("status_ok" if ok else "status_failed", lang)
        link = f'<a href="{escape(o.html)}">{escape(o.name)}</a>' if o.html else escape(o.name)
        nb_link = f'<a href="notebooks/{escape(o.ipynb)}">{escape(o.ipynb)}</a>' if o.ipynb else ""
        error = o.error or (
            "leak check: "
            + ", ".join(sorted({x.kind for x in leaks if x.path.name in {o.html, o.ipynb}}))
            if leaked
            else ""
        )
        rows.append(
            f'<tr data-report="{escape(o.key)}" data-status="{"ok" if ok else "failed"}">'
            f"<td>{link}</td><td>{escape(o.group)}</td>"
            f'<td class="{status_class}">{escape(status)}</td>'
            f'<td class="num">{o.seconds:.1f}</td>'
            f'<td class="num">{o.bytes / 1024:.0f} KB</td>'
            f"<td>{nb_link}</td><td>{escape(error)}</td></tr>"
        )
    head = "".join(
        f"<th>{escape(h)}</th>"
        for h in (
            text("report", lang),
            text("rhf", lang),
            text("status", lang),
            text("seconds", lang),
            "HTML",
            text("notebook", lang),
            text("error", lang),
        )
    )
    from indicators.reports.header import header_html

    header = header_html(
        data,
        title=text("index_title", lang),
        subtitle=text("subtitle", lang),
        period=period,
        lang=lang,
    )
    page = (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(text('index_title', lang))} {escape(period)}</title>"
        f'<style>{CSS}</style></head><body class="ind-report">{header}'
        f'<table class="ind-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></body></html>"
    )
    index = out / INDEX
    index.write_text(page, "utf-8")
    return index
