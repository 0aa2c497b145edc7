"""Reference pages made from the code: the indicator catalogue and the extract model.

``docs/catalogue.md`` and ``docs/extract-model.md`` are written from the definitions in
:mod:`indicators.catalogue` and :mod:`indicators.extract.model`, so they cannot drift
from what the toolkit computes and checks.  ``python -m indicators.docs --write``
writes them; ``--check`` exits 1 when they are out of date (a test does the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indicators.catalogue import CATALOGUE, Indicator
from indicators.catalogue.model import MONTH_LEVELS
from indicators.extract.model import EXTRACT, Column, Table

DOCS = Path(__file__).resolve().parents[1] / "docs"
HEADER = "<!-- Written by `python -m indicators.docs --write` from the code; do not edit. -->\n\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _levels_and_periods(ind: Indicator) -> str:
    """``national, rhf; year, tertial, month (months: national, rhf)``."""
    text = f"{', '.join(ind.levels)}; {', '.join(ind.periods)}"
    if "month" in ind.periods:
        months = [level for level in ind.levels if level in MONTH_LEVELS]
        text += f" (months: {', '.join(months)}; statistical process control)"
    return text


def _indicator(ind: Indicator) -> str:
    better = "higher" if ind.direction == "higher_is_better" else "lower"
    rows = [
        ("Title (nb)", ind.title_nb),
        ("Population", ind.population),
        ("Exclusions", ind.exclusions or "none"),
        ("Numerator", ind.numerator),
        ("Unit; better", f"{ind.unit}; {better}"),
        ("Statistic", f"{ind.kind}, {ind.method}"),
        ("Dated by", ind.period_date),
        ("Smallest population shown", ind.min_denominator),
        ("Levels; periods", _levels_and_periods(ind)),
        ("Shown in a trust's report at", f"{ind.report_level} level"),
        ("Counts", ind.counting),
        ("Tables", ", ".join(ind.tables)),
        ("Funnel; variation", "; ".join("yes" if f else "no"
                                        for f in (ind.funnel, ind.variation))),
    ]  # fmt: skip
    if ind.targets is not None:
        t = ind.targets
        note = " (illustrative)" if t.illustrative else ""
        rows.append(("Goal: high; moderate", f"{t.high:g}; {t.moderate:g}{note}"))
    if ind.run_in_days:
        when = f"starting within {ind.run_in_days} days of the extract's first day"
        rows.append(("Incomplete periods", f"those {when} (cases are dated by their end)"))
    if ind.follow_up_days:
        when = f"ending within {ind.follow_up_days} days of the extract date"
        rows.append(("Incomplete periods", f"those {when} (cases are decided later)"))
    if ind.sources:
        rows.append(("Sources", "; ".join(ind.sources)))
    lines = [f"## {ind.id}: {ind.title_en}", "", _cell(ind.description_en), ""]
    lines += ["| | |", "|---|---|"] + [f"| {k} | {_cell(v)} |" for k, v in rows]
    return "\n".join(lines) + "\n"


def catalogue_page() -> str:
    """``docs/catalogue.md``: every indicator with its population, numerator and method."""
    intro = (
        "# The indicator catalogue\n\n"
        "Each indicator is declared in `indicators/catalogue/definitions.py`; "
        "`indicators list` prints the same catalogue.\n\n"
    )
    return HEADER + intro + "\n".join(_indicator(i) for i in CATALOGUE)


def _column(column: Column) -> str:
    rule = []
    if column.codes:
        rule.append("codes " + ", ".join(column.codes))
    if column.pattern:
        rule.append(f"pattern `{column.pattern}`")
    if column.reference:
        rule.append(f"a known {column.reference}")
    if column.minimum is not None or column.maximum is not None:
        rule.append(f"{column.minimum}..{column.maximum}")
    if column.may_be_after_extract_date:
        rule.append("may lie after the extract date")
    need = "required" if column.required else "optional"
    return (f"| `{column.name}` | {column.dtype} | {need} | {_cell('; '.join(rule))} | "
            f"{_cell(column.description)} |")  # fmt: skip


def _table(table: Table) -> str:
    lines = [f"## `{table.name}`" + (" (optional)" if table.optional else ""), ""]
    lines += [_cell(table.description), ""]
    if table.primary_key:
        lines += [f"Key: `{table.primary_key}`.", ""]
    for fk in table.foreign_keys:
        lines += [f"`{fk.column}` refers to `{fk.table}.{fk.ref_column}`.", ""]
    lines += ["| column | type | | rule | meaning |", "|---|---|---|---|---|"]
    lines += [_column(c) for c in table.columns]
    return "\n".join(lines) + "\n"


def extract_model_page() -> str:
    """``docs/extract-model.md``: the tables and columns an extract holds."""
    intro = (
        "# The extract model\n\n"
        "An extract is a directory with one Parquet or `;`-separated CSV file per table "
        "and an optional `manifest.json`. The model is declared in "
        "`indicators/extract/model.py`; validation checks every column against it.\n\n"
    )
    return HEADER + intro + "\n".join(_table(t) for t in EXTRACT.values())


PAGES = {"catalogue.md": catalogue_page, "extract-model.md": extract_model_page}


def stale(directory: Path | None = None) -> list[str]:
    """Pages in ``directory`` (default ``docs/``) that differ from what the code gives."""
    directory = directory or DOCS
    return [
        name for name, page in PAGES.items()
        if not (directory / name).exists() or (directory / name).read_text("utf-8") != page()
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Write the pages (``--write``) or say which are out of date (``--check``)."""
    parser = argparse.ArgumentParser(prog="python -m indicators.docs", description=__doc__)
    parser.add_argument("--write", action="store_true", help="write the pages to docs/")
    parser.add_argument("--check", action="store_true", help="exit 1 if a page is stale")
    args = parser.parse_args(argv)
    if args.write:
        for name, page in PAGES.items():
            (DOCS / name).write_text(page(), encoding="utf-8")
        return 0
    out = stale()
    for name in out:
        sys.stderr.write(f"docs/{name} is out of date: python -m indicators.docs --write\n")
    return 1 if out and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
