"""English tokens from a blank spaCy pipeline (rule-based tokenizer only, no statistical model).

spaCy's tokenizer strips prefixes and suffixes from each whitespace-free chunk one at a time, which is
quadratic in the chunk's length: a rule of 30,000 "=" (real documents have them) takes minutes. Chunks
longer than ``LONG_CHUNK`` characters are therefore split here, linearly: a run of one punctuation mark is
one token, other characters go by word and mark. Everything else is spaCy's.
"""

from __future__ import annotations

import re

import numpy as np

LONG_CHUNK = 200
_LONG_CHUNK = re.compile(rf"\S{{{LONG_CHUNK + 1},}}")
_LINEAR_TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*|([^\w\s])\1*")


class EnglishTokenizer:
    def __init__(self) -> None:
        import spacy

        self._nlp = spacy.blank("en")
        # Only the tokenizer runs; its cost is linear, so long documents are safe.
        self._nlp.max_length = 10**9

    def tokenize(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Arrays ``(starts, ends, is_word)`` of the non-space tokens; punctuation is not a word."""
        parts = []
        last = 0
        for chunk in _LONG_CHUNK.finditer(text):
            parts.append(self._spacy_rows(text[last:chunk.start()], last))
            parts.append(_linear_rows(chunk.group(), chunk.start()))
            last = chunk.end()
        parts.append(self._spacy_rows(text[last:], last))
        rows = np.vstack(parts) if parts else np.zeros((0, 3), dtype=np.int64)
        return rows[:, 0], rows[:, 1], rows[:, 2].astype(bool)

    def _spacy_rows(self, text: str, offset: int) -> np.ndarray:
        """(start, end, is_word) rows of spaCy's non-space tokens of ``text``, shifted by ``offset``."""
        if not text:
            return np.zeros((0, 3), dtype=np.int64)
        # One attribute array instead of a Python Token object per token: three times faster.
        rows = self._nlp.tokenizer(text).to_array(["IDX", "LENGTH", "IS_PUNCT", "IS_SPACE"]).astype(np.int64)
        rows = rows[rows[:, 3] == 0]
        return np.column_stack([rows[:, 0] + offset, rows[:, 0] + rows[:, 1] + offset, rows[:, 2] == 0])

    def words(self, text: str) -> list[str]:
        starts, ends, is_word = self.tokenize(text)
        return [text[start:end] for start, end, word in zip(starts, ends, is_word, strict=True) if word]


def _linear_rows(chunk: str, offset: int) -> np.ndarray:
    """Tokens of an overlong whitespace-free chunk in one pass: words (with inner apostrophes, dots and
    hyphens) and runs of one punctuation mark."""
    rows = [(match.start() + offset, match.end() + offset, match.group(1) is None)
            for match in _LINEAR_TOKEN.finditer(chunk)]
    return np.array(rows, dtype=np.int64).reshape(-1, 3)
