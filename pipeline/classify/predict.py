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
                    ("confidence", pa.float64()), ("scores", pa.string())])


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


def classify_run(out_dir: str | Path, model, batch: int = 2000) -> int:
    """Predict every sentence of a run folder into ``frames.parquet``; returns the number of sentences."""
    sentences = read_table(out_dir, "sentences", ["doc_id", "sentence_id", "text"])
    classes = [str(label) for label in model.classes_]
    frames, confidences, scores = [], [], []
    texts = sentences["text"].tolist()
    for start in range(0, len(texts), batch):
        probabilities = model.predict_proba(texts[start:start + batch])
        for row in probabilities:
            best = int(row.argmax())
            frames.append(classes[best])
            confidences.append(float(row[best]))
            scores.append(json.dumps({label: round(float(value), 4) for label, value in zip(classes, row,
                                                                                             strict=True)}))
    table = pa.table({"doc_id": sentences["doc_id"].tolist(), "sentence_id": sentences["sentence_id"].tolist(),
                      "frame": frames, "confidence": confidences, "scores": scores}, schema=FRAMES)
    write_table(Path(out_dir) / "frames.parquet", table)
    return len(frames)
