"""What the notebooks share: a processed example run to read, and charts shown inline.

    from pipeline.notebook import example_run, show
    out = example_run()          # runs once, then reuses the tables (runs are incremental)
"""

from __future__ import annotations

import os
from pathlib import Path

# The corpora the headline numbers are measured on: CN work reports, US State of the Union, EU SOTEU.
EXAMPLE_CORPORA = ("cn_gov_work_reports", "us_sotu", "eu_soteu")


def shared_corpora() -> Path:
    """``$POLICY_PIPELINE_SHARED/corpora``, else ``../shared/corpora`` beside the repository."""
    shared = os.environ.get("POLICY_PIPELINE_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2] / "shared"
    corpora = base / "corpora"
    if not corpora.is_dir():
        raise FileNotFoundError(f"no corpora at {corpora}; set POLICY_PIPELINE_SHARED to the folder holding corpora/")
    return corpora


def example_run(out: str | Path | None = None, corpora: tuple[str, ...] = EXAMPLE_CORPORA) -> Path:
    """Process the example corpora into ``out`` (default ``$POLICY_PIPELINE_OUT`` or ``out/notebooks``
    in the repository) and return the folder. A folder that is up to date (same inputs, unchanged since,
    same settings, lexicon and code) is returned as it is, aggregates included; otherwise the run is
    incremental (processed documents are reused)."""
    from pipeline.batch import run_pipeline

    out = Path(out or os.environ.get("POLICY_PIPELINE_OUT") or Path(__file__).resolve().parents[1] / "out/notebooks")
    inputs = [str(shared_corpora() / name) for name in corpora]
    if not up_to_date(out, inputs):
        run_pipeline(inputs, out)
    return out


def up_to_date(out: Path, inputs: list[str]) -> bool:
    """Whether ``out`` holds a finished run of exactly ``inputs`` with the default settings, and nothing it
    depends on (input files, the lexicon, the gazetteer, the package's code) changed after it."""
    import json

    from pipeline.config import PipelineConfig
    from pipeline.lexicon import load_lexicon
    from pipeline.store.schema import RUN_MANIFEST

    manifest_path = Path(out) / RUN_MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        finished = manifest_path.stat().st_mtime
        recorded = {item.get("resolved") or item["input"] for item in manifest["inputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if recorded != {str(Path(given).resolve()) for given in inputs} or not manifest.get("finished_at"):
        return False
    if manifest.get("config") != PipelineConfig().to_dict():
        return False
    if (manifest.get("lexicon") or {}).get("sha256") != load_lexicon().content_hash:
        return False
    package = Path(__file__).resolve().parent
    watched = [*package.rglob("*.py"), *package.rglob("*.yaml"), *package.rglob("*.json")]
    watched += [path for given in inputs for path in Path(given).rglob("*")]
    return all(path.stat().st_mtime < finished for path in watched if path.is_file())


def show(chart, panels: bool = False) -> None:
    """Display a :class:`pipeline.report.Chart` in a notebook; ``panels=True`` draws one panel per
    jurisdiction (small multiples) instead of overlapping lines and bands. The SVG carries its styles, so it
    looks the same in Jupyter, VS Code and GitHub's viewer, and ``chart_svg`` gives it for saving."""
    from IPython.display import SVG, display

    display(SVG(chart_svg(chart, panels)))


def chart_svg(chart, panels: bool = False) -> str:
    """The SVG text of a chart, to save as a figure (``Path("fig.svg").write_text(chart_svg(chart))``)."""
    from pipeline.report import render_panels, render_svg

    return render_panels(chart) if panels else render_svg(chart)
