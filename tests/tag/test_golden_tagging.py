"""Golden tagging table: real sentences (by offset and hash, not copied) with their expected counted
mentions and flags, chosen for look-alikes, context rules, nesting and negation. Regenerate deliberately
with ``tests/golden/regenerate_tagging.py --show`` and review every row."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.batch import tag_segmented
from pipeline.io import discover_sources, load_document
from pipeline.tag import FrameTagger

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "tagging.tsv"


def _rows_by_corpus() -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    with GOLDEN.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            grouped[row["corpus"]].append(row)
    return grouped


ROWS = _rows_by_corpus()


def _shown(mentions: str, sentence: str) -> list[str]:
    shown = []
    for part in filter(None, mentions.split(";")):
        concept, _, span = part.partition("@")
        start, _, end = span.rstrip("!?").partition("-")
        shown.append(f"{concept}:{sentence[int(start):int(end)]}{span[len(span.rstrip('!?')):]}")
    return shown


def test_golden_tagging_covers_look_alikes_and_negation():
    rows = [row for rows in ROWS.values() for row in rows]
    assert len(rows) >= 40
    assert sum(row["mentions"] == "" for row in rows) >= 10  # look-alikes that must not match
    assert sum("!" in row["mentions"] for row in rows) >= 3  # negated mentions
    assert {row["corpus"][:2] for row in rows} == {"cn", "us", "eu"}


@pytest.fixture(scope="module")
def tagger():
    return FrameTagger()


@pytest.mark.parametrize("corpus", sorted(ROWS))
def test_real_sentences_keep_their_mentions(corpus, corpora, segmenter, tagger):
    wanted = {row["doc_id"] for row in ROWS[corpus]}
    documents = {}
    for source in discover_sources([corpora / corpus]):
        doc_id = source.meta.get("doc_id", source.default_doc_id)
        if doc_id in wanted:
            documents[doc_id] = load_document(source)
    mismatches = []
    for row in ROWS[corpus]:
        document = documents[row["doc_id"]]
        start, end = int(row["start"]), int(row["end"])
        sentence = document.text[start:end]
        assert hashlib.sha1(sentence.encode()).hexdigest()[:12] == row["sha1"], f"{row['doc_id']}: text changed"
        mentions = [m for m in tag_segmented(tagger, document, segmenter.segment(document))
                    if m.counted and start <= m.start and m.end <= end]
        got = ";".join(f"{m.concept}@{m.start - start}-{m.end - start}{'!' if m.negated else ''}"
                       f"{'?' if m.hedged else ''}" for m in mentions)
        if got != row["mentions"]:
            mismatches.append(f"{row['doc_id']} [{row['probe']}] {sentence}\n"
                              f"  expected {_shown(row['mentions'], sentence)}\n  got      {_shown(got, sentence)}")
    assert not mismatches, "\n".join(mismatches)
