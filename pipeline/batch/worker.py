"""What runs in each worker: ingest a source, analyse (segment + tag) a document. Stage functions only;
they know nothing of pools or storage, so the local pool and Dask run the same code."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import ModelScope, PipelineConfig
from pipeline.io import Document, Source, load_document
from pipeline.segment import Segmenter
from pipeline.tag import FrameTagger, tag_segmented, tagger_for
from pipeline.tag.attribution import attribute
from pipeline.tag.entities import EntityMention, EntityTagger

from .rows import document_from_row, document_row, entity_columns, mention_columns, sentence_columns

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Analysis:
    """Segmentation and tagging of one document, ready to store (``failure`` set if a stage broke)."""

    n_tokens: int = 0
    n_sentences: int = 0
    warnings: list[str] = field(default_factory=list)
    sentences: dict[str, list] = field(default_factory=dict)
    mentions: dict[str, list] = field(default_factory=dict)
    entities: dict[str, list] = field(default_factory=dict)
    failure: str | None = None


@dataclass(slots=True)
class TaskResult:
    ingest_key: str
    analysis_key: str | None
    row: dict[str, Any] | None  # the ingested documents row; None when only analysis was asked for
    analysis: Analysis | None
    seconds: dict[str, float]


@dataclass(frozen=True, slots=True)
class PartTask:
    """Documents processed together and committed by the worker as one part of the work folder."""

    work_folder: str
    tasks: tuple[Task, ...]


@dataclass(slots=True)
class PartResult:
    """What the main process needs to know of a committed part: keys, sizes and times, not the data."""

    part: str | None
    ingest_keys: list[tuple[str, bool]]
    analysis_keys: list[str]
    n_chars: list[int]
    n_ingested: int = 0
    n_analyzed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


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
        self._entity_tagger: EntityTagger | None = None
        self._model_tagger = None

    @property
    def segmenter(self) -> Segmenter:
        if self._segmenter is None:  # loaded on first use: an ingest-only run never needs it
            self._segmenter = Segmenter(self.config.segment, lexicon_path=self.config.tag.lexicon).load()
        return self._segmenter

    @property
    def tagger(self) -> FrameTagger:
        if self._tagger is None:
            self._tagger = tagger_for(self.config.tag)
        return self._tagger

    @property
    def entity_tagger(self) -> EntityTagger:
        if self._entity_tagger is None:
            from pipeline.lexicon.gazetteer import load_gazetteer

            self._entity_tagger = EntityTagger(load_gazetteer(self.config.entities.gazetteer))
        return self._entity_tagger

    @property
    def model_tagger(self):
        """The NER model with the gazetteer in front, loaded on first use (None when the scope is off).
        The runner checks that the model loads before any worker starts."""
        if self._model_tagger is None and self.config.entities.model_scope is not ModelScope.OFF:
            from pipeline.tag.entity_model import ModelEntityTagger, load_model

            self._model_tagger = ModelEntityTagger(load_model(self.config.entities.model),
                                                   self.entity_tagger.gazetteer)
        return self._model_tagger

    def entities(self, document: Document, segmented, mentions) -> list[EntityMention]:
        sentences = list(zip(segmented.sentence_starts.tolist(), segmented.sentence_ends.tolist(), strict=True))
        found = self.entity_tagger.tag(document.text, doc_id=document.doc_id, view=document.matching_text,
                                       sentences=sentences, token_starts=segmented.token_starts,
                                       token_ends=segmented.token_ends)
        model = self.model_tagger
        if model is None:
            return found
        english = [index for index, lang in enumerate(segmented.sentence_langs) if lang == "en"]
        if self.config.entities.model_scope is ModelScope.FRAMED:
            framed = {mention.sentence_id for mention in mentions if mention.counted}
            english = [index for index in english if index in framed]
        added = model.tag(document.text, sentences, english, found, doc_id=document.doc_id)
        return sorted(found + added, key=lambda entity: (entity.start, entity.end))

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

    def run_part(self, part_task: PartTask) -> PartResult:
        """Process the documents of ``part_task`` and commit them as one part (whole or not at all)."""
        from collections import Counter

        from pipeline.store.workdir import PartWriter, WorkDir, WorkIndex

        index = WorkIndex()
        writer = PartWriter(WorkDir(Path(part_task.work_folder)), index)
        seconds: Counter = Counter()
        n_chars, n_ingested, n_analyzed = [], 0, 0
        for task in part_task.tasks:
            result = self.run(task)
            seconds.update(result.seconds)
            add_result(writer, result)
            n_ingested += result.row is not None
            n_analyzed += result.analysis is not None
            row = result.row if result.row is not None else task.row
            n_chars.append((row or {}).get("n_chars") or 0)
        part = writer.flush()
        return PartResult(part, list(index.ingest_ok.items()), list(index.analysis), n_chars, n_ingested, n_analyzed,
                          dict(seconds))

    def analyze(self, document: Document, seconds: dict[str, float]) -> Analysis:
        try:
            started = time.perf_counter()
            segmented = self.segmenter.segment(document)
            seconds["segment"] = time.perf_counter() - started
            started = time.perf_counter()
            mentions = tag_segmented(self.tagger, document, segmented)
            seconds["tag"] = time.perf_counter() - started
            entities: list[EntityMention] = []
            if self.config.entities.enabled:
                started = time.perf_counter()
                entities = self.entities(document, segmented, mentions)
                seconds["entities"] = time.perf_counter() - started
            lexicon = self.tagger.lexicon
            mentions = attribute(mentions, entities, document.matching_text, document.lang,
                                 document.jurisdiction or "", lexicon.attribution, lexicon.cues)
        except Exception as error:  # noqa: BLE001 - a document that breaks a stage is rejected, not fatal
            logger.exception("segmenting or tagging failed for %s", document.path)
            return Analysis(failure=f"segmentation failed: {type(error).__name__}: {error}")
        return Analysis(
            n_tokens=segmented.n_tokens,
            n_sentences=segmented.n_sentences,
            warnings=list(segmented.warnings),
            sentences=sentence_columns(document.doc_id, segmented),
            mentions=mention_columns(document.doc_id, mentions),
            entities=entity_columns(document.doc_id, entities),
        )


def add_result(writer, result: TaskResult) -> None:
    """Buffer one document's results in a :class:`~pipeline.store.workdir.PartWriter`."""
    analysis = result.analysis
    if analysis is None:
        writer.add(result.ingest_key, result.row)
        return
    summary = {"n_tokens": analysis.n_tokens, "n_sentences": analysis.n_sentences, "warnings": analysis.warnings,
               "failure": analysis.failure}
    writer.add(result.ingest_key, result.row, result.analysis_key, summary, analysis.sentences, analysis.mentions,
               analysis.entities)


# One Stages per worker process (the pool initializer builds it).
_STAGES: dict[str, Stages] = {}


def init_worker(config_dict: dict) -> None:
    _STAGES["stages"] = Stages(PipelineConfig.from_dict(config_dict))


def run_task(task: Task) -> TaskResult:
    return _STAGES["stages"].run(task)


def run_part(part_task: PartTask) -> PartResult:
    return _STAGES["stages"].run_part(part_task)


def _stages_for(config_dict: dict) -> Stages:
    """For Dask workers, which have no initializer: the stages, built once per process and configuration."""
    import json

    key = json.dumps(config_dict, sort_keys=True)
    stages = _STAGES.get(key)
    if stages is None:
        stages = _STAGES[key] = Stages(PipelineConfig.from_dict(config_dict))
    return stages


def run_task_with_config(config_dict: dict, task: Task) -> TaskResult:
    return _stages_for(config_dict).run(task)


def run_part_with_config(config_dict: dict, part_task: PartTask) -> PartResult:
    return _stages_for(config_dict).run_part(part_task)
