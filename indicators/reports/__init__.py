"""Reports per health trust and for the nation, built from the published results.

The notebooks in ``notebooks/`` are views: they call :class:`TrustReport` and
:class:`NationalOverview` and show what those return.  :func:`render_reports` runs the
notebooks with papermill and converts them to offline HTML; :func:`check_leaks` scans
what was written for anything that identifies a patient, shows a count below five or
prints a number longer than it is shown.

The heavy parts are imported on first use, so ``import indicators.reports`` stays
light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ResultsData": "indicators.reports.data",
    "ReportError": "indicators.reports.data",
    "NoTrustDataError": "indicators.reports.data",
    "PeriodError": "indicators.reports.data",
    "TrustReport": "indicators.reports.trust",
    "NationalOverview": "indicators.reports.national",
    "render_reports": "indicators.reports.run",
    "RenderResult": "indicators.reports.run",
    "check_leaks": "indicators.reports.leaks",
    "LeakError": "indicators.reports.leaks",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'indicators.reports' has no attribute {name!r}")
