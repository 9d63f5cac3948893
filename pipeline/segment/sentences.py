"""Sentence boundaries with offsets, for Chinese and English paragraphs.

Both splitters work on one paragraph (no newline inside) and return ``(start, end)`` offsets relative
to the paragraph, stripped of surrounding spaces. Newlines are always boundaries.
"""

from __future__ import annotations

import re

# Chinese: 。！？ and ；(list items in work reports are ；-separated clauses, and the gold sets treat them
# as sentences). After NFKC, ！？；） are ASCII. Closing quotes and brackets stay with their sentence.
# A sentence starts at a non-space character, so spans need no stripping (normalised text has no
# space before a newline).
_ZH_SENTENCE = re.compile(r"[^\s。!?;！？；][^。!?;！？；\n]*(?:[。!?;！？；]+[”’」』》)\]\"']*)?|[。!?;！？；]+")

# English: a terminator, closing quotes or brackets, whitespace, then something that can start a sentence.
_EN_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
# A list item flattened into its paragraph: web pages' bullets reach the corpora as " - " after the previous
# item's stop, semicolon, colon or closing bracket or quote ("... vaccination program. - Ensure equity ...",
# "This includes: - Expanding outreach ..."). Each item is a sentence; the marker stays with its item.
_EN_BULLET = re.compile(r"(?<=[.!?:;)\]\"'”’])\s+(?=[-–•*]\s+[\"'“‘(\[]?[A-Z0-9])")
_EN_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt gen col lt sgt capt adm gov sen rep rev hon pres amb sec dept "
    "no nos art arts para ch vol fig pp op inc co corp ltd bros jan feb mar apr jun jul aug sep sept oct "
    "nov dec vs etc e.g i.e cf al approx est ft"
    .split()
)
_CUT_POINTS = re.compile(r"[,;:，；：、]\s*|\s+")


def split_chinese(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of Chinese ``text[start:end]`` (offsets into ``text``); newlines always end one.

    >>> split_chinese("加快构建新发展格局。推动高质量发展；")
    [(0, 10), (10, 18)]
    """
    end = len(text) if end is None else end
    return [match.span() for match in _ZH_SENTENCE.finditer(text, start, end)]


def split_english(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans of an English paragraph; abbreviations and initials do not end sentences, and a
    bullet flattened into the paragraph (" - " after a stop, colon or semicolon) starts one.

    >>> split_english("Mr. Smith met the U.S. Dept. of Commerce. It agreed.")
    [(0, 41), (42, 52)]
    >>> split_english("It includes: - Expanding outreach. - Ensure equity.")
    [(0, 12), (13, 34), (35, 51)]
    """
    cuts = {match.end() for match in _EN_BOUNDARY.finditer(paragraph)
            if not (match.group()[0] == "." and _is_abbreviation(paragraph, match.start()))}
    cuts.update(match.start() for match in _EN_BULLET.finditer(paragraph))
    spans = []
    start = 0
    for cut in sorted(cuts):
        spans.append((start, cut))
        start = cut
    spans.append((start, len(paragraph)))
    return _stripped(spans, paragraph)


def _is_abbreviation(paragraph: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and not paragraph[word_start - 1].isspace() and paragraph[word_start - 1] not in "(\"'“":
        word_start -= 1
    word = paragraph[word_start:dot]
    if not word:
        return False
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "John F. Kennedy"
    if "." in word and re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return True  # "U.S.", "e.g."
    return word.lower() in _EN_ABBREVIATIONS


def _stripped(spans, paragraph: str) -> list[tuple[int, int]]:
    result = []
    for start, end in spans:
        while start < end and paragraph[start].isspace():
            start += 1
        while end > start and paragraph[end - 1].isspace():
            end -= 1
        if end > start:
            result.append((start, end))
    return result


def cap_length(spans: list[tuple[int, int]], text: str, max_chars: int) -> tuple[list[tuple[int, int]], bool]:
    """Cut spans longer than ``max_chars`` at the last comma, semicolon or space before the limit.

    Run-on "sentences" (flattened tables, lists without punctuation, one-line files) would otherwise
    make sentence-level evidence and classifiers useless. Returns the spans and whether any was cut.
    """
    if all(end - start <= max_chars for start, end in spans):
        return spans, False
    result: list[tuple[int, int]] = []
    cut_any = False
    for start, end in spans:
        while end - start > max_chars:
            cut_any = True
            window = text[start + max_chars // 2 : start + max_chars]
            cuts = [match.end() for match in _CUT_POINTS.finditer(window)]
            cut = start + max_chars // 2 + cuts[-1] if cuts else start + max_chars
            result.append((start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            result.append((start, end))
    return result, cut_any
