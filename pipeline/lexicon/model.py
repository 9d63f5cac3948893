"""The framing lexicon as validated data: concepts, their terms in both languages, and context rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Family(StrEnum):
    GVC = "gvc"  # global value chain: efficiency, openness, interdependence
    SVC = "svc"  # strategic value chain: security, autonomy, state strategy
    TOPIC = "topic"  # neutral salience of supply and value chains


@dataclass(frozen=True, slots=True)
class Concept:
    concept_id: str
    family: Family
    dimension: str
    definition: str


@dataclass(frozen=True, slots=True)
class ContextRule:
    """A pattern that must (``requires``) or must not (``excludes``) occur within ``window`` characters of
    a match, inside the same sentence. ``side`` limits where: before it, after it, or around it (the
    window on both sides and the match itself)."""

    pattern: re.Pattern
    window: int
    side: str = "around"  # before | after | around

    def found(self, sentence: str, start: int, end: int) -> bool:
        if self.side == "before":
            region = sentence[max(0, start - self.window) : start]
        elif self.side == "after":
            region = sentence[end : end + self.window]
        else:  # the match itself and the window on both sides
            region = sentence[max(0, start - self.window) : end + self.window]
        return self.pattern.search(region) is not None


@dataclass(frozen=True, slots=True)
class Term:
    """One way a concept is written. Chinese terms are literal strings matched on the simplified view;
    English terms are regular expressions matched case-insensitively (unless ``case_sensitive``) on word
    boundaries, found through their literal ``anchor`` (the pattern's leading letters)."""

    term_id: str  # "<concept>/<lang>/<n>", stable while the lexicon file is unchanged
    concept_id: str
    lang: str  # zh | en
    pattern: str
    anchor: str
    regex: re.Pattern | None = None  # en only
    case_sensitive: bool = False
    not_preceded_by: re.Pattern | None = None
    not_followed_by: re.Pattern | None = None
    requires: tuple[ContextRule, ...] = ()
    excludes: tuple[ContextRule, ...] = ()
    align_to_tokens: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class FlagCues:
    """Cues that mark a mention as negated or hedged/attributed, per language, as regexes that must end
    (negation) or occur (hedge) within ``window`` characters before the mention."""

    negation: dict[str, re.Pattern]
    hedge: dict[str, re.Pattern]
    window: dict[str, int]
    clause_break: dict[str, re.Pattern]  # a cue's scope ends at a clause break ("not X, but Y": Y is not negated)

    def scope(self, lang: str, before: str) -> str:
        """The part of ``before`` (text preceding a mention) that a cue can reach."""
        breaks = list(self.clause_break[lang].finditer(before))
        return before[breaks[-1].end() :] if breaks else before


@dataclass(frozen=True, slots=True)
class Lexicon:
    version: str
    content_hash: str
    concepts: dict[str, Concept]
    terms: tuple[Term, ...]
    cues: FlagCues
    source: str = ""
    zh_terms: tuple[Term, ...] = field(default=())
    en_terms: tuple[Term, ...] = field(default=())

    def concept(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def segmenter_words(self) -> list[str]:
        """Chinese literal terms for the segmenter's user dictionary: words of 2 to 8 Han characters
        (phrases with punctuation, and patterns, are not words)."""
        return sorted({term.pattern for term in self.zh_terms
                       if term.regex is None and 2 <= len(term.pattern) <= 8
                       and all("\u4e00" <= char <= "\u9fff" for char in term.pattern)})
