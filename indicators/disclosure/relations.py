"""The linear relations an outsider knows between the counts a results table publishes.

A results row publishes counts of persons or cases (its *cells*): a proportion its
numerator ``x`` and population ``n``, an O/E ratio its observed count ``x`` (the expected
count is not a count of persons and is left out), a waiting time its referrals ``n``.
The same cases are counted again and again across the table, and anyone who reads the
catalogue knows how.  Every such fact is written here as one homogeneous linear
relation over cells, ``Σ coef · cell = 0`` (``eq``) or ``<= 0`` (``le``):

``sum`` (levels)
    The nation is the sum of its RHFs and of the catchment areas; an RHF the sum of its
    treating trusts.  For an indicator that counts patients (a patient counts once in
    every unit treating them) a parent is at most the sum of its children, and each
    child at most its parent (``part``).  Catchment areas are by the patient's home, one
    area each, so they sum to the nation for both kinds of counting.
``region`` (where it holds)
    An RHF's catchment areas hold the patients who live in the region; where every one
    of them was treated in it, they sum to the RHF.  That is not true by definition, but
    an outsider may guess it and check it against the published counts, so the audit
    assumes it wherever it holds in the data (and drops it elsewhere).
``period``
    A unit's year is the sum of its tertials and of its months, a tertial the sum of
    its months (patients: at most the sum, and each part at most the whole).
``row``
    The numerator is at most the population (numerator + complement = population).
``same_population``, ``within_population``, ``all_of``
    Relations between indicators declared in the catalogue (``population_same_as``,
    ``population_within``, ``numerator_all_of``) for the same level, unit and period.

Besides the relations, every cell is at least 0 and the population of a row that exists
at all is at least 1 (a unit and period without cases has no row).

A relation that is exact in principle may not be in the data: cases whose catchment area
is unknown (no municipality) are in the nation but in no area, so there the nation is
*at least* the sum of the areas.  :func:`fit_relations` checks every relation against the
true counts before anything is published and relaxes such an equation to the
inequality that holds (recorded, so that the audit of a published table uses the same
relations), and drops an inequality that does not hold (recorded too).

Examples
--------
>>> import polars as pl
>>> rows = pl.DataFrame({"indicator_id": "X", "level": ["national", "rhf", "rhf"],
...     "unit_id": ["NO", "1", "2"], "rhf_code": [None, "1", "2"], "period": "2025",
...     "period_type": "year", "statistic": "proportion", "numerator": [9.0, 4.0, 5.0],
...     "denominator": [30.0, 10.0, 20.0], "suppressed": None})
>>> rel = build_relations(rows)
>>> rel.relations.select("key", "sense").sort("key").to_dicts()[0]
{'key': 'row|X|2025|national|NO', 'sense': 'le'}
>>> rel.relations.filter(pl.col("kind") == "sum")["key"].sort().to_list()
['sum|X|2025|n|NO<rhf', 'sum|X|2025|x|NO<rhf']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from indicators.catalogue import BY_ID, Indicator
from indicators.results import NATIONAL_UNIT_ID, period_tertial

#: The counts each statistic publishes: ``x`` the numerator, ``n`` the population.
COUNTS: dict[str, tuple[str, ...]] = {
    "proportion": ("x", "n"),
    "ratio": ("x",),
    "median_days": ("n",),
}

#: Child level -> parent level in the sums of levels.
PARENT_LEVEL = {"rhf": "national", "trust": "rhf", "catchment": "national"}

#: The relaxations recorded for a published table: relation key -> ``"le"`` (the
#: relation's sum is at most 0), ``"ge"`` (at least 0) or ``"dropped"``.
Relaxations = dict[str, str]


@dataclass(frozen=True)
class Relations:
    """The cells of a results table and the linear relations between them.

    ``cells``: one row per published count: ``cell`` (id), ``row`` (the row's index in
    the table), ``count`` (``x`` or ``n``), the row's keys, ``block`` and ``value`` (the
    count, null where withheld and unknown).  ``terms``: ``relation``, ``cell``,
    ``coef``.  ``relations``: ``relation`` (id), ``key`` (readable and stable), ``kind``,
    ``sense`` (``eq`` or ``le``) and ``block``.  A block is a set of indicators linked
    by the catalogue and one year: no relation crosses blocks, so each is audited alone.
    """

    cells: pl.DataFrame
    terms: pl.DataFrame
    relations: pl.DataFrame
    relaxed: Relaxations = field(default_factory=dict)


_TERMS_SCHEMA = pl.Schema({"key": pl.String, "kind": pl.String, "sense": pl.String,
                           "cell": pl.UInt32, "coef": pl.Float64})  # fmt: skip


def indicator_groups(ids: Iterable[str], catalogue: Mapping[str, Indicator]) -> dict[str, str]:
    """Indicator id -> the group of indicators linked to it by catalogue relations.

    The group is named by its first id in sorted order.

    >>> groups = indicator_groups(["USER-01", "USER-04", "SOM-03", "WAIT-02"], BY_ID)
    >>> groups["USER-04"], groups["WAIT-02"]
    ('SOM-03', 'WAIT-02')
    """
    ids = sorted(set(ids))
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in ids:
        definition = catalogue.get(i)
        if definition is None:
            continue
        for other in _linked(definition):
            if other in parent:
                a, b = sorted((find(i), find(other)))
                parent[b] = a
    return {i: find(i) for i in ids}


def _linked(definition: Indicator) -> tuple[str, ...]:
    same = (definition.population_same_as,) if definition.population_same_as else ()
    return (*same, *definition.population_within, *definition.numerator_all_of)


def table_cells(table: pl.DataFrame, catalogue: Mapping[str, Indicator] = BY_ID) -> pl.DataFrame:
    """One row per published count of ``table`` (see :class:`Relations`).

    ``value`` is the count as the table holds it: the true count in a table not yet
    withheld, null where a published table withholds it.  ``known`` says whether an
    outsider sees it (the row is not ``suppressed``).
    """
    groups = indicator_groups(table["indicator_id"].unique().to_list(), catalogue)
    rows = table.with_row_index("row").with_columns(
        pl.col("period").str.slice(0, 4).alias("year"),
        pl.col("suppressed").is_null().alias("known"),
    )
    parts = []
    for count, column in (("x", "numerator"), ("n", "denominator")):
        publishes = [s for s, counts in COUNTS.items() if count in counts]
        parts.append(
            rows.filter(pl.col("statistic").is_in(publishes)).select(
                "row",
                pl.lit(count).alias("count"),
                "indicator_id",
                "level",
                "unit_id",
                "rhf_code",
                "period",
                "period_type",
                "year",
                pl.col(column).cast(pl.Float64).alias("value"),
                "known",
            )
        )
    cells = pl.concat(parts).sort("row", "count", descending=[False, True])
    block = pl.concat_str(
        pl.col("indicator_id").replace_strict(groups, return_dtype=pl.String),
        pl.lit("|"),
        pl.col("year"),
    )
    return cells.with_row_index("cell").with_columns(block.alias("block"))


def _counting(ids: Iterable[str], catalogue: Mapping[str, Indicator]) -> dict[str, str]:
    return {i: catalogue[i].counting if i in catalogue else "cases" for i in ids}


def _level_relations(cells: pl.DataFrame, counting: dict[str, str]) -> list[pl.DataFrame]:
    """``sum`` and ``part`` relations between a level and its parent level."""
    out = []
    for child, parent in PARENT_LEVEL.items():
        parent_unit = pl.col("rhf_code") if child == "trust" else pl.lit(NATIONAL_UNIT_ID)
        kids = cells.filter(pl.col("level") == child).with_columns(parent_unit.alias("_parent"))
        heads = cells.filter(pl.col("level") == parent).select(
            "indicator_id",
            "period",
            "count",
            pl.col("unit_id").alias("_parent"),
            pl.col("cell").alias("_head"),
        )
        joined = kids.join(heads, on=["indicator_id", "period", "count", "_parent"])
        patients = pl.col("indicator_id").replace_strict(counting) == "patients"
        exact = ~patients | pl.lit(child == "catchment")
        key = _cell_key("sum", "_parent", f"<{child}")
        sense = pl.when(exact).then(pl.lit("eq")).otherwise(pl.lit("le"))
        summed = joined.with_columns(key.alias("key"), sense.alias("sense"))
        out.append(_terms(summed, "sum", head="_head", member="cell"))
        part = joined.filter(~exact).with_columns(
            _cell_key("part", "unit_id", f"<{parent}").alias("key"),
            pl.lit("le").alias("sense"),
        )
        out.append(_pair_terms(part, "part", smaller="cell", larger="_head"))
    region = cells.filter(pl.col("level") == "catchment")
    heads = cells.filter(pl.col("level") == "rhf").select(
        "indicator_id", "period", "count", pl.col("unit_id").alias("rhf_code"),
        pl.col("cell").alias("_head"),
    )  # fmt: skip
    joined = region.join(heads, on=["indicator_id", "period", "count", "rhf_code"]).with_columns(
        pl.concat_str(pl.lit("region|"), "indicator_id", pl.lit("|"), "period", pl.lit("|"),
                      "count", pl.lit("|"), "rhf_code", pl.lit("<catchment")).alias("key"),
        pl.lit("eq").alias("sense"),
    )  # fmt: skip
    out.append(_terms(joined, "region", head="_head", member="cell"))
    return out


def _terms(joined: pl.DataFrame, kind: str, *, head: str, member: str) -> pl.DataFrame:
    """Terms of ``head - Σ members`` (one relation per key)."""
    heads = joined.select("key", "sense", pl.col(head).alias("cell"), pl.lit(1.0).alias("coef"))
    members = joined.select("key", "sense", pl.col(member).alias("cell"),
                            pl.lit(-1.0).alias("coef"))  # fmt: skip
    return (
        pl.concat([heads.unique("key", keep="first"), members])
        .with_columns(pl.lit(kind).alias("kind"))
        .select(*_TERMS_SCHEMA)
        .cast(_TERMS_SCHEMA)
    )


def _pair_terms(joined: pl.DataFrame, kind: str, *, smaller: str, larger: str) -> pl.DataFrame:
    """Terms of ``smaller - larger <= 0`` (or ``= 0`` by ``sense``), one relation per key."""
    return (
        pl.concat(
            [
                joined.select(
                    "key", "sense", pl.col(smaller).alias("cell"), pl.lit(1.0).alias("coef")
                ),
                joined.select(
                    "key", "sense", pl.col(larger).alias("cell"), pl.lit(-1.0).alias("coef")
                ),
            ]
        )
        .with_columns(pl.lit(kind).alias("kind"))
        .select(*_TERMS_SCHEMA)
        .cast(_TERMS_SCHEMA)
    )


#: A coarser period and the finer periods that add up to it: (finer, coarser, the
#: finer row's column naming its coarser period).
PERIOD_SUMS = (("tertial", "year", "year"), ("month", "year", "year"),
               ("month", "tertial", "tertial"))  # fmt: skip


def _period_relations(
    cells: pl.DataFrame, counting: dict[str, str], catalogue: Mapping[str, Indicator]
) -> list[pl.DataFrame]:
    """A unit's year and its tertials, its year and its months, a tertial and its months."""
    cells = cells.with_columns(
        pl.when(pl.col("period_type") == "tertial")
        .then(pl.col("period"))
        .otherwise(period_tertial(pl.col("period"), pl.col("period_type")))
        .alias("tertial")
    )
    patients = pl.col("indicator_id").replace_strict(counting) == "patients"
    out = []
    for finer, coarser, within in PERIOD_SUMS:
        heads = cells.filter(pl.col("period_type") == coarser).select(
            "indicator_id", "level", "unit_id", "count", within, pl.col("cell").alias("_head")
        )
        members = cells.filter(pl.col("period_type") == finer).join(
            heads, on=["indicator_id", "level", "unit_id", "count", within]
        )
        key = pl.concat_str(
            pl.lit(f"period|{finer}<"), "indicator_id", pl.lit("|"), within, pl.lit("|"),
            "count", pl.lit("|"), "level", pl.lit("|"), "unit_id",
        )  # fmt: skip
        joined = members.with_columns(
            key.alias("key"),
            pl.when(patients).then(pl.lit("le")).otherwise(pl.lit("eq")).alias("sense"),
        )
        part = joined.filter(patients).with_columns(
            pl.concat_str("key", pl.lit("|"), "period").str.replace("^period", "part").alias("key"),
            pl.lit("le").alias("sense"),
        )
        out += [
            _terms(joined, "period", head="_head", member="cell"),
            _pair_terms(part, "part", smaller="cell", larger="_head"),
        ]
    return out


def _row_relations(cells: pl.DataFrame) -> list[pl.DataFrame]:
    """Numerator at most the population, in every row that publishes both."""
    x = cells.filter(pl.col("count") == "x").select("row", pl.col("cell").alias("_x"))
    n = cells.filter(pl.col("count") == "n").select(
        "row", pl.col("cell").alias("_n"), "indicator_id", "period", "level", "unit_id"
    )
    both = x.join(n, on="row").with_columns(
        pl.concat_str(pl.lit("row|"), "indicator_id", pl.lit("|"), "period", pl.lit("|"),
                      "level", pl.lit("|"), "unit_id").alias("key"),
        pl.lit("le").alias("sense"),
    )  # fmt: skip
    return [_pair_terms(both, "row", smaller="_x", larger="_n")]


def _indicator_relations(
    cells: pl.DataFrame, catalogue: Mapping[str, Indicator]
) -> list[pl.DataFrame]:
    """The catalogue's relations between indicators, unit by unit and period by period."""
    on = ["level", "unit_id", "period"]
    present = set(cells["indicator_id"].unique().to_list())
    out = []

    def cell_of(indicator: str, count: str, name: str) -> pl.DataFrame:
        return cells.filter(pl.col("indicator_id") == indicator, pl.col("count") == count).select(
            *on, pl.col("cell").alias(name)
        )

    def key(kind: str, a: str, b: str, count: str) -> pl.Expr:
        return pl.concat_str(pl.lit(f"{kind}|{a}|{b}|{count}|"), "period", pl.lit("|"), "level",
                             pl.lit("|"), "unit_id")  # fmt: skip

    for a in sorted(present):
        definition = catalogue.get(a)
        if definition is None:
            continue
        pairs: list[tuple[str, str, str, str]] = []
        if (same := definition.population_same_as) is not None and same in present:
            pairs.append(("same_population", same, "n", "eq"))
        pairs += [("within_population", b, "n", "le") for b in definition.population_within
                  if b in present]  # fmt: skip
        parts = [b for b in definition.numerator_all_of if b in present]
        pairs += [("all_of", b, "x", "le") for b in parts]
        for kind, b, count, sense in pairs:
            joined = (
                cell_of(a, count, "_a")
                .join(cell_of(b, count, "_b"), on=on)
                .with_columns(key(kind, a, b, count).alias("key"), pl.lit(sense).alias("sense"))
            )
            out.append(_pair_terms(joined, kind, smaller="_a", larger="_b"))
        if len(parts) == len(definition.numerator_all_of) and len(parts) > 1:
            out.append(_all_of_lower_bound(a, parts, cell_of, key))
    return out


def _all_of_lower_bound(a, parts, cell_of, key) -> pl.DataFrame:
    """``Σ x_k - (k - 1) n_a - x_a <= 0``: those with all k are at least Σ x_k - (k - 1) n."""
    on = ["level", "unit_id", "period"]
    joined = cell_of(a, "x", "_xa").join(cell_of(a, "n", "_na"), on=on)
    for i, b in enumerate(parts):
        joined = joined.join(cell_of(b, "x", f"_x{i}"), on=on)
    joined = joined.with_columns(key("all_of_lower", a, "+".join(parts), "x").alias("key"))
    columns = [("_xa", -1.0), ("_na", -float(len(parts) - 1))]
    columns += [(f"_x{i}", 1.0) for i in range(len(parts))]
    return (
        pl.concat(
            joined.select(
                "key",
                pl.lit("le").alias("sense"),
                pl.col(c).alias("cell"),
                pl.lit(coef).alias("coef"),
            )
            for c, coef in columns
        )
        .with_columns(pl.lit("all_of_lower").alias("kind"))
        .select(*_TERMS_SCHEMA)
        .cast(_TERMS_SCHEMA)
    )


def build_relations(
    table: pl.DataFrame,
    catalogue: Mapping[str, Indicator] = BY_ID,
    *,
    relaxed: Relaxations | None = None,
) -> Relations:
    """Every relation an outsider knows between the counts of ``table``.

    ``table`` needs ``indicator_id``, ``level``, ``unit_id``, ``rhf_code``, ``period``,
    ``period_type``, ``statistic``, ``numerator``, ``denominator`` and ``suppressed``.
    ``relaxed`` applies the relaxations recorded when the table was published (see
    :func:`fit_relations`); an indicator the catalogue does not know counts cases and
    has no relations to other indicators.
    """
    cells = table_cells(table, catalogue)
    counting = _counting(cells["indicator_id"].unique().to_list(), catalogue)
    parts = [
        *_level_relations(cells, counting),
        *_period_relations(cells, counting, catalogue),
        *_row_relations(cells),
        *_indicator_relations(cells, catalogue),
    ]
    terms = pl.concat([p for p in parts if p.height], how="vertical")
    if relaxed:
        terms = _apply_relaxations(terms, relaxed)
    relations = (
        terms.group_by("key", maintain_order=True)
        .agg(pl.col("kind").first(), pl.col("sense").first(), pl.col("cell").first())
        .sort("key")
        .with_row_index("relation")
        .join(cells.select("cell", "block"), on="cell")
        .drop("cell")
    )
    terms = terms.join(relations.select("key", "relation"), on="key").select(
        "relation", "cell", "coef"
    )
    return Relations(cells=cells, terms=terms, relations=relations, relaxed=dict(relaxed or {}))


def _apply_relaxations(terms: pl.DataFrame, relaxed: Relaxations) -> pl.DataFrame:
    how = pl.col("key").replace_strict(relaxed, default=None, return_dtype=pl.String)
    return terms.filter(how.ne_missing("dropped")).with_columns(
        pl.when(how == "ge").then(-pl.col("coef")).otherwise(pl.col("coef")).alias("coef"),
        pl.when(how.is_in(["ge", "le"]))
        .then(pl.lit("le"))
        .otherwise(pl.col("sense"))
        .alias("sense"),
    )


def fit_relations(table: pl.DataFrame, catalogue: Mapping[str, Indicator] = BY_ID) -> Relations:
    """The relations of ``table`` that hold for its true counts.

    ``table`` holds every true count (not yet withheld).  An equation whose true sum is
    not 0 is relaxed to the inequality that holds; an inequality that does not hold is
    dropped.  Both are recorded in ``Relations.relaxed`` by key.
    """
    raw = build_relations(table, catalogue)
    values = raw.cells.select("cell", "value")
    sums = (
        raw.terms.join(values, on="cell")
        .group_by("relation")
        .agg((pl.col("coef") * pl.col("value")).sum().alias("_sum"))
        .join(raw.relations.select("relation", "key", "kind", "sense"), on="relation")
    )
    tolerance = 1e-6
    relaxed = {
        key: ("ge" if s > 0 else "le") if sense == "eq" and kind != "region" else "dropped"
        for key, kind, sense, s in sums.select("key", "kind", "sense", "_sum").iter_rows()
        if (sense == "eq" and abs(s) > tolerance) or (sense == "le" and s > tolerance)
    }
    if not relaxed:
        return raw
    return build_relations(table, catalogue, relaxed=relaxed)


def _cell_key(kind: str, unit: str, suffix: str) -> pl.Expr:
    """A relation's key: ``kind|indicator|period|count|<unit column>suffix``."""
    return pl.concat_str(
        pl.lit(f"{kind}|"), "indicator_id", pl.lit("|"), "period", pl.lit("|"), "count",
        pl.lit("|"), unit, pl.lit(suffix),
    )  # fmt: skip
