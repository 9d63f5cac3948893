"""Text normalisation: the one place that decides what the stored text looks like.

Unicode NFKC (which also folds full-width ASCII to half-width and the ideographic space to a space),
removal of invisible format and control characters, unified line endings and collapsed whitespace.
Every offset downstream refers to the output of :func:`normalize_text`.
"""

from __future__ import annotations

import re
import sys
import unicodedata

from pipeline.io.cjk_radicals import unify_radicals


def _category_classes() -> tuple[str, str]:
    """Regex character classes, as ranges (a class of single characters is ten times slower to scan), of
    (1) format characters (zero-width space, BOM, soft hyphen, word joiner, bidi marks) and C0/C1 controls
    other than tab and newline, and (2) combining marks: from the Unicode database, not a hand list."""
    invisible: list[list[int]] = []
    combining: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Cf" or (category == "Cc" and char not in "\t\n\r"):
            _extend(invisible, code)
        elif category in ("Mn", "Me"):
            _extend(combining, code)
    return _as_class(invisible), _as_class(combining)


def _extend(ranges: list[list[int]], code: int) -> None:
    if ranges and ranges[-1][1] == code - 1:
        ranges[-1][1] = code
    else:
        ranges.append([code, code])


def _as_class(ranges: list[list[int]]) -> str:
    parts = (re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return "[" + "".join(parts) + "]"


_INVISIBLE_CLASS, COMBINING_CLASS = _category_classes()
_INVISIBLE = re.compile(_INVISIBLE_CLASS + "+")
# NFKC reorders each run of combining marks by insertion sort, quadratic in the run's length: 1 MB of
# "Zalgo" text takes hours. No script stacks more than a few marks; runs are cut to MAX_COMBINING_RUN.
MAX_COMBINING_RUN = 32
_LONG_COMBINING_RUN = re.compile(f"({COMBINING_CLASS}{{{MAX_COMBINING_RUN}}}){COMBINING_CLASS}+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
# After NFKC every Unicode space separator is U+0020, so only spaces and tabs are left to fold.
_HORIZONTAL_SPACE = re.compile(r"[\t ]{2,}|\t")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def normalize_text(raw: str) -> str:
    """Return the normalised form of ``raw``.

    >>> normalize_text("ＧＤＰ增长\\u200b５％，\\r\\n\\r\\n\\r\\n  next")
    'GDP增长5%,\\n\\nnext'
    """
    text = _LINE_BREAKS.sub("\n", raw)
    text = _LONG_COMBINING_RUN.sub(r"\1", text)
    text = unify_radicals(text)  # ⺠ -> 民 (NFKC folds only the Kangxi radicals, ⼈ -> 人)
    if not unicodedata.is_normalized("NFKC", text):  # most text already is: skip the copy
        text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _HORIZONTAL_SPACE.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def nfkc_piece(cluster: str) -> str:
    """What normalisation makes of one character with its combining marks, before whitespace is folded:
    for mapping offsets between a raw text and its normalised form."""
    piece = unify_radicals(_LINE_BREAKS.sub("\n", cluster))
    piece = unicodedata.normalize("NFKC", piece)
    piece = _INVISIBLE.sub("", piece)
    return re.sub(r"[^\S\n]", " ", piece)  # a tab is folded to a space like any other
