"""The validation record: what ``indicators compute`` reads before it computes anything.

``indicators validate EXTRACT`` writes ``EXTRACT/validation.json``: one entry per extract
fingerprint (:meth:`indicators.extract.Extract.fingerprint`, which covers every file
compute reads, the table files and ``manifest.json``, but not the record itself, so
writing the record does not change it) with whether the validation passed,
when, the package version and the unexpected count per rule.  A later run on changed
files adds an entry under the new fingerprint; :func:`require_passed` finds the entry of
the files as they are now.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as d:
...     require_passed(Path(d))
Traceback (most recent call last):
...
indicators.validate.record.ValidationRequiredError: ...
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indicators.errors import IndicatorsError
from indicators.extract.load import Extract, find_table_file, read_manifest
from indicators.extract.model import EXTRACT
from indicators.outward import write_json
from indicators.validate.results import ValidationReport

#: File name of the record, inside the extract directory.
RECORD_FILE = "validation.json"


class ValidationRequiredError(IndicatorsError):
    """The extract has not passed validation (no record for its files, or a failed one)."""


def current_fingerprint(extract_dir: Path) -> str:
    """Fingerprint of the table files and manifest now in ``extract_dir`` (as the loader's)."""
    files = {}
    for name in EXTRACT:
        file = find_table_file(extract_dir, name)
        if file is not None:
            files[name] = file
    return Extract(extract_dir, {}, read_manifest(extract_dir), files).fingerprint()


def read_record(extract_dir: Path) -> dict[str, Any]:
    """The record of ``extract_dir`` (``{"validations": {fingerprint: entry}}``), or empty."""
    path = extract_dir / RECORD_FILE
    if not path.is_file():
        return {"validations": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"validations": {}}
    if not isinstance(data, dict):
        return {"validations": {}}
    return data if isinstance(data.get("validations"), dict) else {"validations": {}}


def write_record(extract_dir: Path, report: ValidationReport) -> Path:
    """Add (or replace) the entry for ``report.fingerprint`` in ``validation.json``.

    Raises
    ------
    OSError
        The file cannot be written (a read-only extract directory, say); the caller
        decides what that means (``indicators validate`` warns and says why).
    """
    from indicators import __version__

    data = read_record(extract_dir)
    data["validations"][report.fingerprint] = {
        "passed": report.passed,
        "validated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "indicators_version": __version__,
        "extract_date": report.extract_date,
        "extract_date_source": report.extract_date_source,
        "rules_failed": sorted(r.rule_id for r in report.results() if r.is_error),
        "counts": report.counts(),
        "by_trust": report.failed_by_trust,
    }
    path = extract_dir / RECORD_FILE
    write_json(path, data)
    return path


def require_passed(extract_dir: Path) -> None:
    """Raise :class:`ValidationRequiredError` unless the extract's current files passed.

    Parameters
    ----------
    extract_dir
        The extract directory; its ``validation.json`` must hold a passed entry for the
        fingerprint of the table files and ``manifest.json`` as they are now.
    """
    extract_dir = Path(extract_dir)
    fingerprint = current_fingerprint(extract_dir)
    entry = read_record(extract_dir)["validations"].get(fingerprint)
    if entry is None:
        raise ValidationRequiredError(
            f"{extract_dir}: no validation of these files (fingerprint {fingerprint}). "
            f"Run `indicators validate {extract_dir}` first."
        )
    if not entry.get("passed"):
        failed = ", ".join(entry.get("rules_failed", [])[:5])
        raise ValidationRequiredError(
            f"{extract_dir}: the validation of these files (fingerprint {fingerprint}) "
            f"failed ({failed}). Correct the extract; or set the failing rows aside with "
            f"`indicators validate {extract_dir} --quarantine Q`, validate what is left "
            "with `indicators validate Q/accepted` and compute on Q/accepted."
        )
