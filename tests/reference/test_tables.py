"""The reference tables built from SKDE's format files."""

import polars as pl

from indicators.reference import municipalities, prevalence, rhfs, trusts


def test_there_are_21_catchment_trusts_in_four_rhfs():
    assert trusts().height == 21
    assert rhfs()["rhf_short_name"].to_list() == [
        "Helse Nord",
        "Helse Midt-Norge",
        "Helse Vest",
        "Helse Sør-Øst",
    ]


def test_known_municipalities_map_to_their_catchment_trust():
    m = municipalities()

    def trust_of(komnr: str) -> str:
        return m.filter(municipality=komnr)["catchment_trust_id"].item()

    assert trust_of("4601") == "983974724"  # Bergen -> Helse Bergen
    assert trust_of("5001") == "883974832"  # Trondheim -> St. Olavs hospital
    assert trust_of("5605") == "983974880"  # Sør-Varanger -> Finnmarkssykehuset
    assert trust_of("0301") == "993467049"  # Oslo (split) -> OUS
    assert m.filter(municipality="0301")["split_between_catchments"].item()


def test_every_municipality_has_four_digits_and_a_known_trust():
    m = municipalities()
    assert m["municipality"].str.contains(r"^\d{4}$").all()
    assert m["rhf_code"].null_count() == 0
    assert m["municipality"].is_unique().all()


def test_prevalence_table_covers_both_conditions_sexes_and_adult_ages():
    p = prevalence()
    assert p.group_by("condition").len().sort("condition")["len"].to_list() == [14, 14]
    assert p["prevalence"].is_between(0, 1).all()
    assert p.filter(pl.col("age_from") == 18).height == 4
