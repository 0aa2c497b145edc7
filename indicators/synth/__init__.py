"""A realistic synthetic national extract for demos, tests and benchmarks."""

from indicators.synth.generator import (
    PLANTED_CASE_MIX,
    PLANTED_CHANGES,
    PLANTED_OUTLIERS,
    SynthResult,
    generate_extract,
    generate_tables,
    synthetic_manifest,
)

__all__ = [
    "PLANTED_CASE_MIX",
    "PLANTED_CHANGES",
    "PLANTED_OUTLIERS",
    "SynthResult",
    "generate_extract",
    "generate_tables",
    "synthetic_manifest",
]
