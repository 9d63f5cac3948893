"""Batch processing: the incremental, crash-safe runner and the stage commands on output folders."""

from __future__ import annotations

from pipeline.store import read_table
from pipeline.tag import tag_segmented

from .parallel import ordered_map
from .runner import WORK_FOLDER, RunSummary, reason_kind, run_pipeline
from .stages import segment_tables, tag_tables

__all__ = ["WORK_FOLDER", "RunSummary", "ordered_map", "read_table", "reason_kind", "run_pipeline",
           "segment_tables", "tag_segmented", "tag_tables"]
