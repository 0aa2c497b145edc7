"""Validate a registry extract before anything is computed from it.

The rules (:mod:`~indicators.validate.rules`) are derived from the extract model; the
single-table ones run as Great Expectations suites (``expectations/*.json``, generated
by :mod:`~indicators.validate.suites`), the cross-table ones in polars
(:mod:`~indicators.validate.crosstable`); both report in one format.

Importing this package does not import Great Expectations: only
:func:`validate_extract` does, when it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from indicators.validate.record import ValidationRequiredError, require_passed
from indicators.validate.rules import RULES, Rule, all_rules, rules_for
from indicators.validate.schema import (
    SCHEMA_VERSION,
    ValidationFileError,
    ValidationRecord,
    read_validation_file,
)

if TYPE_CHECKING:
    from indicators.validate.run import Validation

__all__ = [
    "RULES",
    "SCHEMA_VERSION",
    "Rule",
    "ValidationFileError",
    "ValidationRecord",
    "ValidationRequiredError",
    "all_rules",
    "read_validation_file",
    "require_passed",
    "rules_for",
    "validate_extract",
]


def validate_extract(path: Any, **kwargs: Any) -> Validation:
    """Validate an extract directory; see :func:`indicators.validate.run.validate_extract`."""
    from indicators.validate.run import validate_extract as run

    return run(path, **kwargs)
