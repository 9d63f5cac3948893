"""English negation scope on the parse, against a golden table of real corpus sentences
(tests/golden/negation.tsv: places and the reader's verdict; the text is read from ../shared/corpora)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from pipeline.config import NegationMode
from pipeline.io.language import paragraph_language
from pipeline.tag import FrameTagger
from tests.conftest import golden_sentence

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "negation.tsv"
ROWS = list(csv.DictReader(GOLDEN.open(encoding="utf-8"), delimiter="\t"))


@pytest.fixture(scope="module")
def taggers():
    return FrameTagger(), FrameTagger(negation_scope=NegationMode.WINDOW)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['concept']}-{r['negated']}-{r['corpus']}" for r in ROWS])
def test_negation_scope_on_real_sentences(taggers, row):
    parse, window = taggers
    sentence = golden_sentence(row)
    inside = range(int(row["passage_start"]), int(row["passage_end"]) + 1)

    def the_mention(tagger):
        [mention] = [m for m in tagger.tag(sentence) if m.concept == row["concept"] and m.counted
                     and m.start in inside and m.end in inside]
        return mention

    mention = the_mention(parse)
    assert mention.negated is (row["negated"] == "true"), f"{row['why']}: {sentence}"
    if paragraph_language(sentence) == "zh":  # Chinese keeps the cue window: a cue stands before the mention
        before = sentence[max(0, mention.start - parse.lexicon.cues.window["zh"]):mention.start]
        assert re.search("反对|不会|不搞|绝不|决不", before), sentence
    else:  # every English row has a cue in the window: the parse is what decides
        assert the_mention(window).negated


def test_the_table_holds_both_verdicts():
    assert {row["negated"] for row in ROWS} == {"true", "false"} and len(ROWS) >= 10


def test_without_the_parser_model_the_window_decides(caplog):
    tagger = FrameTagger(parser_model="no_such_spacy_model")
    [mention] = [m for m in tagger.tag("We did not get rid of our dependency on oil.") if m.counted]
    assert mention.negated  # the window's answer, with a warning that says how to get the parse
    assert "falls back to the cue window" in caplog.text


def test_chinese_negation_keeps_the_cue_window(taggers):
    parse, _ = taggers
    [mention] = [m for m in parse.tag("我们坚决反对将供应链武器化。") if m.concept == "weaponization"]
    assert mention.negated
