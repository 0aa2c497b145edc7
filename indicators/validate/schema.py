"""The declared structure of validation results on disk, and its one reader.

``indicators validate`` writes the outcome twice, from the same structure:

``REPORT/validation.json`` (``--report``)
    One :class:`ValidationRecord` as a JSON object.
``EXTRACT/validation.json`` (the record ``indicators compute`` checks)
    ``{"schema_version": 2, "validations": {fingerprint: ValidationRecord}}``: one
    record per version of the extract's files (:mod:`indicators.validate.record`).

Both carry ``schema_version`` (:data:`SCHEMA_VERSION`).  :func:`read_validation_file`
reads either file and returns the :class:`ValidationRecord`; a file of another schema
version (files written before the version field existed have none) raises
:class:`ValidationFileError` saying so and what to run, never a guess.

A :class:`ValidationRecord`
---------------------------
=======================  ==========================  ====================================
field                    type                        meaning
=======================  ==========================  ====================================
``schema_version``       int                         :data:`SCHEMA_VERSION`
``readable``             bool                        False: a file could not be read
``passed``               bool                        no rule of severity ``error`` failed
``extract``              str                         the extract directory, as given
``fingerprint``          str                         of the table files and manifest
``extract_date``         str or null                 ``YYYY-MM-DD`` used by the date rules
``extract_date_source``  str                         where that date came from
``synthetic``            bool                        the manifest says the data are made up
``validated_at``         str                         ISO 8601 time, UTC
``indicators_version``   str                         the package version that validated
``notices``              list of str                 warnings of the run
``tables``               list of :class:`TableRecord`  table, file, rows read
``rules``                list of :class:`RuleRecord`   one per rule, table by table
``error``                :class:`UnreadableRecord`     why the extract could not be read,
                         or null                     else null
=======================  ==========================  ====================================

A :class:`RuleRecord` has ``rule_id``, ``table``, ``status`` (``passed``, ``failed``,
``warning`` or ``not checked``), ``severity`` (``error`` or ``warning``), ``kind``,
``level`` (``table`` or ``row``), ``columns``, ``message`` (the failure, in English),
``checked`` and ``unexpected`` (rows; for table-level rules 1 or the columns),
``where`` (``line N`` of a CSV, ``row N`` of a Parquet file), ``examples`` (masked
values, none for id columns), ``detail``, ``not_checked`` (the reason), ``engine`` and
``by_trust`` (failing rows per treating trust).

Examples
--------
>>> record = ValidationRecord.from_dict(unreadable_record("x", ValueError("bad")).to_dict())
>>> record.schema_version, record.readable, record.passed, record.error.message
(2, False, False, 'bad')
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indicators.errors import IndicatorsError
from indicators.outward import redact

if TYPE_CHECKING:
    from indicators.validate.results import RuleResult, ValidationReport

#: Version of the structure below; a reader refuses any other.  Version 1 was the
#: structure written before the field existed (a ``results`` list in the report, and
#: ``rules_failed``/``counts``/``by_trust`` in the record).
SCHEMA_VERSION = 2

#: Statuses of a rule; ``failed`` is an error, ``warning`` a failed warning.
STATUSES = ("passed", "failed", "warning", "not checked")


class ValidationFileError(IndicatorsError):
    """A validation file that this version cannot read: other schema version, not JSON."""


@dataclass(frozen=True)
class RuleRecord:
    """The outcome of one rule on one table, as written (see the module docstring)."""

    rule_id: str
    table: str
    status: str
    severity: str
    kind: str
    level: str
    columns: tuple[str, ...]
    message: str
    checked: int
    unexpected: int
    where: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    detail: str = ""
    not_checked: str = ""
    engine: str = ""
    by_trust: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True if the rule failed (errors and warnings alike)."""
        return self.status in ("failed", "warning")

    @property
    def is_error(self) -> bool:
        """True if the rule failed and its severity makes the extract invalid."""
        return self.status == "failed"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleRecord:
        """The rule record of ``data``; :class:`ValidationFileError` if a field is wrong."""
        _check(data, ("rule_id", "table", "status", "checked", "unexpected"), "rule")
        if data["status"] not in STATUSES:
            raise ValidationFileError(f"rule {data['rule_id']!r}: unknown status")
        return cls(
            rule_id=str(data["rule_id"]),
            table=str(data["table"]),
            status=str(data["status"]),
            severity=str(data.get("severity", "error")),
            kind=str(data.get("kind", "")),
            level=str(data.get("level", "row")),
            columns=tuple(str(c) for c in data.get("columns", ())),
            message=str(data.get("message", "")),
            checked=int(data["checked"]),
            unexpected=int(data["unexpected"]),
            where=tuple(str(w) for w in data.get("where", ())),
            examples=tuple(str(e) for e in data.get("examples", ())),
            detail=str(data.get("detail", "")),
            not_checked=str(data.get("not_checked", "")),
            engine=str(data.get("engine", "")),
            by_trust={str(k): int(v) for k, v in (data.get("by_trust") or {}).items()},
        )


@dataclass(frozen=True)
class TableRecord:
    """One table of the extract: its file (empty if missing) and the rows read."""

    table: str
    file: str
    rows: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableRecord:
        """The table record of ``data``."""
        _check(data, ("table", "file", "rows"), "table")
        return cls(str(data["table"]), str(data["file"]), int(data["rows"]))


@dataclass(frozen=True)
class UnreadableRecord:
    """Why an extract could not be read: the error's type, message, file and column."""

    type: str
    message: str
    file: str | None = None
    column: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UnreadableRecord:
        """The error record of ``data``."""
        _check(data, ("type", "message"), "error")
        file, column = data.get("file"), data.get("column")
        return cls(
            str(data["type"]),
            str(data["message"]),
            None if file is None else str(file),
            None if column is None else str(column),
        )


@dataclass(frozen=True)
class ValidationRecord:
    """The validation of one extract, as written (see the module docstring)."""

    readable: bool
    passed: bool
    extract: str
    fingerprint: str
    extract_date: str | None
    extract_date_source: str
    synthetic: bool
    validated_at: str
    indicators_version: str
    notices: tuple[str, ...] = ()
    tables: tuple[TableRecord, ...] = ()
    rules: tuple[RuleRecord, ...] = ()
    error: UnreadableRecord | None = None
    schema_version: int = SCHEMA_VERSION

    @property
    def failed(self) -> tuple[RuleRecord, ...]:
        """The rules that failed (errors first, then warnings), in the order written."""
        errors = tuple(r for r in self.rules if r.is_error)
        return errors + tuple(r for r in self.rules if r.failed and not r.is_error)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``schema_version`` first."""
        data = asdict(self)
        return {"schema_version": data.pop("schema_version"), **data}

    @classmethod
    def from_dict(cls, data: Any) -> ValidationRecord:
        """The record of ``data`` (one JSON object of :data:`SCHEMA_VERSION`).

        Raises :class:`ValidationFileError` for another schema version or a wrong field.
        """
        if not isinstance(data, dict):
            raise ValidationFileError("not a validation record (a JSON object is expected)")
        check_version(data)
        _check(data, ("readable", "passed", "extract", "rules"), "validation")
        error = data.get("error")
        return cls(
            readable=bool(data["readable"]),
            passed=bool(data["passed"]),
            extract=str(data["extract"]),
            fingerprint=str(data.get("fingerprint") or ""),
            extract_date=data.get("extract_date"),
            extract_date_source=str(data.get("extract_date_source") or ""),
            synthetic=bool(data.get("synthetic", False)),
            validated_at=str(data.get("validated_at") or ""),
            indicators_version=str(data.get("indicators_version") or ""),
            notices=tuple(str(n) for n in data.get("notices") or ()),
            tables=tuple(TableRecord.from_dict(t) for t in data.get("tables") or ()),
            rules=tuple(RuleRecord.from_dict(r) for r in data["rules"]),
            error=UnreadableRecord.from_dict(error) if isinstance(error, dict) else None,
        )


def _check(data: Any, keys: tuple[str, ...], what: str) -> None:
    if not isinstance(data, dict):
        raise ValidationFileError(f"a {what} entry is not a JSON object")
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValidationFileError(f"a {what} entry lacks {', '.join(missing)}")


def check_version(data: dict[str, Any]) -> None:
    """Raise :class:`ValidationFileError` unless ``data`` is of :data:`SCHEMA_VERSION`.

    >>> check_version({"passed": True, "results": []})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    indicators.validate.schema.ValidationFileError: written by an older version of ...
    """
    version = data.get("schema_version")
    if version == SCHEMA_VERSION:
        return
    if version is None or (isinstance(version, int) and version < SCHEMA_VERSION):
        found = "no schema_version" if version is None else f"schema version {version}"
        raise ValidationFileError(
            f"written by an older version of indicators ({found}; this version reads "
            f"schema version {SCHEMA_VERSION}); validate the extract again"
        )
    raise ValidationFileError(
        f"written by a newer version of indicators (schema version {version!r}; this "
        f"version reads {SCHEMA_VERSION}); update indicators, or validate the extract again"
    )


def _rule_record(result: RuleResult, by_trust: dict[str, int]) -> RuleRecord:
    rule = result.rule
    return RuleRecord(
        rule_id=result.rule_id,
        table=result.table,
        status=result.status,
        severity=rule.severity,
        kind=rule.kind,
        level=rule.level,
        columns=tuple(rule.columns),
        message=rule.message,
        checked=result.checked,
        unexpected=result.unexpected,
        where=tuple(result.where),
        examples=tuple(result.examples),
        detail=result.detail,
        not_checked=result.not_checked,
        engine=result.engine,
        by_trust=dict(by_trust),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version() -> str:
    from indicators import __version__

    return __version__


def validation_record(report: ValidationReport) -> ValidationRecord:
    """The record of a validation run (what both ``validation.json`` files hold)."""
    return ValidationRecord(
        readable=True,
        passed=report.passed,
        extract=report.extract,
        fingerprint=report.fingerprint,
        extract_date=report.extract_date,
        extract_date_source=report.extract_date_source,
        synthetic=report.synthetic,
        validated_at=_now(),
        indicators_version=_version(),
        notices=tuple(report.notices),
        tables=tuple(TableRecord(t.table, t.file or "", t.rows) for t in report.tables.values()),
        rules=tuple(
            _rule_record(r, report.failed_by_trust.get(r.rule_id, {})) for r in report.results()
        ),
    )


def unreadable_record(extract: str, error: Exception, message: str = "") -> ValidationRecord:
    """The record of an extract that could not be read (no rule was checked)."""
    file, column = getattr(error, "file", None), getattr(error, "column", None)
    return ValidationRecord(
        readable=False,
        passed=False,
        extract=extract,
        fingerprint="",
        extract_date=None,
        extract_date_source="",
        synthetic=False,
        validated_at=_now(),
        indicators_version=_version(),
        error=UnreadableRecord(
            type=type(error).__name__,
            message=message or redact(str(error)),
            file=None if file is None else str(file),
            column=None if column is None else str(column),
        ),
    )


def read_json(path: Path) -> Any:
    """The JSON in ``path``; :class:`ValidationFileError` naming it if it is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise ValidationFileError(f"{path}: cannot be read as JSON ({reason})") from None


def read_validation_file(path: str | Path, *, fingerprint: str | None = None) -> ValidationRecord:
    """The validation in ``path``: a report's ``validation.json`` or an extract's record.

    From an extract's record (one entry per fingerprint), the entry of ``fingerprint``
    if given and present, else the latest (compare :attr:`ValidationRecord.fingerprint`
    to tell).

    Raises
    ------
    ValidationFileError
        The file is not JSON, is of another schema version (the message says which and
        what to run), holds no validation, or a field is missing or of the wrong type.
    """
    source = Path(path)
    data = read_json(source)
    try:
        if isinstance(data, dict) and "validations" in data:
            check_version(data)
            entries = data["validations"]
            if not isinstance(entries, dict) or not entries:
                raise ValidationFileError("holds no validation")
            entry = entries.get(fingerprint or "")
            if entry is None:
                entry = max(entries.values(), key=lambda e: str(e.get("validated_at", "")))
            return ValidationRecord.from_dict(entry)
        return ValidationRecord.from_dict(data)
    except ValidationFileError as error:
        raise ValidationFileError(f"{source}: {error}") from None
    except (TypeError, ValueError, AttributeError) as error:
        raise ValidationFileError(f"{source}: not a validation record ({error})") from None
