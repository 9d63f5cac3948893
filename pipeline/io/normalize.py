"""Text normalisation: the one place that decides what the stored text looks like.

Unicode NFKC (which also folds full-width ASCII to half-width and the ideographic space to a space),
removal of invisible format and control characters, unified line endings and collapsed whitespace.
Every offset downstream refers to the output of :func:`normalize_text`.
"""

from __future__ import annotations

import re
import sys
import unicodedata


def _invisible_class() -> str:
    # Format characters (zero-width space, BOM, soft hyphen, word joiner, bidi marks) and C0/C1 controls
    # other than tab and newline, from the Unicode database rather than a hand list. Written as ranges:
    # a class of single characters is ten times slower to scan.
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category == "Cf" or (category == "Cc" and chr(code) not in "\t\n\r"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    parts = (re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return "[" + "".join(parts) + "]+"


_INVISIBLE = re.compile(_invisible_class())
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
    if not unicodedata.is_normalized("NFKC", text):  # most text already is: skip the copy
        text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _HORIZONTAL_SPACE.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()
