"""The reader's check (benchmarks/reader_check.py): random corpus sentences annotated by the codebook before
the tagger's output was seen. Every mention the reader was sure of must stay found, so a lexicon change that
loses one fails here; the places are checked against the text they were annotated on."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from pipeline.io import discover_sources, load_document
from pipeline.tag import FrameTagger
from tests.conftest import CORPORA

TABLES = sorted((Path(__file__).resolve().parents[2] / "benchmarks" / "reader_check").glob("*.tsv"))
ROWS = [row for table in TABLES for row in csv.DictReader(table.open(encoding="utf-8"), delimiter="\t")]


@pytest.fixture(scope="module")
def sentences() -> dict:
    texts, found = {}, {}
    for index, row in enumerate(ROWS):
        key = (row["corpus"], row["file"])
        if key not in texts:
            texts[key] = load_document(next(iter(discover_sources([str(CORPORA / row["corpus"] / row["file"])])))).text
        found[index] = texts[key][int(row["start"]):int(row["end"])]
    return found


def test_every_row_points_at_the_sentence_that_was_read(sentences):
    assert len(ROWS) >= 200 and sum(bool(row["sure"]) for row in ROWS) >= 30
    changed = [index for index, row in enumerate(ROWS)
               if hashlib.sha1(sentences[index].encode()).hexdigest()[:12] != row["sha1"]]
    assert not changed


def test_the_tagger_finds_every_mention_the_reader_was_sure_of(sentences):
    tagger = FrameTagger()
    missed = []
    for index, row in enumerate(ROWS):
        sure = Counter(concept for concept in row["sure"].split("|") if concept)
        if not sure:
            continue
        tagged = Counter(mention.concept for mention in tagger.tag(sentences[index]) if mention.counted)
        missed += [(concept, sentences[index][:120]) for concept in sure if tagged[concept] < sure[concept]]
    assert not missed
