"""What entities cost in a run, measured in one run per setting on the same corpus (default: the White
House fact sheets):

    .venv/bin/python benchmarks/entities.py [CORPUS_DIR] [--scopes off framed all]

Each setting runs `run --force` into its own folder with 2 workers; prints wall time, entities found and
the ratio to the run without entities.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from common import CORPORA  # noqa: E402  (run as a script: benchmarks/ is on the path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPORA / "us_wh_fact_sheets")
    parser.add_argument("--scopes", nargs="*", default=["off", "framed"], help="model scopes to time (all: ~20x)")
    arguments = parser.parse_args()

    from pipeline.batch import run_pipeline
    from pipeline.config import PipelineConfig

    settings = [("no entities", ["entities.enabled=false"])]
    settings += [(f"model_scope={scope}", [f"entities.model_scope={scope}"]) for scope in arguments.scopes]
    baseline = None
    with tempfile.TemporaryDirectory() as folder:
        # A first, untimed run warms the file cache and the imports, which would otherwise count against
        # whichever setting runs first.
        run_pipeline([str(arguments.corpus)], Path(folder) / "warm-up",
                     PipelineConfig.load(overrides=["entities.enabled=false", "run.workers=2"]))
        for name, overrides in settings:
            config = PipelineConfig.load(overrides=[*overrides, "run.workers=2"])
            started = time.perf_counter()
            summary = run_pipeline([str(arguments.corpus)], Path(folder) / name, config, force=True)
            seconds = time.perf_counter() - started
            baseline = baseline or seconds
            print(f"{name:<22} {seconds:7.1f} s  {seconds / baseline:5.2f}x  {summary.n_entities:>8,} entities  "
                  f"({summary.n_ok:,} documents)")


if __name__ == "__main__":
    main()
