"""Language of documents and paragraphs: Chinese, English, or mixed.

Script counts decide between Chinese and English (fast, deterministic, no model). A Latin-script text
that is not English (too few English function words) or a text in kana or hangul is reported as
unsupported, because neither the segmenter nor the lexicon covers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from pipeline.io.document import LanguageSpan

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")

_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for it as with be on by this are or from at an which have not has "
    "will we our their its was were been they these those all more can but also shall may must".split()
)

# A mixed document has at least this share of its (zh + en) characters in its minority language,
# and at least MIN_MINORITY_CHARS of them, so a stray English title in a Chinese report stays "zh".
MIN_MINORITY_SHARE = 0.15
MIN_MINORITY_CHARS = 200


@dataclass(frozen=True, slots=True)
class LanguageVerdict:
    lang: str | None  # "zh", "en", "mixed", or None when unsupported
    spans: tuple[LanguageSpan, ...]
    detail: str = ""


def paragraph_language(paragraph: str) -> str | None:
    """'zh', 'en', or None when the paragraph has no letters or ideographs at all."""
    return _language_of(len(_HAN.findall(paragraph)), len(_LATIN_WORD.findall(paragraph)))


def _language_of(han: int, latin_words: int) -> str | None:
    if han == 0 and latin_words == 0:
        return None
    # One Han character carries roughly as much as one English word in these texts; ties go to zh
    # because Chinese policy prose routinely embeds Latin acronyms (GDP, 5G, WTO).
    return "zh" if han >= latin_words else "en"


def _script_counts(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per paragraph (runs of text between newlines): start, end, Han characters, Latin words.

    Vectorised over code points: language detection sees every character of a corpus.
    """
    codes = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    han = ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF)) | (
        (codes >= 0xF900) & (codes <= 0xFAFF))
    lower = codes | 0x20
    accented = (codes >= 0xC0) & (codes <= 0x24F) & (codes != 0xD7) & (codes != 0xF7)
    latin = ((lower >= 0x61) & (lower <= 0x7A)) | accented
    word_starts = latin & ~np.concatenate(([False], latin[:-1]))
    newlines = np.flatnonzero(codes == 0x0A)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(codes)]))
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if len(starts) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, empty
    han_counts = np.add.reduceat(han.astype(np.int64), starts)
    word_counts = np.add.reduceat(word_starts.astype(np.int64), starts)
    return starts, ends, han_counts, word_counts


def detect_language(text: str) -> LanguageVerdict:
    """Per-paragraph languages merged into spans, and the document's language."""
    spans: list[LanguageSpan] = []
    chars = {"zh": 0, "en": 0}
    starts, ends, han_counts, word_counts = _script_counts(text)
    for start, end, han, words in zip(starts.tolist(), ends.tolist(), han_counts.tolist(), word_counts.tolist(),
                                      strict=True):
        lang = _language_of(han, words)
        if lang is None:
            # Paragraphs of digits or punctuation join the previous span.
            if spans:
                spans[-1] = LanguageSpan(spans[-1].start, end, spans[-1].lang)
            continue
        chars[lang] += end - start
        if spans and spans[-1].lang == lang:
            spans[-1] = LanguageSpan(spans[-1].start, end, lang)
        else:
            spans.append(LanguageSpan(start, end, lang))
    total = chars["zh"] + chars["en"]
    if total == 0:
        return LanguageVerdict(None, (), "no letters or Chinese characters")

    head = text[:50000]
    if len(_KANA_HANGUL.findall(head)) > 0.1 * max(1, len(_HAN.findall(head))):
        return LanguageVerdict(None, tuple(spans), "Japanese or Korean script")

    minority = min(chars["zh"], chars["en"])
    if minority >= MIN_MINORITY_CHARS and minority / total >= MIN_MINORITY_SHARE:
        return LanguageVerdict("mixed", tuple(spans))
    lang = "zh" if chars["zh"] >= chars["en"] else "en"
    if lang == "en":
        share = english_function_word_share(text)
        if share is not None and share < 0.08:
            return LanguageVerdict(None, tuple(spans), f"English function words are only {share:.0%} of words")
    # A single-language document is one span; paragraph spans only matter for mixed documents.
    return LanguageVerdict(lang, (LanguageSpan(0, len(text), lang),))


def english_function_word_share(text: str, sample_words: int = 5000) -> float | None:
    """Share of common English function words among the first words; None when too few words."""
    words = [word.lower() for word in _LATIN_WORD.findall(text[:60000])[:sample_words]]
    if len(words) < 12:
        return None
    return sum(word in _ENGLISH_FUNCTION_WORDS for word in words) / len(words)
