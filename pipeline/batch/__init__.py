"""Batch processing: the incremental, crash-safe runner and the stage commands on output folders."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.store import TABLE_FILES
from pipeline.tag import tag_segmented

from .parallel import ordered_map
from .runner import WORK_FOLDER, RunSummary, reason_kind, run_pipeline
from .stages import segment_tables, tag_tables


def read_table(out_dir: str | Path, name: str, columns: list[str] | None = None):
    """Read one output table as a pandas DataFrame (``documents``, ``sentences`` or ``mentions``)."""
    path = Path(out_dir) / TABLE_FILES[name]
    if not path.is_file():
        raise FileNotFoundError(f"no {name} table in {out_dir} (expected {path.name}); run `policy-pipeline run` first")
    return pq.read_table(path, columns=columns).to_pandas()


__all__ = ["WORK_FOLDER", "RunSummary", "ordered_map", "read_table", "reason_kind", "run_pipeline",
           "segment_tables", "tag_segmented", "tag_tables"]
