"""The report notebooks are contracts: their parameters are what the runner passes."""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest

from indicators.reports.run import (
    NATIONAL_NOTEBOOK,
    TRUST_NOTEBOOK,
    national_parameters,
    notebook_dir,
    trust_parameters,
)

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _declared(name: str) -> set[str]:
    return set(papermill.inspect_notebook(str(NOTEBOOKS / name)))


def test_the_runner_finds_the_notebooks_of_the_source_tree():
    assert notebook_dir() == NOTEBOOKS


def test_trust_notebook_parameters_match_what_the_runner_passes():
    passed = trust_parameters(trust_id="1", period="2025", results_dir=Path("r"), lang="nb")
    assert _declared(TRUST_NOTEBOOK) == set(passed) == {"trust_id", "period", "results_dir", "lang"}


def test_national_notebook_parameters_match_what_the_runner_passes():
    passed = national_parameters(period="2025", results_dir=Path("r"), lang="nb")
    assert _declared(NATIONAL_NOTEBOOK) == set(passed)


@pytest.mark.parametrize("name", [TRUST_NOTEBOOK, NATIONAL_NOTEBOOK])
def test_notebooks_are_committed_without_outputs_and_with_parameters_first(name):
    nb = json.loads((NOTEBOOKS / name).read_text("utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert "parameters" in nb["cells"][0]["metadata"].get("tags", [])


@pytest.mark.parametrize("name", [TRUST_NOTEBOOK, NATIONAL_NOTEBOOK])
def test_notebooks_hold_no_logic(name):
    nb = json.loads((NOTEBOOKS / name).read_text("utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for construct in ("def ", "class ", "lambda", "pl.", "for ", "import polars"):
        assert construct not in source, construct


SPC_NOTEBOOK = "spc.ipynb"


def execute(name: str, out: Path, parameters: dict) -> list[dict]:
    """Run a notebook with papermill in this process; return the executed cells.

    papermill leaves its kernel client's sockets to the garbage collector; they are
    collected here, so that their warnings do not surface in a later test.
    """
    import gc
    import warnings

    papermill.execute_notebook(
        str(NOTEBOOKS / name), str(out), parameters=parameters, kernel_name="python3",
        progress_bar=False,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    return json.loads(out.read_text("utf-8"))["cells"]


def test_the_spc_notebook_draws_a_trusts_series_with_a_rebase(results_dir, tmp_path):
    """The exploration notebook runs with papermill and shows the chart it was asked for."""
    from .conftest import STEP_TRUST

    cells = execute(
        SPC_NOTEBOOK,
        tmp_path / "spc.ipynb",
        {
            "indicator_id": "WAIT-01",
            "unit_id": STEP_TRUST,
            "rebase_at": ["2025-03"],
            "results_dir": str(results_dir),
        },
    )
    outputs = [o for c in cells for o in c.get("outputs", [])]
    shown = [o["data"] for o in outputs if "data" in o]
    assert any("image/svg+xml" in d and any(k.startswith("application/vnd.vegalite") for k in d)
               for d in shown)  # fmt: skip
    text = json.dumps(shown)
    assert "WAIT-01 Helse Stavanger" in text or "WAIT-01 Stavanger" in text
    assert '"segment": 1' in text


def test_the_spc_notebook_holds_no_logic_and_is_committed_clean():
    nb = json.loads((NOTEBOOKS / SPC_NOTEBOOK).read_text("utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert "parameters" in nb["cells"][0]["metadata"].get("tags", [])
    source = "\n".join("".join(c["source"]) for c in code)
    for construct in ("def ", "class ", "lambda", "pl.", "for ", "import polars"):
        assert construct not in source, construct


def test_the_workbench_notebook_tries_a_new_indicator_and_saves_it(small_extract, tmp_path):
    """Define, compute for every unit, look, save: the saved file is a local catalogue."""
    from indicators.catalogue.local import load_catalogue

    saved = tmp_path / "my_indicators.py"
    cells = execute(
        "workbench.ipynb",
        tmp_path / "workbench.ipynb",
        {"extract_dir": str(small_extract), "catalogue_file": str(saved)},
    )
    shown = json.dumps([o.get("data", {}) for c in cells for o in c.get("outputs", [])])
    assert "LOCAL-01" in shown
    assert "image/svg+xml" in shown  # funnel and trend drawn
    assert "FT1" in shown  # the variation table
    assert [i.id for i in load_catalogue(saved).indicators] == ["LOCAL-01"]
