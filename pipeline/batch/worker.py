"""What runs in each worker: ingest a source, analyse (segment + tag) a document. Stage functions only;
they know nothing of pools or storage, so the local pool and Dask run the same code."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from pipeline.config import PipelineConfig
from pipeline.io import Document, Source, load_document
from pipeline.lexicon import load_lexicon
from pipeline.segment import SegmentedDocument, Segmenter
from pipeline.tag import FrameTagger, Mention

from .rows import document_from_row, document_row, mention_columns, sentence_columns

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Analysis:
    """Segmentation and tagging of one document, ready to store (``failure`` set if a stage broke)."""

    n_tokens: int = 0
    n_sentences: int = 0
    warnings: list[str] = field(default_factory=list)
    sentences: dict[str, list] = field(default_factory=dict)
    mentions: dict[str, list] = field(default_factory=dict)
    failure: str | None = None


@dataclass(slots=True)
class TaskResult:
    ingest_key: str
    analysis_key: str | None
    row: dict[str, Any] | None  # the ingested documents row; None when only analysis was asked for
    analysis: Analysis | None
    seconds: dict[str, float]


@dataclass(frozen=True, slots=True)
class Task:
    """Ingest ``source`` (and analyse it when ``analysis_key`` is set), or analyse a stored ``row``."""

    ingest_key: str
    analysis_key: str | None
    source: Source | None = None
    row: dict[str, Any] | None = None


class Stages:
    """Loaded dictionaries, lexicon and tokenizers; one per worker process, reused for every document."""

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self._segmenter: Segmenter | None = None
        self._tagger: FrameTagger | None = None

    @property
    def segmenter(self) -> Segmenter:
        if self._segmenter is None:  # loaded on first use: an ingest-only run never needs it
            self._segmenter = Segmenter(self.config.segment, lexicon_path=self.config.tag.lexicon).load()
        return self._segmenter

    @property
    def tagger(self) -> FrameTagger:
        if self._tagger is None:
            self._tagger = FrameTagger(load_lexicon(self.config.tag.lexicon), overlap=self.config.tag.overlap)
        return self._tagger

    def run(self, task: Task) -> TaskResult:
        seconds: dict[str, float] = {}
        row = task.row
        document: Document | None = None
        if task.source is not None:
            started = time.perf_counter()
            item = load_document(task.source, self.config.io)
            seconds["ingest"] = time.perf_counter() - started
            row = document_row(item)
            document = item if item.ok else None
        elif row is not None and row["status"] == "ok":
            document = document_from_row(row)
        analysis = None
        if task.analysis_key is not None and document is not None:
            analysis = self.analyze(document, seconds)
        return TaskResult(task.ingest_key, task.analysis_key, row if task.source is not None else None, analysis,
                          seconds)

    def analyze(self, document: Document, seconds: dict[str, float]) -> Analysis:
        try:
            started = time.perf_counter()
            segmented = self.segmenter.segment(document)
            seconds["segment"] = time.perf_counter() - started
            started = time.perf_counter()
            mentions = tag_segmented(self.tagger, document, segmented)
            seconds["tag"] = time.perf_counter() - started
        except Exception as error:  # noqa: BLE001 - a document that breaks a stage is rejected, not fatal
            logger.exception("segmenting or tagging failed for %s", document.path)
            return Analysis(failure=f"segmentation failed: {type(error).__name__}: {error}")
        return Analysis(
            n_tokens=segmented.n_tokens,
            n_sentences=segmented.n_sentences,
            warnings=list(segmented.warnings),
            sentences=sentence_columns(document.doc_id, segmented),
            mentions=mention_columns(document.doc_id, mentions),
        )


def tag_segmented(tagger: FrameTagger, document: Document, segmented: SegmentedDocument) -> list[Mention]:
    """Mentions of a segmented document: its sentences bound the context rules, its tokens the
    ``align_to_tokens`` rules."""
    sentences = list(zip(segmented.sentence_starts.tolist(), segmented.sentence_ends.tolist(), strict=True))
    return tagger.tag(document.text, doc_id=document.doc_id, view=document.matching_text, sentences=sentences,
                      token_starts=segmented.token_starts, token_ends=segmented.token_ends)


# One Stages per worker process (the pool initializer builds it).
_STAGES: dict[str, Stages] = {}


def init_worker(config_dict: dict) -> None:
    _STAGES["stages"] = Stages(PipelineConfig.from_dict(config_dict))


def run_task(task: Task) -> TaskResult:
    return _STAGES["stages"].run(task)


def run_task_with_config(config_dict: dict, task: Task) -> TaskResult:
    """For Dask workers, which have no initializer: build the stages once per process and configuration."""
    import json

    key = json.dumps(config_dict, sort_keys=True)
    stages = _STAGES.get(key)
    if stages is None:
        stages = _STAGES[key] = Stages(PipelineConfig.from_dict(config_dict))
    return stages.run(task)
