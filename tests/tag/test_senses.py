"""Word senses and fixed phrases on real corpus sentences (tests/golden/senses.tsv): each rule that keeps a
look-alike out, or counts a fixed phrase once, is checked on a sentence where it was found (in the corpora or
the reference paper, read by place)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.tag import FrameTagger
from tests.conftest import golden_sentence

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "senses.tsv"
ROWS = list(csv.DictReader(GOLDEN.open(encoding="utf-8"), delimiter="\t"))


@pytest.fixture(scope="module")
def tagger():
    return FrameTagger()


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['concept']}-{r['count']}-{r['corpus']}" for r in ROWS])
def test_senses_on_real_sentences(tagger, row):
    sentence = golden_sentence(row)
    counted = [m for m in tagger.tag(sentence) if m.counted and m.concept == row["concept"]]
    assert len(counted) == int(row["count"]), f"{row['why']}: {[m.text for m in counted]} in {sentence}"


def test_every_sense_row_names_a_reason():
    assert len(ROWS) >= 8 and all(row["why"] for row in ROWS)
