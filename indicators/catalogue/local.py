"""Local catalogues: an adviser's own indicators, defined outside the package.

A local catalogue is a Python file (or an importable module) that defines
``INDICATORS``, a sequence of :class:`~indicators.catalogue.Indicator`::

    # my_indicators.py
    import polars as pl
    from indicators.catalogue import Indicator

    def long_waits(t, ctx):
        return t["referrals"].filter(pl.col("service") == "TSB").select(
            "trust_id", "patient_id", pl.col("received_date").alias("period_date"),
            (pl.col("care_start_date") - pl.col("received_date")).dt.total_days()
            .gt(60).fill_null(False).alias("numerator"),
        )

    INDICATORS = [Indicator(id="LOCAL-01", ..., kind="proportion", cases=long_waits,
                            tables=("referrals",))]

It is passed as ``indicators compute EXTRACT --catalogue my_indicators.py`` (several
allowed), or installed as a package that declares an entry point in the group
``indicators.catalogues`` (the entry point's object is such a module, a sequence of
indicators, or a function returning one).  Local indicators are computed, disclosed,
audited and reported exactly like the built-in ones, at the level they declare
(``report_level``) and judged on the statistic their targets name
(``Targets.statistic``).

Every definition is checked before anything is computed (:func:`check_definitions`):
ids unique among all catalogues, the fields a definition must fill, known kinds, units,
directions, levels, periods and tables, a report level among the indicator's levels
(``trust`` or ``catchment``), and a case selector that, run on empty tables
of the extract model, returns the columns its kind needs with the right types.  The
error names the catalogue, the definition and the column.

The results manifest records every local catalogue (its path or module and a hash of
its source), so that the reports and ``indicators audit`` load the same definitions.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import polars as pl

from indicators.catalogue.definitions import CATALOGUE
from indicators.catalogue.model import (
    ALL_LEVELS,
    CaseContext,
    Counting,
    Direction,
    Indicator,
    Kind,
    PeriodType,
    ReportLevel,
    Unit,
)
from indicators.errors import IndicatorsError

#: The entry-point group an installed package declares its catalogue in.
ENTRY_POINT_GROUP = "indicators.catalogues"

#: An indicator id: letters, digits and hyphens, starting with a letter.
ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,31}")

#: Columns every case selector returns, and their types.
COMMON_COLUMNS: dict[str, tuple[str, ...]] = {
    "trust_id": ("string",),
    "patient_id": ("string",),
    "period_date": ("date",),
}

#: The columns each kind needs besides :data:`COMMON_COLUMNS`.
KIND_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "proportion": {"numerator": ("boolean",)},
    "standardised_proportion": {
        "numerator": ("boolean",),
        "age_band": ("string",),
        "sex": ("string",),
    },
    "observed_expected": {"numerator": ("boolean",), "expected": ("numeric",)},
    "waiting_time": {"days": ("numeric",), "event": ("boolean",)},
    "case_mix": {"numerator": ("boolean",)},
}

#: Text fields a definition must fill.
REQUIRED_TEXT = (
    "title_nb",
    "title_en",
    "description_nb",
    "description_en",
    "population",
    "numerator",
    "method",
    "period_date",
)


class CatalogueError(IndicatorsError):
    """A local catalogue cannot be loaded, or one of its definitions is not valid."""


@dataclass(frozen=True)
class LocalCatalogue:
    """One local catalogue: where it came from, a hash of its source, its indicators."""

    source: str
    sha256: str
    indicators: tuple[Indicator, ...]

    def record(self) -> dict[str, Any]:
        """What the results manifest records of it."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "indicators": [i.id for i in self.indicators],
        }


def load_catalogue(source: str | Path) -> LocalCatalogue:
    """Load a local catalogue from a ``.py`` file or an importable module name.

    Raises
    ------
    CatalogueError
        The file does not exist or cannot be imported, or it defines no ``INDICATORS``.
    """
    text = str(source)
    path = Path(text)
    if path.suffix == ".py" or path.exists():
        module = _import_file(path)
        origin = str(path.resolve())
    else:
        module = _import_module(text)
        origin = text
    indicators = _indicators_of(module, origin)
    return LocalCatalogue(source=origin, sha256=_source_hash(module), indicators=indicators)


def _import_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise CatalogueError(f"{path}: no such catalogue file (a .py file defining INDICATORS)")
    name = "indicators_local_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CatalogueError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 (the adviser's code: reported, not raised)
        raise CatalogueError(f"{path}: importing it failed: {_first_line(error)}") from None
    return module


def _import_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except Exception as error:  # noqa: BLE001 (the adviser's code: reported, not raised)
        raise CatalogueError(
            f"{name}: no such catalogue file, and importing it as a module failed: "
            f"{_first_line(error)}"
        ) from None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _indicators_of(obj: Any, origin: str) -> tuple[Indicator, ...]:
    """The indicators a module (``INDICATORS``), sequence or function gives."""
    if isinstance(obj, ModuleType):
        if not hasattr(obj, "INDICATORS"):
            raise CatalogueError(f"{origin}: defines no INDICATORS (a list of Indicator)")
        obj = obj.INDICATORS
    elif callable(obj) and not isinstance(obj, Indicator):
        obj = obj()
    if isinstance(obj, Indicator):
        obj = [obj]
    if not isinstance(obj, Iterable) or isinstance(obj, str | bytes):
        raise CatalogueError(f"{origin}: INDICATORS is not a list of Indicator")
    items = list(obj)
    wrong = [i for i, item in enumerate(items) if not isinstance(item, Indicator)]
    if wrong:
        raise CatalogueError(
            f"{origin}: INDICATORS[{wrong[0]}] is a {type(items[wrong[0]]).__name__}, "
            "not an Indicator"
        )
    return tuple(items)


def _source_hash(module: ModuleType) -> str:
    file = getattr(module, "__file__", None)
    data = Path(file).read_bytes() if file and Path(file).is_file() else b""
    return hashlib.sha256(data).hexdigest()


def entry_point_catalogues() -> list[LocalCatalogue]:
    """The catalogues installed packages declare in :data:`ENTRY_POINT_GROUP`."""
    found = []
    for point in entry_points(group=ENTRY_POINT_GROUP):
        origin = f"entry point {point.name} ({point.value})"
        try:
            obj = point.load()
        except Exception as error:  # noqa: BLE001 (an installed package's code: reported)
            raise CatalogueError(f"{origin}: loading it failed: {_first_line(error)}") from None
        module = obj if isinstance(obj, ModuleType) else importlib.import_module(point.module)
        digest = _source_hash(module)
        found.append(
            LocalCatalogue(f"entry-point:{point.value}", digest, _indicators_of(obj, origin))
        )
    return found


def local_catalogues(
    sources: Sequence[str | Path] = (), *, installed: bool = True
) -> list[LocalCatalogue]:
    """The catalogues of ``sources`` (files or modules), then the installed ones."""
    catalogues = [load_catalogue(s) for s in sources]
    if installed:
        known = {c.source for c in catalogues}
        catalogues += [c for c in entry_point_catalogues() if c.source not in known]
    return catalogues


def full_catalogue(catalogues: Sequence[LocalCatalogue]) -> tuple[Indicator, ...]:
    """The built-in catalogue followed by every local one, each definition checked.

    Raises
    ------
    CatalogueError
        A definition is not valid (see :func:`check_definitions`).
    """
    origins = {i.id: "the built-in catalogue" for i in CATALOGUE}
    indicators = list(CATALOGUE)
    for catalogue in catalogues:
        check_definitions(catalogue.indicators, origin=catalogue.source, taken=origins)
        for indicator in catalogue.indicators:
            origins[indicator.id] = catalogue.source
        indicators += catalogue.indicators
    return tuple(indicators)


def check_definitions(
    indicators: Sequence[Indicator], *, origin: str, taken: Mapping[str, str] | None = None
) -> None:
    """Check local definitions before anything is computed; raise on the first problem.

    ``taken``: ids already defined, with where (the built-in catalogue, other files).
    """
    seen = dict(taken or {})
    for indicator in indicators:
        where = f"{origin}: {indicator.id!r}"
        if indicator.id in seen:
            raise CatalogueError(f"{where}: the id is already defined in {seen[indicator.id]}")
        seen[indicator.id] = origin
        for problem in (*_field_problems(indicator), *_selector_problems(indicator)):
            raise CatalogueError(f"{where}: {problem}")


def _field_problems(ind: Indicator) -> list[str]:
    """What is missing or unknown among the fields of a definition."""
    problems = []
    if not isinstance(ind.id, str) or not ID_PATTERN.fullmatch(ind.id):
        problems.append("the id must be letters, digits and hyphens (at most 32), e.g. LOCAL-01")
    problems += [
        f"{name} is empty" for name in REQUIRED_TEXT if not str(getattr(ind, name)).strip()
    ]
    for name, allowed in (("kind", Kind), ("unit", Unit), ("direction", Direction),
                          ("counting", Counting), ("report_level", ReportLevel)):  # fmt: skip
        value = getattr(ind, name)
        if value not in get_args(allowed):
            problems.append(f"{name} {value!r} is not one of {', '.join(get_args(allowed))}")
    problems += _tuple_problems(ind)
    if ind.report_level in get_args(ReportLevel) and ind.report_level not in ind.levels:
        problems.append(
            f"report_level {ind.report_level!r} is not one of the indicator's levels "
            f"({', '.join(map(str, ind.levels))})"
        )
    problems += _target_problems(ind)
    if not isinstance(ind.min_denominator, int) or ind.min_denominator < 1:
        problems.append(f"min_denominator must be a whole number >= 1, got {ind.min_denominator!r}")
    if not callable(ind.cases):
        problems.append("cases must be a function (tables, context) -> LazyFrame")
    return problems


#: The statistics a goal can be on besides the value, and the kinds that compute them.
JUDGED_KINDS = {"mean_days": ("waiting_time",)}


def _target_problems(ind: Indicator) -> list[str]:
    """A goal on a statistic the indicator's kind does not compute (it would be ignored)."""
    statistic = getattr(ind.targets, "statistic", "value")
    if statistic == "value":
        return []
    kinds = JUDGED_KINDS.get(statistic)
    if kinds is None:
        known = ", ".join(["value", *JUDGED_KINDS])
        return [f"targets.statistic {statistic!r} is not one of {known}"]
    if ind.kind not in kinds:
        return [f"targets.statistic {statistic!r} needs kind {' or '.join(kinds)}, not {ind.kind}"]
    return []


def _tuple_problems(ind: Indicator) -> list[str]:
    from indicators.extract.model import EXTRACT

    problems = []
    checks: list[tuple[str, Iterable[str]]] = [
        ("levels", ALL_LEVELS),
        ("periods", get_args(PeriodType)),
        ("tables", EXTRACT),
    ]
    for name, allowed in checks:
        values = getattr(ind, name)
        known = list(allowed)
        unknown = [v for v in values if v not in known]
        if not values or unknown:
            shown = ", ".join(map(repr, unknown)) or "nothing"
            problems.append(f"{name}: {shown} (known: {', '.join(known)})")
    if "year" not in ind.periods:
        problems.append("periods must include 'year'")
    if "month" in ind.periods and "tertial" not in ind.periods:
        problems.append("periods with 'month' must include 'tertial' too")
    return problems


def _selector_problems(ind: Indicator) -> list[str]:
    """Run the case selector on empty tables and check the columns its kind needs."""
    needed = {**COMMON_COLUMNS, **KIND_COLUMNS.get(ind.kind, {})}
    needed |= dict.fromkeys(getattr(ind, "covariates", ()), ("string", "numeric", "boolean"))
    try:
        schema = ind.cases(_empty_tables(ind.tables), _empty_context()).collect_schema()
    except Exception as error:  # noqa: BLE001 (the adviser's code: reported, not raised)
        return [f"the case selector fails on the extract model's tables: {_first_line(error)}"]
    problems = []
    for column, kinds in needed.items():
        if column not in schema:
            problems.append(
                f"the case selector returns no column {column!r} (a {ind.kind} needs "
                f"{', '.join(needed)})"
            )
        elif _type_of(schema[column]) not in kinds:
            problems.append(
                f"column {column!r} of the case selector is {schema[column]}, "
                f"not {' or '.join(kinds)}"
            )
    return problems


def _type_of(dtype: pl.DataType) -> str:
    if dtype == pl.Boolean:
        return "boolean"
    if dtype == pl.Date:
        return "date"
    if dtype.is_numeric():
        return "numeric"
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        return "string"
    return str(dtype)


def _empty_tables(names: Iterable[str]) -> dict[str, pl.LazyFrame]:
    from indicators.extract.model import EXTRACT

    wanted = set(names) | {"patients"}
    return {name: pl.LazyFrame(schema=EXTRACT[name].schema) for name in EXTRACT if name in wanted}


def _empty_context() -> CaseContext:
    from indicators.reference import prevalence

    return CaseContext(extract_date=date(2025, 12, 31), prevalence=prevalence().lazy())


def definitions_of_results(manifest: Mapping[str, Any]) -> dict[str, Indicator]:
    """Every definition a results directory was computed with, by id.

    The built-in catalogue and the local catalogues its manifest records (``catalogues``:
    files and modules loaded again, installed ones through their entry points).  A
    recorded catalogue that cannot be loaded any more raises :class:`CatalogueError`.
    """
    recorded = manifest.get("catalogues") or []
    sources = [c["source"] for c in recorded if isinstance(c, dict) and "source" in c]
    files = [s for s in sources if not str(s).startswith("entry-point:")]
    catalogues = local_catalogues(files, installed=len(files) < len(sources))
    return {i.id: i for i in full_catalogue(catalogues)}
