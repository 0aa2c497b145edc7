"""The validation record: what ``indicators compute`` reads before it computes anything.

``indicators validate EXTRACT`` writes ``EXTRACT/validation.json``:
``{"schema_version": 2, "validations": {fingerprint: record}}``, one
:class:`~indicators.validate.schema.ValidationRecord` per extract fingerprint
(:meth:`indicators.extract.Extract.fingerprint`, which covers every file compute reads,
the table files and ``manifest.json``, but not the record itself, so writing the record
does not change it): whether the validation passed, when, the package version, and
every rule's outcome, the structure the report's ``validation.json`` holds too.  A later
run on changed files adds an entry under the new fingerprint; :func:`require_passed`
finds the entry of the files as they are now.  A record of another schema version is
not read: :func:`require_passed` asks for a new validation, and :func:`write_record`
replaces it.

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

from pathlib import Path

from indicators.errors import IndicatorsError
from indicators.extract.load import Extract, find_table_file, read_manifest
from indicators.extract.model import EXTRACT
from indicators.outward import write_json
from indicators.validate.results import ValidationReport
from indicators.validate.schema import (
    SCHEMA_VERSION,
    ValidationFileError,
    ValidationRecord,
    check_version,
    read_json,
    validation_record,
)

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


def read_record(extract_dir: Path) -> dict[str, ValidationRecord]:
    """The validations recorded in ``extract_dir``, by fingerprint; empty without a record.

    Raises
    ------
    ValidationFileError
        The record is not JSON or is of another schema version (the message says which).
    """
    path = Path(extract_dir) / RECORD_FILE
    if not path.is_file():
        return {}
    data = read_json(path)
    try:
        if not isinstance(data, dict) or not isinstance(data.get("validations"), dict):
            check_version(data if isinstance(data, dict) else {})
            raise ValidationFileError('holds no "validations"')
        check_version(data)
        return {
            str(fp): ValidationRecord.from_dict(entry) for fp, entry in data["validations"].items()
        }
    except ValidationFileError as error:
        raise ValidationFileError(f"{path}: {error}") from None
    except (TypeError, ValueError, AttributeError) as error:
        raise ValidationFileError(f"{path}: not a validation record ({error})") from None


def write_record(extract_dir: Path, report: ValidationReport) -> Path:
    """Add (or replace) the entry for ``report.fingerprint`` in ``validation.json``.

    A record that cannot be read (another schema version, not JSON) is replaced.

    Raises
    ------
    OSError
        The file cannot be written (a read-only extract directory, say); the caller
        decides what that means (``indicators validate`` warns and says why).
    """
    try:
        entries = read_record(extract_dir)
    except ValidationFileError:
        entries = {}
    entries[report.fingerprint] = validation_record(report)
    data = {
        "schema_version": SCHEMA_VERSION,
        "validations": {fp: entry.to_dict() for fp, entry in entries.items()},
    }
    path = Path(extract_dir) / RECORD_FILE
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
    try:
        entry = read_record(extract_dir).get(fingerprint)
    except ValidationFileError as error:
        raise ValidationRequiredError(
            f"{error}; run `indicators validate {extract_dir}`."
        ) from None
    if entry is None:
        raise ValidationRequiredError(
            f"{extract_dir}: no validation of these files (fingerprint {fingerprint}). "
            f"Run `indicators validate {extract_dir}` first."
        )
    if not entry.passed:
        failed = ", ".join([r.rule_id for r in entry.failed if r.is_error][:5])
        raise ValidationRequiredError(
            f"{extract_dir}: the validation of these files (fingerprint {fingerprint}) "
            f"failed ({failed}). Correct the extract; or set the failing rows aside with "
            f"`indicators validate {extract_dir} --quarantine Q`, validate what is left "
            "with `indicators validate Q/accepted` and compute on Q/accepted."
        )
