"""Run the report notebooks for many trusts in parallel and write an index.

For every trust (and the national overview) the notebook is executed with papermill
in a pool of worker processes, converted to offline HTML without code, and kept beside
the HTML as an executed notebook.  One report's failure does not stop the others: it is
recorded in ``index.html`` and in the returned :class:`RenderResult`.  Afterwards every
output is scanned by the leak check (:mod:`indicators.reports.leaks`).

The notebooks only read the results directory; nothing is computed twice.  They are
given the results directory as an absolute path, and paths the results manifest records
are resolved against it (:class:`~indicators.reports.data.ResultsData`), so the
notebooks find the extract and its validation record from any working directory.

Every trust in the reference data is asked for by default; those the results hold no
rows for in the period (results of one trust, or of one region) are skipped, and the
run says which in a warning: no report is made for them and none fails.  A trust asked
for by its organisation number gets a report or a failure.

With ``pdf=True`` each worker also prints the report it has just made to a PDF beside
its HTML (:func:`~indicators.reports.pdf.html_to_pdf`, headless Chromium, on A4); a PDF
that cannot be made fails that report (its HTML stays).  Chromium is looked for before
any notebook runs, so a missing browser ends the run at once, saying what to install.

Each worker scans the report it has just made (:func:`~indicators.reports.leaks.check_leaks`),
so the leak check runs in parallel with the other reports; ``index.html`` and
``reports.json`` are scanned last.  What the run could not check (an extract that
cannot be found for the patient ids, a missing validation record) is reported as a
warning: logged, listed at the top of ``index.html`` and in ``reports.json``.

Kernel: each run writes a private kernelspec (:data:`KERNEL_NAME`) into a temporary
directory; it starts ``python -m indicators.reports.kernel`` (ipykernel) with the
interpreter running this code.  Workers start kernels from it with jupyter_client's
``KernelManager`` (its ``KernelSpecManager`` looks in that directory only) and hand
them to papermill; no environment variable of the process is changed.

Kernel start-up, imports and the chart renderer's start-up cost more than a report
itself, so by default each worker process keeps one kernel and runs its notebooks in
it one after another, clearing the namespace (``%reset -f``) before each; every
notebook still runs top to bottom from its parameters.  What ``%reset`` clears is the
notebook's namespace; modules a notebook imported stay imported (that is the saving),
so the notebooks change no module's settings.  Measured side by side (four trust
reports, one worker, 2 cores): 6.0–6.2 s per report after the first with a kept kernel,
9.0–10.6 s with a fresh one; 31 s against 41 s in all.  A kept kernel also keeps the
charts' spec templates (:func:`~indicators.charts.display.spec_template`): after a
worker's first report altair builds almost no chart again, and each report only fills
in its trust's texts and data; drawing the SVGs with vl-convert is then most of a
report's time (``benchmarks/bench_reports.py`` measures it).  ``reuse_kernels=False``
starts a fresh kernel per notebook instead.  The notebooks therefore run in the same
environment as the command (a nox session, a venv), whatever kernels the user has
installed.
"""

from __future__ import annotations

import importlib.util
import json
import logging
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

from indicators import __version__, outward
from indicators.disclosure import PublishedTableError, disclosure_problems
from indicators.present.format import check_lang, format_count, format_number
from indicators.present.labels import text
from indicators.reports.data import ReportError, ResultsData
from indicators.reports.html import CSS, PAGE_CSS, escape
from indicators.reports.leaks import Leak, check_leaks, read_patient_ids
from indicators.reports.pdf import find_chromium
from indicators.reports.quality import find_validation, validation_candidates

log = logging.getLogger(__name__)

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
    #: Where to print the PDF of the HTML, or None for no PDF.
    pdf: Path | None = None


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
    pdf: str | None = None
    pdf_bytes: int = 0
    leaks: list[Leak] = field(default_factory=list)
    #: Wall seconds of each step (:data:`REPORT_STEPS`) the report went through.
    #: ``seconds`` is the time until the HTML (and PDF) was written: every step but
    #: the leak check.
    seconds_by_step: dict[str, float] = field(default_factory=dict)


#: The steps of one report, in order: a ready kernel with a cleared namespace; the
#: notebook executed in it and written (papermill); the HTML; the leak check of both
#: files; the PDF.
REPORT_STEPS = ("kernel", "notebook", "html", "leak_check", "pdf")


class _Steps:
    """Wall seconds per step: ``steps.start("html")`` ends the step before."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._step: str | None = None
        self._since = time.perf_counter()

    def start(self, step: str | None) -> None:
        now = time.perf_counter()
        if self._step is not None:
            self.seconds[self._step] = self.seconds.get(self._step, 0.0) + now - self._since
        self._step, self._since = step, now


@dataclass
class RenderResult:
    """Everything a report run produced."""

    out: Path
    index: Path
    period: str
    outcomes: list[ReportOutcome]
    leaks: list[Leak] = field(default_factory=list)
    seconds: float = 0.0
    #: What the run could not check or find (also logged and shown in the index).
    warnings: list[str] = field(default_factory=list)
    #: Whether the leak check knew the extract's patient ids (else only their shape).
    patient_ids_checked: bool = False
    #: Trusts left out because the results hold no rows for them: id -> name.
    skipped: dict[str, str] = field(default_factory=dict)

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


@dataclass
class _Worker:
    """What a worker process keeps between its reports (set by the pool's initializer)."""

    #: Where the private kernelspec is (``<kernel home>/kernels``).
    kernel_dirs: list[str] = field(default_factory=list)
    #: The extract's patient ids, for the leak check of each report.
    patient_ids: frozenset[str] = frozenset()
    #: The Chromium command PDFs are printed with (found once, before the pool starts).
    chromium: str | None = None
    #: The kernel kept between notebooks (``reuse_kernels=True``).
    kernel: Any = None


#: This process's worker state.
_WORKER = _Worker()

#: The kernel's environment beyond the worker's own: the debugger's frozen-modules
#: warning is for interactive debugging, which a report's kernel never does.
KERNEL_ENVIRONMENT = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def _init_worker(
    kernel_home: str, patient_ids: frozenset[str] = frozenset(), chromium: str | None = None
) -> None:
    _WORKER.kernel_dirs = [str(Path(kernel_home) / "kernels")]
    _WORKER.patient_ids = patient_ids
    _WORKER.chromium = chromium


def _start_kernel(cwd: Path) -> Any:
    """A started kernel of the private kernelspec, found in the worker's kernel directory."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    specs = KernelSpecManager(kernel_dirs=_WORKER.kernel_dirs)
    km = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
    km.start_kernel(cwd=str(cwd), env={**os.environ, **KERNEL_ENVIRONMENT})
    return km


def _shutdown_worker_kernel() -> None:
    if _WORKER.kernel is not None:
        _WORKER.kernel.shutdown_kernel(now=True)
        _WORKER.kernel = None


#: Tries to start a worker's kernel: the ports a kernel is given are free when chosen
#: but can be taken by another process before the kernel binds them.
KERNEL_START_ATTEMPTS = 3


def _worker_kernel(cwd: Path) -> Any:
    """The kernel of this worker, ready and with a cleared namespace (retried on failure)."""
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            return _ready_kernel(cwd)
        except Exception:
            _shutdown_worker_kernel()
            if attempt == KERNEL_START_ATTEMPTS:
                raise
            log.info("kernel did not start (attempt %d); starting another", attempt)
    raise AssertionError("unreachable")


def _ready_kernel(cwd: Path) -> Any:
    """The kernel of this worker, started on first use, with a cleared namespace."""
    km = _WORKER.kernel
    if km is None or not km.is_alive():
        km = _start_kernel(cwd)
        if _WORKER.kernel is None:
            import atexit

            atexit.register(_shutdown_worker_kernel)
        _WORKER.kernel = km
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive("%reset -f", store_history=False, timeout=60)
    finally:
        client.stop_channels()
    return km


def run_job(job: ReportJob, reuse_kernel: bool = True) -> ReportOutcome:
    """Execute one notebook, convert it to HTML, leak-check both, print the PDF; never raises.

    An error is recorded in the outcome; so is every leak-check finding.  The PDF
    (when ``job.pdf`` is set) is printed after the leak check, from the HTML.
    """
    import papermill

    from indicators.reports.render import notebook_to_html

    start = time.perf_counter()
    steps = _Steps()
    km = None
    try:
        steps.start("kernel")
        km = _worker_kernel(job.ipynb.parent) if reuse_kernel else _start_kernel(job.ipynb.parent)
        steps.start("notebook")
        executed = papermill.execute_notebook(
            str(job.notebook),
            str(job.ipynb),
            parameters=job.parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            cwd=str(job.ipynb.parent),
            request_save_on_cell_execute=False,
            km=km,
        )
        steps.start("html")
        notebook_to_html(executed, job.html, title=job.name, lang=job.parameters["lang"])
        steps.start(None)
    except Exception as exc:  # noqa: BLE001 - one report's failure is recorded, not raised
        written = [job.ipynb] if job.ipynb.exists() else []
        steps.start(None)
        return ReportOutcome(
            key=job.key,
            name=job.name,
            group=job.group,
            ok=False,
            seconds=time.perf_counter() - start,
            ipynb=job.ipynb.name if job.ipynb.exists() else None,
            error=_error_summary(exc),
            leaks=check_leaks(written, patient_ids=_WORKER.patient_ids),
            seconds_by_step=steps.seconds,
        )
    finally:
        if km is not None and not reuse_kernel:
            km.shutdown_kernel(now=True)
    outcome = ReportOutcome(
        key=job.key,
        name=job.name,
        group=job.group,
        ok=True,
        seconds=time.perf_counter() - start,
        html=job.html.name,
        ipynb=job.ipynb.name,
        bytes=job.html.stat().st_size,
        seconds_by_step=steps.seconds,
    )
    steps.start("leak_check")
    outcome.leaks = check_leaks([job.html, job.ipynb], patient_ids=_WORKER.patient_ids)
    steps.start(None)
    if job.pdf is not None:
        steps.start("pdf")
        print_pdf(job, outcome, chromium=_WORKER.chromium)
        steps.start(None)
        outcome.seconds = time.perf_counter() - start - steps.seconds["leak_check"]
    return outcome


def print_pdf(job: ReportJob, outcome: ReportOutcome, *, chromium: str | None = None) -> None:
    """Print ``job.html`` to ``job.pdf`` and record it in ``outcome``.

    A PDF that cannot be made fails the report (``outcome.ok`` False, the error starting
    with ``PDF:``); its HTML stays.  A page the leak check found something in is not
    printed (a PDF of an earlier run is removed).  ``chromium``: the command, default
    found on PATH.
    """
    from indicators.reports.pdf import html_to_pdf

    if job.pdf is None:
        return
    if outcome.leaks:
        job.pdf.unlink(missing_ok=True)
        return
    try:
        html_to_pdf(job.html, job.pdf, chromium=chromium)
    except Exception as exc:  # noqa: BLE001 - recorded in the outcome, as any failure
        outcome.ok = False
        outcome.error = f"PDF: {_error_summary(exc)}"
        return
    outcome.pdf = job.pdf.name
    outcome.pdf_bytes = job.pdf.stat().st_size


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
    pdf: bool = False,
) -> list[ReportJob]:
    """The notebooks to run: one per trust (all reference trusts by default) + national.

    With ``pdf=True`` each job also prints its HTML to ``<stem>.pdf`` beside it.
    """
    from indicators.reference import trusts as reference_trusts

    results_dir = data.directory.resolve() if data.directory else Path.cwd()
    ref = {r["trust_id"]: r for r in reference_trusts().iter_rows(named=True)}
    ids = list(trusts) if trusts else list(ref)
    nb_dir = notebook_dir()
    jobs = []
    for trust_id in ids:
        row = ref.get(trust_id, {})
        stem = outward.safe_name(f"{trust_id}_{period}_{lang}")
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
                pdf=out / f"{stem}.pdf" if pdf else None,
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
                pdf=out / f"{stem}.pdf" if pdf else None,
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
    pdf: bool = False,
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
        Organisation numbers; None for every trust in the reference data that the
        results hold rows for in the period (the others are skipped, with a warning).
    lang
        ``nb`` or ``en``.
    jobs
        Worker processes (default: the number of CPUs).
    period
        ``2025`` or ``2025-T2``; None: the latest full year in the results.
    national
        Also render the national overview.
    extract
        The extract, for the leak check's patient ids; default: the extract the results
        manifest names (resolved as :class:`ResultsData` does).  When it cannot be
        found, only the pseudonym shape is checked and the run says so in a warning.
    reuse_kernels
        Run a worker's notebooks one after another in one kernel (the default, see the
        module docstring), or start a fresh kernel per notebook.
    pdf
        Also print each report to ``<stem>.pdf`` beside its HTML, on A4, with headless
        Chromium (:mod:`indicators.reports.pdf`), in the report's worker after its HTML.
        Raises :class:`~indicators.reports.pdf.PdfError` before any notebook runs when
        Chromium is not installed.
    on_done, on_start
        Progress callbacks: ``on_start(total)`` once, ``on_done(outcome)`` per report.

    Returns
    -------
    RenderResult
        Outcomes per report, leak-check findings, warnings and the index path.
    """
    start = time.perf_counter()
    require_report_extra()
    chromium = str(find_chromium()) if pdf else None
    lang = check_lang(lang)
    data = ResultsData.read(results_dir)
    period = data.check_period(period)
    _require_disclosure(data)
    target = Path(out)
    planned = plan_jobs(
        data, target, trusts=trusts, period=period, lang=lang, national=national, pdf=pdf
    )
    skipped: dict[str, str] = {}
    if trusts is None:
        planned, skipped = without_data(planned, data, period)
    if not planned:
        raise ReportError(
            f"{data.directory}: the results hold no rows of any trust in {period}; "
            "no report to render"
        )
    (target / "notebooks").mkdir(parents=True, exist_ok=True)
    warnings = skipped_warnings(skipped, period, lang) + _validation_warnings(data, lang)
    extract_path, patient_ids, extract_warnings = _leak_check_ids(data, extract, lang)
    warnings += extract_warnings
    for warning in warnings:
        log.warning("%s", outward.redact(warning))
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
            initargs=(kernel_home, patient_ids, chromium),
        ) as pool:
            # The national overview is planned first, so it is not the last to finish.
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
    result = RenderResult(
        out=target,
        index=target / INDEX,
        period=period,
        outcomes=ordered,
        leaks=[leak for o in ordered for leak in o.leaks],
        warnings=warnings,
        patient_ids_checked=bool(patient_ids),
        skipped=skipped,
    )
    result.seconds = time.perf_counter() - start
    write_index_and_record(
        result, data=data, lang=lang, extract=extract_path, patient_ids=patient_ids
    )
    return result


RECORD = "reports.json"


def without_data(
    planned: list[ReportJob], data: ResultsData, period: str
) -> tuple[list[ReportJob], dict[str, str]]:
    """The jobs of trusts with rows in ``period``, and the trusts left out (id -> name)."""
    present = data.trusts_with_rows(period)
    kept = [j for j in planned if j.key == NATIONAL_KEY or j.key in present]
    skipped = {j.key: j.name for j in planned if j not in kept}
    return kept, skipped


def skipped_warnings(skipped: dict[str, str], period: str, lang: str) -> list[str]:
    """The note naming the trusts left out for want of rows, or nothing."""
    if not skipped:
        return []
    names = ", ".join(f"{name} ({trust_id})" for trust_id, name in skipped.items())
    note = text("skipped_no_data", lang).format(count=len(skipped), period=period)
    return [f"{note}: {names}"]


#: What rendering needs beyond the core install (the ``reports`` extra).
REPORT_MODULES = ("altair", "vl_convert", "papermill", "nbconvert", "nbformat", "ipykernel")


def require_report_extra() -> None:
    """Say in one line which extra to install when a module rendering needs is missing."""
    missing = [m for m in REPORT_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise ReportError(
            f"rendering reports needs the reports extra ({', '.join(missing)} not "
            "installed): pip install 'indicators[reports]'"
        )


#: The unsuppressed table ``compute --internal`` writes (never for delivery).
INTERNAL_TABLE = "INTERNAL-unsuppressed-indicators.parquet"


def _require_disclosure(data: ResultsData) -> None:
    """Refuse a results table that breaks the disclosure rules or fails the audit.

    A results directory that holds the unsuppressed table (``compute --internal``) is
    for the advisers' own checks and is refused too.
    """
    internal = data.directory / INTERNAL_TABLE if data.directory else None
    if internal is not None and internal.exists():
        raise ReportError(
            f"{internal}: the unsuppressed table is in the results directory; reports are "
            "made only from results computed without --internal (remove the file, or "
            "compute again into another directory)"
        )
    try:
        problems = disclosure_problems(data.indicators, data.manifest)
    except PublishedTableError as error:
        raise ReportError(f"{data.directory}: {error}") from None
    if not problems:
        return
    shown = "; ".join(problems[:3]) + (
        f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
    )
    raise ReportError(
        f"{data.directory}: the results fail disclosure control ({shown}); no report was "
        "written. Recompute them with `indicators compute`, or run `indicators audit` on "
        "the directory for every finding."
    )


def write_index_and_record(
    result: RenderResult,
    *,
    data: ResultsData,
    lang: str,
    extract: Path | None,
    patient_ids: frozenset[str] = frozenset(),
) -> None:
    """Write ``index.html`` and ``reports.json``, leak-check both, add what is found.

    They are outputs too: when the check finds something in them, the finding is added
    to ``result.leaks`` and both are written again, naming it (findings mask identifiers).
    """
    for _ in range(2):
        write_index(result, data=data, lang=lang)
        _write_record(result, results_dir=data.directory, lang=lang, extract=extract)
        scanned = [result.index, result.out / RECORD]
        found = [
            leak
            for leak in check_leaks(scanned, patient_ids=patient_ids)
            if leak not in result.leaks
        ]
        if not found:
            return
        result.leaks += found


def _validation_warnings(data: ResultsData, lang: str) -> list[str]:
    """A warning when no validation record will be found for the data-quality sections."""
    if find_validation(data.directory, data.extract_path) is not None:
        return []
    searched = ", ".join(str(p) for p in validation_candidates(data.directory, data.extract_path))
    extract = data.extract_recorded
    where = (
        f" ({text('extract_not_found', lang)}: {extract})"
        if extract and data.extract_path is None
        else ""
    )
    return [f"{text('no_validation_warning', lang)}{where}. {text('searched', lang)}: {searched}"]


def _leak_check_ids(
    data: ResultsData, extract: str | Path | None, lang: str
) -> tuple[Path | None, frozenset[str], list[str]]:
    """The extract, its patient ids and any warning, for the leak check."""
    if extract is not None:
        named: str | None = str(extract)
        given = Path(extract).expanduser().resolve()
        path: Path | None = given if given.exists() else None
    else:
        named, path = data.extract_recorded, data.extract_path
    if path is None:
        what = f"{text('extract_not_found', lang)}: {named}" if named else text("no_extract", lang)
        warning = f"{text('leak_check', lang)}: {what}; {text('ids_shape_only', lang)}"
        return None, frozenset(), [warning]
    try:
        ids = read_patient_ids(path)
    except Exception as exc:  # noqa: BLE001 - an unreadable extract is reported, not fatal
        warning = (
            f"{text('leak_check', lang)}: {text('extract_unreadable', lang)} {path} "
            f"({type(exc).__name__}: {exc}); {text('ids_shape_only', lang)}"
        )
        return path, frozenset(), [warning]
    return path, ids, []


def _write_record(
    result: RenderResult, *, results_dir: Path | None, lang: str, extract: Path | None
) -> None:
    record = {
        "results_dir": str(results_dir) if results_dir else None,
        "extract_for_leak_check": str(extract) if extract else None,
        "patient_ids_checked": result.patient_ids_checked,
        "period": result.period,
        "lang": lang,
        "package_version": __version__,
        "seconds": round(result.seconds, 2),
        "ok": result.ok,
        "warnings": result.warnings,
        "skipped": [{"trust_id": k, "name": v} for k, v in result.skipped.items()],
        "reports": [_outcome_record(o) for o in result.outcomes],
        "leaks": [{"file": str(x.path), "kind": x.kind, "detail": x.detail} for x in result.leaks],
    }
    outward.write_json(result.out / RECORD, record)


def _outcome_record(outcome: ReportOutcome) -> dict[str, Any]:
    """One report in ``reports.json``: its time rounded as the index shows it."""
    record = {k: v for k, v in asdict(outcome).items() if k != "leaks"}
    record["seconds"] = round(outcome.seconds, 2)
    record["seconds_by_step"] = {k: round(v, 2) for k, v in outcome.seconds_by_step.items()}
    return record


def write_index(result: RenderResult, *, data: ResultsData, lang: str) -> Path:
    """Write ``index.html``: warnings, then every report with its status, links and error."""
    from indicators.reports.header import header_html
    from indicators.reports.quality import warning_html

    rows = []
    for o in result.outcomes:
        own = [x for x in result.leaks if x.path.name in {o.html, o.ipynb}]
        ok = o.ok and not own
        status_class = "ind-ok" if ok else "ind-failed"
        status = text("status_ok" if ok else "status_failed", lang)
        link = f'<a href="{escape(o.html)}">{escape(o.name)}</a>' if o.html else escape(o.name)
        nb_link = f'<a href="notebooks/{escape(o.ipynb)}">{escape(o.ipynb)}</a>' if o.ipynb else ""
        if o.pdf:
            link += f' (<a href="{escape(o.pdf)}" data-pdf="{escape(o.pdf)}">PDF</a>)'
        error = o.error or (
            f"{text('leak_check', lang)}: {', '.join(sorted({x.kind for x in own}))}" if own else ""
        )
        rows.append(
            f'<tr data-report="{escape(o.key)}" data-status="{"ok" if ok else "failed"}">'
            f"<td>{link}</td><td>{escape(o.group)}</td>"
            f'<td class="{status_class}">{escape(status)}</td>'
            f'<td class="num">{escape(format_number(o.seconds, decimals=1, lang=lang))}</td>'
            f'<td class="num">{escape(format_count(o.bytes / 1024, lang=lang))} KB</td>'
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
    header = header_html(
        data,
        title=text("index_title", lang),
        subtitle=text("subtitle", lang),
        period=result.period,
        lang=lang,
    )
    warnings = "".join(warning_html(w) for w in result.warnings)
    other_leaks = [
        x
        for x in result.leaks
        if x.path.name not in {n for o in result.outcomes for n in (o.html, o.ipynb) if n}
    ]
    warnings += "".join(
        warning_html(f"{text('leak_check', lang)}: {x.path.name}: {x.kind}") for x in other_leaks
    )
    page = (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(text('index_title', lang))} {escape(result.period)}</title>"
        f'<style>{PAGE_CSS}{CSS}</style></head><body class="ind-report"><main>{header}'
        f'{warnings}<table class="ind-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></main></body></html>"
    )
    outward.write_text(result.index, page)
    return result.index
