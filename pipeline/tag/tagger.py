"""The framing tagger: every concept mention with character offsets, independent of segmentation.

Matching runs on characters (Chinese on the simplified view, English case-insensitively), through two
Aho-Corasick automata: Chinese terms directly, English terms through their literal anchors, then each
candidate's regular expression at that position. Context rules, token alignment, overlap resolution and
negation/hedge flags then decide what counts. Everything a rule refuses can be explained.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.config import NegationMode, OverlapPolicy, TagConfig
from pipeline.io.chinese_script import to_simplified
from pipeline.lexicon import Lexicon, Term, load_lexicon
from pipeline.tag.addresses import INSIDE_AN_ADDRESS, WebAddresses
from pipeline.tag.learned import SpanModel, load_span_model
from pipeline.tag.mention import Mention, NearMiss
from pipeline.tag.negation import DEFAULT_PARSER, NegationScope


@dataclass(frozen=True, slots=True)
class _Candidate:
    term: Term
    start: int
    end: int
    sentence: int


# Hyphens and white space between English words match a space in a term (see lexicon.load.loose_separators):
# "national-security", "supply\nchain" (a wrapped PDF line), "export\u00a0controls".
SEPARATORS = str.maketrans({char: " " for char in "-\u2010\u2011\n\r\t\u00a0\u2007\u2009\u202f\u3000\u000b\u000c"})


# "the World Trade Organization (WTO)": an abbreviation in brackets right after a mention of the same concept
# restates its name, so the two are one mention, as the coders mark them.
_OPENING_BRACKET = re.compile(r"\s*[(（]\s*")
_CLOSING_BRACKET = re.compile(r"\s*[)）]")
_ABBREVIATION = re.compile(r"[A-Z][A-Za-z&.-]*[A-Z][A-Za-z&.-]*")


def _uncount_restated_abbreviations(view: str, candidates: Sequence[_Candidate], counted: list[bool]) -> None:
    order = sorted((index for index, is_counted in enumerate(counted) if is_counted),
                   key=lambda index: candidates[index].start)
    for earlier, later in zip(order, order[1:], strict=False):
        name, abbreviation = candidates[earlier], candidates[later]
        if (name.term.concept_id == abbreviation.term.concept_id
                and _OPENING_BRACKET.fullmatch(view, name.end, abbreviation.start)
                and _CLOSING_BRACKET.match(view, abbreviation.end)
                and abbreviation.end - abbreviation.start <= 8
                and _ABBREVIATION.fullmatch(view, abbreviation.start, abbreviation.end)):
            counted[later] = False


def lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lower to two (İ); keep those as they are so offsets still line up.
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


class FrameTagger:
    """Build once (it compiles the automata), then call :meth:`tag` for each document or sentence.

    >>> tagger = FrameTagger()
    >>> [m.concept for m in tagger.tag("我们坚决反对将供应链武器化。")]
    ['weaponization', 'supply_chain']
    """

    def __init__(self, lexicon: Lexicon | None = None, *, overlap: OverlapPolicy = OverlapPolicy.LONGEST,
                 negation_scope: NegationMode = NegationMode.PARSE, parser_model: str = DEFAULT_PARSER,
                 span_model: SpanModel | None = None, span_threshold: float | None = None) -> None:
        """``negation_scope``: ``parse`` confirms each English cue-window negation on the sentence's
        dependency parse (spaCy model ``parser_model``); ``window`` keeps the cue window alone.
        ``span_model`` (:mod:`pipeline.tag.learned`) adds mentions the lexicon does not match, with
        ``source="model"``, where its confidence reaches ``span_threshold`` (default: the model's own)."""
        import ahocorasick_rs

        self.lexicon = lexicon or load_lexicon()
        self.span_model = span_model
        self.span_threshold = span_threshold
        self.overlap = OverlapPolicy(overlap)
        self.negation_scope = (NegationScope(parser_model) if NegationMode(negation_scope) is NegationMode.PARSE
                               else None)
        # One automaton per language over the terms' literal anchors (a literal Chinese term is its own
        # anchor); terms sharing an anchor are tried in turn where it occurs.
        self._zh, self._zh_anchor_terms = self._automaton(ahocorasick_rs, self.lexicon.zh_terms)
        self._en, self._en_anchor_terms = self._automaton(ahocorasick_rs, self.lexicon.en_terms)

    @staticmethod
    def _automaton(ahocorasick_rs, terms: Sequence[Term]):
        by_anchor: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            by_anchor[term.anchor].append(term)
        anchors = list(by_anchor)
        automaton = ahocorasick_rs.AhoCorasick(anchors) if anchors else None
        return automaton, [by_anchor[anchor] for anchor in anchors]

    # ------------------------------------------------------------------ matching

    def candidates(self, view: str) -> list[tuple[Term, int, int]]:
        """Every place a term's characters match, before any rule (overlapping matches included)."""
        found: list[tuple[Term, int, int]] = []
        if self._zh is not None:
            for index, start, end in self._zh.find_matches_as_indexes(view, overlapping=True):
                for term in self._zh_anchor_terms[index]:
                    if term.regex is None:
                        found.append((term, start, end))
                    else:
                        match = term.regex.match(view, start)
                        if match is not None:
                            found.append((term, start, match.end()))
        if self._en is not None:
            spaced = view.translate(SEPARATORS)  # same length: offsets stay those of the text
            lowered = lower_same_length(spaced)
            for index, start, _ in self._en.find_matches_as_indexes(lowered, overlapping=True):
                if start > 0 and (lowered[start - 1].isalnum()):
                    continue  # inside a word
                for term in self._en_anchor_terms[index]:
                    match = term.regex.match(spaced, start)
                    if match is None:
                        continue
                    end = match.end()
                    if end < len(view) and view[end].isalnum():
                        continue
                    found.append((term, start, end))
        return found

    def tag(
        self,
        text: str,
        *,
        doc_id: str = "",
        view: str | None = None,
        sentences: Sequence[tuple[int, int]] | None = None,
        token_starts: np.ndarray | None = None,
        token_ends: np.ndarray | None = None,
        near_misses: list[NearMiss] | None = None,
    ) -> list[Mention]:
        """Mentions in ``text`` (offsets into it). ``view`` is the simplified matching view (same length;
        default: ``text`` converted character for character, so traditional script matches as it does in
        ``run`` and ``lexicon explain``); ``sentences`` bound context windows (default: the text's own
        sentences); token spans, when given, enforce ``align_to_tokens`` rules. Refused matches are appended
        to ``near_misses`` if a list is passed."""
        view = to_simplified(text) if view is None else view
        if sentences is None:
            sentences = sentence_spans(view)
        sentence_starts = [start for start, _ in sentences]
        token_start_set = set(token_starts.tolist()) if token_starts is not None else None
        token_end_set = set(token_ends.tolist()) if token_ends is not None else None

        accepted: list[_Candidate] = []
        # Two rules of one concept that match the same characters are one mention, not a counted one and an
        # uncounted twin ("open markets" is found by two rules): the first rule in lexicon order names it.
        same_span: dict[tuple[int, int, str], int] = {}
        matched: list[tuple[int, int, int]] = []  # (sentence, start, end) of every match, refused ones too
        addresses = WebAddresses(view)
        for term, start, end in self.candidates(view):
            index = max(0, bisect.bisect_right(sentence_starts, start) - 1)
            matched.append((index, start, end))
            sentence_start, sentence_end = sentences[index] if sentences else (0, len(view))
            if addresses.cover(start, end):
                why = INSIDE_AN_ADDRESS
            else:
                why = self._refusal(term, view, start, end, sentence_start, sentence_end, token_start_set,
                                    token_end_set)
            if why:
                if near_misses is not None:
                    near_misses.append(NearMiss(term.term_id, term.concept_id, start, end, text[start:end], why))
                continue
            key = (start, end, term.concept_id)
            if key in same_span:
                earlier = same_span[key]
                if _rule_number(term) < _rule_number(accepted[earlier].term):
                    accepted[earlier] = _Candidate(term, start, end, index)
                continue
            same_span[key] = len(accepted)
            accepted.append(_Candidate(term, start, end, index))

        counted = self._resolve_overlaps(accepted)
        _uncount_restated_abbreviations(view, accepted, counted)
        mentions = [self._mention(text, view, doc_id, sentences, candidate.sentence, candidate.term.concept_id,
                                  candidate.term.lang, candidate.start, candidate.end, candidate.term.term_id,
                                  counted=is_counted)
                    for candidate, is_counted in zip(accepted, counted, strict=True)]
        if self.span_model is not None:
            mentions.extend(self._learned(text, view, doc_id, sentences, matched))
        mentions.sort(key=lambda mention: (mention.start, -mention.end, mention.concept))
        return mentions

    def _mention(self, text: str, view: str, doc_id: str, sentences: Sequence[tuple[int, int]], sentence_index: int,
                 concept_id: str, lang: str, start: int, end: int, rule: str, *, counted: bool = True,
                 source: str = "lexicon", confidence: float = 1.0) -> Mention:
        """A mention with its negation and hedge flags (the cue window before it, in its sentence)."""
        cues = self.lexicon.cues
        concept = self.lexicon.concepts[concept_id]
        sentence = sentences[sentence_index] if sentences else (0, len(view))
        before = cues.scope(lang, view[max(sentence[0], start - cues.window[lang]) : start])
        return Mention(
            doc_id=doc_id, sentence_id=sentence_index, concept=concept.concept_id, family=concept.family.value,
            dimension=concept.dimension, start=start, end=end, text=text[start:end], rule=rule,
            lexicon_version=self.lexicon.version,
            negated=self._negated(lang, cues.negation[lang].search(before) is not None, text, sentence, start, end),
            hedged=cues.hedge[lang].search(before) is not None, counted=counted, source=source,
            confidence=confidence)

    def _learned(self, text: str, view: str, doc_id: str, sentences: Sequence[tuple[int, int]],
                 matched: list[tuple[int, int, int]]) -> list[Mention]:
        """The span model's mentions, sentence by sentence, never overlapping a lexicon match (refused
        matches included: the lexicon's context rules stand)."""
        from pipeline.io.language import paragraph_language

        blocked: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for index, start, end in matched:
            blocked[index].append((start, end))
        found = []
        for index, (sentence_start, sentence_end) in enumerate(sentences or [(0, len(view))]):
            sentence = view[sentence_start:sentence_end]
            lang = paragraph_language(sentence)
            if lang not in self.span_model.weights:
                continue
            local = [(start - sentence_start, end - sentence_start) for start, end in blocked.get(index, ())]
            for start, end, concept_id, confidence in self.span_model.predict(sentence, lang, local,
                                                                              self.span_threshold):
                if concept_id not in self.lexicon.concepts:
                    continue  # a model trained with another lexicon's concepts
                found.append(self._mention(text, view, doc_id, sentences, index, concept_id, lang,
                                           sentence_start + start, sentence_start + end,
                                           f"{concept_id}/{lang}/model", source="model", confidence=confidence))
        return found

    def _negated(self, lang: str, window_says: bool, text: str, sentence: tuple[int, int], start: int,
                 end: int) -> bool:
        """The cue window's answer, withdrawn for English when the parse shows the cue governs something else."""
        if not window_says or lang != "en" or not self.negation_scope:
            return window_says
        sentence_start, sentence_end = sentence
        verdict = self.negation_scope.negated(text[sentence_start:sentence_end], start - sentence_start,
                                              end - sentence_start)
        return window_says if verdict is None else verdict

    @staticmethod
    def _refusal(term: Term, view: str, start: int, end: int, sentence_start: int, sentence_end: int,
                 token_starts: set | None, token_ends: set | None) -> str | None:
        sentence = view[sentence_start:sentence_end]
        local_start, local_end = start - sentence_start, end - sentence_start
        if term.not_preceded_by is not None and term.not_preceded_by.search(sentence[:local_start]):
            return f"preceded by {_shown(term.not_preceded_by)}"
        if term.not_followed_by is not None and term.not_followed_by.search(sentence[local_end:]):
            return f"followed by {_shown(term.not_followed_by)}"
        for rule in term.requires:
            if not rule.found(sentence, local_start, local_end):
                return f"needs {_shown(rule.pattern)} within {rule.window} characters ({rule.side}) in the sentence"
        for rule in term.excludes:
            if rule.found(sentence, local_start, local_end):
                return f"excluded by {_shown(rule.pattern)} within {rule.window} characters ({rule.side})"
        if term.align_to_tokens and token_starts is not None and token_ends is not None:
            if start not in token_starts or end not in token_ends:
                return "crosses a word boundary (the rule asks for whole words)"
        return None

    def _resolve_overlaps(self, candidates: list[_Candidate]) -> list[bool]:
        if self.overlap is OverlapPolicy.ALL:
            return [True] * len(candidates)
        # Longest first (ties: earlier first); a match overlapping one already counted does not count.
        order = sorted(range(len(candidates)),
                       key=lambda i: (-(candidates[i].end - candidates[i].start), candidates[i].start))
        counted = [False] * len(candidates)
        taken_starts: list[int] = []  # counted spans never overlap, so sorted starts give sorted ends
        taken_ends: list[int] = []
        taken: list[int] = []
        for i in order:
            start, end = candidates[i].start, candidates[i].end
            position = bisect.bisect_left(taken_starts, start)
            if position > 0 and taken_ends[position - 1] > start:
                continue
            if position < len(taken_starts) and taken_starts[position] < end:
                continue
            counted[i] = True
            taken_starts.insert(position, start)
            taken_ends.insert(position, end)
            taken.insert(position, i)
        # The codebook annotates each concept of a compositional phrase: a match that only partly overlaps
        # counted ones of other concepts (neither inside the other) counts too. 全球产业链供应链稳定 is a
        # global value chain (全球产业链供应链) and its stability (产业链供应链稳定); 产业链供应链安全稳定 stays one.
        added: list[_Candidate] = []
        for i in order:
            candidate = candidates[i]
            if counted[i] or any(other.start < candidate.end and candidate.start < other.end for other in added):
                continue
            first = bisect.bisect_left(taken_ends, candidate.start + 1)
            last = bisect.bisect_left(taken_starts, candidate.end)
            overlapping = [candidates[j] for j in taken[first:last]]
            if overlapping and all(
                    other.term.concept_id != candidate.term.concept_id
                    and (other.start < candidate.start < other.end < candidate.end
                         or candidate.start < other.start < candidate.end < other.end)
                    for other in overlapping):
                counted[i] = True
                added.append(candidate)
        return counted


def _rule_number(term: Term) -> int:
    """The term's position among its concept's terms of its language (the ``n`` of ``concept/lang/n``)."""
    return int(term.term_id.rsplit("/", 1)[1])


def tag_segmented(tagger: FrameTagger, document, segmented, *, near_misses: list[NearMiss] | None = None
                  ) -> list[Mention]:
    """Mentions of a segmented document (``pipeline.io.Document`` and its ``SegmentedDocument``): its
    sentences bound the context rules, its tokens the ``align_to_tokens`` rules."""
    sentences = list(zip(segmented.sentence_starts.tolist(), segmented.sentence_ends.tolist(), strict=True))
    return tagger.tag(document.text, doc_id=document.doc_id, view=document.matching_text, sentences=sentences,
                      token_starts=segmented.token_starts, token_ends=segmented.token_ends,
                      near_misses=near_misses)


def _shown(pattern) -> str:
    text = pattern.pattern
    for prefix in ("^(?:", "(?:"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    for suffix in (")$", ")"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    return repr(text)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of a text with no segmentation at hand (each paragraph split in its own language)."""
    import re

    from pipeline.io.language import paragraph_language
    from pipeline.segment.sentences import split_chinese, split_english

    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n]+", text):
        paragraph = match.group()
        if paragraph_language(paragraph) == "zh":
            local = split_chinese(paragraph)
        else:
            local = split_english(paragraph)
        spans.extend((match.start() + start, match.start() + end) for start, end in local)
    return spans or [(0, len(text))]


def tagger_for(config: TagConfig, lexicon: Lexicon | None = None) -> FrameTagger:
    """The tagger the ``[tag]`` settings describe (``lexicon``, when given, is that file already loaded)."""
    return FrameTagger(lexicon or load_lexicon(config.lexicon), overlap=config.overlap,
                       negation_scope=config.negation_scope, parser_model=config.parser_model,
                       span_model=load_span_model(config.span_model) if config.span_model else None,
                       span_threshold=config.span_threshold)
