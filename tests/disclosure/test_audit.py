"""The disclosure audit attacks published tables through chains of relations.

Hand-built tables, each with a withheld count that an outsider recovers only through
relations the simple subtraction rule does not look at.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.disclosure import (
    ProtectionRule,
    audit,
    audit_published,
    disclosure_problems,
    fit_relations,
    is_protected,
    mark_suppressed,
    protect,
    published_digest,
    run_audit,
    withhold,
)

COLUMNS = ("indicator_id", "level", "unit_id", "rhf_code", "period", "period_type",
           "numerator", "n_cases", "suppressed")  # fmt: skip


def table(rows: list[tuple]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=list(COLUMNS), orient="row")
    return frame.with_columns(
        pl.lit("proportion").alias("statistic"),
        pl.col("numerator").cast(pl.Float64),
        pl.col("n_cases").cast(pl.Float64).alias("denominator"),
        pl.lit(1).alias("min_denominator"),
    )


def published(frame: pl.DataFrame) -> pl.DataFrame:
    hide = pl.col("suppressed").is_not_null()
    return frame.with_columns(
        pl.when(hide).then(None).otherwise(pl.col(c)).alias(c) for c in ("numerator", "denominator")
    )


def exposed_rows(frame: pl.DataFrame) -> set[int]:
    result = run_audit(fit_relations(frame), frame)
    assert not result.inconsistent
    return set(result.exposed["row"].to_list())


def chain_table() -> pl.DataFrame:
    """Catchment area C1's tertial numerator of 4, found through its RHF, then its year.

    RHF 1 (treating level) = its catchment areas C1 + C2 (everyone treated at home).
    2025-T1: C1 x=4 (small) and C2 x=10 (withheld, so the RHF-level subtraction rule
    is satisfied: two cells withheld).  C2's year is published, and so are its other
    tertials: C2's T1 = year - T2 - T3 = 10, then C1's T1 = RHF T1 - C2 T1 = 4.
    """
    rows = []
    for period, c1, c2, c1n, c2n in (
        ("2025", 20, 40, 60, 90), ("2025-T1", 4, 10, 20, 30), ("2025-T2", 8, 15, 20, 30),
        ("2025-T3", 8, 15, 20, 30),
    ):  # fmt: skip
        kind = "year" if period == "2025" else "tertial"
        rows += [
            ("X", "national", "NO", None, period, kind, c1 + c2, c1n + c2n, None),
            ("X", "rhf", "1", None, period, kind, c1 + c2, c1n + c2n, None),
            ("X", "catchment", "C1", "1", period, kind, c1, c1n, None),
            ("X", "catchment", "C2", "1", period, kind, c2, c2n, None),
        ]
    frame = table(rows)
    marked = {("C1", "2025-T1"): "small_count", ("C2", "2025-T1"): "secondary",
              ("C1", "2025-T2"): "secondary"}  # fmt: skip
    return frame.with_columns(
        pl.struct("unit_id", "period")
        .map_elements(lambda r: marked.get((r["unit_id"], r["period"])), return_dtype=pl.String)
        .alias("suppressed")
    )


def test_the_audit_finds_a_count_recovered_through_area_region_and_year():
    frame = chain_table()
    # C1's T1 is exposed: RHF T1 - (C2 year - C2 T2 - C2 T3) = 14 - 10 = 4.
    row = frame.with_row_index("row").filter(unit_id="C1", period="2025-T1")["row"].item()
    assert row in exposed_rows(frame)


def test_suppression_fixes_the_chain_with_one_more_cell():
    frame = chain_table()
    protection = protect(frame)
    added = protection.table.filter(pl.col("audit_rule") == "audit")
    assert added.height == 1
    assert protection.audit.passed
    assert exposed_rows(protection.table) == set()


def shared_population_table() -> pl.DataFrame:
    """USER-01 and USER-02 share their population (ended D01 pathways).

    RHF 1 (= the nation) has trusts A, B and C.  Trust A's population is 4 (small) in
    both.  USER-01 withholds A and B; USER-02 withholds A and C: every RHF total has two
    cells withheld, so no subtraction within one indicator gives A.  But USER-02
    publishes B's population (30), which is USER-01's B too; then USER-01's
    A = 64 - 30 - 30 (C, published in USER-01) = 4.
    """
    rows = []
    for indicator, hidden in (("USER-01", "B"), ("USER-02", "C")):
        rows += [
            (indicator, "national", "NO", None, "2025", "year", 40, 64, None),
            (indicator, "rhf", "1", None, "2025", "year", 40, 64, None),
            (indicator, "trust", "A", "1", "2025", "year", 2, 4, "small_count"),
        ]
        for unit in "BC":
            rows.append((indicator, "trust", unit, "1", "2025", "year", 19, 30,
                         "secondary" if unit == hidden else None))  # fmt: skip
    return table(rows)


def test_the_audit_finds_a_count_recovered_through_a_shared_population():
    frame = shared_population_table()
    rows = frame.with_row_index("row").filter(unit_id="A")["row"].to_list()
    assert set(rows) <= exposed_rows(frame)
    # Without the catalogue's shared population the same table is safe.
    unlinked = frame.with_columns(
        pl.col("indicator_id").replace({"USER-01": "X1", "USER-02": "X2"})
    )
    assert exposed_rows(unlinked) == set()


def test_suppression_fixes_a_shared_population_with_one_more_cell():
    protection = protect(shared_population_table())
    assert protection.audit.passed
    assert protection.table.filter(pl.col("audit_rule") == "audit").height == 1


def bounds_table(with_c: bool) -> pl.DataFrame:
    """No equation recovers trust A, but bounds narrow its complement to 0 or 1.

    RHF 1: x = 9 of n = 10 (plus C when ``with_c``).  A (x = 2, n = 3: complement 1) is
    small and B (x = 7, n = 7) withheld with it, so only A + B is known.  Yet x_B <= n_B
    gives x_A = 9 - x_B >= 9 - (10 - n_A) = n_A - 1: A's complement is 0 or 1.
    """
    c = [("X", "trust", "C", "1", "2025", "year", 20, 40, None)] if with_c else []
    extra_x, extra_n = (20, 40) if with_c else (0, 0)
    rows = [
        ("X", "national", "NO", None, "2025", "year", 9 + extra_x, 10 + extra_n, None),
        ("X", "rhf", "1", None, "2025", "year", 9 + extra_x, 10 + extra_n, None),
        ("X", "trust", "A", "1", "2025", "year", 2, 3, "small_count"),
        ("X", "trust", "B", "1", "2025", "year", 7, 7, "secondary"),
        *c,
    ]
    return table(rows)


def test_the_audit_finds_a_count_narrowed_by_bounds_alone():
    frame = bounds_table(with_c=True)
    result = run_audit(fit_relations(frame), frame)
    complement = result.intervals.filter(row=2, target="n-x")
    assert complement.select("low", "high").row(0) == (0.0, 1.0)
    assert not complement["protected"].item()
    # No single relation holds A alone: every relation over A has another unknown.
    relations = fit_relations(frame)
    unknown = set(relations.cells.filter(pl.col("row").is_in([2, 3]))["cell"].to_list())
    touched = relations.terms.filter(pl.col("cell").is_in(unknown))
    per_relation = touched.group_by("relation").len()
    assert per_relation["len"].min() >= 2


def test_suppression_fixes_the_bounds_with_one_more_cell():
    protection = protect(bounds_table(with_c=True))
    assert protection.audit.passed
    added = protection.table.filter(pl.col("audit_rule") == "audit")
    assert added["unit_id"].to_list() == ["C"]


def test_the_audit_flags_an_interval_narrowed_by_inequalities_only():
    """Counts that count patients: a trust is at most its RHF, not a part of a sum.

    SOM-01 counts each patient once per unit, so trusts sum to more than their RHF and
    no subtraction recovers a trust.  RHF 1 has 4 patients with diabetes recorded and
    publishes it; trust A's count is withheld as small.  The attacker only knows
    x_A <= x_RHF = 4 (a part is at most its whole) and x_A >= 0: [0, 4], four
    values, protected.  If the RHF's count were 2, A's interval is [0, 2]: two small
    values, exposed by rule (b).
    """

    def som(rhf_x: int) -> pl.DataFrame:
        rows = [
            ("SOM-01", "national", "NO", None, "2025", "year", rhf_x + 30, 400, None),
            ("SOM-01", "rhf", "1", None, "2025", "year", rhf_x, 100, None),
            ("SOM-01", "trust", "A", "1", "2025", "year", min(rhf_x, 2), 50, "small_count"),
            ("SOM-01", "trust", "B", "1", "2025", "year", rhf_x, 80, None),
        ]
        return table(rows).with_columns(pl.lit("ratio").alias("statistic"))

    # With B published at the RHF's count, A's lower bound is 0 and upper is the RHF's.
    assert 2 not in exposed_rows(som(4))
    assert 2 in exposed_rows(som(2))


def test_an_edited_results_table_fails_the_published_audit():
    frame = protect(chain_table()).table
    manifest: dict = {}
    good = published(frame)
    assert audit_published(good, manifest).passed
    # A person "restores" the secondary cells: C1's T1 is recoverable again.
    edited = published(
        frame.with_columns(
            pl.when(pl.col("suppressed") == "secondary")
            .then(None)
            .otherwise(pl.col("suppressed"))
            .alias("suppressed")
        )
    )
    found = audit_published(edited, manifest)
    assert not found.passed
    assert any("C1 2025-T1" in e for e in found.exposed)


def restored(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its secondary cells shown again, as a person editing it might."""
    return frame.with_columns(
        pl.when(pl.col("suppressed") == "secondary")
        .then(None)
        .otherwise(pl.col("suppressed"))
        .alias("suppressed")
    )


def test_a_recorded_audit_stands_only_for_the_table_it_audited():
    good = published(protect(chain_table()).table)
    record = {"parameters": {"disclosure": {"audit": {
        "passed": True, "table_sha256": published_digest(good)}}}}  # fmt: skip
    assert disclosure_problems(good, record) == []
    edited = published(restored(protect(chain_table()).table))
    assert published_digest(edited) != published_digest(good)
    problems = disclosure_problems(edited, record)
    assert any("C1 2025-T1" in p for p in problems)


def test_a_recorded_audit_never_excuses_a_published_small_count():
    frame = published(chain_table())
    shown = frame.with_columns(
        pl.when(pl.col("unit_id") == "C1").then(None).otherwise(pl.col("suppressed"))
        .alias("suppressed"),
        pl.col("numerator").fill_null(4.0),
        pl.col("denominator").fill_null(20.0),
    )  # fmt: skip
    record = {"parameters": {"disclosure": {"audit": {
        "passed": True, "table_sha256": published_digest(shown)}}}}  # fmt: skip
    assert any("numerator below 5 is published" in p for p in disclosure_problems(shown, record))


def test_a_published_small_count_breaks_the_rules():
    frame = published(chain_table()).with_columns(
        pl.when(pl.col("unit_id") == "C1")
        .then(None)
        .otherwise(pl.col("suppressed"))
        .alias("suppressed")
    )
    frame = frame.with_columns(
        pl.when(pl.col("numerator").is_null())
        .then(4.0)
        .otherwise(pl.col("numerator"))
        .alias("numerator"),
        pl.when(pl.col("denominator").is_null())
        .then(20.0)
        .otherwise(pl.col("denominator"))
        .alias("denominator"),
    )
    found = audit_published(frame, {})
    assert any("numerator below 5 is published" in b for b in found.breaches)
    assert not found.passed


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0, 4, True), (1, 3, True), (2, 4, True), (3, 4, False), (4, 4, False), (2, 2, False),
     (4, 9, True), (5, 9, True), (0, 1, False), (0, 2, False), (0, 3, True), (0, 0, True)],
)  # fmt: skip
def test_the_protection_rule_on_intervals(low, high, expected):
    assert is_protected(low, high, ProtectionRule()) is expected


@st.composite
def hierarchies(draw):
    """A nation of 2 RHFs with 2-4 trusts each, a year and its tertials, small counts."""
    rows = []
    trusts = [(r, f"{r}{t}") for r in "12" for t in range(draw(st.integers(2, 4)))]
    cells = {}
    for _, unit in trusts:
        for tertial in (1, 2, 3):
            n = draw(st.integers(1, 14))
            x = draw(st.integers(0, n))
            cells[(unit, tertial)] = (x, n)

    def add(level, unit, rhf, members):
        for tertial in (1, 2, 3):
            x = sum(cells[(m, tertial)][0] for m in members)
            n = sum(cells[(m, tertial)][1] for m in members)
            rows.append(("X", level, unit, rhf, f"2025-T{tertial}", "tertial", x, n))
        x = sum(cells[(m, t)][0] for m in members for t in (1, 2, 3))
        n = sum(cells[(m, t)][1] for m in members for t in (1, 2, 3))
        rows.append(("X", level, unit, rhf, "2025", "year", x, n))

    add("national", "NO", None, [u for _, u in trusts])
    for rhf in "12":
        add("rhf", rhf, None, [u for r, u in trusts if r == rhf])
    for rhf, unit in trusts:
        add("trust", unit, rhf, [unit])
    frame = pl.DataFrame(rows, schema=list(COLUMNS[:-1]), orient="row", strict=False)
    return frame.with_columns(
        pl.lit("proportion").alias("statistic"),
        pl.col("numerator").cast(pl.Float64),
        pl.col("n_cases").cast(pl.Float64).alias("denominator"),
        pl.lit(1).alias("min_denominator"),
    )


@settings(max_examples=25, deadline=None)
@given(hierarchies())
def test_after_suppression_no_withheld_count_is_exposed(frame):
    protection = protect(mark_suppressed(frame))
    assert protection.audit.passed
    # The published table, audited as an outsider sees it, passes too.
    shown = withhold(protection.table.drop("audit_rule"))
    assert audit_published(shown, {}).passed


def test_counts_linked_to_no_published_count_pass_as_shape():
    """A year of 4 withheld beside its three withheld tertials: every row counts at least
    one person, so the year is at least 3, and nothing published could change that."""
    rows = []
    for period, x, n in (("2025", 3, 4), ("2025-T1", 1, 1), ("2025-T2", 1, 1), ("2025-T3", 1, 2)):
        kind = "year" if period == "2025" else "tertial"
        rows += [
            ("WAIT-01", "national", "NO", None, period, kind, x, n, "small_count"),
            ("WAIT-01", "catchment", "C1", "1", period, kind, x, n, "small_count"),
        ]
    # A waiting-time median publishes only its population n.
    frame = table(rows).with_columns(pl.lit("median_days").alias("statistic"))
    protection = protect(frame)
    assert protection.added == 0
    assert protection.audit.passed
    assert set(protection.audit.intervals["method"].to_list()) == {"shape"}


@settings(max_examples=15, deadline=None)
@given(hierarchies(), st.booleans())
def test_local_shortcuts_give_the_verdicts_of_the_whole_component(frame, with_truth):
    """Witnesses near a count and relaxations around it decide only what the whole
    component would: the rows exposed are those of an audit that solves every count over
    its whole component (with the true counts as a witness, and without any).  (Within
    an exposed row, a count may be reported protected by one and not the other: a
    relaxation's interval exposes a count without giving the row's exact small values.)"""
    marked = mark_suppressed(frame)
    shown = marked if with_truth else published(marked)
    relations = fit_relations(marked)

    def exposed(**settings) -> set[int]:
        default = {name: getattr(audit, name) for name in settings}
        for name, value in settings.items():
            setattr(audit, name, value)
        try:
            result = run_audit(relations, shown)
        finally:
            for name, value in default.items():
                setattr(audit, name, value)
        return set(result.exposed["row"].to_list())

    exact = exposed(LOCAL_SHARE=-1.0)  # no neighbourhood is small enough
    assert exposed(LOCAL_SHARE=1.0, PROBE_HOPS=(1,), RELAX_HOPS=1) == exact
    assert exposed(LOCAL_SHARE=1.0) == exact


@given(st.integers(0, 6), st.integers(0, 6))
def test_witnessed_protection_holds_for_every_wider_interval(least, greatest):
    """What the witnesses prove stays true of the attacker's interval, which holds them."""
    if least > greatest:
        least, greatest = greatest, least
    rule = ProtectionRule()
    seen = audit._Witnesses({(0, "x"): {0: 1.0}})
    seen.note((0, "x"), least, greatest)
    if seen.protects((0, "x"), rule):
        for low in range(least + 1):
            for high in [*range(greatest, 9), float("inf")]:
                assert is_protected(low, high, rule), (least, greatest, low, high)
