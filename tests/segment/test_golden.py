"""Golden segmentation table: real sentences (referenced by offset and hash, not copied) must keep their
sentence spans and word boundaries, so a dependency upgrade that changes segmentation fails loudly.
Regenerate deliberately with ``tests/golden/regenerate.py``."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.io import discover_sources, load_document

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "segmentation.tsv"


def _golden_by_document() -> dict[tuple[str, str], list[dict]]:
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with GOLDEN.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            grouped[(row["corpus"], row["doc_id"])].append(row)
    return grouped


GOLDEN_ROWS = _golden_by_document()


def test_golden_table_covers_both_languages():
    languages = [row["lang"] for rows in GOLDEN_ROWS.values() for row in rows]
    assert languages.count("zh") >= 50 and languages.count("en") >= 50


@pytest.mark.parametrize("corpus", sorted({corpus for corpus, _ in GOLDEN_ROWS}))
def test_real_sentences_keep_their_segmentation(corpus, corpora, segmenter):
    documents = {
        source.default_doc_id if not source.meta.get("doc_id") else source.meta["doc_id"]: source
        for source in discover_sources([corpora / corpus])
    }
    mismatches = []
    for (row_corpus, doc_id), rows in GOLDEN_ROWS.items():
        if row_corpus != corpus:
            continue
        document = load_document(documents[doc_id])
        segmented = segmenter.segment(document)
        spans = {(sentence.start, sentence.end) for sentence in segmented.sentences}
        for row in rows:
            start, end = int(row["start"]), int(row["end"])
            text = document.text[start:end]
            assert hashlib.sha1(text.encode()).hexdigest()[:12] == row["sha1"], f"{doc_id}: corpus text changed"
            if (start, end) not in spans:
                mismatches.append(f"{doc_id} sentence {start}:{end} is no longer a sentence: {text[:60]}")
                continue
            mask = (segmented.token_starts >= start) & (segmented.token_ends <= end)
            ends = " ".join(str(value - start) for value in segmented.token_ends[mask].tolist())
            if ends != row["token_ends"]:
                expected, previous = [], 0
                for value in map(int, row["token_ends"].split()):
                    expected.append(text[previous:value].strip())
                    previous = value
                got = [document.text[a:b] for a, b in zip(segmented.token_starts[mask], segmented.token_ends[mask],
                                                           strict=True)]
                mismatches.append(f"{doc_id}: expected {'|'.join(expected)}\n  got {'|'.join(got)}")
    assert not mismatches, "\n".join(mismatches[:10])
