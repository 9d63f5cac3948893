"""Stage commands on an existing output folder: segment (and tag) an ``ingest`` folder, or re-tag one."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.config import PipelineConfig
from pipeline.store import DOCUMENTS, ENTITIES, MENTIONS, RUN_MANIFEST, SENTENCES, TABLE_FILES, TableWriter, write_json
from pipeline.store.schema import DERIVED_TABLES

from .manifest import gazetteer_record, lexicon_record
from .rows import rejected_row, with_sentence_texts
from .runner import RunSummary, _count_analysis, _count_document, map_tasks
from .worker import Task


def _stored_rows(out: Path, batch_docs: int) -> Iterator[dict]:
    for batch in pq.ParquetFile(out / TABLE_FILES["documents"]).iter_batches(batch_size=batch_docs):
        yield from batch.to_pylist()


def analyze_tables(out_dir: str | Path, config: PipelineConfig | None = None, *, sentences: bool = True) -> RunSummary:
    """Segment and tag the stored texts of ``out_dir``: writes ``mentions.parquet`` and, with
    ``sentences``, ``sentences.parquet`` and the sizes in ``documents.parquet`` (the ``segment`` stage);
    without, only the mentions and entities (re-tagging after a lexicon or gazetteer change). Input files are
    not read again."""
    from .runner import check_entity_model, check_tagging_files

    config = config or PipelineConfig()
    out = Path(out_dir)
    if not (out / TABLE_FILES["documents"]).is_file():
        raise FileNotFoundError(f"no documents table in {out} (run `policy-pipeline ingest` or `run` first)")
    wall = time.perf_counter()
    summary = RunSummary(out)
    check_tagging_files(config)
    config = check_entity_model(config, summary)
    # Rows travel with their tasks and are kept until their result is written, in order.
    stored: list[dict | None] = []

    def remembered() -> Iterator[Task]:
        for row in _stored_rows(out, config.run.batch_docs):
            stored.append(row)
            yield Task("", "analysis", row=row)

    results = map_tasks(remembered(), config)
    documents_path = out / TABLE_FILES["documents"]
    rewritten = documents_path.with_name("documents.segmented.parquet")
    with ExitStack() as stack:
        documents = (stack.enter_context(TableWriter(rewritten, DOCUMENTS, rows_per_group=config.run.batch_docs))
                     if sentences else None)
        sentence_writer = stack.enter_context(TableWriter(out / TABLE_FILES["sentences"], SENTENCES)) \
            if sentences else None
        mentions = stack.enter_context(TableWriter(out / TABLE_FILES["mentions"], MENTIONS))
        entities = stack.enter_context(TableWriter(out / TABLE_FILES["entities"], ENTITIES))
        for position, result in enumerate(results):
            row = stored[position]
            stored[position] = None  # keep memory bounded
            analysis = result.analysis
            if analysis is not None and analysis.failure:
                row, analysis = rejected_row(row, analysis.failure), None
            if analysis is not None:
                row = {**row, "n_tokens": analysis.n_tokens, "n_sentences": analysis.n_sentences,
                       "warnings": list(row["warnings"] or []) + analysis.warnings}
                if sentence_writer is not None and analysis.sentences.get("doc_id"):
                    sentence_writer.add_columns(with_sentence_texts(analysis.sentences, row["text"]))
                if analysis.mentions.get("doc_id"):
                    mentions.add_columns(analysis.mentions)
                if analysis.entities.get("doc_id"):
                    entities.add_columns(analysis.entities)
                summary.n_entities += len(analysis.entities.get("doc_id", []))
                _count_analysis(summary, row, analysis.mentions)
            if documents is not None:
                documents.add(row)
            _count_document(summary, row)
    if documents is not None:
        rewritten.replace(documents_path)
    from pipeline.aggregate.outputs import write_aggregates

    write_aggregates(out, config)
    summary.seconds = {"wall": round(time.perf_counter() - wall, 3)}
    _update_manifest(out, config, summary, sentences)
    return summary


def segment_tables(out_dir: str | Path, config: PipelineConfig | None = None) -> RunSummary:
    """The ``segment`` stage on an ``ingest`` folder: sentences, sizes and mentions."""
    return analyze_tables(out_dir, config, sentences=True)


def tag_tables(out_dir: str | Path, config: PipelineConfig | None = None) -> RunSummary:
    """Re-tag an output folder with the configured lexicon: rewrites ``mentions.parquet`` only."""
    return analyze_tables(out_dir, config, sentences=False)


def _update_manifest(out: Path, config: PipelineConfig, summary: RunSummary, sentences: bool) -> None:
    manifest_path = out / RUN_MANIFEST
    if not manifest_path.is_file():
        return
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for table in ("mentions", "entities", *DERIVED_TABLES):
        manifest["tables"][table] = TABLE_FILES[table]
    manifest["lexicon"] = lexicon_record(config)
    manifest["gazetteer"] = gazetteer_record(config)
    manifest["notes"] = list(summary.notes)
    manifest["config"]["tag"] = config.to_dict()["tag"]
    manifest["counts"].update(mentions=summary.n_mentions, entities=summary.n_entities,
                              mentions_by_family=dict(sorted(summary.mentions_by_family.items())))
    if sentences:
        manifest["tables"]["sentences"] = TABLE_FILES["sentences"]
        manifest["config"]["segment"] = config.to_dict()["segment"]
        manifest["counts"].update(sentences=summary.n_sentences, tokens=summary.n_tokens)
    manifest["seconds"]["segment_wall" if sentences else "tag_wall"] = summary.seconds["wall"]
    write_json(manifest_path, manifest)
