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
    # named parts of the concept, each a pattern searched in a mention's text (first match wins; no match:
    # the concept's other terms): what terms.parquet and the report break a concept's counts out by
    subconcepts: tuple[tuple[str, re.Pattern], ...] = ()

    def subconcept_of(self, text: str) -> str:
        """The sub-concept a mention's text belongs to, or "" when the concept declares none that fits."""
        return next((name for name, pattern in self.subconcepts if pattern.search(text)), "")


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
class AttributionCues:
    """When a frame is ascribed to another actor (美方搞“脱钩”, "China's weaponization of ..."): the words
    that make an actor of a name and the verbs that ascribe a frame to it (see pipeline/tag/attribution.py)."""

    zh_verbs: re.Pattern | None = None  # ascribing verbs between a Chinese actor and the mention (搞, 推行)
    zh_actors: re.Pattern | None = None  # actors without a gazetteer id (一些国家, 个别国家)
    en_actors: re.Pattern | None = None  # English actors without a gazetteer id (adversaries, rivals)
    en_adjective_concepts: frozenset[str] = frozenset()  # where "Chinese X" names the actor, not the target
    en_possessive_concepts: frozenset[str] = frozenset()  # where "China's X" is China doing X (not "India's
    # energy security", a partner's need the document itself endorses)
    actor_names: dict[str, str] = field(default_factory=dict)  # English actor words -> entity id (Beijing)

    @property
    def enabled(self) -> bool:
        return self.zh_verbs is not None or self.en_actors is not None or bool(self.actor_names)


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
    attribution: AttributionCues = field(default_factory=AttributionCues)

    def concept(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def segmenter_words(self) -> list[str]:
        """Chinese literal terms for the segmenter's user dictionary: words of 2 to 8 Han characters
        (phrases with punctuation, and patterns, are not words)."""
        return sorted({term.pattern for term in self.zh_terms
                       if term.regex is None and 2 <= len(term.pattern) <= 8
                       and all("\u4e00" <= char <= "\u9fff" for char in term.pattern)})
