"""The fast engine (rjieba) segments exactly like jieba itself on real work-report sentences."""

from __future__ import annotations

import re

import pytest

from pipeline.config import ChineseEngine
from pipeline.io import normalize_text
from pipeline.segment import ChineseWordSegmenter, split_chinese

# The one systematic difference, documented in the README: jieba-rs keeps a hyphenated run of Latin
# letters and digits ("2006-2020", "COVID-19") as one token, where jieba splits at the hyphen.
_HYPHENATED = re.compile(r"(-)")


def _split_hyphenated(words: list[str]) -> list[str]:
    result = []
    for word in words:
        result.extend(part for part in _HYPHENATED.split(word) if part) if "-" in word else result.append(word)
    return result


@pytest.fixture(scope="module")
def work_report_sentences(corpora) -> list[str]:
    sentences = []
    for path in sorted((corpora / "cn_gov_work_reports").glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8"))
        for paragraph in text.split("\n"):
            sentences.extend(paragraph[start:end] for start, end in split_chinese(paragraph))
    return sentences


def test_rjieba_matches_jieba_on_real_sentences(work_report_sentences):
    fast = ChineseWordSegmenter(ChineseEngine.RJIEBA)
    reference = ChineseWordSegmenter(ChineseEngine.JIEBA)
    assert len(work_report_sentences) >= 1000
    hyphen_only, different = 0, []
    for sentence in work_report_sentences:
        fast_words, reference_words = fast.cut(sentence), reference.cut(sentence)
        if fast_words == reference_words:
            continue
        if _split_hyphenated(fast_words) == reference_words:
            hyphen_only += 1
        else:
            different.append((sentence, fast_words, reference_words))
    assert not different, different[:3]
    assert hyphen_only < 0.001 * len(work_report_sentences)


def test_user_dictionary_is_loaded_into_both_engines():
    sentence = "推动友岸外包和供应链韧性建设，反对脱钩断链。"
    for engine in ChineseEngine:
        words = ChineseWordSegmenter(engine).cut(sentence)
        assert {"友岸外包", "供应链韧性", "脱钩断链"} <= set(words), (engine, words)


def test_user_dictionary_can_be_extended(tmp_path):
    extra = tmp_path / "mine.txt"
    extra.write_text("# my terms\n高水平安全 5 n\n", encoding="utf-8")
    from pipeline.segment import project_user_words

    words = project_user_words([str(extra)])
    assert ("高水平安全", 5, "n") in words
    segmented = ChineseWordSegmenter(user_words=words).cut("统筹高质量发展和高水平安全")
    assert "高水平安全" in segmented
