"""``indicators validate``: validate, record, report, quarantine, and choose the exit code.

Exit codes
----------
``0`` (:data:`EXIT_VALID`)
    No rule of severity ``error`` failed.
``1`` (:data:`EXIT_INVALID`)
    A rule failed, including ``<table>.table.present``: a missing required table is a
    table-level failure of a readable extract (its other rules are reported as not
    checked), not an unreadable extract.
``2`` (:data:`EXIT_UNREADABLE`)
    The extract cannot be read: not a directory, an invalid ``manifest.json`` (a date
    that is not ``YYYY-MM-DD``, an extract date in the future, a period that ends before
    it starts), a table in both a ``.parquet`` and a ``.csv`` file, a file that is not
    Parquet or is damaged, a ``.csv`` that is not text (neither UTF-8 nor Windows-1252,
    or holding NUL or other control characters) or whose header names a column twice,
    a value that cannot be parsed.  ``--junit`` and ``--report`` still get a failing test
    case and a page saying which file, column and rows.  Also when an output asked for
    (``--junit``, ``--report``, ``--quarantine``) cannot be written.

The validation record (``EXTRACT/validation.json``) is what ``indicators compute`` reads.
If it cannot be written (a read-only extract directory), the JUnit file and the report
are still written with a notice saying why, a warning is printed, and the exit code
still follows the validity: CI asks whether the extract is valid, and it has been
answered; ``indicators compute`` will refuse the extract until a record can be written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console

from indicators.errors import IndicatorsError
from indicators.outward import styled

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


def run_validate(
    extract: Path,
    *,
    report: Path | None = None,
    junit: Path | None = None,
    quarantine: Path | None = None,
    extract_date: date | None = None,
    lang: str = "nb",
    suites: Path | None = None,
    console: Console,
    errors: Console,
) -> int:
    """Run ``indicators validate`` and return its exit code (see the module docstring).

    ``suites`` is the directory of the suite files (default: the package's
    ``expectations/``).  ``console`` gets the summary, ``errors`` the warnings and errors.
    ``lang`` is the language of the HTML report (``nb`` or ``en``).
    """
    from indicators.validate.html import write_html, write_unreadable_html
    from indicators.validate.junit import write_junit, write_junit_unreadable
    from indicators.validate.record import RECORD_FILE, write_record
    from indicators.validate.run import validate_extract

    try:
        validation = validate_extract(extract, extract_date=extract_date, suites_dir=suites)
    except IndicatorsError as error:
        errors.print(styled(("cannot be read:", "red"), f" {error}"))
        try:
            if junit is not None:
                write_junit_unreadable(str(extract), error, junit)
            if report is not None:
                write_unreadable_html(str(extract), error, report, lang=lang)
        except OSError as exc:
            errors.print(
                styled(("error:", "red"), f" cannot write the JUnit file or report: {exc}")
            )
        return EXIT_UNREADABLE
    result = validation.report
    try:
        write_record(extract, result)
    except OSError as exc:
        result.notices.append(
            f"The validation record {extract / RECORD_FILE} could not be written "
            f"({exc.strerror or exc}); `indicators compute` will refuse this extract until "
            "it is. Make the extract directory writable and validate again."
        )
    from indicators.cli.summary import print_summary

    print_summary(result, console)
    try:
        if junit is not None:
            write_junit(result, junit)
        if report is not None:
            write_html(result, report, lang=lang)
        if quarantine is not None:
            _quarantine(validation, quarantine, errors)
    except OSError as exc:
        errors.print(styled(("error:", "red"), f" an output could not be written: {exc}"))
        return EXIT_UNREADABLE
    return EXIT_VALID if result.passed else EXIT_INVALID


def _quarantine(validation, directory: Path, errors: Console) -> None:
    if validation.report.stopped:
        errors.print(
            styled(
                ("not quarantined:", "red"),
                " a table-level rule failed, so rows were not checked; correct the file(s) first",
            )
        )
        return
    from indicators.validate.quarantine import write_quarantine

    counts = write_quarantine(validation, directory)["tables"]
    moved = sum(t["quarantined"] for t in counts.values())
    cascaded = sum(t["cascaded"] for t in counts.values())
    accepted = directory / "accepted"
    errors.print(
        f"quarantined {moved:,} rows ({cascaded:,} of them only because a parent row was "
        f"quarantined); accepted rows in {accepted}. Validate them with "
        f"`indicators validate {accepted}` before computing on them."
    )
