"""The medium synthetic extract computed once per session, for the tests that read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.compute import ComputeResult, compute_indicators
from indicators.extract.load import load_extract


@pytest.fixture(scope="session")
def medium(medium_extract: Path) -> ComputeResult:
    """The whole catalogue computed from the medium extract (about 30 000 patients)."""
    return compute_indicators(load_extract(medium_extract))
