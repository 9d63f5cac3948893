"""Sentences and tokens of a document, as character offsets into ``Document.text``."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipeline.config import SegmentConfig
from pipeline.io.document import Document, LanguageSpan
from pipeline.segment.chinese import ChineseWordSegmenter, project_user_words
from pipeline.segment.english import EnglishTokenizer
from pipeline.segment.sentences import cap_length, split_chinese, split_english

_PARAGRAPH = re.compile(r"[^\n]+")


@lru_cache(maxsize=1)
def _character_classes() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables over the Basic Multilingual Plane: is the character a word character (``\\w``),
    is it whitespace. Characters beyond it (CJK extensions) count as word characters."""
    characters = [chr(code) for code in range(0x10000)]
    word = np.fromiter((char.isalnum() or char == "_" for char in characters), bool, 0x10000)
    space = np.fromiter((char.isspace() for char in characters), bool, 0x10000)
    return word, space


def _word_and_space_masks(text: str) -> tuple[np.ndarray, np.ndarray]:
    codes = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    word, space = _character_classes()
    in_plane = codes < 0x10000
    clipped = np.where(in_plane, codes, 0)
    return np.where(in_plane, word[clipped], True), np.where(in_plane, space[clipped], False)


@dataclass(frozen=True, slots=True)
class Sentence:
    sentence_id: int
    start: int
    end: int
    lang: str
    n_tokens: int


@dataclass(frozen=True, slots=True)
class SegmentedDocument:
    """Sentence and token spans of one document, column-wise (one array entry per sentence or token).

    Offsets are into ``Document.text``. ``n_tokens`` counts words, not punctuation. ``sentences`` gives
    the same sentences as objects when that is more convenient than arrays.
    """

    doc_id: str
    sentence_starts: np.ndarray  # int64
    sentence_ends: np.ndarray  # int64
    sentence_langs: tuple[str, ...]
    sentence_n_tokens: np.ndarray  # int64, words per sentence
    token_starts: np.ndarray  # int64, every non-space token
    token_ends: np.ndarray
    token_is_word: np.ndarray  # bool: False for punctuation
    n_tokens: int
    warnings: tuple[str, ...] = ()

    @property
    def n_sentences(self) -> int:
        return len(self.sentence_starts)

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(
            Sentence(index, start, end, lang, count)
            for index, (start, end, lang, count) in enumerate(
                zip(self.sentence_starts.tolist(), self.sentence_ends.tolist(), self.sentence_langs,
                    self.sentence_n_tokens.tolist(), strict=True)
            )
        )

    def tokens(self, text: str) -> list[str]:
        """The token strings, given the document text the offsets refer to."""
        pairs = zip(self.token_starts.tolist(), self.token_ends.tolist(), strict=True)
        return [text[start:end] for start, end in pairs]

    def without_tokens(self) -> SegmentedDocument:
        """The same sentences without token spans (cheaper to send between processes)."""
        return dataclasses.replace(self, token_starts=self.token_starts[:0], token_ends=self.token_ends[:0],
                                   token_is_word=self.token_is_word[:0])


class Segmenter:
    """Holds the loaded dictionaries and tokenizers; create one per process and reuse it.

    >>> from pipeline.io import normalize_text
    >>> segmenter = Segmenter()
    >>> words = segmenter.words("加快构建新发展格局", lang="zh")
    """

    def __init__(self, config: SegmentConfig | None = None, *, lexicon_path: str | None = None) -> None:
        self.config = config or SegmentConfig()
        self.lexicon_path = lexicon_path  # whose Chinese terms join the user dictionary
        self._chinese: ChineseWordSegmenter | None = None
        self._english: EnglishTokenizer | None = None

    @property
    def chinese(self) -> ChineseWordSegmenter:
        if self._chinese is None:
            words = project_user_words(self.config.user_dicts, self.lexicon_path)
            self._chinese = ChineseWordSegmenter(self.config.zh_engine, hmm=self.config.hmm, user_words=words)
        return self._chinese

    @property
    def english(self) -> EnglishTokenizer:
        if self._english is None:
            self._english = EnglishTokenizer()
        return self._english

    def load(self) -> Segmenter:
        """Load both languages' dictionaries and tokenizers now rather than on first use."""
        _ = self.chinese, self.english
        _character_classes()
        return self

    def words(self, text: str, lang: str) -> list[str]:
        """Words of a short text, for inspection (``policy-pipeline segment --text``)."""
        if lang == "zh":
            return [word for word in self.chinese.cut(text) if not word.isspace()]
        return self.english.words(text)

    def _chinese_tokens(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Arrays ``(starts, ends, is_word)`` of the non-space words of Chinese ``text``."""
        words = self.chinese.cut(text)
        if not words:
            empty = np.zeros(0, np.int64)
            return empty, empty, np.zeros(0, bool)
        # jieba's words partition the text, so offsets are cumulative lengths; whether a word is
        # punctuation or space comes from per-character tables summed per word. No per-word Python code
        # runs: this function sees every character of a corpus.
        lengths = np.fromiter(map(len, words), np.int64, len(words))
        ends = np.cumsum(lengths)
        starts = ends - lengths
        word_chars, space_chars = _word_and_space_masks(text)
        has_word_char = np.add.reduceat(word_chars, starts) > 0
        keep = np.add.reduceat(space_chars.astype(np.int64), starts) < lengths
        return starts[keep], ends[keep], has_word_char[keep]

    def segment(self, doc: Document) -> SegmentedDocument:
        text = doc.text
        # Traditional text is segmented through its simplified view (jieba's dictionary is simplified);
        # the view has the same offsets, so spans stay valid in the stored text.
        view = doc.matching_text
        spans = doc.language_spans or (LanguageSpan(0, len(text), doc.lang),)
        starts: list[np.ndarray] = []
        ends: list[np.ndarray] = []
        is_word: list[np.ndarray] = []
        sentence_spans: list[tuple[int, int]] = []
        sentence_langs: list[str] = []
        any_cut = False
        for span in spans:
            # Words over the whole span in one call (newlines are whitespace tokens, dropped);
            # sentences never cross a newline.
            if span.lang == "zh":
                local = split_chinese(view, span.start, span.end)
                token_starts, token_ends, token_is_word = self._chinese_tokens(view[span.start : span.end])
            else:
                local = [
                    (match.start() + start, match.start() + end)
                    for match in _PARAGRAPH.finditer(view, span.start, span.end)
                    for start, end in split_english(match.group())
                ]
                token_starts, token_ends, token_is_word = self.english.tokenize(view[span.start : span.end])
            starts.append(token_starts + span.start)
            ends.append(token_ends + span.start)
            is_word.append(token_is_word)
            local, cut = cap_length(local, view, self.config.max_sentence_chars)
            any_cut = any_cut or cut
            sentence_spans.extend(local)
            sentence_langs.extend([span.lang] * len(local))

        all_starts = np.concatenate(starts) if starts else np.zeros(0, np.int64)
        all_ends = np.concatenate(ends) if ends else np.zeros(0, np.int64)
        all_is_word = np.concatenate(is_word) if is_word else np.zeros(0, bool)
        word_starts = all_starts[all_is_word]
        bounds = np.array(sentence_spans, np.int64).reshape(-1, 2)
        counts = np.searchsorted(word_starts, bounds[:, 1]) - np.searchsorted(word_starts, bounds[:, 0])
        warnings = (f"long_sentences_cut: at {self.config.max_sentence_chars} characters",) if any_cut else ()
        return SegmentedDocument(
            doc_id=doc.doc_id,
            sentence_starts=bounds[:, 0].copy(),
            sentence_ends=bounds[:, 1].copy(),
            sentence_langs=tuple(sentence_langs),
            sentence_n_tokens=counts.astype(np.int64),
            token_starts=all_starts,
            token_ends=all_ends,
            token_is_word=all_is_word,
            n_tokens=len(word_starts),
            warnings=warnings,
        )
