"""Check digits of organisation numbers and fødselsnummer (values checked by hand)."""

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from indicators.reference import (
    fodselsnummer_like,
    is_valid_fodselsnummer,
    is_valid_orgnr,
    orgnr_is_valid,
    trusts,
)


def test_every_trust_orgnr_has_a_valid_check_digit():
    assert all(is_valid_orgnr(o) for o in trusts()["trust_id"])


def test_orgnr_check_digit_worked_by_hand():
    # 98397488: 9*3+8*2+3*7+9*6+7*5+4*4+8*3+8*2 = 209; 209 mod 11 = 0 -> check digit 0.
    assert is_valid_orgnr("983974880")
    assert not is_valid_orgnr("983974881")
    assert not is_valid_orgnr("98397488")
    assert not is_valid_orgnr("98397488a")


def test_fodselsnummer_check_digits_worked_by_hand():
    # 010100123: k1 = 11 - (0*3+1*7+0*6+1*1+0*8+0*9+1*4+2*5+3*2) mod 11 = 11 - 28 mod 11 = 5
    # 0101001235: k2 = 11 - (0*5+1*4+0*3+1*2+0*7+0*6+1*5+2*4+3*3+5*2) mod 11 = 11 - 38 mod 11 = 6
    assert is_valid_fodselsnummer("01010012356")
    assert not is_valid_fodselsnummer("01010012357")
    assert not is_valid_fodselsnummer("0101001235")


def test_fodselsnummer_is_found_inside_free_text_but_not_in_longer_numbers():
    texts = pl.DataFrame(
        {"t": ["ring 01010012356 i dag", "010100123560", "01010012357", None, "P10062758"]}
    )
    assert texts.select(fodselsnummer_like("t"))["t"].to_list() == [True, False, False, None, False]


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_vectorised_orgnr_check_agrees_with_the_scalar_one(value):
    vectorised = pl.DataFrame({"o": [value]}).select(orgnr_is_valid("o")).item()
    assert vectorised == is_valid_orgnr(value)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_vectorised_fodselsnummer_check_agrees_with_the_scalar_one(value):
    vectorised = pl.DataFrame({"t": [value]}).select(fodselsnummer_like("t")).item()
    assert vectorised == is_valid_fodselsnummer(value)
