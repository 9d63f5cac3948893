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
