"""Language of documents and paragraphs: Chinese, English, or mixed.

Script counts decide between Chinese and English (fast, deterministic, no model). A Latin-script text
that is not English (too few English function words) or a text in kana or hangul is reported as
unsupported, because neither the segmenter nor the lexicon covers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.io.document import LanguageSpan

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_PARAGRAPH = re.compile(r"[^\n]+")

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
    han = len(_HAN.findall(paragraph))
    latin_words = len(_LATIN_WORD.findall(paragraph))
    if han == 0 and latin_words == 0:
        return None
    # One Han character carries roughly as much as one English word in these texts; ties go to zh
    # because Chinese policy prose routinely embeds Latin acronyms (GDP, 5G, WTO).
    return "zh" if han >= latin_words else "en"


def detect_language(text: str) -> LanguageVerdict:
    """Per-paragraph languages merged into spans, and the document's language."""
    spans: list[LanguageSpan] = []
    chars = {"zh": 0, "en": 0}
    for match in _PARAGRAPH.finditer(text):
        lang = paragraph_language(match.group())
        if lang is None:
            # Paragraphs of digits or punctuation join the previous span.
            if spans:
                spans[-1] = LanguageSpan(spans[-1].start, match.end(), spans[-1].lang)
            continue
        chars[lang] += match.end() - match.start()
        if spans and spans[-1].lang == lang:
            spans[-1] = LanguageSpan(spans[-1].start, match.end(), lang)
        else:
            spans.append(LanguageSpan(match.start(), match.end(), lang))
    total = chars["zh"] + chars["en"]
    if total == 0:
        return LanguageVerdict(None, (), "no letters or Chinese characters")

    kana_hangul = len(_KANA_HANGUL.findall(text[:50000]))
    if kana_hangul > 0.1 * max(1, len(_HAN.findall(text[:50000]))):
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
