"""Training and evaluation data: JSONL lines ``{"text", "lang"?, "label", "doc_id"?}`` (the gold sets' ``frame``
is read as the label; ``doc_id`` groups sentences of one document in cross-validation), with a hash that
identifies exactly what a model was trained on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.io import normalize_text
from pipeline.io.language import detect_language

FRAME_LABELS = ("svc", "gvc", "both", "none")
# The product reads a frame label as two presences: a sentence frames the economy strategically (svc or
# both) and/or as open and efficient (gvc or both). Its SVC share is svc-present / (svc- + gvc-present).
PRESENCE = {"svc": ("svc", "both"), "gvc": ("gvc", "both")}


class DataError(ValueError):
    """A data line cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    lang: str
    label: str | None
    id: str = ""
    source: str = ""  # the file it came from
    rule: str = ""  # for weak labels: the rule that produced the label
    doc_id: str = ""  # the document the sentence comes from: cross-validation keeps a document in one fold


def read_examples(paths: Iterable[str | Path], *, require_label: bool = True) -> list[Example]:
    """Examples from JSONL files, in order. ``label`` (or ``frame``) is required unless ``require_label``
    is False (texts to predict); ``lang`` is detected when absent."""
    from pipeline.tag.records import RecordError, numbered_records

    examples = []
    try:
        for path, number, record in numbered_records(paths):
            if not record["text"].strip():
                raise DataError(f"{path}:{number}: the 'text' is empty")
            label = record.get("label", record.get("frame"))
            if isinstance(label, list):  # doccano and some exports: a list with one label
                label = label[0] if len(label) == 1 else None
            if require_label and not isinstance(label, str):
                raise DataError(f"{path}:{number}: each line needs a 'label' (or 'frame') string")
            text = normalize_text(record["text"])
            lang = record.get("lang") or detect_language(text).lang or "en"
            examples.append(Example(text, "zh" if lang == "mixed" else lang, label,
                                    str(record.get("id", f"{Path(path).name}:{number}")), path,
                                    str(record.get("rule", "")), str(record.get("doc_id") or "")))
    except RecordError as error:
        raise DataError(str(error)) from None
    return examples


def write_jsonl(path: str | Path, records: Iterable[dict]) -> int:
    """One JSON object per line (UTF-8, not ASCII-escaped); returns the number of lines."""
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_examples(path: str | Path, examples: Iterable[Example]) -> int:
    return write_jsonl(path, ({"id": e.id, "text": e.text, "lang": e.lang, "label": e.label,
                               **({"rule": e.rule} if e.rule else {}), **({"doc_id": e.doc_id} if e.doc_id else {})}
                              for e in examples))


def data_hash(examples: Iterable[Example]) -> str:
    """SHA-256 over (text, lang, label) in order: the identity of a training set."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(json.dumps([example.text, example.lang, example.label], ensure_ascii=False).encode())
    return digest.hexdigest()
