"""English tokens from a blank spaCy pipeline (rule-based tokenizer only, no statistical model)."""

from __future__ import annotations

from collections.abc import Iterator


class EnglishTokenizer:
    def __init__(self) -> None:
        import spacy

        self._nlp = spacy.blank("en")
        # Only the tokenizer runs; its cost is linear, so long documents are safe.
        self._nlp.max_length = 10**9

    def tokenize(self, text: str) -> Iterator[tuple[int, int, bool]]:
        """``(start, end, is_word)`` for every non-space token; punctuation has ``is_word`` False."""
        for token in self._nlp.tokenizer(text):
            if token.is_space:
                continue
            yield token.idx, token.idx + len(token), not token.is_punct

    def words(self, text: str) -> list[str]:
        return [token.text for token in self._nlp.tokenizer(text) if not (token.is_space or token.is_punct)]
