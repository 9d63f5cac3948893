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
from reader_check import TABLES, annotated_sentences, compare  # noqa: E402


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


def test_no_sentence_is_annotated_twice():
    hashes = [row["sha1"] for row, _sentence in annotated_sentences(TABLES)]
    assert len(hashes) == len(set(hashes))


def test_a_draw_leaves_out_the_sentences_a_table_already_holds(tmp_path):
    from reader_check import draw, drawn_before

    from pipeline.batch import run_pipeline
    from pipeline.config import PipelineConfig
    from tests.conftest import CORPORA

    run = tmp_path / "run"
    summary = run_pipeline([str(CORPORA / "us_sotu" / "2025-03-04_Trump_joint_session.txt")], run,
                           PipelineConfig.from_dict({"run": {"workers": 1}}))
    assert summary.succeeded
    first = tmp_path / "first.jsonl"
    draw(first, run, 10, 1, ["us_sotu"], not_in=[])
    already = drawn_before([first.with_suffix(".tsv")])
    second = tmp_path / "second.jsonl"
    draw(second, run, 10, 1, ["us_sotu"], not_in=[first.with_suffix(".tsv")])
    assert len(already) == 10 and not already & drawn_before([second.with_suffix(".tsv")])
    again = tmp_path / "again.jsonl"
    draw(again, run, 10, 1, ["us_sotu"], not_in=[])
    assert drawn_before([again.with_suffix(".tsv")]) == already  # the same seed draws the same without exclusions


def test_a_table_to_leave_out_that_is_missing_or_not_a_table_is_named(tmp_path):
    from reader_check import drawn_before

    not_a_table = tmp_path / "notes.tsv"
    not_a_table.write_text("sample\tcorpus\nA\tus_sotu\n", encoding="utf-8")
    with pytest.raises(ValueError, match="notes.tsv: not a reader-check table"):
        drawn_before([TABLES[0], not_a_table])
    with pytest.raises(ValueError, match="missing.tsv: no such table"):
        drawn_before([tmp_path / "missing.tsv"])
    assert len(drawn_before(TABLES)) == sum(1 for _ in annotated_sentences(TABLES))
