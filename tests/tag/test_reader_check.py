"""The reader's check (benchmarks/reader_check.py): random corpus sentences annotated by the codebook before
the tagger's output was seen. Every mention the reader was sure of must stay found, so a lexicon change that
loses one fails here; the places are checked against the text they were annotated on."""

from __future__ import annotations

import csv
import sys

import pytest

from pipeline.tag import FrameTagger
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from reader_check import annotated_sentences, compare  # noqa: E402

TABLES = sorted((REPO / "benchmarks" / "reader_check").glob("*.tsv"))


def test_every_row_points_at_the_sentence_that_was_read():
    rows = [row for row, _sentence in annotated_sentences(TABLES)]  # raises on a changed sentence
    assert len(rows) >= 200 and sum(bool(row["sure"]) for row in rows) >= 30


def test_the_tagger_finds_every_mention_the_reader_was_sure_of():
    result = compare(TABLES, FrameTagger())
    assert not result.misses
    assert result.totals["all"]["found"] == result.totals["all"]["sure"] >= 30


def test_a_row_whose_text_changed_is_named_not_scored(tmp_path):
    rows = list(csv.DictReader(TABLES[0].open(encoding="utf-8"), delimiter="\t"))[:3]
    rows[1]["sha1"] = "000000000000"
    broken = tmp_path / "broken.tsv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    read = []
    with pytest.raises(ValueError, match=rf"broken.tsv: {rows[1]['corpus']}/.+:{rows[1]['start']}: the text changed"):
        for row, _sentence in annotated_sentences([broken]):
            read.append(row["start"])
    assert read == [rows[0]["start"]]
