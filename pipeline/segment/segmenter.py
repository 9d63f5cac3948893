"""Sentences and tokens of a document, as character offsets into ``Document.text``."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass

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
    token_starts: array
    token_ends: array
    token_is_word: bytearray
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
        starts, ends, is_word = array("l"), array("l"), bytearray()
        sentence_spans: list[tuple[int, int, str]] = []
        any_cut = False
        for span in spans:
            for match in _PARAGRAPH.finditer(view, span.start, span.end):
                offset, paragraph = match.start(), match.group()
                if span.lang == "zh":
                    local = split_chinese(paragraph)
                    for word, start, end in self.chinese.tokenize(paragraph):
                        if not word.isspace():
                            starts.append(offset + start)
                            ends.append(offset + end)
                            is_word.append(1 if _WORDLIKE.search(word) else 0)
                else:
                    local = split_english(paragraph)
                    for start, end, word in self.english.tokenize(paragraph):
                        starts.append(offset + start)
                        ends.append(offset + end)
                        is_word.append(word)
                local, cut = cap_length(local, paragraph, self.config.max_sentence_chars)
                any_cut = any_cut or cut
                sentence_spans.extend((offset + start, offset + end, span.lang) for start, end in local)

        word_starts = array("l", (start for start, flag in zip(starts, is_word, strict=True) if flag))
        sentences = tuple(
            Sentence(index, start, end, lang, bisect_left(word_starts, end) - bisect_left(word_starts, start))
            for index, (start, end, lang) in enumerate(sentence_spans)
        )
        warnings = (f"long_sentences_cut: at {self.config.max_sentence_chars} characters",) if any_cut else ()
        return SegmentedDocument(doc.doc_id, sentences, starts, ends, is_word, len(word_starts), warnings)
