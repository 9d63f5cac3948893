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
    in the repository) and return the folder. Already processed inputs are reused."""
    from pipeline.batch import run_pipeline

    out = Path(out or os.environ.get("POLICY_PIPELINE_OUT") or Path(__file__).resolve().parents[1] / "out/notebooks")
    run_pipeline([str(shared_corpora() / name) for name in corpora], out)
    return out


def show(chart) -> None:
    """Display a :class:`pipeline.report.Chart` in a notebook."""
    from IPython.display import SVG, display

    from pipeline.report import render_svg

    display(SVG(render_svg(chart)))
