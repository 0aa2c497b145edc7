"""The disclosure audit: attack the published table as an outsider would, by linear programming.

For every count that a row withheld as a small count (``"<5"``) could be hiding, the
audit computes the interval an attacker can *prove* for it: its minimum and maximum over
all non-negative solutions consistent with every published count and every relation of
:mod:`indicators.disclosure.relations` (scipy's HiGHS, :func:`scipy.optimize.linprog`;
where a bound is fractional, :func:`scipy.optimize.milp` gives the bound over whole
numbers).  The counts of a withheld row are its numerator ``x``, its population ``n`` and
their difference ``n - x`` (those its statistic publishes).

Protection rule
---------------
The label ``"<5"`` tells the reader that one of the row's counts is between 1 and
``MIN_COUNT - 1`` (1–4), and no more.  Let ``[lo, hi]`` be the attacker's interval for a
count, and call the values of 1..4 inside it its *small values*.  A row is protected when

(a) every count the attacker can prove is at most 4 (``hi <= 4``) keeps at least
    :attr:`ProtectionRule.min_values` (N) small values, and its width ``hi - lo`` is at
    least :attr:`ProtectionRule.min_width_share` (p) of ``hi``: the attacker rules out
    at most ``4 - N`` of the values "<5" allows and cannot pin the count to within p of
    its largest possible value; and
(b) the row's counts together keep at least N small values: the attacker, who knows one
    of them is small, cannot narrow *which count and what value* to fewer than N
    possibilities.

Defaults N = 3 and p = 0.5.  A count exactly recovered between 1 and 4 breaks (a), and
so does one narrowed to "0 or 1" (a zero would have been published, so the reader
learns the count is tiny); a row whose only possible small count is pinned to one or two
values breaks (b).  Only
the published table and the recorded relaxations are used (never the true counts), so
``indicators audit`` gives the same answer on a results directory as compute did before
writing it.  The rule is in the spirit of tau-ARGUS's protection levels (Hundepool et
al., *Statistical Disclosure Control*, Wiley 2012, ch. 4), stated for frequency tables
with a threshold rule.

A connected component of withheld counts whose relations hold no published count at all
is reported as ``shape`` and passes: what an attacker can prove there follows only from
which rows the table has (every row counts at least one person, so a year withheld
beside its three withheld tertials is at least 3), not from any figure, and no further
suppression could change it.

Blocks (linked indicators x year) share no relation and are solved alone; inside a block
only the withheld counts are variables, and the LP is split into its connected
components, so its size grows with the withheld cells of one component, not with the
table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import connected_components

from indicators.disclosure.relations import Relations
from indicators.disclosure.rules import MIN_COUNT
from indicators.results import SUPPRESSED_SMALL_COUNT

#: Most rounds of joint witness searches per component (:func:`_certify`).
REACH_ROUNDS = 12
#: Relations around a target freed when looking for its witnesses (:meth:`_Problem.probe`).
PROBE_HOPS = (2, 4)
#: Largest neighbourhood worth a local LP, as a share of its component's cells.
LOCAL_SHARE = 0.4
#: Relations around a target kept when first trying to expose it (:meth:`_Problem.local_interval`).
RELAX_HOPS = 3
#: Slack for comparing LP bounds with whole numbers.
EPS = 1e-6


@dataclass(frozen=True)
class ProtectionRule:
    """When a withheld small count is protected (see the module docstring).

    ``min_values`` (N): values among 1..``MIN_COUNT - 1`` the attacker cannot rule out.
    ``min_width_share`` (p): least width of the attacker's interval, as a share of its
    upper end.
    """

    min_values: int = 3
    min_width_share: float = 0.5

    def as_dict(self) -> dict[str, Any]:
        """The rule's parameters and wording, for the results manifest."""
        return {
            "min_values": self.min_values,
            "min_width_share": self.min_width_share,
            "statement": (
                f"for every row shown '<{MIN_COUNT}', take the interval an attacker can prove "
                "for each of its counts (numerator, population, their difference) from every "
                "published count and relation: (a) a count proved to be at most "
                f"{MIN_COUNT - 1} keeps at least {self.min_values} possible values and an "
                f"interval at least {self.min_width_share:.0%} of its upper end wide; (b) the "
                f"row's counts together keep at least {self.min_values} possible values "
                f"within 1..{MIN_COUNT - 1}. Counts linked to no published count at all "
                "(only to other withheld counts) are not tested: what can be proved about "
                "them follows from which rows exist, which no suppression changes"
            ),
        }


@dataclass
class AuditResult:
    """What the audit found.

    ``intervals``: one row per audited count: ``row``, ``target`` (``x``, ``n`` or
    ``n-x``), ``low``, ``high``, ``protected``, ``block``.  ``exposed`` is the part not
    protected.  ``inconsistent``: keys of relations the published counts break (an
    edited table).  ``fixes``: for each exposed count, the published rows whose relations
    bound it (candidates for more suppression).
    """

    intervals: pl.DataFrame
    inconsistent: list[str] = field(default_factory=list)
    fixes: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    linear_programs: int = 0

    @property
    def exposed(self) -> pl.DataFrame:
        """The audited counts that are not protected."""
        return self.intervals.filter(~pl.col("protected"))

    @property
    def passed(self) -> bool:
        """No exposed count and no broken relation."""
        return self.exposed.height == 0 and not self.inconsistent


_INTERVALS = {"row": pl.UInt32, "target": pl.String, "low": pl.Float64, "high": pl.Float64,
              "protected": pl.Boolean, "method": pl.String, "block": pl.String,
              "component": pl.Int64}  # fmt: skip


def small_values(low: float, high: float) -> int:
    """How many of 1..``MIN_COUNT - 1`` lie in ``[low, high]`` (whole numbers).

    >>> small_values(0, 12), small_values(3, 4), small_values(2.5, 3.5), small_values(6, 9)
    (4, 2, 1, 0)
    """
    if low > high or low == math.inf:
        return 0
    lo = max(1, math.ceil(low - EPS)) if math.isfinite(low) else 1
    hi = min(MIN_COUNT - 1, math.floor(high + EPS)) if math.isfinite(high) else MIN_COUNT - 1
    return max(0, hi - lo + 1)


def is_protected(low: float, high: float, rule: ProtectionRule) -> bool:
    """Whether a count with the attacker's interval ``[low, high]`` meets part (a).

    Only a count proved to be at most ``MIN_COUNT - 1`` is tested.

    >>> rule = ProtectionRule()
    >>> is_protected(0, 12, rule), is_protected(3, 4, rule), is_protected(4, 9, rule)
    (True, False, True)
    >>> is_protected(2, 4, rule), is_protected(0, 3, rule), is_protected(0, 1, rule)
    (True, True, False)
    """
    lo = math.ceil(low - EPS)
    hi = math.floor(high + EPS) if math.isfinite(high) else math.inf
    if hi > MIN_COUNT - 1 or small_values(low, high) == 0:
        return True
    return small_values(low, high) >= rule.min_values and (hi - lo) >= rule.min_width_share * hi


def run_audit(
    relations: Relations,
    table: pl.DataFrame,
    *,
    rule: ProtectionRule | None = None,
    blocks: set[str] | None = None,
    rows: set[int] | None = None,
    cache: dict | None = None,
) -> AuditResult:
    """Attack every withheld small count of ``table`` through ``relations``.

    ``table`` gives ``suppressed`` (which rows are withheld and why); the values of the
    withheld cells are never read.  ``blocks`` limits the audit to those blocks, and
    ``rows`` to the counts of those rows (every withheld cell stays a variable).
    ``cache`` keeps each component's verdicts by its set of withheld cells: a component
    is one LP whatever else changes, so repeated audits of the same table under more
    suppression (:func:`~indicators.disclosure.protect`) solve only what changed.
    """
    rule = rule or ProtectionRule()
    known = table.select(pl.col("suppressed").is_null().alias("known")).with_row_index("row")
    small = table.with_row_index("row").filter(pl.col("suppressed") == SUPPRESSED_SMALL_COUNT)
    cells = relations.cells.drop("known").join(known, on="row")
    terms = relations.terms.join(cells.select("cell", "known", "value", "block"), on="cell")
    if blocks is not None:
        cells = cells.filter(pl.col("block").is_in(blocks))
        terms = terms.filter(pl.col("block").is_in(blocks))
    small_rows = set(small["row"].to_list())
    if rows is not None:
        small_rows &= rows
    result = AuditResult(intervals=pl.DataFrame(schema=_INTERVALS))
    frames = []
    for (block,), block_cells in cells.group_by("block", maintain_order=True):
        if not small_rows.intersection(block_cells.filter(~pl.col("known"))["row"].to_list()):
            continue
        block_terms = terms.filter(pl.col("block") == block)
        frames.append(_audit_block(block, block_cells, block_terms, relations, small_rows,
                                   rule, result, {} if cache is None else cache))  # fmt: skip
    if frames:
        result.intervals = pl.concat(frames).sort("row", "target")
    result.inconsistent.sort()
    return result


def _audit_block(block, cells, terms, relations, small_rows, rule, result, cache) -> pl.DataFrame:
    """Intervals of the small-count targets of one block, component by component."""
    unknown = cells.filter(~pl.col("known")).sort("cell")
    index = {c: i for i, c in enumerate(unknown["cell"].to_list())}
    system = _System.build(unknown, terms, index, relations, result)
    labels = system.components()
    by_component: dict[int, list[tuple[tuple[int, str], dict[int, float]]]] = {}
    for target, objective in _targets(unknown, small_rows, index):
        by_component.setdefault(int(labels[next(iter(objective))]), []).append((target, objective))
    truth = unknown["value"].to_numpy() if unknown["value"].null_count() == 0 else None
    cell_ids = unknown["cell"].to_numpy()
    out = []
    for component in sorted(by_component):
        mask = labels == component
        key = frozenset(cell_ids[mask].tolist())
        if key in cache:
            verdicts, fixes = cache[key]
            out += [(*v, block, component) for v in verdicts]
            result.fixes.update(fixes)
            continue
        problem = system.subproblem(mask)
        if not problem.publishes_any():
            verdicts = [(*t, None, None, True, "shape") for t, _ in by_component[component]]
            cache[key] = (verdicts, {})
            out += [(*v, block, component) for v in verdicts]
            continue
        local = {int(v): i for i, v in enumerate(np.flatnonzero(mask))}
        targets = [
            (target, {local[v]: coef for v, coef in objective.items()})
            for target, objective in by_component[component]
        ]
        seen = _Witnesses(dict(targets))
        if truth is not None:
            seen.add(truth[mask])
        _certify(problem, seen, rule, result)
        fixes = {}
        verdicts = _verdicts(targets, seen, problem, rule, result, fixes)
        cache[key] = (verdicts, fixes)
        result.fixes.update(fixes)
        out += [(*v, block, component) for v in verdicts]
    return pl.DataFrame(out, schema=_INTERVALS, orient="row")


def _verdicts(targets, seen, problem, rule, result, fixes) -> list[tuple]:
    """Rule (a) for every count and rule (b) for every row of one component."""
    by_row: dict[int, list[tuple[tuple[int, str], dict[int, float]]]] = {}
    for target, objective in targets:
        by_row.setdefault(target[0], []).append((target, objective))
    out = []
    for _, row_targets in sorted(by_row.items()):
        names = [t for t, _ in row_targets]
        if not seen.protects_row(names, rule):
            for target, objective in row_targets:
                if not seen.protects(target, rule):
                    problem.probe(target, objective, seen, rule, result)
        if seen.protects_row(names, rule):
            out += [(*t, None, None, True, "witness") for t in names]
            continue
        checked = _row_intervals(row_targets, seen, problem, rule, result, exact=False)
        row_ok = sum(c[4] for c in checked) >= rule.min_values
        if not row_ok and any(c[1] is None and c[4] < MIN_COUNT - 1 for c in checked):
            # The witnesses' small values fall short of (b): the exact intervals decide.
            checked = _row_intervals(row_targets, seen, problem, rule, result, exact=True)
            row_ok = sum(c[4] for c in checked) >= rule.min_values
        objectives = dict(row_targets)
        for target, low, high, ok, _, binding in checked:
            method = "witness" if low is None else "linear_program"
            out.append((*target, low, high, ok and row_ok, method))
            if not (ok and row_ok):
                fixes[target] = binding or problem.neighbour_rows(objectives[target])
    return out


def _row_intervals(row_targets, seen, problem, rule, result, *, exact: bool) -> list[tuple]:
    """(target, low, high, (a) holds, small values, binding rows) for a row's counts.

    A count the witnesses already protect is not solved for (``low`` None; its small
    values are those seen, at most the attacker's), unless ``exact`` and fewer than all
    of 1..4 were seen.  Otherwise the relations near the count are tried first
    (:meth:`_Problem.local_interval`): a count they expose is exposed; else the whole
    component decides.
    """
    checked: list[tuple] = []
    for target, objective in row_targets:
        seen_values = small_values(seen.least[target], seen.greatest[target])
        if seen.protects(target, rule) and (not exact or seen_values == MIN_COUNT - 1):
            checked.append((target, None, None, True, seen_values, []))
            continue
        low, high, binding = problem.local_interval(target, objective, seen, rule, result)
        # The exact interval lies between the witnesses' and this one: it has no small
        # value if this one has none, and it has the witnesses' if both agree.
        near_values = small_values(low, high)
        decided = near_values == 0 or (seen.protects(target, rule) and near_values == seen_values)
        if is_protected(low, high, rule) and not decided:
            low, high, binding = problem.interval(objective, seen, rule, result)
        checked.append(
            (target, low, high, is_protected(low, high, rule), small_values(low, high), binding)
        )
    return checked


class _Witnesses:
    """The least and greatest value of every target seen in whole-number solutions.

    Any solution consistent with the published table bounds the attacker's interval
    from inside: ``low <= least seen`` and ``high >= greatest seen``.
    """

    def __init__(self, objectives: dict[tuple[int, str], dict[int, float]]) -> None:
        self.objectives = objectives
        self.least = dict.fromkeys(objectives, math.inf)
        self.greatest = dict.fromkeys(objectives, -math.inf)
        self.base: np.ndarray | None = None
        self._matrix: sparse.csr_array | None = None
        self._low = np.full(len(objectives), math.inf)
        self._high = np.full(len(objectives), -math.inf)

    def add(self, point: np.ndarray) -> None:
        """Record a solution, if it is whole (the first one is kept as :attr:`base`)."""
        if not np.all(np.abs(point - np.round(point)) <= EPS):
            return
        if self.base is None:
            self.base = np.round(point)
        if self._matrix is None or self._matrix.shape[1] != point.size:
            rows = [i for i, o in enumerate(self.objectives.values()) for _ in o]
            cols = [v for o in self.objectives.values() for v in o]
            coefs = [c for o in self.objectives.values() for c in o.values()]
            shape = (len(self.objectives), point.size)
            self._matrix = sparse.csr_array((coefs, (rows, cols)), shape=shape)
        values = self._matrix @ point
        names = list(self.objectives)
        for i in np.flatnonzero(values < self._low):
            self.least[names[i]] = float(values[i])
        for i in np.flatnonzero(values > self._high):
            self.greatest[names[i]] = float(values[i])
        self._low = np.minimum(self._low, values)
        self._high = np.maximum(self._high, values)

    def note(self, target: tuple[int, str], least: float, greatest: float) -> None:
        """Record that ``target`` was seen at ``least`` and ``greatest`` elsewhere.

        Only values seen in solutions of a problem whose solutions are solutions of this
        one (the whole component, for one of its relaxations).
        """
        i = list(self.objectives).index(target)
        self._low[i] = min(self._low[i], least)
        self._high[i] = max(self._high[i], greatest)
        self.least[target] = float(self._low[i])
        self.greatest[target] = float(self._high[i])

    def progress(self, high: float, low: float) -> tuple[int, int]:
        """How many targets were seen at ``high`` or more, and at ``low`` or less."""
        up = sum(g >= high - EPS for g in self.greatest.values())
        down = sum(v <= low + EPS for v in self.least.values())
        return up, down

    def protects(self, target: tuple[int, str], rule: ProtectionRule) -> bool:
        """Whether the solutions seen already prove (a) for a count.

        The attacker's interval holds ``[least, greatest]`` seen, and (a) holds for any
        interval that holds one reaching ``MIN_COUNT``, or one with at least N (and at
        least one) small values that is wide enough: widening such an interval keeps it
        protected.
        """
        least, greatest = self.least[target], self.greatest[target]
        if greatest >= MIN_COUNT - EPS:
            return True
        wide = small_values(least, greatest) >= max(1, rule.min_values)
        return wide and is_protected(least, greatest, rule)

    def protects_row(self, targets: list[tuple[int, str]], rule: ProtectionRule) -> bool:
        """Whether the solutions seen already prove (a) and (b) for a row's counts.

        (a) by :meth:`protects`; (b) when the small values between the least and
        greatest seen of the counts add up to N (the attacker's intervals hold those
        values).
        """
        if not all(self.protects(t, rule) for t in targets):
            return False
        seen = sum(small_values(self.least[t], self.greatest[t]) for t in targets)
        return seen >= rule.min_values

    def certified(self, target: tuple[int, str], rule: ProtectionRule) -> bool:
        """Seen at or below ``low`` and at or above ``high`` (:func:`certificate_bounds`)."""
        low, high = certificate_bounds(rule)
        return self.least[target] <= low + EPS and self.greatest[target] >= high - EPS


def _targets(unknown: pl.DataFrame, small_rows: set[int], index: dict[int, int]):
    """(row, target) and its objective {variable: coef} for every count to audit."""
    by_row: dict[int, dict[str, int]] = {}
    for row, count, cell in unknown.select("row", "count", "cell").iter_rows():
        if row in small_rows:
            by_row.setdefault(row, {})[count] = index[cell]
    for row in sorted(by_row):
        counts = by_row[row]
        for count in sorted(counts):
            yield (row, count), {counts[count]: 1.0}
        if "x" in counts and "n" in counts:
            yield (row, "n-x"), {counts["n"]: 1.0, counts["x"]: -1.0}


def certificate_bounds(rule: ProtectionRule) -> tuple[int, int]:
    """Values ``(low, high)`` such that a count shown to reach both is protected.

    A count that can be at most ``low`` = 1 and at least ``high`` cannot have any of
    1..``MIN_COUNT - 1`` ruled out, and ``high - 1 >= p * high`` makes it wide enough.

    >>> certificate_bounds(ProtectionRule())
    (1, 4)
    """
    return 1, max(MIN_COUNT - 1, math.ceil(1 / (1 - rule.min_width_share)))


def _certify(problem, seen: _Witnesses, rule: ProtectionRule, result) -> None:
    """Look for whole-number solutions that certify many targets at once.

    Each round, for each kind of count (x, n, n - x), one LP looks for a solution that
    brings as many uncertified targets as it can to at least ``high``, another to at
    most ``low`` (:func:`certificate_bounds`;
    ``high`` is at least ``MIN_COUNT``).
    """
    low, high = certificate_bounds(rule)
    high = max(high, MIN_COUNT)  # a count seen at 5 or more is not proved small
    for _ in range(REACH_ROUNDS):
        before = seen.progress(high, low)
        for reach, short in ((high, seen.greatest), (low, seen.least)):
            need = [
                t for t in sorted(seen.objectives)
                if not seen.certified(t, rule)
                and ((short[t] < high - EPS) if reach == high else (short[t] > low + EPS))
            ]  # fmt: skip
            # A row's x and n - x pull against each other: each kind of count
            # gets its own search.
            for kind in sorted({t[1] for t in need}):
                wanted = [seen.objectives[t] for t in need if t[1] == kind]
                point = problem.reach(wanted, reach, result)
                if point is not None:
                    seen.add(point)
        if seen.progress(high, low) == before:
            break


def _dense(objective: dict[int, float], n: int) -> np.ndarray:
    c = np.zeros(n)
    for var, coef in objective.items():
        c[var] = coef
    return c


def _stack(a: sparse.csr_array | None, b: sparse.csr_array | None, n: int) -> sparse.csr_array:
    parts = [m for m in (a, b) if m is not None and m.shape[0]]
    return sparse.vstack(parts).tocsr() if parts else sparse.csr_array((0, n))


@dataclass
class _Problem:
    """One connected component: its constraints, bounds and binding information."""

    a_eq: sparse.csr_array | None
    b_eq: np.ndarray | None
    a_ub: sparse.csr_array | None
    b_ub: np.ndarray | None
    lower: np.ndarray
    eq_relations: np.ndarray
    ub_relations: np.ndarray
    relation_rows: dict[int, list[int]]
    graph: sparse.csr_array | None = field(default=None, repr=False)

    def _solve(self, c, result):
        result.linear_programs += 1
        return linprog(
            c,
            A_ub=self.a_ub,
            b_ub=self.b_ub,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=[(lo, None) for lo in self.lower],
            method="highs",
        )

    def probe(self, target, objective, seen, rule, result) -> None:
        """Witnesses for one target from its neighbourhood, the rest held at a witness.

        With every cell beyond :data:`PROBE_HOPS` relations of the target (nearest
        first, while the neighbourhood is not much of the component) fixed at the
        values of a whole solution already seen (:attr:`_Witnesses.base`), the target's
        least value and its greatest up to ``MIN_COUNT`` are sought over the cells near
        it: a restriction of the attacker's problem, so what it finds is a solution of
        the whole problem (a witness), found with a small LP.
        """
        low, high = certificate_bounds(rule)
        high = max(high, MIN_COUNT)
        for hops in PROBE_HOPS:
            near = self.near(objective, hops)
            if seen.base is None or near.size > self.lower.size * LOCAL_SHARE:
                return
            self._probe_near(near, target, objective, seen, low, high, result)
            if seen.protects(target, rule):
                return

    def _probe_near(self, near, target, objective, seen, low, high, result) -> None:
        """One :meth:`probe` over the cells ``near``."""
        for sign, done in ((1.0, seen.least[target] <= low + EPS),
                           (-1.0, seen.greatest[target] >= high - EPS)):  # fmt: skip
            if done:
                continue
            sub, local = self._restricted(near, seen.base, objective, sign, high)
            res = sub._solve(sign * _dense(local, near.size), result)
            if res.status == 0:
                point = seen.base.copy()
                point[near] = res.x
                seen.add(point)

    def local_interval(self, target, objective, seen, rule, result):
        """An interval the attacker proves from the relations near the target alone.

        Only the relations whose cells all lie within :data:`RELAX_HOPS` relations of
        the target are kept: a relaxation, so the interval holds the attacker's exact
        one, and a count it already exposes is exposed.  ``(0, inf)`` when the
        neighbourhood is much of the component (:data:`LOCAL_SHARE`).
        """
        near = self.near(objective, RELAX_HOPS)
        if near.size > self.lower.size * LOCAL_SHARE:
            return 0.0, math.inf, []
        outside = np.ones(self.lower.size, dtype=bool)
        outside[near] = False
        eq = _sub_rows(self.a_eq, self.b_eq, self.eq_relations, _rows_only_in(self.a_eq, outside),
                       near)  # fmt: skip
        ub = _sub_rows(self.a_ub, self.b_ub, self.ub_relations, _rows_only_in(self.a_ub, outside),
                       near)  # fmt: skip
        sub = _Problem(eq[0], eq[1], ub[0], ub[1], lower=self.lower[near], eq_relations=eq[2],
                       ub_relations=ub[2], relation_rows=self.relation_rows)  # fmt: skip
        position = {int(v): i for i, v in enumerate(near)}
        local = {position[v]: coef for v, coef in objective.items()}
        alone = _Witnesses({target: local})
        alone.note(target, seen.least[target], seen.greatest[target])
        return sub.interval(local, alone, rule, result)

    def near(self, objective: dict[int, float], hops: int) -> np.ndarray:
        """The cells within ``hops`` relations of the objective's cells (sorted)."""
        if self.graph is None:
            n = self.lower.size
            links = _stack(None if self.a_eq is None else abs(self.a_eq),
                           None if self.a_ub is None else abs(self.a_ub), n)  # fmt: skip
            self.graph = (links.T @ links).tocsr() if links.shape[0] else sparse.csr_array((n, n))
        reached = np.zeros(self.lower.size)
        reached[list(objective)] = 1.0
        for _ in range(hops):
            reached = reached + self.graph @ reached
        return np.flatnonzero(reached > 0)

    def _restricted(self, near, base, objective, sign, cap) -> tuple[_Problem, dict[int, float]]:
        """The problem over ``near`` with every other cell fixed at ``base``.

        Maximising (``sign`` -1), the objective is capped at ``cap`` (or its value at
        ``base`` if larger) so that the LP is bounded.
        """
        far = np.ones(self.lower.size, dtype=bool)
        far[near] = False
        held = (np.flatnonzero(far), base[far])
        (a_eq, b_eq, eq_ids), (a_ub, b_ub, ub_ids) = (
            _sub_rows(matrix, rhs, ids, _rows_within(matrix, near), near, held)
            for matrix, rhs, ids in ((self.a_eq, self.b_eq, self.eq_relations),
                                     (self.a_ub, self.b_ub, self.ub_relations))
        )  # fmt: skip
        position = {int(v): i for i, v in enumerate(near)}
        local = {position[v]: coef for v, coef in objective.items()}
        if sign < 0:
            value = sum(coef * base[v] for v, coef in objective.items())
            row = sparse.csr_array(_dense(local, near.size)[None, :])
            a_ub = row if a_ub is None else sparse.vstack([a_ub, row]).tocsr()
            limit = np.array([max(float(cap), value)])
            b_ub = limit if b_ub is None else np.concatenate([b_ub, limit])
        sub = _Problem(a_eq, b_eq, a_ub, b_ub, lower=self.lower[near], eq_relations=eq_ids,
                       ub_relations=ub_ids, relation_rows=self.relation_rows)  # fmt: skip
        return sub, local

    def reach(self, objectives, level, result) -> np.ndarray | None:
        """A solution that brings as many objectives as it can to ``level``.

        Towards a higher level: maximise ``Σ t_j`` with ``t_j <= level`` and ``t_j <=
        objective_j``; towards a lower one: minimise ``Σ s_j`` with ``s_j >= 0`` and
        ``s_j >= objective_j - level``.
        """
        n, k = self.lower.size, len(objectives)
        rows = [j for j, o in enumerate(objectives) for _ in o]
        cols = [v for o in objectives for v in o]
        vals = [coef for o in objectives for coef in o.values()]
        link = sparse.csr_array((vals, (rows, cols)), shape=(k, n))
        up = level > 1
        # up: t_j - obj_j <= 0 ; down: obj_j - s_j <= level
        eye = sparse.identity(k, format="csr")
        extra = sparse.hstack([-link, eye]) if up else sparse.hstack([link, -eye])
        rhs = np.zeros(k) if up else np.full(k, float(level))
        a_ub, b_ub = extra, rhs
        if self.a_ub is not None:
            widened = sparse.hstack([self.a_ub, sparse.csr_array((self.a_ub.shape[0], k))])
            a_ub, b_ub = sparse.vstack([widened, extra]), np.concatenate([self.b_ub, rhs])
        a_eq = None
        if self.a_eq is not None:
            a_eq = sparse.hstack([self.a_eq, sparse.csr_array((self.a_eq.shape[0], k))])
        c = np.concatenate([np.zeros(n), np.full(k, -1.0 if up else 1.0)])
        bounds: list[tuple[float | None, float | None]] = [(lo, None) for lo in self.lower]
        bounds += [(None, float(level))] * k if up else [(0.0, None)] * k
        result.linear_programs += 1
        a_eq = None if a_eq is None else a_eq.tocsr()
        res = linprog(c, A_ub=a_ub.tocsr(), b_ub=b_ub, A_eq=a_eq, b_eq=self.b_eq, bounds=bounds,
                      method="highs")  # fmt: skip
        if res.status != 0:
            return None
        return res.x[:n]

    def interval(self, objective, seen, rule, result) -> tuple[float, float, list[int]]:
        """The attacker's [min, max] of ``objective`` and the published rows that bind it.

        The minimum first: at ``MIN_COUNT`` or more the count cannot be the small one and
        the maximum is not needed (reported as infinite); nor is it when the witnesses
        already reach ``high`` and the minimum is at most ``low``.  The minimum of a
        single count that a witness shows at its least possible value (0, or 1 for a
        population) is that value, without an LP.
        """
        c = np.zeros(self.lower.size)
        for var, coef in objective.items():
            c[var] = coef
        below: set[int] = set()
        above: set[int] = set()
        target = next(t for t, o in seen.objectives.items() if o == objective)
        (var, coef), *others = objective.items()
        if not others and coef == 1.0 and seen.least[target] <= self.lower[var] + EPS:
            low = float(self.lower[var])
        else:
            low = self._bound(c, seen, result, below)
        lowest, highest = certificate_bounds(rule)
        if low >= MIN_COUNT - EPS or (low <= lowest + EPS and seen.greatest[target] >= highest):
            high = math.inf
        else:
            high = -self._bound(-c, seen, result, above)
        # Only the side that is too narrow needs relaxing: the minimum when it rules out
        # the small values from below, the maximum when it caps them.
        binding = (below if low > lowest + EPS else set()) | (above if high < highest else set())
        rows = sorted({r for rel in binding for r in self.relation_rows.get(int(rel), [])})
        return low, high, rows

    def publishes_any(self) -> bool:
        """Whether any relation of the component holds a published count."""
        every = [*self.eq_relations.tolist(), *self.ub_relations.tolist()]
        return any(self.relation_rows.get(int(rel)) for rel in every)

    def neighbour_rows(self, objective: dict[int, float]) -> list[int]:
        """Published rows of the relations that hold the objective's cells.

        The fallback when the duals name no binding relation (a degenerate optimum, or
        a bound that only the whole-number program reaches); if none of those relations
        has a published cell left, the published rows of the whole component.
        """
        relations: set[int] = set()
        for matrix, ids in ((self.a_eq, self.eq_relations), (self.a_ub, self.ub_relations)):
            if matrix is not None:
                touched = abs(matrix[:, sorted(objective)]).sum(axis=1)
                relations |= set(ids[np.asarray(touched).ravel() > 0].tolist())
        rows = {r for rel in relations for r in self.relation_rows.get(int(rel), [])}
        if not rows:
            every = [*self.eq_relations.tolist(), *self.ub_relations.tolist()]
            rows = {r for rel in every for r in self.relation_rows.get(int(rel), [])}
        return sorted(rows)

    def _bound(self, c, seen, result, binding: set[int]) -> float:
        """Min c·v (-inf when unbounded), adding the relations that bind it to ``binding``."""
        res = self._solve(c, result)
        if res.status == 3:  # unbounded: the attacker learns no bound on this side
            return -math.inf
        if res.status != 0:
            result.inconsistent.append(f"linear program not solved: {res.message}")
            return -math.inf
        seen.add(res.x)
        value = float(res.fun)
        if abs(value - round(value)) > EPS:
            value = _integer_bound(c, self, value)
        if self.a_eq is not None:
            binding |= set(self.eq_relations[np.abs(res.eqlin.marginals) > EPS].tolist())
        if self.a_ub is not None:
            binding |= set(self.ub_relations[np.abs(res.ineqlin.marginals) > EPS].tolist())
        return value


@dataclass
class _System:
    """The relations of one block over its unknown cells, published counts moved right."""

    a_eq: sparse.csr_array
    b_eq: np.ndarray
    a_ub: sparse.csr_array
    b_ub: np.ndarray
    lower: np.ndarray
    eq_rows: np.ndarray  # relation id of each equation
    ub_rows: np.ndarray
    relation_rows: dict[int, list[int]]  # relation id -> rows of the published cells in it

    @classmethod
    def build(cls, unknown, terms, index, relations, result) -> _System:
        n = len(index)
        lower = np.where(unknown["count"].to_numpy() == "n", 1.0, 0.0)
        senses = dict(relations.relations.select("relation", "sense").iter_rows())
        keys = dict(relations.relations.select("relation", "key").iter_rows())
        rows_of = dict(unknown.select("cell", "row").iter_rows()) | dict(
            terms.filter(pl.col("known")).join(relations.cells.select("cell", "row"), on="cell")
            .select("cell", "row").iter_rows()
        )  # fmt: skip
        grouped = terms.group_by("relation", maintain_order=True).agg("cell", "coef", "known",
                                                                        "value")  # fmt: skip
        eq: list[tuple[int, list[int], list[float], float]] = []
        ub: list[tuple[int, list[int], list[float], float]] = []
        published: dict[int, list[int]] = {}
        for relation, cells_, coefs, knowns, values in grouped.sort("relation").iter_rows():
            rhs, cols, vals = 0.0, [], []
            for cell, coef, is_known, value in zip(cells_, coefs, knowns, values, strict=True):
                if is_known:
                    rhs -= coef * value
                    published.setdefault(relation, []).append(rows_of[cell])
                else:
                    cols.append(index[cell])
                    vals.append(coef)
            if not cols:
                _check_consistent(senses[relation], rhs, keys[relation], result)
                continue
            (eq if senses[relation] == "eq" else ub).append((relation, cols, vals, rhs))
        return cls(
            *_matrix(eq, n), *_matrix(ub, n), lower=lower,
            eq_rows=np.array([r[0] for r in eq], dtype=np.int64),
            ub_rows=np.array([r[0] for r in ub], dtype=np.int64),
            relation_rows=published,
        )  # fmt: skip

    def components(self) -> np.ndarray:
        """Component label of every unknown cell (cells linked through relations)."""
        n = self.lower.shape[0]
        links = _stack(abs(self.a_eq), abs(self.a_ub), n)
        adjacency = (links.T @ links) if links.shape[0] else sparse.csr_array((n, n))
        return connected_components(adjacency, directed=False)[1]

    def subproblem(self, mask: np.ndarray) -> _Problem:
        """The LP of one component."""
        keep = np.flatnonzero(mask)
        eq_rows = _rows_within(self.a_eq, keep)
        ub_rows = _rows_within(self.a_ub, keep)
        return _Problem(
            a_eq=self.a_eq[eq_rows][:, keep] if eq_rows.size else None,
            b_eq=self.b_eq[eq_rows] if eq_rows.size else None,
            a_ub=self.a_ub[ub_rows][:, keep] if ub_rows.size else None,
            b_ub=self.b_ub[ub_rows] if ub_rows.size else None,
            lower=self.lower[keep],
            eq_relations=self.eq_rows[eq_rows],
            ub_relations=self.ub_rows[ub_rows],
            relation_rows=self.relation_rows,
        )


def _integer_bound(c, problem: _Problem, relaxed: float) -> float:
    """The optimum over whole numbers (the attacker knows counts are whole)."""
    constraints = []
    if problem.a_eq is not None:
        constraints.append(LinearConstraint(problem.a_eq, problem.b_eq, problem.b_eq))
    if problem.a_ub is not None:
        constraints.append(LinearConstraint(problem.a_ub, -np.inf, problem.b_ub))
    res = milp(c, constraints=constraints, integrality=np.ones_like(c),
               bounds=Bounds(problem.lower, np.inf))  # fmt: skip
    return float(res.fun) if res.status == 0 else relaxed


def _sub_rows(matrix, rhs, ids: np.ndarray, rows: np.ndarray, cols: np.ndarray, held=None):
    """Rows ``rows`` of a constraint block over columns ``cols``: (matrix, rhs, ids).

    ``held`` = (columns, values) fixes those columns, moving them to the right-hand side.
    """
    if matrix is None or rows.size == 0:
        return None, None, ids[:0]
    part = matrix[rows]
    rhs = rhs[rows] if held is None else rhs[rows] - part[:, held[0]] @ held[1]
    return part[:, cols], rhs, ids[rows]


def _rows_only_in(matrix: sparse.csr_array | None, outside: np.ndarray) -> np.ndarray:
    """Rows of ``matrix`` with no non-zero in the columns flagged ``outside``."""
    if matrix is None or matrix.shape[0] == 0:
        return np.array([], dtype=np.int64)
    touched = abs(matrix[:, np.flatnonzero(outside)]).sum(axis=1)
    return np.flatnonzero(np.asarray(touched).ravel() == 0)


def _rows_within(matrix: sparse.csr_array | None, keep: np.ndarray) -> np.ndarray:
    """Rows of ``matrix`` with a non-zero in the columns ``keep``."""
    if matrix is None or matrix.shape[0] == 0:
        return np.array([], dtype=np.int64)
    touched = abs(matrix[:, keep]).sum(axis=1)
    return np.flatnonzero(np.asarray(touched).ravel() > 0)


def _matrix(rows, n: int) -> tuple[sparse.csr_array, np.ndarray]:
    data, indices, indptr, rhs = [], [], [0], []
    for _, cols, vals, b in rows:
        indices.extend(cols)
        data.extend(vals)
        indptr.append(len(indices))
        rhs.append(b)
    matrix = sparse.csr_array((data, indices, indptr), shape=(len(rows), n), dtype=float)
    return matrix, np.array(rhs, dtype=float)


def _check_consistent(sense: str, rhs: float, key: str, result: AuditResult) -> None:
    """A relation over published counts only must hold: ``0 = rhs`` or ``0 <= rhs``."""
    broken = abs(rhs) > EPS if sense == "eq" else rhs < -EPS
    if broken:
        result.inconsistent.append(key)
