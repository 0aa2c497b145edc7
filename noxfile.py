"""Every task a developer or CI runs.  ``python3 noxw.py -l`` lists them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
#: uv where nox has it (``noxw.py`` installs it), the standard library's venv otherwise.
nox.options.default_venv_backend = "uv|venv"
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

#: Sessions run on the interpreter nox runs on (``python3`` for ``noxw.py``), whichever
#: supported version it is; none is pinned.
PYTHON = None
ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
#: The lock every session installs from.
LOCK = str(ROOT / "constraints.txt")


def install(session: nox.Session, *groups: str, extras: str = "reports") -> None:
    """Install the package (editable, with ``extras``) and dependency ``groups`` from the lock."""
    if session.venv_backend != "uv":
        session.install("--upgrade", "pip")
    deps = [d for g in groups for d in nox.project.dependency_groups(PYPROJECT, g)]
    target = f".[{extras}]" if extras else "."
    session.install("-c", LOCK, "-e", target, *deps)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (unit, property, doctest and end-to-end tests)."""
    install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff, and the types with mypy."""
    install(session, "lint", extras="reports")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    # The types, against the locked dependencies (the settings are in pyproject.toml).
    session.run("mypy")


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Run the whole pipeline on the built-in synthetic extract into outputs/demo/."""
    install(session)
    session.run("indicators", "demo", "--out", str(ROOT / "outputs" / "demo"), *session.posargs)
    session.log(f"the indicators command is {Path(session.bin) / 'indicators'}")


@nox.session(python=PYTHON, default=False)
def validate_synthetic(session: nox.Session) -> None:
    """Validate synthetic extracts as a CI job would: clean must pass (0), defects must fail (1).

    Installs the core only, as such a job would.
    """
    install(session, extras="")
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
def wheel(session: nox.Session) -> None:
    """Install the built wheel as a user would and run it from an empty directory.

    The core alone validates and computes and says which extra ``report`` needs; with
    ``[reports]`` added to the same environment, one trust's report and the national
    overview are rendered from the packaged notebooks.
    """
    tmp = Path(session.create_tmp()).resolve()
    for path in tmp.iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    if session.venv_backend == "uv":
        session.run("uv", "build", "--wheel", "-q", "-o", str(tmp), str(ROOT))
    else:
        session.run("python", "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp), str(ROOT))
    (built,) = tmp.glob("indicators-*.whl")
    work = tmp / "elsewhere"
    work.mkdir()
    core = _venv(session, tmp / "core", str(built))
    with session.chdir(work):
        session.run(
            core / "indicators", "synth", "--out", "x", "--scale", "0.3", "-q", external=True
        )
        session.run(core / "indicators", "validate", "x", external=True)
        session.run(core / "indicators", "compute", "x", "--out", "r", external=True)
        session.run(
            core / "indicators", "report", "r", "--out", "o", external=True, success_codes=[2]
        )
    _install_into(session, core, f"{built}[reports]")
    with session.chdir(work):
        session.run(
            core / "indicators", "report", "r", "--out", "o", "--trusts", "983971709",
            external=True,
        )  # fmt: skip


def _venv(session: nox.Session, where: Path, requirement: str) -> Path:
    """A fresh venv with ``requirement`` installed from the lock; returns its bin directory."""
    if session.venv_backend == "uv":
        session.run("uv", "venv", "-q", str(where))
    else:
        session.run("python", "-m", "venv", str(where))
    _install_into(session, where / "bin", requirement)
    return where / "bin"


def _install_into(session: nox.Session, bin_dir: Path, requirement: str) -> None:
    """Install ``requirement`` from the lock into the venv whose bin directory is ``bin_dir``."""
    if session.venv_backend == "uv":
        python = str(bin_dir / "python")
        session.run("uv", "pip", "install", "-q", "--python", python, "-c", LOCK, requirement)
    else:
        session.run(bin_dir / "pip", "install", "-q", "-c", LOCK, requirement, external=True)


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
    """Open JupyterLab on the notebooks, with the demo results found.

    Arguments go to ``jupyter lab`` (``python3 noxw.py -s lab -- --port 8899``);
    ``--allow-root`` is added when run as root (containers).
    """
    install(session, extras="lab")
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
    args = ["--notebook-dir", str(ROOT / "notebooks"), *session.posargs]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        args.append("--allow-root")
    session.run("jupyter", "lab", *args, env=env)


@nox.session(python=PYTHON, default=False)
def dev(session: nox.Session) -> None:
    """Install the development tools and the git filter that strips notebook outputs."""
    install(session, "dev", extras="lab")
    # The filter is named in .gitattributes; this defines it in the local git config.
    session.run("nbstripout", "--install")
    session.log(f"indicators is at {Path(session.bin) / 'indicators'}")


@nox.session(python=PYTHON, default=False)
def lock(session: nox.Session) -> None:
    """Resolve every dependency again into constraints.txt (then run the tests)."""
    session.install("uv")
    session.run(
        "uv", "pip", "compile", "pyproject.toml", "--all-extras",
        *(f"--group={g}" for g in ("test", "lint", "bench", "dev")),
        "--python-version", "3.11.7", "--python-platform", "x86_64-manylinux_2_28",
        "-o", LOCK,
    )  # fmt: skip


@nox.session(python=False, default=False)
def clean(session: nox.Session) -> None:
    """Remove generated outputs and caches (keeps outputs/README.md)."""
    for path in (ROOT / "outputs").iterdir():
        if path.name != "README.md":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
