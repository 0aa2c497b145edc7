"""Quality indicators for Norwegian mental-health and substance-use treatment.

Validate registry extracts, compute indicators for every unit and period with sound
statistics, apply disclosure control, and report per health trust.  The public API is
re-exported here; heavy parts (validation with Great Expectations, report rendering)
are imported only when used.
"""

from importlib.metadata import PackageNotFoundError, version

from indicators.errors import (
    ExtractError,
    ExtractReadError,
    IndicatorsError,
    ManifestError,
    MissingTableError,
)
from indicators.extract import EXTRACT, Extract, Manifest, load_extract, write_extract

try:
    __version__ = version("indicators")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "EXTRACT",
    "Extract",
    "ExtractError",
    "ExtractReadError",
    "IndicatorsError",
    "Manifest",
    "ManifestError",
    "MissingTableError",
    "__version__",
    "load_extract",
    "write_extract",
]
