"""Shared fixtures: small synthetic extracts written once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from indicators.compute import ComputeResult, compute_indicators
from indicators.extract.load import load_extract
from indicators.synth import generate_extract

# Shared machines are noisy: a property test is about correctness, never about speed.
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("shared-machine")


@pytest.fixture(scope="session")
def small_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean synthetic extract of about 2 000 patients (Parquet)."""
    out = tmp_path_factory.mktemp("small_extract")
    generate_extract(out, scale=0.02, seed=7)
    return out


@pytest.fixture(scope="session")
def defect_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same extract with every documented defect injected."""
    out = tmp_path_factory.mktemp("defect_extract")
    generate_extract(out, scale=0.02, seed=7, defects=True)
    return out


@pytest.fixture(scope="session")
def medium_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean synthetic extract of about 30 000 patients: enough to see trust effects."""
    out = tmp_path_factory.mktemp("medium_extract")
    generate_extract(out, scale=0.3, seed=11)
    return out


@pytest.fixture(scope="session")
def medium(medium_extract: Path) -> ComputeResult:
    """The whole catalogue computed from the medium extract (about 30 000 patients)."""
    return compute_indicators(load_extract(medium_extract))
