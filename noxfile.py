"""Every task a developer or CI runs.  ``python3 noxw.py -l`` lists them."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True
# A missing Python 3.11 must fail the run, not skip the tests silently.
nox.options.error_on_missing_interpreters = True

PYTHON = "3.11"
ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")


def install(session: nox.Session, *groups: str) -> None:
    session.install("--upgrade", "pip")
    deps = [d for g in groups for d in nox.project.dependency_groups(PYPROJECT, g)]
    session.install("-e", ".", *deps)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (unit, property, doctest and end-to-end tests)."""
    install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Run the whole pipeline on the built-in synthetic extract into outputs/demo/."""
    install(session)
    session.run("indicators", "demo", "--out", str(ROOT / "outputs" / "demo"), *session.posargs)


@nox.session(python=PYTHON, default=False)
def validate_synthetic(session: nox.Session) -> None:
    """Validate synthetic extracts as a CI job would: clean must pass (0), defects must fail (1)."""
    install(session)
    tmp = Path(session.create_tmp())
    clean, defects = tmp / "extract-clean", tmp / "extract-defects"
    session.run("indicators", "synth", "--out", str(clean), "--scale", "0.2")
    session.run("indicators", "validate", str(clean), "--junit", str(tmp / "clean.xml"))
    session.run(
        "indicators",
        "synth",
        "--out",
        str(defects),
        "--scale",
        "0.2",
        "--format",
        "csv",
        "--defects",
    )
    session.run(
        "indicators",
        "validate",
        str(defects),
        "--report",
        str(tmp / "defects-report"),
        "--junit",
        str(tmp / "defects.xml"),
        "--quarantine",
        str(tmp / "quarantine"),
        success_codes=[1],
    )


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Run the benchmarks in benchmarks/ and write their results to outputs/bench/."""
    install(session, "bench")
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if session.posargs:
        scripts = [s for s in scripts if any(p in s.name for p in session.posargs)]
    for script in scripts:
        session.run("python", str(script))


@nox.session(python=PYTHON, default=False)
def lab(session: nox.Session) -> None:
    """Open JupyterLab with the package installed and the notebooks ready."""
    install(session, "lab")
    session.run(
        "python",
        "-m",
        "ipykernel",
        "install",
        "--sys-prefix",
        "--name",
        "indicators",
        "--display-name",
        "Python (indicators)",
    )
    if not (ROOT / "outputs" / "demo").exists():
        session.log("no demo outputs yet: run `python3 noxw.py -s demo` first for data")
    env = {"INDICATORS_RESULTS": str(ROOT / "outputs" / "demo")}
    session.run("jupyter", "lab", "--notebook-dir", str(ROOT / "notebooks"), env=env)


@nox.session(python=False, default=False)
def clean(session: nox.Session) -> None:
    """Remove generated outputs and caches (keeps outputs/README.md)."""
    for path in (ROOT / "outputs").iterdir():
        if path.name != "README.md":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
