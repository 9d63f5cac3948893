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
        assert any("v2" in table and "lexicon rule" in table and "svc present F1" in table for table in tables)
        # the Python API, not a CLI runner: no terminal colour codes in the outputs
        texts = [output.get("text", "") + str(output.get("data", {}).get("text/plain", "")) for output in outputs]
        assert not any("\x1b[" in text for text in texts)
        assert "CliRunner" not in "".join(cell.source for cell in notebook.cells)
    else:  # the charts, rendered as a notebook viewer shows them (no style sheet), are neither blank nor filled
        svgs = [output["data"]["image/svg+xml"] for output in outputs if "image/svg+xml" in output.get("data", {})]
        assert svgs
        for path in svgs_to_png(svgs, tmp_path, name[:2]):
            not_white, dark = ink(path)
            assert not_white > 0.03, f"{path.name}: blank"
            assert dark < 0.04, f"{path.name}: {dark:.0%} of it is near black"


def test_example_run_writes_where_told_and_reuses_an_up_to_date_run(tmp_path):
    import json
    import time

    from pipeline.notebook import example_run

    out = tmp_path / "mine"
    assert example_run(out, corpora=("eu_soteu",)) == out and (out / "trends.parquet").is_file()
    written = (out / "run.json").stat().st_mtime_ns
    time.sleep(0.05)
    example_run(out, corpora=("eu_soteu",))  # nothing changed: the folder is returned as it is
    assert (out / "run.json").stat().st_mtime_ns == written
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    manifest["config"]["trends"]["resamples"] = 10  # as if run with other settings
    (out / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    example_run(out, corpora=("eu_soteu",))
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["config"]["trends"]["resamples"] == 1000
