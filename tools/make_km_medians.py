"""Write km_medians.json: Kaplan–Meier medians of seeded random waits, from lifelines.

lifelines is not a dependency of the project: run this in a scratch environment,

    python3 -m venv /tmp/ll && /tmp/ll/bin/pip install lifelines
    /tmp/ll/bin/python tools/make_km_medians.py

Datasets: integer waits (many ties), censoring from none to heavy, n from 2 to 400, and a
few shapes the issue names (waits 1..n all events for even n; half events, half censored
after the last event), where S(t) reaches exactly one half.  The median is lifelines'
``KaplanMeierFitter().median_survival_time_``; lifelines reports inf when the curve never
reaches one half, stored as null.  ``exact_median`` is the same rule on S(t) computed in
fractions (first t with S(t) <= 1/2), to show where floating point decides.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import lifelines
import numpy as np
from lifelines import KaplanMeierFitter

SEED = 20261130
OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "km_medians.json"


def exact_median(durations: list[int], events: list[bool]) -> int | None:
    s = Fraction(1)
    for t in sorted(set(durations)):
        at_risk = sum(d >= t for d in durations)
        died = sum(d == t and e for d, e in zip(durations, events, strict=True))
        s *= 1 - Fraction(died, at_risk)
        if died and s <= Fraction(1, 2):
            return t
    return None


def random_case(rng: np.random.Generator, i: int) -> tuple[list[int], list[bool]]:
    n = int(rng.choice([2, 3, 5, 8, 13, 20, 40, 75, 150, 400]))
    spread = int(rng.choice([5, 20, 60, 200]))
    durations = rng.integers(0, spread, size=n).tolist()
    censor_share = [0.0, 0.1, 0.3, 0.6, 0.85][i % 5]
    events = (rng.random(n) >= censor_share).tolist()
    return durations, events


def named_cases() -> list[tuple[str, list[int], list[bool]]]:
    cases = []
    for n in (2, 12, 24, 48, 198):
        cases.append((f"waits 1..{n}, all events", list(range(1, n + 1)), [True] * n))
    for k in (6, 12):
        durations = list(range(1, k + 1)) + [30] * k
        cases.append(
            (f"{k} events at 1..{k}, {k} censored at 30", durations, [True] * k + [False] * k)
        )
    cases.append(("all censored", [5, 9, 14], [False, False, False]))
    return cases


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows = [(name, d, e) for name, d, e in named_cases()]
    rows += [(f"random {i}", *random_case(rng, i)) for i in range(32)]
    datasets = []
    for name, durations, events in rows:
        fit = KaplanMeierFitter().fit(durations, event_observed=events)
        median = float(fit.median_survival_time_)
        datasets.append(
            {
                "name": name,
                "durations": durations,
                "events": events,
                "median": None if math.isinf(median) else median,
                "exact_median": exact_median(durations, events),
            }
        )
    header = {
        "source": f"lifelines {lifelines.__version__} KaplanMeierFitter().median_survival_time_",
        "made_by": f"tools/make_km_medians.py (numpy seed {SEED})",
        "undefined": "null where lifelines reports inf (the curve never reaches one half)",
    }
    OUT.write_text(json.dumps({"header": header, "datasets": datasets}, indent=1) + "\n")


if __name__ == "__main__":
    main()
