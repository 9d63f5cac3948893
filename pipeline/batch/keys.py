"""Keys that say whether stored work is still valid: a hash of the input and of what processed it."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata as package_metadata
from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.io import Source
from pipeline.io.metadata import SIDECAR_SUFFIXES

# Bump when the meaning of stored parts changes, so old parts are not reused.
# 7: a bullet flattened into an English paragraph starts a sentence; 6: mentions carry source and confidence
# (the span layer); 5: attribution (attributed, actor); 4: glued-word repair, parse negation
CACHE_FORMAT = "7"


def _version(name: str) -> str:
    try:
        return package_metadata.version(name)
    except package_metadata.PackageNotFoundError:
        return "?"


def source_fingerprint(source: Source, max_bytes: int | None = None) -> str:
    """Everything about a source that can change what ingestion produces: where it is, its metadata, the
    bytes of the file and of its sidecar. A file over ``max_bytes`` (ingestion rejects it) is described by
    its size and modification time instead of hashed: a 20 GB file is not read on every run."""
    digest = hashlib.sha256()
    described = {key: getattr(source, key) for key in ("locator", "corpus", "default_doc_id", "source_format",
                                                       "origin", "warnings", "error")}
    described["meta"] = source.meta
    digest.update(json.dumps(described, sort_keys=True, default=str, ensure_ascii=False).encode())
    if source.text is not None:
        digest.update(source.text.encode("utf-8", "surrogatepass"))
    elif source.path is not None:
        path = Path(source.path)
        try:
            status = path.stat()
            if max_bytes is not None and status.st_size > max_bytes:
                digest.update(f"too large: {status.st_size} bytes, modified {status.st_mtime_ns}".encode())
                return digest.hexdigest()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as error:
            digest.update(f"unreadable: {error}".encode())
        for suffix in SIDECAR_SUFFIXES:
            sidecar = path.with_name(path.name + suffix)
            if sidecar.is_file():
                digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def ingest_fingerprint(config: PipelineConfig) -> str:
    settings = {"format": CACHE_FORMAT, "pipeline": _version("policy-pipeline"), "io": config.to_dict()["io"]}
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def analysis_fingerprint(config: PipelineConfig) -> str:
    """Segmentation and tagging settings, the lexicon's content (its Chinese terms are also segmenter
    words), the user dictionaries' content and the segmenters' versions."""
    from pipeline.lexicon import load_lexicon
    from pipeline.lexicon.gazetteer import load_gazetteer
    from pipeline.tag.learned import span_model_hash

    settings = config.to_dict()
    dictionaries = [hashlib.sha256(Path(path).read_bytes()).hexdigest() for path in config.segment.user_dicts]
    described = {
        "format": CACHE_FORMAT,
        "pipeline": _version("policy-pipeline"),
        "segment": settings["segment"],
        "tag": {**settings["tag"], "lexicon": load_lexicon(config.tag.lexicon).content_hash,
                "span_model": span_model_hash(config.tag.span_model) if config.tag.span_model else None},
        "user_dicts": dictionaries,
        "entities": {**settings["entities"], "gazetteer": load_gazetteer(config.entities.gazetteer).content_hash,
                     "model_version": entity_model_version(config)},
        "versions": {name: _version(name) for name in ("rjieba", "jieba", "spacy", "ahocorasick-rs")},
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def entity_model_version(config: PipelineConfig) -> str | None:
    """The version of the NER model package when the model runs (its output depends on it)."""
    from pipeline.config import ModelScope

    if not config.entities.enabled or config.entities.model_scope is ModelScope.OFF:
        return None
    return f"{config.entities.model}=={_version(config.entities.model.replace('_', '-'))}"


def combine(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
