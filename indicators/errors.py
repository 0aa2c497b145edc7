"""Exceptions raised by the toolkit, one class per kind of failure a user can act on."""

from __future__ import annotations


class IndicatorsError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class ExtractError(IndicatorsError):
    """The extract cannot be read as the extract model describes it."""


class ExtractReadError(ExtractError):
    """A file or column of the extract cannot be read or parsed.

    The message names the file, the column and the rows (1-based data rows, as a
    spreadsheet shows them below the header) and says what to do.
    """

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None):
        super().__init__(message)
        self.file = file
        self.column = column


class MissingTableError(ExtractError):
    """A table the model requires is not in the extract directory."""


class ManifestError(ExtractError):
    """``manifest.json`` is present but not valid."""


class ResultsError(IndicatorsError):
    """A results directory (written by ``indicators compute``) cannot be read."""


class OutputError(IndicatorsError):
    """An output path given by the user cannot be written."""
