"""The notebooks run top to bottom on the headline corpora (the processed run is shared with the
aggregation tests, so each notebook reuses it)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.rendering import ink, svgs_to_png

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.mark.parametrize("name", ["01-trends-overview.ipynb", "02-concept-deep-dive.ipynb",
                                  "03-retrain-classifier.ipynb"])
def test_notebook_runs(name, headline_run, monkeypatch, tmp_path):
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
    else:  # the charts, rendered as a notebook viewer shows them (no style sheet), are neither blank nor filled
        svgs = [output["data"]["image/svg+xml"] for output in outputs if "image/svg+xml" in output.get("data", {})]
        assert svgs
        for path in svgs_to_png(svgs, tmp_path, name[:2]):
            not_white, dark = ink(path)
            assert not_white > 0.03, f"{path.name}: blank"
            assert dark < 0.04, f"{path.name}: {dark:.0%} of it is near black"
