#!/usr/bin/env python3
"""Run nox on a machine that has only python3.

The first run makes ``.venv-nox`` with nox and uv in it (nox makes the sessions'
environments with uv, which installs from the lock many times faster than pip); every
run then passes its arguments to nox, so ``python3 noxw.py -s tests`` is ``nox -s tests``.
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

TOOLS = ("nox[uv]==2026.10.20", "uv==0.13.9")
HERE = Path(__file__).resolve().parent
ENV = HERE / ".venv-nox"
BIN = ENV / ("Scripts" if os.name == "nt" else "bin")


def main() -> int:
    if not all((BIN / tool).exists() for tool in ("nox", "uv")):
        print(f"noxw: creating {ENV} with {' '.join(TOOLS)}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(ENV)
        subprocess.run([BIN / "python", "-m", "pip", "install", "-q", *TOOLS], check=True)
    os.chdir(HERE)
    return subprocess.call([BIN / "nox", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
