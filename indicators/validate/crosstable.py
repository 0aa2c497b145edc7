"""Rules across tables, which a one-table GX suite cannot express, checked in polars.

Foreign keys (every id resolves in its parent table), the order of a pathway's events
(start <= first_attendance <= clinical_decision <= evaluation, and no event after end),
contacts inside their referral (a linked contact starts on or after the referral was
received), rows linked to their own patient's referral (a contact or pathway event
has the patient_id of the referral it names) and dates in the patient's life (a death,
referral, contact, pathway event or GP contact is not in a year before the patient's
birth year: the patient's own row, or the patient row the row names).  The rules are
data, read at run time from ``cross_table.json`` in the suite directory
(:func:`indicators.validate.suites.load_cross_table`: rule id, kind, table, columns,
parameters, message, severity); the kinds are the checks below.  Results use
:class:`~indicators.validate.results.RuleResult`, like the GX suites, and appear in the
same report; failing rows are quarantined the same way.  A rule whose table, or a table
it reads, was not read row by row (stopped by a table-level failure, or missing) is
reported as *not checked* with the reason.

No rule sorts the rows or uses a window function, and none joins a table to another
more than once.  A foreign key is a hash lookup of the column's values among the
parent's keys.  A row's referral is joined once (:func:`link`, one row per referral id:
the earliest received date and the referral's patient), and the within-referral and
same-patient rules of the table, and its foreign key to the referrals, read that join.
The birth-year rule looks up only the rows that can break it (:func:`before_birth`).  A
pathway's events are compared with one aggregation per pathway joined back to its rows.

Hash tables of a million keys or more outgrow the processor's caches, and each lookup
then waits for memory: a table ten times larger costs far more than ten times as much.
The extract files are written sorted by their keys, so where a key column is sorted its
runs of equal values are numbered in one pass (:func:`runs`) and grouped and joined back
by those numbers (:func:`aggregate`, :func:`per_group`), and a column whose equal values
lie next to each other is looked up once per run (:func:`link`).  Unsorted columns take
the hash path; both give the same rows.

Examples
--------
>>> from datetime import date
>>> events = pl.DataFrame(
...     {
...         "pathway_id": ["A", "A", "A"],
...         "event": ["start", "clinical_decision", "first_attendance"],
...         "event_date": [date(2025, 1, 1), date(2025, 1, 5), date(2025, 1, 9)],
...     }
... )
>>> events.filter(pathway_order_broken(events))["event"].to_list()
['clinical_decision', 'first_attendance']

The decision (rank 2) lies before the first attendance (rank 1): both rows are flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from indicators.extract.model import EXTRACT, PATHWAY_EVENT_ORDER
from indicators.validate.results import EXAMPLE_VALUES, RuleResult, mask_value
from indicators.validate.rules import Rule

ROW = "__row"
RUN = "__run"


def runs(keys: pl.Series) -> pl.Series | None:
    """Per value of a sorted column without nulls, the number of its run (0, 1, ...); else None.

    Equal values of a sorted column lie next to each other, so the run numbers are dense
    group numbers found in one pass, without a hash table.
    """
    if keys.null_count() or not keys.is_sorted():
        return None
    return keys.rle_id().set_sorted()


def aggregate(frame: pl.DataFrame, key: str, aggregations: list[pl.Expr]) -> pl.DataFrame:
    """``frame.group_by(key).agg(aggregations)`` over the rows with a key: one row per key.

    A sorted key column is grouped by its run numbers (:func:`runs`), in key order.
    """
    frame = frame.filter(pl.col(key).is_not_null())
    run = runs(frame.get_column(key))
    if run is None:
        return frame.group_by(key).agg(aggregations)
    return (
        frame.with_columns(run.alias(RUN))
        .group_by(RUN, maintain_order=True)
        .agg(pl.col(key).first(), *aggregations)
        .drop(RUN)
    )


def per_group(frame: pl.DataFrame, key: str, aggregations: list[pl.Expr]) -> pl.DataFrame:
    """Per row of ``frame``, in order, the aggregations over the rows with its key.

    A row without a key has nulls.  A sorted key column without nulls is grouped by its
    run numbers (:func:`runs`) and each row takes its run's row; else the aggregation
    per key is joined back to the rows.
    """
    run = runs(frame.get_column(key))
    if run is None:
        groups = aggregate(frame, key, aggregations)
        rows = frame.select(key).join(groups, on=key, how="left", maintain_order="left")
        return rows.drop(key)
    groups = frame.with_columns(run.alias(RUN)).group_by(RUN, maintain_order=True).agg(aggregations)
    return groups.drop(RUN).select(pl.all().gather(run))


def pathway_order_broken(events: pl.DataFrame) -> pl.Series:
    """Boolean per event row: True where the row takes part in an order violation.

    A ranked event (:data:`~indicators.extract.model.PATHWAY_EVENT_ORDER`) is flagged if
    it is dated before an event of lower rank or after one of higher rank in the same
    pathway; any other event is flagged if it is dated after the pathway's ``end``.
    Events without a date take no part (``not_null`` reports them).

    One aggregation per pathway (:func:`per_group`) gives the earliest and latest date of
    each rank (plain minima and maxima of a date column per rank, null where the row has
    another rank); each row is then compared with the latest date of the ranks below its
    own and the earliest of the ranks above.
    """
    ranks = sorted(set(PATHWAY_EVENT_ORDER.values()))
    rank = pl.col("event").replace_strict(PATHWAY_EVENT_ORDER, default=None, return_dtype=pl.Int32)
    date = pl.col("event_date")
    frame = events.select("pathway_id", "event_date", rank.alias("rank"))
    by_rank = frame.select(
        "pathway_id", *(pl.when(pl.col("rank") == r).then(date).alias(f"d{r}") for r in ranks)
    )
    spans = per_group(
        by_rank,
        "pathway_id",
        [
            *(pl.col(f"d{r}").min().alias(f"lo{r}") for r in ranks),
            *(pl.col(f"d{r}").max().alias(f"hi{r}") for r in ranks),
        ],
    )
    end = PATHWAY_EVENT_ORDER["end"]
    verdict: Any = pl.when(pl.col("rank").is_null()).then(date > pl.col(f"lo{end}"))
    for r in ranks:
        verdict = verdict.when(pl.col("rank") == r).then(_out_of_order(r, ranks))
    return frame.hstack(spans).select(verdict.fill_null(False).alias("broken")).to_series()


def _out_of_order(rank: int, ranks: list[int]) -> pl.Expr:
    """A rank's event dated before the latest lower-rank event or after the earliest higher."""
    date = pl.col("event_date")
    below = [pl.col(f"hi{q}") for q in ranks if q < rank]
    above = [pl.col(f"lo{q}") for q in ranks if q > rank]
    early = date < pl.max_horizontal(below) if below else pl.lit(False)
    late = date > pl.min_horizontal(above) if above else pl.lit(False)
    return early.fill_null(False) | late.fill_null(False)


def _result(rule: Rule, frame: pl.DataFrame, broken: pl.Series, shown: pl.Expr) -> RuleResult:
    bad = frame.filter(broken)
    values = bad.select(shown).to_series().unique(maintain_order=True).head(EXAMPLE_VALUES)
    examples = [mask_value(v) for v in values]
    return RuleResult.of(
        rule,
        bad.height == 0,
        frame.height,
        bad.height,
        examples=examples,
        engine="polars",
    )


def check_cross_table(
    tables: dict[str, pl.DataFrame],
    unavailable: dict[str, str] | None = None,
    rules: list[Rule] | None = None,
) -> tuple[list[RuleResult], dict[str, pl.Series]]:
    """Check every cross-table rule on the tables given.

    Parameters
    ----------
    rules
        The cross-table rules (default: those of the default suite directory's
        ``cross_table.json``).
    tables
        The tables read row by row.
    unavailable
        Tables of the report that were not read row by row, with the reason (a
        table-level failure, a missing file).  Their rules, and the rules of other
        tables that read them, are reported as not checked.  A table in neither
        (an optional table that is absent) has no results.

    Returns
    -------
    results, failing_rows
        One result per rule, and per failing rule the row positions it flags.
    """
    from indicators.validate.suites import load_cross_table

    unavailable = unavailable or {}
    rules = load_cross_table() if rules is None else rules
    results: list[RuleResult] = []
    failing: dict[str, pl.Series] = {}
    links = Links(tables, rules)
    for table in EXTRACT:
        if table not in tables and table not in unavailable:
            continue
        for rule in (r for r in rules if r.table == table):
            missing = [t for t in _reads(rule) if t not in tables]
            if missing:
                reasons = [unavailable.get(t, f"the extract has no {t} table") for t in missing]
                results.append(RuleResult.skipped(rule, "; ".join(reasons)))
                continue
            frame = tables[table]
            broken = _broken(rule, frame, links)
            result = _result(rule, frame, broken, _shown(rule))
            results.append(result)
            if result.unexpected:
                failing[rule.id] = (
                    broken.to_frame("b").with_row_index(ROW).filter("b").get_column(ROW)
                )
    return results, failing


def _reads(rule: Rule) -> tuple[str, ...]:
    """The tables a cross-table rule reads: its own, then the parent it looks up."""
    if rule.kind == "foreign_key":
        return rule.table, str(rule.param("table"))
    if rule.kind in ("within_referral", "same_patient"):
        return rule.table, "referrals"
    if rule.kind == "not_before_birth":
        return rule.table, "patients"
    return (rule.table,)


def _shown(rule: Rule) -> pl.Expr:
    if rule.kind == "pathway_order":
        return pl.format("{} {} {}", "pathway_id", "event", "event_date")
    if rule.kind == "within_referral":
        return pl.format("{} {}", "referral_id", "start_date")
    if rule.kind == "same_patient":
        return pl.format("{} {}", "referral_id", "patient_id")
    if rule.kind == "not_before_birth":
        return pl.format("{} {}", rule.columns[1], rule.columns[0])
    return pl.col(rule.columns[0]).cast(pl.String)


def _unknown_parent(rule: Rule, frame: pl.DataFrame, links: Links) -> pl.Series:
    """Boolean per row: True where the column has a value that is not a key of the parent.

    Read from the table's link to the parent when another rule makes that link anyway
    (:data:`FOUND` is null), else a hash lookup among the parent's keys.
    """
    column, parent, key = rule.columns[0], str(rule.param("table")), str(rule.param("ref_column"))
    named = frame.get_column(column).is_not_null()
    if links.wanted(rule.table, column, parent, key):
        return named & links.get(rule.table, column, parent, key).get_column(FOUND).is_null()
    keys = links.tables[parent].get_column(key).implode()
    return frame.select(named & ~pl.col(column).is_in(keys)).to_series()


def _broken(rule: Rule, frame: pl.DataFrame, links: Links) -> pl.Series:
    """Boolean per row of ``frame``: True where the row breaks ``rule``."""
    if rule.kind == "foreign_key":
        return _unknown_parent(rule, frame, links)
    if rule.kind == "pathway_order":
        return pathway_order_broken(frame)
    if rule.kind == "within_referral":
        linked = links.get(rule.table, "referral_id", "referrals", "referral_id")
        return (frame.get_column("start_date") < linked.get_column(RECEIVED)).fill_null(False)
    if rule.kind == "same_patient":
        linked = links.get(rule.table, "referral_id", "referrals", "referral_id")
        return _other_patient(frame, linked, links.tables["referrals"])
    if rule.kind == "not_before_birth":
        return before_birth(frame, links.tables["patients"], rule.columns[0])
    from indicators.validate.suites import SuiteError

    raise SuiteError(f"cross_table.json: rule {rule.id} has an unknown kind {rule.kind!r}")


#: Columns of a parent summary (:func:`parent_summary`) and of a link (:func:`link`).
FOUND, RECEIVED = "__found", "__received"
PATIENT_LO, PATIENT_HI, PATIENT_NULLS = "__patient_lo", "__patient_hi", "__patient_nulls"


def parent_summary(parent: pl.DataFrame, key: str) -> pl.DataFrame:
    """One row per ``key`` of ``parent``: that it exists, and what the rules read of its rows.

    The earliest received date, and the smallest and largest patient with the count of
    rows without one (referrals), for the columns the parent has.  Null keys have no row.
    """
    aggregations = [pl.len().alias(FOUND)]
    if key != "patient_id" and "patient_id" in parent.columns:
        patient = pl.col("patient_id")
        aggregations += [
            patient.min().alias(PATIENT_LO),
            patient.max().alias(PATIENT_HI),
            patient.null_count().alias(PATIENT_NULLS),
        ]
    if "received_date" in parent.columns:
        aggregations.append(pl.col("received_date").min().alias(RECEIVED))
    return aggregate(parent, key, aggregations)


def link(rows: pl.DataFrame, column: str, parent: pl.DataFrame, key: str) -> pl.DataFrame:
    """Per row of ``rows``, in order, the summary of the parent rows its ``column`` names.

    One left join with :func:`parent_summary`; a row whose value is null or not a key
    of ``parent`` has nulls (:data:`FOUND` among them).  When at most half as many runs
    of equal values as rows (a column sorted by the key, as in the files), each run is
    looked up once and its summary repeated for the run's rows.
    """
    values = rows.get_column(column).alias(key)
    summary = parent_summary(parent, key)
    run = values.rle_id()
    if not run.len() or 2 * (run[-1] + 1) > run.len():
        return _summary_of(values, summary)
    firsts = values.rle().struct.field("value").alias(key)
    return _summary_of(firsts, summary).select(pl.all().gather(run))


def _summary_of(values: pl.Series, summary: pl.DataFrame) -> pl.DataFrame:
    """The row of ``summary`` each value names (by its first column), in order; else nulls."""
    key = summary.columns[0]
    return values.to_frame(key).join(summary, on=key, how="left", maintain_order="left").drop(key)


#: Rule kinds that read a table's link to the referrals.
REFERRAL_KINDS = ("within_referral", "same_patient")


class Links:
    """The links of one check (:func:`link`), each made once and read by every rule."""

    def __init__(self, tables: dict[str, pl.DataFrame], rules: Sequence[Rule] = ()) -> None:
        self.tables = tables
        self._made: dict[tuple[str, str, str, str], pl.DataFrame] = {}
        self._wanted = {
            (r.table, "referral_id", "referrals", "referral_id")
            for r in rules
            if r.kind in REFERRAL_KINDS
        }

    def wanted(self, table: str, column: str, parent: str, key: str) -> bool:
        """Whether a rule reads the link of ``table.column`` to ``parent.key``."""
        return (table, column, parent, key) in self._wanted

    def get(self, table: str, column: str, parent: str, key: str) -> pl.DataFrame:
        """The link of ``table.column`` to ``parent.key``, made on first use."""
        made = (table, column, parent, key)
        if made not in self._made:
            rows, parents = self.tables[table], self.tables[parent]
            self._made[made] = link(rows, column, parents, key)
        return self._made[made]


def _other_patient(rows: pl.DataFrame, linked: pl.DataFrame, referrals: pl.DataFrame) -> pl.Series:
    """:func:`other_patients_referral` on the rows' link to the referrals.

    A referral id whose rows all name one patient (the usual case) is compared with it
    directly; rows naming a referral id held by several patients, or by a row without
    one, are looked up among the referrals' (referral, patient) pairs.
    """
    patient = rows.get_column("patient_id")
    named = linked.get_column(FOUND).is_not_null() & patient.is_not_null()
    single = linked.select(
        (pl.col(PATIENT_LO) == pl.col(PATIENT_HI)) & (pl.col(PATIENT_NULLS) == 0)
    ).to_series()
    single = single.fill_null(False)
    broken = named & single & (patient != linked.get_column(PATIENT_LO))
    unsure = named & ~single
    if not unsure.any():
        return broken
    pairs = referrals.select("referral_id", "patient_id").unique()
    other = (
        rows.select("referral_id", "patient_id")
        .with_row_index(ROW)
        .filter(unsure)
        .join(pairs, on=["referral_id", "patient_id"], how="anti")
        .get_column(ROW)
    )
    return broken.scatter(other, True) if other.len() else broken


def other_patients_referral(rows: pl.DataFrame, referrals: pl.DataFrame) -> pl.Series:
    """Boolean per row: True where the row names a referral of another patient.

    A row is flagged when its ``referral_id`` is a referral and no referral row with that
    id has the row's ``patient_id``.  A row without a referral, with an unknown referral
    (``foreign_key``) or without a patient (``not_null``) is left to those rules.

    >>> referrals = pl.DataFrame({"referral_id": ["R1"], "patient_id": ["P1"]})
    >>> rows = pl.DataFrame({"referral_id": ["R1", "R1", None], "patient_id": ["P1", "P2", "P2"]})
    >>> other_patients_referral(rows, referrals).to_list()
    [False, True, False]
    """
    linked = link(rows, "referral_id", referrals, "referral_id")
    return _other_patient(rows, linked, referrals)


def before_birth(rows: pl.DataFrame, patients: pl.DataFrame, column: str) -> pl.Series:
    """Boolean per row: True where the date in ``column`` lies in a year before the birth.

    The birth year is the row's own ``birth_year`` (in ``patients``), else that of the
    patient its ``patient_id`` names (the earliest, if the id occurs twice).  A row
    without the date, a patient or a birth year is left to the other rules.

    Only the rows that can break the rule are looked up in ``patients``: those dated
    before the year :func:`usual_first_year` gives, and those of patients born after it
    (a row of neither is dated in or after that year, and its patient was born in or
    before it).  In an extract of recent years both are few.

    >>> from datetime import date
    >>> patients = pl.DataFrame({"patient_id": ["P1"], "birth_year": [1990]})
    >>> dates = [date(1989, 12, 31), date(1990, 1, 1), None]
    >>> rows = pl.DataFrame({"patient_id": ["P1", "P1", "P2"], "start_date": dates})
    >>> before_birth(rows, patients, "start_date").to_list()
    [True, False, False]
    """
    dates = rows.get_column(column)
    if "birth_year" in rows.columns:
        return (dates.dt.year() < rows.get_column("birth_year")).fill_null(False)
    unbroken = pl.repeat(False, rows.height, dtype=pl.Boolean, eager=True)
    cut = usual_first_year(dates)
    if cut is None:
        return unbroken
    births = aggregate(patients, "patient_id", [pl.col("birth_year").min()])
    late = births.filter(pl.col("birth_year") > cut).get_column("patient_id").implode()
    suspect = (pl.col(column).dt.year() < cut) | pl.col("patient_id").is_in(late)
    broken = (
        rows.select(column, "patient_id")
        .with_row_index(ROW)
        .filter(suspect)
        .join(births, on="patient_id")
        .filter(pl.col(column).dt.year() < pl.col("birth_year"))
        .get_column(ROW)
    )
    return unbroken.scatter(broken, True) if broken.len() else unbroken


def usual_first_year(dates: pl.Series, share: float = 0.01) -> int | None:
    """The latest year with at most ``share`` of the dates before it (None: no dates).

    >>> from datetime import date
    >>> usual_first_year(pl.Series([date(1899, 1, 1)] + [date(2024, 1, 1)] * 200))
    2024
    """
    years = dates.dt.year().drop_nulls()
    if not years.len():
        return None
    counts = years.value_counts(sort=False, name="n").sort(years.name)
    before = counts.get_column("n").cum_sum() - counts.get_column("n")
    usual = counts.filter(before <= share * years.len())
    return int(usual.get_column(years.name)[-1])
