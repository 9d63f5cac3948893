"""Chinese words with jieba's dictionary: the fast engine (rjieba, jieba-rs) or jieba itself.

Both engines get the same user dictionary, so they segment identically (a test pins this on real work
reports). jieba is only imported when asked for, and its import-time logging is silenced here, once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from pipeline.config import ChineseEngine

PROJECT_USER_DICT = "userdict.txt"


def read_user_dictionary(text: str) -> list[tuple[str, int | None, str | None]]:
    """Parse jieba's dictionary format: ``word [freq] [tag]`` per line; ``#`` starts a comment."""
    entries = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((word, freq, tag))
    return entries


def project_user_words(
    extra_files: Iterable[str] = (), lexicon_path: str | None = None
) -> list[tuple[str, int | None, str | None]]:
    """The project's dictionary: ``userdict.txt``, the framing lexicon's Chinese terms, then the user's
    extra dictionaries (later entries win in jieba)."""
    from pipeline.lexicon import load_lexicon

    entries = read_user_dictionary((resources.files("pipeline.segment") / PROJECT_USER_DICT).read_text("utf-8"))
    listed = {word for word, _, _ in entries}
    entries += [(word, None, None) for word in load_lexicon(lexicon_path).segmenter_words() if word not in listed]
    for path in extra_files:
        entries += read_user_dictionary(Path(path).read_text(encoding="utf-8"))
    return entries


class ChineseWordSegmenter:
    """One segmenter instance with its own dictionary (never jieba's module-level globals)."""

    def __init__(
        self,
        engine: ChineseEngine = ChineseEngine.RJIEBA,
        *,
        hmm: bool = True,
        user_words: Iterable[tuple[str, int | None, str | None]] | None = None,
    ) -> None:
        self.engine = ChineseEngine(engine)
        self.hmm = hmm
        words = list(project_user_words() if user_words is None else user_words)
        if self.engine is ChineseEngine.RJIEBA:
            import rjieba

            self._jieba = rjieba.Jieba()
            for word, freq, tag in words:
                self._jieba.add_word(word, freq, tag)
        else:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            self._jieba = jieba.Tokenizer()
            self._jieba.initialize()
            for word, freq, tag in words:
                self._jieba.add_word(word, freq, tag)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """``(word, start, end)`` for every token, whitespace included, offsets in characters."""
        if self.engine is ChineseEngine.RJIEBA:
            return self._jieba.tokenize(text, "default", self.hmm)
        return list(self._jieba.tokenize(text, mode="default", HMM=self.hmm))

    def cut(self, text: str) -> list[str]:
        """The words of ``text`` in order (like ``jieba.lcut``)."""
        if self.engine is ChineseEngine.RJIEBA:
            return self._jieba.cut(text, self.hmm)
        return self._jieba.lcut(text, HMM=self.hmm)
