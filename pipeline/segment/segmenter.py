"""Sentences and tokens of a document, as character offsets into ``Document.text``."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from pipeline.config import SegmentConfig
from pipeline.io.document import Document, LanguageSpan
from pipeline.segment.chinese import ChineseWordSegmenter, project_user_words
from pipeline.segment.english import EnglishTokenizer
from pipeline.segment.sentences import cap_length, split_chinese, split_english

_PARAGRAPH = re.compile(r"[^\n]+")
_WORDLIKE = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Sentence:
    sentence_id: int
    start: int
    end: int
    lang: str
    n_tokens: int


@dataclass(frozen=True, slots=True)
class SegmentedDocument:
    """Sentence spans and token spans of one document. ``n_tokens`` counts words, not punctuation."""

    doc_id: str
    sentences: tuple[Sentence, ...]
    token_starts: np.ndarray  # int64, offsets into Document.text, every non-space token
    token_ends: np.ndarray
    token_is_word: np.ndarray  # bool: False for punctuation
    n_tokens: int
    warnings: tuple[str, ...] = ()

    def tokens(self, text: str) -> list[str]:
        """The token strings, given the document text the offsets refer to."""
        return [text[start:end] for start, end in zip(self.token_starts, self.token_ends, strict=True)]


class Segmenter:
    """Holds the loaded dictionaries and tokenizers; create one per process and reuse it.

    >>> from pipeline.io import normalize_text
    >>> segmenter = Segmenter()
    >>> words = segmenter.words("加快构建新发展格局", lang="zh")
    """

    def __init__(self, config: SegmentConfig | None = None) -> None:
        self.config = config or SegmentConfig()
        self._chinese: ChineseWordSegmenter | None = None
        self._english: EnglishTokenizer | None = None

    @property
    def chinese(self) -> ChineseWordSegmenter:
        if self._chinese is None:
            words = project_user_words(self.config.user_dicts)
            self._chinese = ChineseWordSegmenter(self.config.zh_engine, hmm=self.config.hmm, user_words=words)
        return self._chinese

    @property
    def english(self) -> EnglishTokenizer:
        if self._english is None:
            self._english = EnglishTokenizer()
        return self._english

    def words(self, text: str, lang: str) -> list[str]:
        """Words of a short text, for inspection (``policy-pipeline segment --text``)."""
        if lang == "zh":
            return [word for word in self.chinese.cut(text) if not word.isspace()]
        return self.english.words(text)

    def segment(self, doc: Document) -> SegmentedDocument:
        text = doc.text
        # Traditional text is segmented through its simplified view (jieba's dictionary is simplified);
        # the view has the same offsets, so spans stay valid in the stored text.
        view = doc.matching_text
        spans = doc.language_spans or (LanguageSpan(0, len(text), doc.lang),)
        starts: list[np.ndarray] = []
        ends: list[np.ndarray] = []
        is_word: list[np.ndarray] = []
        sentence_spans: list[tuple[int, int, str]] = []
        any_cut = False
        for span in spans:
            for match in _PARAGRAPH.finditer(view, span.start, span.end):
                offset, paragraph = match.start(), match.group()
                if span.lang == "zh":
                    local = split_chinese(paragraph)
                    tokens = [token for token in self.chinese.tokenize(paragraph) if not token[0].isspace()]
                    starts.append(np.fromiter((token[1] for token in tokens), np.int64, len(tokens)) + offset)
                    ends.append(np.fromiter((token[2] for token in tokens), np.int64, len(tokens)) + offset)
                    is_word.append(np.fromiter((bool(_WORDLIKE.search(token[0])) for token in tokens), bool,
                                               len(tokens)))
                else:
                    local = split_english(paragraph)
                    token_starts, token_ends, token_is_word = self.english.tokenize(paragraph)
                    starts.append(token_starts + offset)
                    ends.append(token_ends + offset)
                    is_word.append(token_is_word)
                local, cut = cap_length(local, paragraph, self.config.max_sentence_chars)
                any_cut = any_cut or cut
                sentence_spans.extend((offset + start, offset + end, span.lang) for start, end in local)

        all_starts = np.concatenate(starts) if starts else np.zeros(0, np.int64)
        all_ends = np.concatenate(ends) if ends else np.zeros(0, np.int64)
        all_is_word = np.concatenate(is_word) if is_word else np.zeros(0, bool)
        word_starts = all_starts[all_is_word]
        bounds = np.array([(start, end) for start, end, _ in sentence_spans], np.int64).reshape(-1, 2)
        counts = np.searchsorted(word_starts, bounds[:, 1]) - np.searchsorted(word_starts, bounds[:, 0])
        sentences = tuple(
            Sentence(index, start, end, lang, int(count))
            for index, ((start, end, lang), count) in enumerate(zip(sentence_spans, counts.tolist(), strict=True))
        )
        warnings = (f"long_sentences_cut: at {self.config.max_sentence_chars} characters",) if any_cut else ()
        return SegmentedDocument(doc.doc_id, sentences, all_starts, all_ends, all_is_word, len(word_starts), warnings)
