"""Predictions: for JSONL texts (``classify predict``), and for every sentence of a run (``run --classifier``),
which the trend tables turn into a classifier-based shift index."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from pipeline.classify.data import read_examples
from pipeline.classify.evaluate import presence_probabilities
from pipeline.store import read_table, write_table

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / "frame-tfidf"
FRAMES = pa.schema([("doc_id", pa.string()), ("sentence_id", pa.int32()), ("frame", pa.string()),
                    ("confidence", pa.float64()), ("scores", pa.string()), ("p_svc", pa.float64()),
                    ("p_gvc", pa.float64())])
# frames.parquet's schema metadata: the model and its cross-validated error in the SVC share, per language.
FRAMES_METADATA = b"policy_pipeline.classifier"


def default_model_dir() -> Path:
    """The model shipped in ``models/`` (a source checkout or an editable install)."""
    if not DEFAULT_MODEL.is_dir():
        raise FileNotFoundError(f"the default model is not at {DEFAULT_MODEL}; pass --model DIR")
    return DEFAULT_MODEL


def predict_records(model, paths) -> list[dict]:
    examples = read_examples(paths, require_label=False)
    probabilities = model.predict_proba([e.text for e in examples]) if examples else np.zeros((0, 0))
    classes = [str(label) for label in model.classes_]
    presence = presence_probabilities(probabilities, classes) if {"svc", "gvc"} <= set(classes) else {}
    return [{"id": example.id, "frame": classes[int(row.argmax())],
             "scores": {label: round(float(value), 6) for label, value in zip(classes, row, strict=True)},
             **{f"p_{frame}": round(float(values[index]), 6) for frame, values in presence.items()}}
            for index, (example, row) in enumerate(zip(examples, probabilities, strict=True))]


# The card's name for each way the trend tables estimate the share (config.ClassifierShare).
_CARD_ESTIMATES = {"counted": "classify_and_count", "probabilistic": "probabilistic"}


def share_errors(card: dict, method: str = "counted") -> dict[str, float]:
    """Per language, the root-mean-square error of the model's SVC share estimated by ``method``
    (``counted`` or ``probabilistic``) in its card's cross-validated estimate (``train --cv``): how far the
    share of held-out gold sentences was from the gold share, bias and spread together. Empty when the card
    has no such estimate."""
    def step(value, key):
        return value.get(key) if isinstance(value, dict) else None

    cross_validated = step(step(card, "metrics"), "cross_validated")
    errors = {}
    for lang, scores in (cross_validated.items() if isinstance(cross_validated, dict) else ()):
        rmse = step(step(step(step(scores, "presence"), "svc_share"), _CARD_ESTIMATES[str(method)]), "rmse")
        if lang != "all" and isinstance(rmse, int | float) and np.isfinite(rmse):
            errors[lang] = float(rmse)
    return errors


def stored_share_errors(metadata: dict, method: str) -> dict[str, float]:
    """The share errors :func:`classify_run` stored beside the frames, for ``method``. A table written
    before both were stored holds the probabilistic ones only: a counted share then gets no ME interval."""
    stored = metadata.get("share_rmse") or {}
    if stored and not any(isinstance(value, dict) for value in stored.values()):
        return dict(stored) if str(method) == "probabilistic" else {}
    return dict(stored.get(str(method)) or {})


CHUNK = 10_000  # sentences per task when the workers predict


def classify_run(out_dir: str | Path, model, batch: int = 2000, *, card: dict | None = None,
                 model_dir: str | Path | None = None, config=None) -> int:
    """Predict every sentence of a run folder into ``frames.parquet`` (the frame, its confidence, every
    label's probability, and ``p_svc``/``p_gvc`` when the labels are the codebook's); the schema metadata
    keeps the model's cross-validated share error from ``card`` for the trend tables. With ``model_dir``
    and a ``config`` of several workers (or the Dask backend), the workers predict chunks of sentences,
    each loading the model once through the same safe loader; the table is the same either way. Returns
    the number of sentences."""
    sentences = read_table(out_dir, "sentences", ["doc_id", "sentence_id", "text"])
    classes = [str(label) for label in model.classes_]
    codebook = {"svc", "gvc"} <= set(classes)
    frames, confidences, scores, p_svc, p_gvc = [], [], [], [], []
    texts = sentences["text"].tolist()
    for probabilities in _probabilities(model, texts, batch, model_dir, config):
        for row in probabilities:
            best = int(row.argmax())
            frames.append(classes[best])
            confidences.append(float(row[best]))
            scores.append(json.dumps({label: round(float(value), 4) for label, value in zip(classes, row,
                                                                                             strict=True)}))
        if codebook:
            presence = presence_probabilities(probabilities, classes)
            p_svc.extend(presence["svc"].tolist())
            p_gvc.extend(presence["gvc"].tolist())
    if not codebook:
        p_svc = p_gvc = [None] * len(frames)
    schema = FRAMES.with_metadata({FRAMES_METADATA: json.dumps(
        {"share_rmse": {method: share_errors(card or {}, method) for method in _CARD_ESTIMATES},
         "labels": classes}).encode()})
    table = pa.table({"doc_id": sentences["doc_id"].tolist(), "sentence_id": sentences["sentence_id"].tolist(),
                      "frame": frames, "confidence": confidences, "scores": scores, "p_svc": p_svc,
                      "p_gvc": p_gvc}, schema=schema)
    write_table(Path(out_dir) / "frames.parquet", table)
    return len(frames)


def _probabilities(model, texts: list[str], batch: int, model_dir, config):
    """Probability rows for ``texts`` in order, batch by batch: in this process, or in the workers."""
    from pipeline.config import Backend

    dask = config is not None and config.run.backend is Backend.DASK
    parallel = (config is not None and model_dir is not None and len(texts) > 2 * CHUNK
                and (dask or config.run.effective_workers > 1))
    if not parallel:
        for start in range(0, len(texts), batch):
            yield model.predict_proba(texts[start:start + batch])
        return
    from pipeline.batch.parallel import dask_ordered_map, ordered_map

    chunks = (texts[start:start + CHUNK] for start in range(0, len(texts), CHUNK))
    if dask:
        yield from dask_ordered_map(predict_with, chunks, function_argument=str(model_dir),
                                    scheduler=config.run.scheduler, workers=config.run.effective_workers)
    else:
        yield from ordered_map(_predict_loaded, chunks, workers=config.run.effective_workers,
                               initializer=_load_for_worker, initargs=(str(model_dir),))


_WORKER_MODELS: dict[str, object] = {}  # per worker process: model folder -> the loaded model


def _load_for_worker(model_dir: str) -> None:
    from pipeline.classify.persist import load_model

    _WORKER_MODELS.setdefault(model_dir, load_model(model_dir))
    _WORKER_MODELS["current"] = _WORKER_MODELS[model_dir]


def _predict_loaded(texts: list[str]):
    return _WORKER_MODELS["current"].predict_proba(texts)


def predict_with(model_dir: str, texts: list[str]):
    """A Dask task: the probabilities of ``texts`` by the model in ``model_dir`` (loaded once per worker)."""
    _load_for_worker(model_dir)
    return _predict_loaded(texts)


def frames_metadata(path: str | Path) -> dict:
    """What :func:`classify_run` stored beside the frames (``share_rmse`` per estimate and language, read
    with :func:`stored_share_errors`); empty for a frames table written before it did."""
    import pyarrow.parquet as pq

    metadata = pq.read_schema(path).metadata or {}
    try:
        return json.loads(metadata.get(FRAMES_METADATA, b"{}"))
    except ValueError:
        return {}
