"""Exceptions for misuse of the statistical functions.

Data edge cases (a denominator of zero, too few units, a null input) never raise: they give
null results, with a reason where the output has room for one.  These exceptions are kept for
calls that cannot mean anything, such as a confidence level of 1.5.
"""

from __future__ import annotations

from indicators.errors import IndicatorsError


class StatisticsError(IndicatorsError):
    """Base class of the errors raised by :mod:`indicators.stats`."""


class ConfidenceLevelError(StatisticsError, ValueError):
    """A confidence level is not a number strictly between 0 and 1 (e.g. 0.95, 0.998)."""


class ArgumentError(StatisticsError, ValueError):
    """An argument has a value the function does not know (e.g. an unknown adjustment)."""
