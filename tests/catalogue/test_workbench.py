"""The workbench: try a definition on an extract, then save it as a local catalogue."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from indicators.catalogue.local import CatalogueError, load_catalogue
from indicators.workbench import Workbench, save_definitions

from .test_local import write_catalogue


@pytest.fixture(scope="module")
def local_indicator(tmp_path_factory):
    directory = tmp_path_factory.mktemp("catalogue")
    return load_catalogue(write_catalogue(directory)).indicators[0]


def test_a_trial_computes_every_unit_and_discloses_as_compute_does(small_extract, local_indicator):
    trial = Workbench.open(small_extract).try_indicator(local_indicator)
    table = trial.result.indicators
    assert set(table["indicator_id"]) == {"LOCAL-01"}
    assert set(table["level"]) == {"national", "rhf", "trust", "catchment"}
    assert trial.result.manifest["parameters"]["disclosure"]["audit"]["passed"]
    trusts = trial.table()
    assert trusts["period"].unique().to_list() == [trial.latest_year()]
    assert trusts["label"].null_count() == 0
    shown = trusts.filter(pl.col("suppressed").is_null())
    assert not shown["numerator"].is_between(1, 4).any()  # no count of 1-4 is shown
    assert not (shown["denominator"] - shown["numerator"]).is_between(1, 4).any()
    assert "LOCAL-01" in trial.funnel().description
    assert "FT1" in trial.variation()._repr_html_()


def test_a_definition_the_catalogue_has_is_refused_before_computing(small_extract, local_indicator):
    taken = dataclasses.replace(local_indicator, id="WAIT-02")
    with pytest.raises(CatalogueError, match="'WAIT-02': the id is already defined"):
        Workbench.open(small_extract).try_indicator(taken)


def test_saving_adds_to_a_catalogue_file_and_replaces_the_same_id(tmp_path, local_indicator):
    path = tmp_path / "mine.py"
    second = dataclasses.replace(local_indicator, id="LOCAL-02", title_en="Second")
    save_definitions([local_indicator], path)
    save_definitions([second], path)
    save_definitions([dataclasses.replace(local_indicator, title_en="Renamed")], path)
    saved = load_catalogue(path).indicators
    assert [i.id for i in saved] == ["LOCAL-02", "LOCAL-01"]
    assert saved[1].title_en == "Renamed"
    assert saved[1].targets == local_indicator.targets
    assert saved[0].cases.__name__ == "long_waits"
    assert path.read_text().count("def long_waits") == 1


def test_a_selector_without_source_cannot_be_saved(tmp_path, local_indicator):
    namespace: dict = {}
    exec("def built(t, ctx):\n    return t['referrals']\n", {"pl": pl}, namespace)  # noqa: S102
    anonymous = dataclasses.replace(local_indicator, cases=namespace["built"])
    with pytest.raises(CatalogueError, match="source of its case selector cannot be read"):
        save_definitions([anonymous], tmp_path / "x.py")
