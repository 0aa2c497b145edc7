"""The compute engine: every indicator for every unit and period from shared group-bys."""

from indicators.compute.engine import (
    ComputeError,
    ComputeResult,
    compute_extract,
    compute_indicators,
    write_results,
)

__all__ = [
    "ComputeError",
    "ComputeResult",
    "compute_extract",
    "compute_indicators",
    "write_results",
]
