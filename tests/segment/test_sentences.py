from __future__ import annotations

import re

from pipeline.io import Document, normalize_text
from pipeline.io.language import detect_language
from pipeline.segment.sentences import cap_length, split_chinese, split_english


def _texts(text, spans):
    return [text[start:end] for start, end in spans]


def test_chinese_sentences_end_at_stops_and_semicolons_and_keep_quotes():
    text = normalize_text("他说：“要坚持开放。”我们同意！主要措施是：控制新增产能；淘汰落后产能。")
    assert _texts(text, split_chinese(text)) == [
        "他说:“要坚持开放。”", "我们同意!", "主要措施是:控制新增产能;", "淘汰落后产能。"]


def test_chinese_decimals_and_ellipses_do_not_end_sentences():
    text = normalize_text("增长6.5%左右……力争更好结果。")
    assert _texts(text, split_chinese(text)) == [text]


def test_english_abbreviations_initials_and_numbers():
    text = ("Mr. Speaker, the U.S. Dept. of Commerce acted under Executive Order No. 14017. "
            "John F. Kennedy said so. It works! Does it? Yes.")
    assert _texts(text, split_english(text)) == [
        "Mr. Speaker, the U.S. Dept. of Commerce acted under Executive Order No. 14017.",
        "John F. Kennedy said so.", "It works!", "Does it?", "Yes."]


def test_overlong_sentences_are_cut_at_a_break():
    text = "word, " * 1000
    spans, cut = cap_length([(0, len(text))], text, max_chars=500)
    assert cut and all(end - start <= 500 for start, end in spans)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(text[end - 2 : end] == ", " for _, end in spans[:-1])


def test_mixed_document_is_segmented_per_paragraph(segmenter, work_report_2021, sotu_2023):
    text = normalize_text(work_report_2021)[:2000] + "\n\n" + normalize_text(sotu_2023)[:2000]
    verdict = detect_language(text)
    document = Document("mixed", "test", "-", text, verdict.lang, "", language_spans=verdict.spans)
    segmented = segmenter.segment(document)
    sentences = segmented.sentences
    assert {sentence.lang for sentence in sentences} == {"zh", "en"}
    for sentence in sentences:
        assert text[sentence.start : sentence.end].strip() == text[sentence.start : sentence.end]
    words = segmented.tokens(text)
    assert "Speaker" in words or "President" in words
    assert any(len(word) >= 2 and "\u4e00" <= word[0] <= "\u9fff" for word in words)
    assert segmented.n_tokens == int(segmented.sentence_n_tokens.sum())


def test_traditional_text_is_segmented_through_its_simplified_view(segmenter):
    from pipeline.io.chinese_script import to_simplified

    text = "推動產業鏈供應鏈安全穩定，加快構建新發展格局。"
    simplified = to_simplified(text)
    words = segmenter.segment(Document("t", "test", "-", text, "zh", "", script="traditional")).tokens(text)
    simplified_words = segmenter.segment(Document("s", "test", "-", simplified, "zh", "")).tokens(simplified)
    assert [to_simplified(word) for word in words] == simplified_words
    assert "新發展格局" in words


def test_bullets_flattened_into_a_fact_sheet_paragraph_are_sentences(segmenter):
    from tests.conftest import real_text

    # The White House pages reach the corpus with their bullets inside one line: "... vaccination program.
    # - Ensure equity throughout the vaccination process ...". Each item is a sentence, marker included.
    text = normalize_text(real_text("us_wh_fact_sheets",
                                    "2021-01-15-fact-sheet-president-elect-biden-outlines-covid-19-vaccination-plan"))
    document = Document("fact-sheet", "us_wh_fact_sheets", "-", text, "en", "")
    sentences = [text[s.start:s.end] for s in segmenter.segment(document).sentences]
    assert any(sentence.startswith("- Ensure equity throughout the vaccination process") for sentence in sentences)
    assert any(sentence.endswith("framework for an equitable, effective vaccination program.")
               for sentence in sentences)
    bullet_inside = re.compile(r"[.!?:;] [-–•] [A-Z]")
    assert not [sentence for sentence in sentences if bullet_inside.search(sentence)]
    # a dash inside a sentence is not a bullet
    assert _texts("Mr. Smith - the lawyer - left.", split_english("Mr. Smith - the lawyer - left.")) == [
        "Mr. Smith - the lawyer - left."]
