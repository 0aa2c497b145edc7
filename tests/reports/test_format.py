"""Number formatting and suppressed values, bokmål and English."""

from __future__ import annotations

import polars as pl
import pytest

from indicators.present.format import (
    LANGS,
    SUPPRESSED_TEXT,
    SUPPRESSED_TEXTS,
    format_count,
    format_interval,
    format_number,
    format_percent,
    format_value,
    format_values,
    suppression_text,
)
from indicators.present.labels import TEXT
from indicators.results import SUPPRESSION_REASONS


@pytest.mark.parametrize(("lang", "expected"), [("nb", "1 234,5"), ("en", "1,234.5")])
def test_thousands_and_decimal_separators_follow_the_language(lang, expected):
    assert format_number(1234.5, lang=lang) == expected


@pytest.mark.parametrize(("lang", "expected"), [("nb", "72,4 %"), ("en", "72.4%")])
def test_shares_print_as_per_cent_with_one_decimal(lang, expected):
    assert format_percent(0.724, lang=lang) == expected


def test_large_counts_get_a_space_between_thousands_in_bokmal():
    assert format_count(1234567, lang="nb") == "1 234 567"


def test_an_interval_prints_the_unit_once():
    assert format_interval(0.681, 0.763, unit="fraction", lang="nb") == "68,1–76,3 %"
    assert format_interval(21.0, 1234.5, unit="days", lang="nb") == "21,0–1 234,5 dager"


@pytest.mark.parametrize(
    ("reason", "lang", "expected"),
    [
        ("small_count", "nb", "<5"),
        ("small_count", "en", "<5"),
        ("too_few", "nb", "for få"),
        ("too_few", "en", "too few"),
        ("secondary", "nb", "skjult"),
        ("secondary", "en", "withheld"),
    ],
)
def test_a_suppressed_value_prints_its_reason_never_a_number(reason, lang, expected):
    assert format_value(0.4, unit="fraction", suppressed=reason, lang=lang) == expected
    assert format_interval(0.1, 0.9, unit="fraction", suppressed=reason, lang=lang) == expected


@pytest.mark.parametrize("reason", SUPPRESSION_REASONS)
def test_every_declared_suppression_reason_has_a_text_in_both_languages(reason):
    assert set(SUPPRESSED_TEXT[reason]) == set(LANGS)
    for lang in LANGS:
        shown = suppression_text(reason, lang=lang)
        assert shown in SUPPRESSED_TEXTS
        assert not any(c.isdigit() for c in shown.replace("<5", ""))


def test_a_reason_this_package_does_not_know_reads_as_withheld_not_as_an_error():
    assert format_value(0.4, unit="fraction", suppressed="new_reason", lang="nb") == "skjult"


def test_negative_numbers_in_bokmal_have_the_minus_sign_and_zero_has_none():
    assert format_number(-1234.5, lang="nb") == "\u22121 234,5"
    assert format_number(-1234.5, lang="en") == "-1,234.5"
    assert format_number(-0.01, lang="nb") == "0,0"


def test_a_column_of_values_formats_suppressed_rows_as_their_reason():
    out = format_values(
        pl.Series([0.5, None, None, None]),
        unit="fraction",
        suppressed=pl.Series([None, "small_count", "too_few", "secondary"]),
        lang="nb",
    )
    assert out.to_list() == ["50,0 %", "<5", "for få", "skjult"]


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="use 'nb' or 'en'"):
        format_number(1.0, lang="de")


def test_every_report_text_exists_in_both_languages():
    missing = [key for key, texts in TEXT.items() if set(texts) != {"nb", "en"}]
    assert missing == []


@pytest.mark.parametrize("reason", SUPPRESSION_REASONS)
def test_a_count_column_never_prints_a_withheld_row_as_fewer_than_five(reason):
    """A row withheld because 1 of its 7 persons lacks the event has n = 7, not "<5"."""
    from indicators.present.format import suppression_count_text

    for lang in LANGS:
        shown = suppression_count_text(reason, lang=lang)
        assert "<5" not in shown
        assert shown in SUPPRESSED_TEXTS  # what the leak check accepts in a withheld cell


@pytest.mark.parametrize("reason", SUPPRESSION_REASONS)
def test_every_reason_reads_as_a_sentence_in_every_language(reason):
    from indicators.present.format import suppression_reason

    for lang in LANGS:
        assert suppression_reason(reason, lang=lang) not in SUPPRESSED_TEXTS
