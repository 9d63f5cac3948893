"""The batch runner: ingest -> segment -> tag -> store, incremental and crash-safe.

1. Plan: discover the sources in input order and key each one (input bytes + settings). Work already
   stored in ``OUT/.work`` under the same key is reused.
2. Process what is missing over the worker pool; results are committed to the work folder in whole parts
   as they arrive, so a killed run loses at most the part being written.
3. Assemble the final tables from the parts in input order (deduplicating and keeping ``doc_id``
   unique, which needs the whole batch), each written atomically, and ``run.json`` last.

The same inputs and settings give byte-identical tables whatever the number of workers, the order in
which they finished, or how many times the run was interrupted.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import Backend, PipelineConfig
from pipeline.io import discover_sources
from pipeline.store import DOCUMENTS, ENTITIES, MENTIONS, RUN_MANIFEST, SENTENCES, TABLE_FILES, TableWriter, write_json
from pipeline.store.schema import DERIVED_TABLES
from pipeline.store.transaction import OutputFolder
from pipeline.store.workdir import PartReader, WorkDir

from .keys import analysis_fingerprint, combine, ingest_fingerprint, source_fingerprint
from .manifest import run_manifest
from .parallel import dask_ordered_map, ordered_map
from .rows import BatchIdentity, rejected_row, with_sentence_texts
from .worker import (
    PartResult,
    PartTask,
    Task,
    TaskResult,
    init_worker,
    run_part,
    run_part_with_config,
    run_task,
    run_task_with_config,
)

logger = logging.getLogger(__name__)
WORK_FOLDER = ".work"


@dataclass
class RunSummary:
    out_dir: Path
    n_documents: int = 0
    n_ok: int = 0
    n_rejected: int = 0
    n_sentences: int = 0
    n_tokens: int = 0
    n_chars: int = 0
    n_mentions: int = 0  # counted and not negated
    n_entities: int = 0
    n_ingested: int = 0  # read from their inputs in this run
    n_analyzed: int = 0  # segmented and tagged in this run
    n_reused: int = 0  # taken whole from an earlier run's work
    mentions_by_family: Counter = field(default_factory=Counter)
    rejected_reasons: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # things the user should know (a model that did not load)

    @property
    def succeeded(self) -> bool:
        return self.n_ok > 0


@dataclass(slots=True)
class _Planned:
    input_index: int
    ingest_key: str
    analysis_key: str | None


def run_pipeline(
    inputs: list[str],
    out_dir: str | Path,
    config: PipelineConfig | None = None,
    *,
    segment: bool = True,
    force: bool = False,
    on_document: Callable[[dict[str, Any]], None] | None = None,
    command: str = "run",
    on_other_inputs: str = "refuse",
) -> RunSummary:
    """Ingest, segment and tag every document under ``inputs`` into Parquet tables in ``out_dir``.

    Re-running into the same ``out_dir`` processes only new or changed inputs (``force`` recomputes all);
    a lexicon change re-tags from the stored texts without reading the inputs again. ``on_document`` is
    called once per document, in input order, with ``{"n_chars": ...}`` (for progress bars).

    ``out_dir`` is written as a transaction (:mod:`pipeline.store.transaction`): one run at a time, and the
    old table set stays whole until the new one replaces it. When ``out_dir`` holds a run of *other* inputs,
    ``on_other_inputs`` decides: ``"refuse"`` (say what would be dropped), ``"replace"`` or ``"append"``
    (the earlier inputs and these).

    >>> summary = run_pipeline(["sotu"], "out/")   # doctest: +SKIP
    >>> summary.n_ok, summary.n_rejected           # doctest: +SKIP
    """
    config = config or PipelineConfig()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now(UTC)
    wall = time.perf_counter()
    summary = RunSummary(out)
    if config.run.worker_warning():
        logger.warning("%s", config.run.worker_warning())
        summary.notes.append(config.run.worker_warning())
    classifier = None
    if segment:
        check_tagging_files(config)
        config = check_entity_model(config, summary)
        # Before any work: a model folder that is refused must not cost the user a whole run first.
        classifier = load_classifier(config)
    with OutputFolder(out) as folder:
        inputs = _inputs_for(out, inputs, on_other_inputs)
        _run_into(folder.stage, out, inputs, config, segment=segment, force=force, on_document=on_document,
                  command=command, summary=summary, classifier=classifier, started_at=started_at, wall=wall)
        folder.commit()
    return summary


def _run_into(stage: Path, out: Path, inputs: list[str], config: PipelineConfig, *, segment: bool, force: bool,
              on_document, command: str, summary: RunSummary, classifier, started_at, wall: float) -> None:
    """The run itself: parts are cached in ``OUT/.work``; the final tables and ``run.json`` go to ``stage``
    (committed as one set by the caller)."""
    workdir = WorkDir(out / WORK_FOLDER)
    if force:
        workdir.clear()
    index = workdir.open()
    reader = PartReader(workdir, index)
    ingest_settings = ingest_fingerprint(config)
    analysis_settings = analysis_fingerprint(config) if segment else None
    plan: list[_Planned] = []

    def tasks() -> Iterator[Task]:
        for input_index, given in enumerate(inputs):
            for source in discover_sources([given], follow_symlinks=config.io.follow_symlinks,
                                           max_line_bytes=config.io.max_line_mb << 20, exclude=[out]):
                ingest_key = combine(ingest_settings, source_fingerprint(source, config.io.max_file_mb << 20))
                analysis_key = combine(analysis_settings, ingest_key) if analysis_settings else None
                plan.append(_Planned(input_index, ingest_key, analysis_key))
                if ingest_key not in index.ingest:
                    yield Task(ingest_key, analysis_key, source=source)
                elif analysis_key is not None and index.ingest_ok[ingest_key] and analysis_key not in index.analysis:
                    yield Task(ingest_key, analysis_key, row=reader.ingested(ingest_key))
                else:
                    summary.n_reused += 1
                    if on_document:
                        on_document({"n_chars": index.ingest_chars.get(ingest_key, 0)})

    def part_tasks() -> Iterator[PartTask]:
        # Workers commit their own parts, so the main process only indexes them (it shares the cores).
        # Parts are bounded in documents and in characters, so one part of huge legal acts does not keep
        # one worker busy while the other waits for the results to be taken in order.
        folder = str(workdir.path.resolve())  # absolute: Dask workers may run elsewhere
        batch: list[Task] = []
        size = 0
        for task in tasks():
            batch.append(task)
            size += _task_size(task)
            if len(batch) >= config.run.batch_docs or size >= PART_CHARS:
                yield PartTask(folder, tuple(batch))
                batch, size = [], 0
        if batch:
            yield PartTask(folder, tuple(batch))

    stage_seconds: Counter = Counter()
    for result in map_parts(part_tasks(), config):
        stage_seconds.update(result.seconds)
        summary.n_ingested += result.n_ingested
        summary.n_analyzed += result.n_analyzed
        for key, ok in result.ingest_keys:
            index.ingest[key], index.ingest_ok[key] = result.part, ok
        for key in result.analysis_keys:
            index.analysis[key] = result.part
        if on_document:
            for n_chars in result.n_chars:
                on_document({"n_chars": n_chars})

    started = time.perf_counter()
    input_hashes = [hashlib.sha256() for _ in inputs]
    input_counts = [0] * len(inputs)
    _assemble(plan, reader, stage, config, segment, summary, input_hashes, input_counts)
    used = {planned.ingest_key for planned in plan} | {p.analysis_key for p in plan if p.analysis_key}
    workdir.prune(index, used)
    assembled = time.perf_counter()
    if segment:
        classify_sentences(stage, config, summary, classifier)
        from pipeline.aggregate.outputs import write_aggregates

        write_aggregates(stage, config)
    summary.seconds = {
        "ingest_cpu": round(stage_seconds["ingest"], 3),
        "segment_cpu": round(stage_seconds["segment"], 3),
        "tag_cpu": round(stage_seconds["tag"], 3),
        "entities_cpu": round(stage_seconds["entities"], 3),
        "assemble": round(assembled - started, 3),
        "aggregate": round(time.perf_counter() - assembled, 3),
        "wall": round(time.perf_counter() - wall, 3),
    }
    write_json(stage / RUN_MANIFEST, run_manifest(command, inputs, input_counts, input_hashes, config, summary,
                                                started_at, segment))


# Starting worker processes (interpreter, spaCy, dictionaries) costs about as much as processing this much
# text in one process, so smaller batches run in this process.
SMALL_BATCH_CHARS = 4_000_000
PART_CHARS = 1_000_000


class OtherInputs(ValueError):
    """The output folder holds a run of other inputs; the message says what a new run would drop."""


def _inputs_for(out: Path, inputs: list[str], on_other_inputs: str) -> list[str]:
    """The inputs this run reads, given what ``out`` already holds (see :func:`run_pipeline`)."""
    import json

    if on_other_inputs not in ("refuse", "replace", "append"):
        raise ValueError(f"on_other_inputs must be refuse, replace or append, not {on_other_inputs!r}")
    try:
        earlier = [(item["input"], item.get("resolved") or item["input"])
                   for item in json.loads((out / RUN_MANIFEST).read_text(encoding="utf-8"))["inputs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return inputs  # no earlier run (or an unreadable manifest): nothing to protect

    def key(given: str) -> str:  # a path names the same input however it was typed; "sotu" is a name
        return str(Path(given).resolve()) if Path(given).exists() else str(given)

    now = {key(given) for given in inputs}
    # the earlier run's inputs as it resolved them: a relative path typed in another folder is the same input
    dropped = [resolved if Path(resolved).is_absolute() else given for given, resolved in earlier
               if resolved not in now and key(given) not in now]
    if not dropped or on_other_inputs == "replace":
        return inputs
    if on_other_inputs == "append":
        return [*dropped, *inputs]
    raise OtherInputs(f"{out} holds a run of other inputs; this run would drop {', '.join(dropped)} from its "
                      f"tables. Use --append to add to them, --replace to replace them, or another --out")


def check_tagging_files(config: PipelineConfig) -> None:
    """Load the lexicon and the gazetteer here, once, before any worker: one that cannot load (a shipped file
    edited by hand, a file changed after the configuration was checked) raises ``LexiconError`` for the run,
    instead of becoming the same rejection of every document."""
    from pipeline.lexicon import load_lexicon
    from pipeline.lexicon.gazetteer import load_gazetteer

    load_lexicon(config.tag.lexicon)
    if config.entities.enabled:
        load_gazetteer(config.entities.gazetteer)


def check_entity_model(config: PipelineConfig, summary: RunSummary) -> PipelineConfig:
    """Load the configured NER model once before any worker does; if it cannot load, go on with the
    gazetteer and patterns only and say so (in the summary and ``run.json``)."""
    import dataclasses

    from pipeline.config import ModelScope
    from pipeline.tag.entity_model import ModelUnavailable, load_model

    if not config.entities.enabled or config.entities.model_scope is ModelScope.OFF:
        return config
    try:
        load_model(config.entities.model)
    except ModelUnavailable as error:
        logger.warning("%s", error)
        summary.notes.append(f"entities: {error}; this run used the gazetteer and patterns only")
        return dataclasses.replace(config, entities=dataclasses.replace(config.entities,
                                                                        model_scope=ModelScope.OFF))
    return config


def load_classifier(config: PipelineConfig):
    """The frame classifier of ``classify.model``, or None; raises ``ModelLoadError`` for an unsafe or broken
    model folder (nothing in it runs)."""
    if config.classify.model is None:
        return None
    from pipeline.classify import load_model

    return load_model(config.classify.model)


def classify_sentences(out: Path, config: PipelineConfig, summary: RunSummary, classifier) -> None:
    """With ``classify.model`` set, predict every sentence's frame into ``frames.parquet`` with ``classifier``
    (its loaded model); without, remove the frames of an earlier run (they would no longer match)."""
    frames = out / TABLE_FILES["frames"]
    if config.classify.model is None:
        frames.unlink(missing_ok=True)
        return
    from pipeline.classify.persist import feature_drift
    from pipeline.classify.predict import classify_run

    started = time.perf_counter()
    for problem in feature_drift(config.classify.model):
        logger.warning("%s", problem)
        summary.notes.append(f"classifier: {problem}")
    from pipeline.classify.persist import read_card

    count = classify_run(out, classifier, card=read_card(config.classify.model), model_dir=config.classify.model,
                         config=config)
    summary.notes.append(f"classifier {config.classify.model}: {count:,} sentences in "
                         f"{time.perf_counter() - started:.1f} s")


def map_tasks(tasks: Iterator[Task], config: PipelineConfig) -> Iterator[TaskResult]:
    """Run single-document tasks on the configured backend; results come back in task order."""
    return _map(tasks, config, run_task, run_task_with_config)


def map_parts(parts: Iterator[PartTask], config: PipelineConfig) -> Iterator[PartResult]:
    """Run part tasks (workers commit the parts) on the configured backend, in order."""
    return _map(parts, config, run_part, run_part_with_config)


def _map(tasks, config: PipelineConfig, local_function, dask_function):
    if config.run.backend is Backend.DASK:
        return dask_ordered_map(dask_function, tasks, function_argument=config.to_dict(),
                                scheduler=config.run.scheduler, workers=config.run.effective_workers)
    workers = config.run.effective_workers
    if workers > 1:
        # Look ahead a bounded amount: if all the work fits, a pool would cost more than it saves.
        ahead: list[Task] = []
        size = 0
        for task in tasks:
            ahead.append(task)
            size += _task_size(task)
            if size >= SMALL_BATCH_CHARS:
                break
        else:
            workers = 1
        tasks = itertools.chain(ahead, tasks)
    return ordered_map(local_function, tasks, workers=workers, initializer=init_worker,
                       initargs=(config.to_dict(),), window=workers * 8)


def _task_size(task: Task | PartTask) -> int:
    if isinstance(task, PartTask):
        return sum(map(_task_size, task.tasks))
    if task.row is not None:
        return len(task.row.get("text") or "")
    if task.source is not None and task.source.text is not None:
        return len(task.source.text)
    if task.source is not None and task.source.path is not None:
        try:
            return Path(task.source.path).stat().st_size
        except OSError:
            return 0
    return 0


def _assemble(plan: list[_Planned], reader: PartReader, out: Path, config: PipelineConfig, segment: bool,
              summary: RunSummary, input_hashes: list, input_counts: list[int]) -> None:
    identity = BatchIdentity()
    documents = TableWriter(out / TABLE_FILES["documents"], DOCUMENTS, rows_per_group=config.run.batch_docs)
    sentences = TableWriter(out / TABLE_FILES["sentences"], SENTENCES)
    mentions = TableWriter(out / TABLE_FILES["mentions"], MENTIONS)
    entities = TableWriter(out / TABLE_FILES["entities"], ENTITIES)
    with documents, sentences, mentions, entities:
        for planned in plan:
            row = reader.ingested(planned.ingest_key)
            analysis = None
            if segment and row["status"] == "ok":
                analysis = reader.analysis(planned.analysis_key)
                if analysis[0]["failure"]:
                    row, analysis = rejected_row(row, analysis[0]["failure"]), None
            raw_id = row["doc_id"]
            row = identity.settle(row)
            if analysis is not None and row["status"] == "ok":
                summary_row, sentence_columns, mention_columns, entity_columns = analysis
                row = {**row, "n_tokens": summary_row["n_tokens"], "n_sentences": summary_row["n_sentences"],
                       "warnings": list(row["warnings"] or []) + list(summary_row["warnings"] or [])}
                if sentence_columns:
                    sentence_columns = with_sentence_texts(sentence_columns, row["text"])
                for writer, columns in ((sentences, sentence_columns), (mentions, mention_columns),
                                        (entities, entity_columns)):
                    if columns:
                        if row["doc_id"] != raw_id:
                            columns = {**columns, "doc_id": [row["doc_id"]] * len(columns["doc_id"])}
                        writer.add_columns(columns)
                _count_analysis(summary, row, mention_columns)
                summary.n_entities += len(entity_columns.get("doc_id", []))
            documents.add(row)
            _count_document(summary, row)
            input_counts[planned.input_index] += 1
            input_hashes[planned.input_index].update((row["sha256"] or row["path"]).encode())
    if not segment:
        for table in ("sentences", "mentions", "entities", *DERIVED_TABLES):  # an ingest-only run has none
            (out / TABLE_FILES[table]).unlink(missing_ok=True)


def _count_document(summary: RunSummary, row: dict[str, Any]) -> None:
    summary.n_documents += 1
    if row["status"] == "ok":
        summary.n_ok += 1
        summary.n_chars += row["n_chars"] or 0
        for warning in row["warnings"] or []:
            summary.warnings[warning.split(":", 1)[0]] += 1
    else:
        summary.n_rejected += 1
        summary.rejected_reasons[reason_kind(row["reason"])] += 1


def _count_analysis(summary: RunSummary, row: dict[str, Any], mentions: dict[str, list]) -> None:
    summary.n_sentences += row["n_sentences"] or 0
    summary.n_tokens += row["n_tokens"] or 0
    for family, counted, negated in zip(mentions.get("family", []), mentions.get("counted", []),
                                        mentions.get("negated", []), strict=True):
        if counted and not negated:
            summary.n_mentions += 1
            summary.mentions_by_family[family] += 1


def reason_kind(reason: str | None) -> str:
    """The stable part of a reason ("corrupt PDF: ..." -> "corrupt PDF") for grouping in summaries."""
    if not reason:
        return "unknown"
    head = reason.split(":", 1)[0].strip()
    return head if len(head) <= 60 else head[:57] + "..."
