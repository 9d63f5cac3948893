"""The notebooks run top to bottom on the headline corpora (the processed run is shared with the
aggregation tests, so each notebook reuses it)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.mark.parametrize("name", ["01-trends-overview.ipynb", "02-concept-deep-dive.ipynb",
                                  "03-retrain-classifier.ipynb"])
def test_notebook_runs(name, headline_run, monkeypatch):
    from tests.conftest import SHARED

    monkeypatch.setenv("POLICY_PIPELINE_OUT", str(headline_run))
    monkeypatch.setenv("POLICY_PIPELINE_SHARED", str(SHARED))
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    if name.startswith("03"):  # the comparison table of the two model versions and the lexicon rule
        tables = [output.get("data", {}).get("text/plain", "") for output in outputs]
        assert any("v2" in table and "lexicon rule" in table for table in tables)
    else:
        assert any("image/svg+xml" in output.get("data", {}) for output in outputs)  # the charts
