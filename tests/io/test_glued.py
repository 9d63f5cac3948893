"""Words glued together by PDF extraction, repaired at ingestion, on real text from ../shared/corpora/us_nss."""

from __future__ import annotations

import pytest

from pipeline.config import IngestConfig
from pipeline.io import load_documents
from pipeline.io.glued import glued_tokens, repair_glued_words
from pipeline.tag import FrameTagger
from tests.conftest import SHARED

NSS_1998 = SHARED / "corpora" / "us_nss" / "1998_nss.txt"


@pytest.fixture(scope="module")
def nss_1998():
    [repaired] = load_documents([str(NSS_1998)])
    [as_extracted] = load_documents([str(NSS_1998)], IngestConfig(repair_glued_words=False))
    return repaired, as_extracted


def test_a_glued_strategy_is_repaired_and_says_so(nss_1998):
    repaired, as_extracted = nss_1998
    assert "oursecurity" in as_extracted.text or "ournational" in as_extracted.text
    assert "oursecurity" not in repaired.text and "ournational" not in repaired.text
    [warning] = [w for w in repaired.warnings if w.startswith("glued_words_repaired")]
    assert int(warning.split(": ")[1].split()[0].replace(",", "")) > 1000
    # Only spaces were put back: the letters are the same, in the same order.
    assert repaired.text.replace(" ", "") == as_extracted.text.replace(" ", "")


def test_repair_finds_the_mentions_glue_hid(nss_1998):
    repaired, as_extracted = nss_1998
    tagger = FrameTagger()
    found = [m for m in tagger.tag(repaired.text) if m.counted]
    before = [m for m in tagger.tag(as_extracted.text) if m.counted]
    assert len(found) >= len(before) + 5
    assert all(repaired.text[m.start:m.end] == m.text for m in found)


@pytest.mark.parametrize("path", ["us_sotu/2023-02-07_Biden.txt", "eu_soteu/2023-09-13_von_der_Leyen.txt",
                                  "us_nss/2017-12-18_nss.txt"])
def test_documents_without_glue_are_left_alone(path):
    file = SHARED / "corpora" / path
    if not file.exists():
        pytest.skip(f"{path} not in this copy of the corpora")
    [document] = load_documents([str(file)])
    [unrepaired] = load_documents([str(file)], IngestConfig(repair_glued_words=False))
    assert document.text == unrepaired.text
    assert not [w for w in document.warnings if w.startswith("glued_words_repaired")]


@pytest.mark.parametrize("word", ["harmonised", "cybersecurity", "underserved", "Tillis", "async", "Beinin",
                                  "counterterrorism", "webinar"])
def test_words_the_list_lacks_are_not_glue(word):
    assert glued_tokens(f"The {word} programme.") == []


def test_one_odd_word_does_not_make_a_document_glued():
    text = "We met the webinar hosts. " * 40
    assert repair_glued_words(text) == (text, 0)
