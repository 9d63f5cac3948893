"""What the framing tagger finds: one record per concept mention, with offsets into the stored text."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Mention:
    doc_id: str
    sentence_id: int
    concept: str
    family: str
    dimension: str
    start: int
    end: int
    text: str  # == Document.text[start:end]
    rule: str  # the lexicon term that matched, "<concept>/<lang>/<n>", or "<concept>/<lang>/model"
    lexicon_version: str
    negated: bool = False
    hedged: bool = False
    counted: bool = True  # False when nested in (or overlapping) a longer mention that counts instead
    attributed: bool = False  # the frame is ascribed to another actor (pipeline/tag/attribution.py)
    actor: str = ""  # that actor's entity id, when one is named
    source: str = "lexicon"  # "lexicon", or "model" for the learned span layer (pipeline/tag/learned.py)
    confidence: float = 1.0  # the span model's probability; 1 for the lexicon

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A term that matched the characters but was refused by a rule (for ``lexicon explain``)."""

    rule: str
    concept: str
    start: int
    end: int
    text: str
    why: str
