"""Table rows: documents, sentences and mentions as plain dicts and columns (what parts and tables hold)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.io import Document, LanguageSpan, Rejection
from pipeline.segment import SegmentedDocument
from pipeline.tag import Mention
from pipeline.tag.entities import EntityMention

MENTION_FIELDS = ("sentence_id", "concept", "family", "dimension", "start", "end", "text", "rule",
                  "lexicon_version", "negated", "hedged", "counted", "attributed", "actor",
                  "source", "confidence")


def document_row(item: Document | Rejection) -> dict[str, Any]:
    """The ``documents`` row of an ingested item (sizes from segmentation are filled in later)."""
    return {
        "doc_id": item.doc_id,
        "corpus": item.corpus,
        "path": item.path,
        "status": item.status,
        "reason": item.reason,
        "warnings": list(item.warnings),
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
        "n_tokens": None,
        "n_sentences": None,
        "sha256": item.sha256,
        "meta": json.dumps(item.meta, ensure_ascii=False, sort_keys=True),
        "text": item.text if item.ok else None,
    }


def document_from_row(row: dict[str, Any]) -> Document:
    """Enough of a :class:`Document` to segment and tag a stored ``documents`` row again."""
    spans = tuple(LanguageSpan(**span) for span in row.get("language_spans") or ())
    return Document(doc_id=row["doc_id"], corpus=row["corpus"], path=row["path"], text=row["text"],
                    lang=row["lang"], sha256=row["sha256"], script=row.get("script") or "latin",
                    language_spans=spans, jurisdiction=row.get("jurisdiction"))


def rejected_row(row: dict[str, Any], reason: str) -> dict[str, Any]:
    """The row of a document that is rejected after ingestion (a duplicate, a stage that failed)."""
    return {**row, "status": "rejected", "reason": reason, "warnings": [], "lang": None, "language_spans": None,
            "script": None, "date_source": None, "n_chars": None, "n_tokens": None, "n_sentences": None,
            "text": None}


def sentence_columns(doc_id: str, segmented: SegmentedDocument) -> dict[str, list]:
    """Sentence spans without their text: workers send spans, the text is cut where the document is."""
    starts, ends = segmented.sentence_starts.tolist(), segmented.sentence_ends.tolist()
    return {
        "doc_id": [doc_id] * len(starts),
        "sentence_id": list(range(len(starts))),
        "start": starts,
        "end": ends,
        "lang": list(segmented.sentence_langs),
        "n_tokens": segmented.sentence_n_tokens.tolist(),
    }


def with_sentence_texts(columns: dict[str, list], text: str) -> dict[str, list]:
    return {**columns, "text": [text[start:end] for start, end in zip(columns["start"], columns["end"], strict=True)]}


def mention_columns(doc_id: str, mentions: list[Mention]) -> dict[str, list]:
    columns = {name: [getattr(mention, name) for mention in mentions] for name in MENTION_FIELDS}
    columns["doc_id"] = [doc_id] * len(mentions)
    return columns


ENTITY_FIELDS = ("sentence_id", "label", "canonical_id", "start", "end", "text", "source")


def entity_columns(doc_id: str, entities: list[EntityMention]) -> dict[str, list]:
    columns = {name: [getattr(entity, name) for entity in entities] for name in ENTITY_FIELDS}
    columns["doc_id"] = [doc_id] * len(entities)
    return columns


class BatchIdentity:
    """Keeps doc_ids unique and rejects documents whose text repeats an earlier one (in input order)."""

    def __init__(self) -> None:
        self.first_by_hash: dict[str, tuple[str, str]] = {}
        self.doc_ids: set[str] = set()

    def settle(self, row: dict[str, Any]) -> dict[str, Any]:
        if row["doc_id"] in self.doc_ids:
            # report.pdf beside report.docx: the file name tells them apart; otherwise the corpus does.
            file_name = Path(row["path"]).name
            alternative = file_name if ":" not in file_name and file_name != row["doc_id"] else ""
            if not alternative or alternative in self.doc_ids:
                alternative = f"{row['corpus']}/{row['doc_id']}"
            warnings = list(row["warnings"] or [])
            if row["status"] == "ok":
                warnings.append(f"doc_id_renamed: {row['doc_id']!r} was taken by an earlier document")
            row = {**row, "doc_id": self._free_id(alternative), "warnings": warnings}
        self.doc_ids.add(row["doc_id"])
        if row["status"] == "ok":
            first = self.first_by_hash.get(row["sha256"])
            if first is not None:
                return rejected_row(row, f"duplicate: same text as {first[0]} ({first[1]})")
            self.first_by_hash[row["sha256"]] = (row["doc_id"], row["path"])
        return row

    def _free_id(self, candidate: str) -> str:
        unique, number = candidate, 2
        while unique in self.doc_ids:
            unique, number = f"{candidate}#{number}", number + 1
        return unique
