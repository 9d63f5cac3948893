"""Tagging JSONL records (``{"id", "text", "lang"?}``), as ``policy-pipeline tag`` and the scorer do."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from pipeline.io import normalize_text
from pipeline.io.chinese_script import to_simplified
from pipeline.io.language import detect_language
from pipeline.io.normalize import COMBINING_CLASS, nfkc_piece
from pipeline.io.sources import json_lines
from pipeline.tag.attribution import attribute
from pipeline.tag.entities import EntityMention, EntityTagger
from pipeline.tag.mention import Mention
from pipeline.tag.tagger import FrameTagger, sentence_spans


class RecordError(ValueError):
    """A JSONL input line cannot be tagged; the message names the file and line."""


def numbered_records(paths: Iterable[str | Path]) -> Iterator[tuple[str, int, dict]]:
    """``(path, line number, record)`` for every JSONL line with a ``text`` string; a bad line raises
    :class:`RecordError` naming its file and line (not UTF-8, invalid JSON, nested too deep, lone
    surrogates, no text)."""
    for path in paths:
        with open(path, "rb") as handle:
            for number, record, problem in json_lines(handle):
                if problem:
                    raise RecordError(f"{path}:{number}: {problem}")
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise RecordError(f"{path}:{number}: each line needs a 'text' string")
                yield str(path), number, record


def read_records(paths: Iterable[str | Path]) -> Iterator[dict]:
    for _, _, record in numbered_records(paths):
        yield record


def tag_text(tagger: FrameTagger, text: str, lang: str | None = None, entity_tagger: EntityTagger | None = None,
             jurisdiction: str = "") -> tuple[str, list[Mention], list[EntityMention]]:
    """Mentions (and, with ``entity_tagger``, entities) in a raw text with offsets into that text (as
    given, not normalised).

    Matching runs on the normalised text; when normalisation changes the length (NFKC expansions,
    removed invisible characters), offsets are mapped back character by character.
    """
    normalized = normalize_text(text)
    lang = lang or detect_language(normalized).lang or "en"
    view = to_simplified(normalized) if lang in ("zh", "mixed") else normalized
    sentences = sentence_spans(view)
    mentions = tagger.tag(normalized, view=view, sentences=sentences)
    entities = entity_tagger.tag(normalized, view=view, sentences=sentences) if entity_tagger else []
    # a frame ascribed to another actor than ``jurisdiction`` (the text's own, when the record names it)
    mentions = attribute(mentions, entities, view, lang, jurisdiction, tagger.lexicon.attribution, tagger.lexicon.cues)
    if normalized == text:
        return lang, mentions, entities
    mapping = _offset_map(text, normalized)

    def remapped(items):
        moved = []
        for item in items:
            start, end = mapping[item.start], mapping[item.end - 1] + 1
            moved.append(replace(item, start=start, end=end, text=text[start:end]))
        return moved

    return lang, remapped(mentions), remapped(entities)


_CLUSTER = re.compile(f".{COMBINING_CLASS}*", re.DOTALL)  # a character with its combining marks
_LOOKAHEAD = 16


def _offset_map(raw: str, normalized: str) -> list[int]:
    """For each character of ``normalized`` (``normalize_text(raw)``), the index of the raw character it
    came from.

    Each character with its combining marks is normalised on its own (a no-break space or an ideographic
    space becomes a space, an invisible character nothing, a full-width letter a letter), which gives a
    string that ``normalized`` is a subsequence of, up to whitespace folding; the two are then aligned by
    walking both. A character not found within a few positions is aligned where the walk stands, so one
    surprise cannot shift every later offset to the end of the text."""
    mapping: list[int] = []
    pieces = []
    for match in _CLUSTER.finditer(raw):
        piece = nfkc_piece(match.group())
        pieces.append(piece)
        mapping.extend([match.start()] * len(piece))
    joined = "".join(pieces)
    aligned, j = [], 0
    for char in normalized:
        found = joined.find(char, j, j + _LOOKAHEAD)
        if found != -1:
            j = found
        aligned.append(mapping[min(j, len(mapping) - 1)] if mapping else 0)
        j += 1
    return aligned


def tagged_record(tagger: FrameTagger, record: dict, entity_tagger: EntityTagger | None = None) -> dict:
    """The record with ``lang``, ``mentions`` (counted ones) and, with ``entity_tagger``, ``entities``."""
    lang, mentions, entities = tag_text(tagger, record["text"], record.get("lang"), entity_tagger,
                                        str(record.get("jurisdiction") or ""))
    return {
        **record,
        "lang": record.get("lang") or lang,
        "mentions": [
            {
                "concept": mention.concept, "family": mention.family, "start": mention.start, "end": mention.end,
                "text": mention.text, "rule": mention.rule, "negated": mention.negated, "hedged": mention.hedged,
                "attributed": mention.attributed, "actor": mention.actor, "source": mention.source,
                "confidence": mention.confidence,
            }
            for mention in mentions if mention.counted
        ],
        **({"entities": [entity.as_dict() for entity in entities]} if entity_tagger is not None else {}),
    }
