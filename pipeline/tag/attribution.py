"""Stance: a frame ascribed to another actor.

美方搞“脱钩断链” and "China's recent weaponization of ..." use the vocabulary of the strategic frame, but
the document describes what another actor does; it does not take the frame up itself. Such a mention
stays counted (it is still framing language in the document) and is flagged ``attributed``, with the
actor's entity id when one is named, so a shift variant can leave it out (``robustness``: own voice).

Rules (the words live in the lexicon's ``flags.attribution``):

- Chinese: an actor, then an ascribing verb (搞, 推行, 鼓吹, 泛化, 实行...), then the mention, in one clause
  (``一些国家对我国实行经济制裁``). The actor is a gazetteer jurisdiction or bloc (美方, 美国, 西方) or a
  generic one (一些国家, 个别国家).
- English: a possessive actor right before the mention, at most two words between, for concepts where
  possession is agency (``China's recent weaponization``, ``China's export restrictions``; not "India's
  energy security" or "China's WTO accession", which the document itself endorses); an adjective actor
  right before it, only where the adjective names the agent (``PRC economic coercion``; "Russian
  sanctions" are sanctions *on* Russia); or ``by`` an actor right after it (``coercion by Beijing``).

An actor that is the document's own jurisdiction (中方 in a Chinese report, "America's" in a US speech)
is the document speaking for itself: not attributed. Institutions are not actors here: without knowing
whose institution it is, "the Commission's export controls" would be ascribed away from the EU itself.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.lexicon.model import AttributionCues, FlagCues
from pipeline.tag.entities import EntityMention
from pipeline.tag.mention import Mention

ACTOR_LABELS = {"JURISDICTION", "BLOC"}
# The ids a jurisdiction's documents use for themselves ("Europe's digital sovereignty" in an EU speech).
OWN_IDS = {"EU": {"gpe:EU", "region:europe"}}
_TARGET_MARKER = re.compile(r"(?:对|向|给|针对)$")
_SENTENCE_END = re.compile(r"[。！？!?;；]|\.\s")
_WORDS_BETWEEN = re.compile(r"^(?:'s|’s|'|’)\s+(?:[\w-]+\s+){0,2}$")  # possessive, then up to two words
_ADJECTIVE_GAP = re.compile(r"^\s+(?:[\w-]+\s+)?$")  # an adjective actor, at most one word before the mention


def attribute(mentions: list[Mention], entities: list[EntityMention], text: str, lang: str, jurisdiction: str,
              cues: AttributionCues, flags: FlagCues) -> list[Mention]:
    """``mentions`` with ``attributed`` and ``actor`` set where another actor is ascribed the frame.
    ``text`` is the text the offsets point into (the simplified view for Chinese), ``entities`` the
    entities found in it, ``jurisdiction`` the document's own."""
    if not cues.enabled or not mentions:
        return mentions
    own = OWN_IDS.get(jurisdiction, {f"gpe:{jurisdiction}"}) if jurisdiction else set()
    actors = sorted((e for e in entities if e.label in ACTOR_LABELS and e.canonical_id), key=lambda e: e.start)
    chinese = lang in ("zh", "mixed")
    out = []
    for mention in mentions:
        found = (_chinese_actor if chinese else _english_actor)(mention, actors, text, cues, flags)
        if found is not None and found not in own:
            mention = replace(mention, attributed=True, actor=found)
        out.append(mention)
    return out


def _clause_before(text: str, start: int, window: int, flags: FlagCues, lang: str) -> tuple[int, str]:
    """The text a cue before ``start`` can reach (same sentence and clause), and where it begins."""
    begin = max(0, start - window)
    before = text[begin:start]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        begin += ends[-1].end()
        before = before[ends[-1].end():]
    scope = flags.scope(lang, before)
    return start - len(scope), scope


def _chinese_actor(mention: Mention, actors: list[EntityMention], text: str, cues: AttributionCues,
                   flags: FlagCues) -> str | None:
    if cues.zh_verbs is None:
        return None
    begin, scope = _clause_before(text, mention.start, 24, flags, "zh")
    # an actor right after 对/向 is the target ("对中国实行禁运": China is embargoed, not embargoing)
    candidates = [(e.end, e.canonical_id) for e in actors if begin <= e.start and e.end <= mention.start
                  and not _TARGET_MARKER.search(text[max(0, e.start - 2):e.start])]
    if cues.zh_actors is not None:
        candidates += [(begin + m.end(), "") for m in cues.zh_actors.finditer(scope)]
    for end, actor in sorted(candidates, reverse=True):  # the nearest actor first
        if cues.zh_verbs.search(text[end:mention.start]):
            return actor
    return None


def _english_actor(mention: Mention, actors: list[EntityMention], text: str, cues: AttributionCues,
                   flags: FlagCues) -> str | None:
    begin, scope = _clause_before(text, mention.start, 60, flags, "en")
    named = [(e.start, e.end, e.canonical_id) for e in actors if begin <= e.start and e.end <= mention.start]
    for name, actor in cues.actor_names.items():
        named += [(begin + m.start(), begin + m.end(), actor)
                  for m in re.finditer(rf"\b{re.escape(name)}\b", scope)]
    if cues.en_actors is not None:
        named += [(begin + m.start(), begin + m.end(), "") for m in cues.en_actors.finditer(scope)]
    for _, end, actor in sorted(named, key=lambda item: -item[1]):  # the nearest actor first
        gap = text[end:mention.start]
        if mention.concept in cues.en_possessive_concepts and _WORDS_BETWEEN.match(gap):
            return actor
        if mention.concept in cues.en_adjective_concepts and _ADJECTIVE_GAP.match(gap):
            return actor
    after = text[mention.end:mention.end + 60]
    # "coercion by Beijing", "the weaponization of energy by Russia"; not "resilient against coercion by
    # Beijing", where the agent belongs to another noun
    by = re.match(r"^\s+(?:of\s+(?:[\w-]+\s+){0,3})?by\s+(?:the\s+)?", after)
    if by is not None:
        start = mention.end + by.end()
        for entity in actors:
            if entity.start == start:
                return entity.canonical_id
        rest = text[start:start + 40]
        for name, actor in cues.actor_names.items():
            if re.match(rf"{re.escape(name)}\b", rest):
                return actor
        if cues.en_actors is not None and cues.en_actors.match(rest):
            return ""
    return None
