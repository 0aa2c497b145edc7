"""The custom GX expectations for Norwegian identifiers."""

from __future__ import annotations

import pandas as pd
import polars as pl

from indicators.reference.identifiers import fodselsnummer_like
from indicators.validate import suites
from indicators.validate.gxrun import GXRunner
from indicators.validate.rules import RULES

#: 01010012356 passes both check digits (worked by hand in tests/reference); 12345678901
#: does not (its first check digit would be 10).
TEXTS = [
    "ref 12345678901 pas 01010012356",
    "pas 01010012356",
    "ref 12345678901",
    "010100123560",
    None,
]


def test_every_eleven_digit_run_is_tested_not_only_the_first():
    frame = pl.DataFrame({"t": TEXTS})
    assert frame.select(fodselsnummer_like("t"))["t"].to_list() == [True, True, False, False, None]


def test_no_fodselsnummer_expectation_flags_a_number_after_another_eleven_digit_run():
    rule = RULES["pathway_events.outcome.no_fodselsnummer"]
    runner = GXRunner()
    frame = pd.DataFrame({"outcome": pd.Series(TEXTS, dtype="str")})
    (result,) = runner._validate("t", frame, [suites.expectation_for(rule)])
    assert sorted(result.result["unexpected_index_list"]) == [0, 1]
