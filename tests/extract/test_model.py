import polars as pl

from indicators.extract.model import EXTRACT, PATHWAY_EVENTS, SERVICES


def test_the_model_declares_the_five_tables_of_the_extract():
    assert list(EXTRACT) == ["patients", "referrals", "contacts", "pathway_events", "primary_care"]
    assert [t.name for t in EXTRACT.values() if t.optional] == ["primary_care"]


def test_every_foreign_key_points_at_a_declared_key_column():
    for table in EXTRACT.values():
        for fk in table.foreign_keys:
            assert fk.column in table.column_names
            assert EXTRACT[fk.table].primary_key == fk.ref_column


def test_every_date_order_names_date_columns_of_its_table():
    for table in EXTRACT.values():
        for order in table.date_orders:
            assert {order.earlier, order.later} <= set(table.date_columns)


def test_schema_uses_canonical_polars_dtypes():
    schema = EXTRACT["referrals"].schema
    assert schema["received_date"] == pl.Date
    assert schema["right_to_care"] == pl.Boolean
    assert EXTRACT["contacts"].schema["secondary_diagnoses"] == pl.List(pl.String)
    assert EXTRACT["patients"].schema["birth_year"] == pl.Int32


def test_code_lists_follow_the_domain_brief():
    assert SERVICES == ("TSB", "PHV", "PHBU")
    assert EXTRACT["contacts"].column("service").codes == ("TSB", "PHV", "PHBU", "SOM")
    assert PATHWAY_EVENTS[0] == "start"
    assert PATHWAY_EVENTS[-1] == "end"
    assert len(PATHWAY_EVENTS) == 9
