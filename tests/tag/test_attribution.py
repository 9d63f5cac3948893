"""Stance: frames ascribed to another actor, against a golden table of real corpus sentences
(tests/golden/attribution.tsv: places and the reader's verdict; the text is read from ../shared/corpora)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.lexicon.gazetteer import load_gazetteer
from pipeline.tag import FrameTagger
from pipeline.tag.entities import EntityTagger
from pipeline.tag.records import tag_text
from tests.conftest import SHARED, golden_sentence

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "attribution.tsv"
ROWS = list(csv.DictReader(GOLDEN.open(encoding="utf-8"), delimiter="\t"))
JURISDICTION = {"cn": "CN", "us": "US", "eu": "EU"}  # the corpora's prefixes, as their manifests say


@pytest.fixture(scope="module")
def taggers():
    return FrameTagger(), EntityTagger(load_gazetteer())


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['concept']}-{r['attributed']}-{r['corpus']}" for r in ROWS])
def test_attribution_on_real_sentences(taggers, row):
    sentence = golden_sentence(row)
    frames, entities = taggers
    _, mentions, _ = tag_text(frames, sentence, None, entities, JURISDICTION[row["corpus"][:2]])
    inside = range(int(row["passage_start"]), int(row["passage_end"]) + 1)
    [mention] = [m for m in mentions if m.concept == row["concept"] and m.counted and m.start in inside
                 and m.end in inside]
    assert mention.attributed is (row["attributed"] == "true"), f"{row['why']}: {sentence}"
    assert mention.actor == row["actor"]
    assert mention.counted  # an attributed mention is still framing language in the document


def test_the_table_holds_both_verdicts_in_both_languages():
    assert {(row["attributed"], row["corpus"][:2] == "cn") for row in ROWS} == {
        ("true", True), ("true", False), ("false", True), ("false", False)}


def test_attribution_reaches_the_tables_and_the_own_voice_variant(tmp_path):
    corpus = SHARED / "corpora" / "eu_soteu"
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["run", str(corpus), "--out", str(out), "-q"]).exit_code == 0
    from pipeline.store import read_table

    mentions = read_table(out, "mentions")
    attributed = mentions[mentions["attributed"]]
    assert len(attributed) >= 1 and set(attributed["actor"]) >= {"gpe:CN"}
    assert (mentions.loc[~mentions["attributed"], "actor"] == "").all()
    result = CliRunner().invoke(main, ["robustness", str(out), "--periods", "2015-2019", "2020-2025", "--json"])
    assert result.exit_code == 0, result.output
    [eu] = json.loads(result.output)
    [own] = [row for row in eu["variants"] if row["kind"] == "stance"]
    assert own["name"] == "own-voice" and own["n_svc"] + own["n_gvc"] < eu["baseline"]["n_svc"] + eu["baseline"][
        "n_gvc"]
    # and the tag command writes the flag and the actor
    lines = tmp_path / "in.jsonl"
    lines.write_text(json.dumps({"id": "1", "text": "Beijing's economic coercion is real.", "jurisdiction": "US"})
                     + "\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["tag", str(lines), "-o", str(tmp_path / "o.jsonl")]).exit_code == 0
    [record] = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    [mention] = record["mentions"]
    assert mention["attributed"] is True and mention["actor"] == "gpe:CN"
