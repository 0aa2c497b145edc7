"""Local catalogues: an adviser's own indicators, checked, computed and reported."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from indicators.catalogue import CATALOGUE
from indicators.catalogue.local import (
    CatalogueError,
    definitions_of_results,
    full_catalogue,
    load_catalogue,
    local_catalogues,
)
from indicators.cli import app

#: A local catalogue as an adviser writes it: TSB referrals that waited over 60 days.
LOCAL = """
import polars as pl
from indicators.catalogue import Indicator, Targets

def long_waits(t, ctx):
    tsb = t["referrals"].filter(pl.col("service") == "TSB", pl.col("right_to_care"))
    days = (pl.col("care_start_date") - pl.col("received_date")).dt.total_days()
    return tsb.select(
        "trust_id",
        "patient_id",
        pl.col("received_date").alias("period_date"),
        days.gt(60).fill_null(False).alias("numerator"),
    )

INDICATORS = [
    Indicator(
        id="LOCAL-01",
        title_nb="Ventet over 60 dager",
        title_en="Waited over 60 days",
        description_nb="Andel TSB-henvisninger med rett til helsehjelp som ventet over 60 dager.",
        description_en="Share of TSB referrals with a right to care that waited over 60 days.",
        population="TSB referrals with a right to care",
        exclusions="",
        numerator="care started more than 60 days after receipt, or not yet",
        unit="fraction",
        direction="lower_is_better",
        period_date="referrals.received_date",
        kind="proportion",
        method="Wilson score interval",
        min_denominator=20,
        cases=long_waits,
        tables=("referrals",),
        targets=Targets(high=0.05, moderate=0.10, illustrative=True),
        periods=("year", "tertial"),
        variation=True,
    )
]
"""


def write_catalogue(directory: Path, text: str = LOCAL, name: str = "my_indicators.py") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def test_a_local_file_is_loaded_checked_and_follows_the_built_in_catalogue(tmp_path):
    local = load_catalogue(write_catalogue(tmp_path))
    assert [i.id for i in local.indicators] == ["LOCAL-01"]
    assert len(local.sha256) == 64
    everything = full_catalogue([local])
    assert everything[: len(CATALOGUE)] == CATALOGUE
    assert everything[-1].id == "LOCAL-01"


NUMERATOR = 'days.gt(60).fill_null(False).alias("numerator")'


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (NUMERATOR, 'days.gt(60).alias("late")', ("'LOCAL-01': the case selector returns no "
         "column 'numerator' (a proportion needs trust_id, patient_id, period_date, numerator)")),
        (NUMERATOR, 'days.alias("numerator")',
         "column 'numerator' of the case selector is Int64, not boolean"),
        (NUMERATOR, 'pl.col("no_such").alias("numerator")', ("the case selector fails on the "
         "extract model's tables: ColumnNotFoundError")),
        ('kind="proportion"', 'kind="share"', "kind 'share' is not one of proportion"),
        ('id="LOCAL-01"', 'id="WAIT-01"', ("'WAIT-01': the id is already defined in the "
         "built-in catalogue")),
        ('tables=("referrals",)', 'tables=("referals",)', "tables: 'referals' (known: patients"),
        ('title_en="Waited over 60 days"', 'title_en=" "', "title_en is empty"),
        ('periods=("year", "tertial")', 'periods=("year", "month")',
         "periods with 'month' must include 'tertial' too"),
        ("variation=True,", 'variation=True, report_level="rhf",',
         "'LOCAL-01': report_level 'rhf' is not one of trust, catchment"),
        ("variation=True,", 'variation=True, report_level="area",',
         "report_level 'area' is not one of trust, catchment"),
        ("variation=True,",
         'variation=True, levels=("national", "trust"), report_level="catchment",',
         ("'LOCAL-01': report_level 'catchment' is not one of the indicator's levels "
          "(national, trust)")),
        ("illustrative=True)", 'illustrative=True, statistic="mean_days")',
         "'LOCAL-01': targets.statistic 'mean_days' needs kind waiting_time, not proportion"),
        ("illustrative=True)", 'illustrative=True, statistic="median")',
         "targets.statistic 'median' is not one of value, mean_days"),
    ],
)  # fmt: skip
def test_a_broken_definition_is_named_with_what_is_wrong(tmp_path, old, new, message):
    path = write_catalogue(tmp_path, LOCAL.replace(old, new))
    with pytest.raises(CatalogueError) as caught:
        full_catalogue([load_catalogue(path)])
    assert str(caught.value).startswith(f"{path.resolve()}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\n", "defines no INDICATORS"),
        ("INDICATORS = [1]\n", "INDICATORS[0] is a int, not an Indicator"),
        ("raise RuntimeError('boom')\n", "importing it failed: RuntimeError: boom"),
    ],
)
def test_a_file_that_is_no_catalogue_says_why(tmp_path, text, message):
    with pytest.raises(CatalogueError, match=re.escape(message)):
        load_catalogue(write_catalogue(tmp_path, text))


def test_a_missing_catalogue_file_is_named(tmp_path):
    with pytest.raises(CatalogueError, match="no such catalogue file"):
        load_catalogue(tmp_path / "nowhere.py")


def test_an_installed_catalogue_is_found_through_its_entry_point(tmp_path, monkeypatch):
    package = tmp_path / "site"
    package.mkdir()
    write_catalogue(package, name="region_west_indicators.py")
    info = package / "region_west_indicators-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: region-west-indicators\n"
                                   "Version: 1.0\n")  # fmt: skip
    (info / "entry_points.txt").write_text(
        "[indicators.catalogues]\nwest = region_west_indicators\n"
    )
    monkeypatch.syspath_prepend(str(package))
    found = local_catalogues()
    assert [i.id for c in found for i in c.indicators] == ["LOCAL-01"]
    assert found[0].source == "entry-point:region_west_indicators"
    sys.modules.pop("region_west_indicators", None)


def test_list_shows_local_indicators_and_a_broken_one_is_a_one_line_error(tmp_path):
    runner = CliRunner()
    listed = runner.invoke(app, ["list", "--catalogue", str(write_catalogue(tmp_path))])
    assert listed.exit_code == 0, listed.output
    assert "LOCAL-01" in listed.output
    broken = write_catalogue(tmp_path, LOCAL.replace('kind="proportion"', 'kind="share"'), "b.py")
    failed = runner.invoke(app, ["list", "--catalogue", str(broken)])
    assert failed.exit_code == 2, failed.output
    assert "Traceback" not in failed.output
    assert "kind 'share' is not one of" in " ".join(failed.output.split())


def test_a_definition_declares_the_level_reports_show_it_at(tmp_path):
    default = load_catalogue(write_catalogue(tmp_path)).indicators[0]
    assert default.report_level == "trust"
    text = LOCAL.replace("variation=True,", 'variation=True, report_level="catchment",')
    local = load_catalogue(write_catalogue(tmp_path, text, "area.py"))
    assert full_catalogue([local])[-1].report_level == "catchment"
    definitions = definitions_of_results({"catalogues": [local.record()]})
    assert definitions["LOCAL-01"].report_level == "catchment"


def test_every_built_in_report_level_is_one_of_the_indicators_levels():
    shown = {i.id: i.report_level for i in CATALOGUE if i.report_level != "trust"}
    assert shown == {"LEVEL-01": "catchment", "LEVEL-01A": "catchment"}
    assert all(i.report_level in i.levels for i in CATALOGUE)


def test_the_manifest_of_results_brings_the_local_definitions_back(tmp_path):
    local = load_catalogue(write_catalogue(tmp_path))
    definitions = definitions_of_results({"catalogues": [local.record()]})
    assert definitions["LOCAL-01"].title_en == "Waited over 60 days"
    assert "WAIT-01" in definitions
    assert set(definitions_of_results({})) == {i.id for i in CATALOGUE}


@pytest.mark.slow
def test_a_local_indicator_is_computed_reported_and_documented(small_extract, tmp_path):
    """From --catalogue to indicators.parquet, variation.parquet, a report and its methods."""
    from indicators.reports import TrustReport

    # The tables LOCAL-01 and its levels need; the indicators that need others are skipped
    extract = tmp_path / "extract"
    extract.mkdir()
    for name in ("patients.parquet", "referrals.parquet", "manifest.json"):
        shutil.copy(small_extract / name, extract / name)
    runner = CliRunner()
    results = tmp_path / "results"
    computed = runner.invoke(
        app,
        ["compute", str(extract), "--out", str(results), "--allow-unvalidated",
         "--catalogue", str(write_catalogue(tmp_path))],
    )  # fmt: skip
    assert computed.exit_code == 0, computed.output
    table = pl.read_parquet(results / "indicators.parquet")
    local = table.filter(pl.col("indicator_id") == "LOCAL-01")
    assert set(local["level"]) == {"national", "rhf", "trust", "catchment"}
    assert set(local["period_type"]) == {"year", "tertial"}
    assert local["suppressed"].is_not_null().any() or local["value"].is_not_null().all()
    variation = pl.read_parquet(results / "variation.parquet")
    assert variation.filter(pl.col("indicator_id") == "LOCAL-01").height > 0
    trust = local.filter(pl.col("level") == "trust", pl.col("period") == "2025")
    trust_id = trust.filter(pl.col("suppressed").is_null())["unit_id"][0]
    report = TrustReport.load(results, trust_id=trust_id, period="2025")
    section = "".join(
        getattr(p, "_repr_html_", lambda: "")() for p in report.indicator_section("LOCAL-01")
    )
    assert "LOCAL-01 Ventet over 60 dager" in section
    assert "Ventet over 60 dager" in report.summary()._repr_html_()
    assert "TSB referrals with a right to care" in report.methods()._repr_html_() or (
        "Andel TSB-henvisninger med rett til helsehjelp" in report.methods()._repr_html_()
    )
