"""The kernel the report runner starts: ipykernel, from the running interpreter.

``python -m indicators.reports.kernel -f CONNECTION_FILE`` starts an IPython kernel
as ``python -m ipykernel_launcher`` does, with the interpreter (and so the
environment) of the process that renders the reports, whatever kernels Jupyter
knows of elsewhere.
"""

from __future__ import annotations


def main() -> None:
    """Start the kernel (arguments as for ``ipykernel_launcher``)."""
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
