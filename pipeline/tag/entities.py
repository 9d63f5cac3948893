"""The entity tagger: gazetteer names and patterns, with canonical ids shared across languages.

Names are found by one Aho-Corasick automaton over the lower-cased matching view (simplified Chinese),
then each alias's rules decide: exact case for proper names, whole words for Latin names, word
boundaries of the segmenter for two-character Chinese names, and the alias's own context rules. Pattern
entities (orders, plans, money, dates) join them; where matches overlap, the longest wins. An optional
statistical model (see :mod:`pipeline.tag.entity_model`) adds English entities around them.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.lexicon.gazetteer import Alias, Gazetteer, load_gazetteer
from pipeline.tag.addresses import INSIDE_AN_ADDRESS, WebAddresses
from pipeline.tag.entity_patterns import find_patterns

_CJK = re.compile(r"[\u4e00-\u9fff]")
GAZETTEER = "gazetteer"
PATTERN = "pattern"
MODEL = "model"
POS = "pos"


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One entity in a text. ``canonical_id`` is None for a model's entity no gazetteer name explains."""

    doc_id: str
    sentence_id: int
    label: str
    canonical_id: str | None
    start: int
    end: int
    text: str  # == Document.text[start:end]
    source: str  # gazetteer | pattern | model | pos

    def as_dict(self) -> dict:
        return {"label": self.label, "canonical_id": self.canonical_id, "start": self.start, "end": self.end,
                "text": self.text, "source": self.source}


@dataclass(frozen=True, slots=True)
class EntityRefusal:
    """A gazetteer name whose characters matched but that a rule refused (for explaining look-alikes)."""

    alias: str
    canonical_id: str
    start: int
    end: int
    why: str


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


class EntityTagger:
    """Build once (it compiles the automaton), then call :meth:`tag` per document.

    >>> tagger = EntityTagger()
    >>> [(e.canonical_id, e.text) for e in tagger.tag("美国商务部把华为列入实体清单。")]
    [('org:us_doc', '美国商务部'), ('co:huawei', '华为'), ('law:us_entity_list', '实体清单')]
    """

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        import ahocorasick_rs

        self.gazetteer = gazetteer or load_gazetteer()
        by_key: dict[str, list[Alias]] = defaultdict(list)
        for alias in self.gazetteer.aliases:
            by_key[alias.text.lower()].append(alias)
        for aliases in by_key.values():
            aliases.sort(key=lambda alias: not alias.conditional)  # a name's conditional readings are tried first
        keys = list(by_key)
        self._automaton = ahocorasick_rs.AhoCorasick(keys)
        self._aliases = [by_key[key] for key in keys]
        self._chinese_names = frozenset(alias.text for alias in self.gazetteer.aliases if alias.lang == "zh")

    def tag(self, text: str, *, doc_id: str = "", view: str | None = None,
            sentences: Sequence[tuple[int, int]] | None = None, token_starts: np.ndarray | None = None,
            token_ends: np.ndarray | None = None, refusals: list[EntityRefusal] | None = None,
            ) -> list[EntityMention]:
        """Gazetteer and pattern entities in ``text``; ``view`` is its simplified matching view (same
        length). Token spans (from the segmenter) decide the word boundaries of short Chinese names;
        without them, the sentence is segmented here."""
        from pipeline.tag.tagger import lower_same_length, sentence_spans

        view = text if view is None else view
        if sentences is None:
            sentences = sentence_spans(view)
        boundaries = _WordBoundaries(view, token_starts, token_ends, self._chinese_names)
        lowered = lower_same_length(view)
        found: list[tuple[int, int, str, str, str]] = []  # start, end, label, canonical id, source
        sentence_starts = [start for start, _ in sentences]
        # "FEMA-NEWS-DESK@FEMA.DHS.GOV" names no department in prose: a name inside an address is refused,
        # as the concept tagger refuses a term there.
        addresses = WebAddresses(view)
        for index, start, end in self._automaton.find_matches_as_indexes(lowered, overlapping=True):
            for alias in self._aliases[index]:
                if addresses.cover(start, end):
                    why = INSIDE_AN_ADDRESS
                else:
                    why = self._refusal(alias, view, start, end, sentences, sentence_starts, boundaries)
                if why is None:
                    found.append((start, end, self.gazetteer.entities[alias.entity_id].label, alias.entity_id,
                                  GAZETTEER))
                    break
                if refusals is not None:
                    refusals.append(EntityRefusal(alias.text, alias.entity_id, start, end, why))
        for match in find_patterns(view, zh=_CJK.search(view) is not None, en=True):
            if addresses.cover(match.start, match.end):
                continue
            found.append((match.start, match.end, match.label, match.canonical_id, PATTERN))
        return [
            EntityMention(doc_id, _sentence_of(sentence_starts, start), label, canonical, start, end, text[start:end],
                          source)
            for start, end, label, canonical, source in longest_first(found)
        ]

    def _refusal(self, alias: Alias, view: str, start: int, end: int, sentences, sentence_starts,
                 boundaries: _WordBoundaries) -> str | None:
        if alias.case_exact and view[start:end] != alias.text:
            return f"case differs from {alias.text!r}"
        if alias.has_latin:
            if (start > 0 and _is_word_char(view[start - 1]) and _is_word_char(view[start])) or \
               (end < len(view) and _is_word_char(view[end]) and _is_word_char(view[end - 1])):
                return "part of a longer word"
        elif end - start <= 2 and not boundaries.whole(start, end):
            return "part of a longer word (segmenter)"
        if alias.lang == "zh" and alias.text.endswith("法") and view[end:end + 1] in ("律", "规", "治", "典", "人"):
            return "a generic word (法律, 法规, 法治), not the law's name"
        index = _sentence_of(sentence_starts, start)
        sentence_start, sentence_end = sentences[index] if sentences else (0, len(view))
        if alias.preceded_by is not None and not alias.preceded_by.search(view[sentence_start:start]):
            return f"not preceded by {alias.preceded_by.pattern!r}"
        if alias.not_preceded_by is not None and alias.not_preceded_by.search(view[sentence_start:start]):
            return f"preceded by {alias.not_preceded_by.pattern!r}"
        if alias.not_followed_by is not None and alias.not_followed_by.search(view[end:sentence_end]):
            return f"followed by {alias.not_followed_by.pattern!r}"
        sentence = view[sentence_start:sentence_end]
        if alias.requires is not None and not alias.requires.search(sentence):
            return f"needs {alias.requires.pattern!r} in the sentence"
        if alias.excludes is not None and alias.excludes.search(sentence):
            return f"excluded by {alias.excludes.pattern!r} in the sentence"
        return None


def _sentence_of(sentence_starts: list[int], position: int) -> int:
    return max(0, bisect.bisect_right(sentence_starts, position) - 1)


def longest_first(found: list[tuple]) -> list[tuple]:
    """Non-overlapping matches (tuples starting ``start, end``): the longest wins, then the earliest, then
    the one found first (gazetteer names before patterns). Returned in text order."""
    order = sorted(range(len(found)), key=lambda i: (-(found[i][1] - found[i][0]), found[i][0], i))
    kept: list[tuple] = []
    starts: list[int] = []
    ends: list[int] = []
    for i in order:
        start, end = found[i][0], found[i][1]
        position = bisect.bisect_left(starts, start)
        if position > 0 and ends[position - 1] > start:
            continue
        if position < len(starts) and starts[position] < end:
            continue
        starts.insert(position, start)
        ends.insert(position, end)
        kept.insert(position, found[i])
    return kept


class _WordBoundaries:
    """Whether a short Chinese name is a word of its own: no dictionary word of the segmenter crosses its
    start, and none starting inside it runs past its end (中国 is not in 发展中国家 or 其中|国有; 中美 is in
    中美关系, a longer word that starts with it). Only dictionary words veto: a token the segmenter's HMM
    guessed for unknown text (称中美) says little about word boundaries. Nor does a dictionary word made of
    two names: 韩国三星 is 韩国 + 三星, and the second name is whole when what precedes it in the word is a
    name too."""

    def __init__(self, view: str, token_starts: np.ndarray | None, token_ends: np.ndarray | None,
                 names: frozenset[str] = frozenset()) -> None:
        self.view = view
        self.names = names
        self.starts = token_starts.tolist() if token_starts is not None else None
        self.ends = token_ends.tolist() if token_ends is not None else None
        self._segmented: dict[int, tuple[list[int], list[int]]] = {}
        import rjieba

        self._is_word = rjieba.has_word

    def whole(self, start: int, end: int) -> bool:
        starts, ends = self._tokens_around(start, end)
        if not starts:
            return True
        # The word containing the name's first character must start with it.
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and starts[i] < start < ends[i] and self._is_word(self.view[starts[i]:ends[i]]) and not (
                ends[i] == end and self.view[starts[i]:start] in self.names):
            return False
        # A word starting inside the name must end inside it.
        j = bisect.bisect_left(starts, start + 1)
        while j < len(starts) and starts[j] < end:
            if ends[j] > end and self._is_word(self.view[starts[j]:ends[j]]):
                return False
            j += 1
        return True

    def _tokens_around(self, start: int, end: int) -> tuple[list[int], list[int]]:
        if self.starts is not None:
            return self.starts, self.ends
        # No segmentation at hand (tagging a JSONL line): segment a window around the name.
        window_start = max(0, start - 12)
        key = window_start
        if key not in self._segmented:
            import rjieba

            piece = self.view[window_start:end + 12]
            starts, ends = [], []
            for _word, word_start, word_end in rjieba.tokenize(piece):
                starts.append(window_start + word_start)
                ends.append(window_start + word_end)
            self._segmented[key] = (starts, ends)
        return self._segmented[key]
