"""The kernel the report runner starts: ipykernel, minus one slow optional import.

``python -m indicators.reports.kernel -f CONNECTION_FILE`` starts an IPython kernel
like ``python -m ipykernel_launcher`` does.  Before that it marks the optional package
``rfc3987_syntax`` as absent: jsonschema (imported by altair) builds a large grammar
from it at import, which costs about three seconds per kernel, for an IRI format check
that altair never uses.  Only kernels started by the runner are affected.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Start the kernel (arguments as for ``ipykernel_launcher``)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
