"""The aggregate tables a run writes beside its documents, sentences, mentions and entities."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pipeline.aggregate.changepoints import change_points
from pipeline.aggregate.cooccurrence import write_cooccurrence
from pipeline.aggregate.tables import RunTables
from pipeline.aggregate.terms import term_table
from pipeline.aggregate.trends import CELL, Trends, compute_trends, lexicon_concepts
from pipeline.config import PipelineConfig
from pipeline.store import TABLE_FILES, read_table, write_table


def trends_of(out_dir: str | Path, config: PipelineConfig | None = None) -> tuple[Trends, RunTables]:
    from pipeline.aggregate.measurement import load_accuracy
    from pipeline.lexicon import load_lexicon

    config = config or PipelineConfig()
    tables = RunTables.read(out_dir)
    return compute_trends(tables, lexicon_concepts(load_lexicon(config.tag.lexicon)), config.trends,
                          load_accuracy(config.trends.tagger_accuracy)), tables


def write_trends(out_dir: str | Path, config: PipelineConfig | None = None) -> Trends:
    """Write ``trends.parquet`` and ``trends.csv``, ``shift.parquet``, ``changepoints.parquet`` and
    ``terms.parquet``."""
    config = config or PipelineConfig()
    out = Path(out_dir)
    trends, tables = trends_of(out, config)
    breaks = change_points(trends.shift, trends.trends, trends.documents,
                           since=config.trends.changepoints_since or None)
    frames_path = out / TABLE_FILES["frames"]
    if frames_path.is_file():  # a classifier ran: its shift index beside the lexicon's
        from pipeline.aggregate.trends import classifier_shift
        from pipeline.classify.predict import frames_metadata, stored_share_errors

        frames = read_table(out, "frames")
        share_rmse = stored_share_errors(frames_metadata(frames_path), config.trends.classifier_share)
        trends.shift = trends.shift.merge(classifier_shift(tables, frames, config.trends, share_rmse),
                                          on=list(CELL), how="left")
    write_table(out / TABLE_FILES["trends"], pa.Table.from_pandas(trends.trends, preserve_index=False))
    partial = out / "trends.csv.partial"
    trends.trends.to_csv(partial, index=False, float_format="%.6g")
    partial.replace(out / "trends.csv")
    write_table(out / TABLE_FILES["shift"], pa.Table.from_pandas(trends.shift, preserve_index=False))
    write_table(out / TABLE_FILES["changepoints"], pa.Table.from_pandas(breaks, preserve_index=False))
    from pipeline.lexicon import load_lexicon

    terms = term_table(tables, config.trends, load_lexicon(config.tag.lexicon).concepts)
    write_table(out / TABLE_FILES["terms"], pa.Table.from_pandas(terms, preserve_index=False))
    return trends


def write_aggregates(out_dir: str | Path, config: PipelineConfig | None = None) -> None:
    """Everything a run derives from its tables: co-occurrence, trends, the shift series, change points."""
    config = config or PipelineConfig()
    write_cooccurrence(out_dir, config.entities.gazetteer)
    write_trends(out_dir, config)
