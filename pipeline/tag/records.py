"""Tagging JSONL records (``{"id", "text", "lang"?}``), as ``policy-pipeline tag`` and the scorer do."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.io import normalize_text
from pipeline.io.chinese_script import to_simplified
from pipeline.io.language import detect_language
from pipeline.tag.mention import Mention
from pipeline.tag.tagger import FrameTagger


class RecordError(ValueError):
    """A JSONL input line cannot be tagged; the message names the file and line."""


def read_records(paths: Iterable[str | Path]) -> Iterator[dict]:
    for path in paths:
        with open(path, encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise RecordError(f"{path}:{number}: invalid JSON ({error.msg})") from None
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise RecordError(f"{path}:{number}: each line needs a 'text' string")
                yield record


def tag_text(tagger: FrameTagger, text: str, lang: str | None = None) -> tuple[str, list[Mention]]:
    """Mentions in a raw text with offsets into that text (as given, not normalised).

    Matching runs on the normalised text; when normalisation changes the length (NFKC expansions,
    removed invisible characters), offsets are mapped back character by character.
    """
    normalized = normalize_text(text)
    lang = lang or detect_language(normalized).lang or "en"
    if normalized == text:
        view = to_simplified(text) if lang in ("zh", "mixed") else text
        return lang, tagger.tag(text, view=view)
    mapping = _offset_map(text, normalized)
    view = to_simplified(normalized) if lang in ("zh", "mixed") else normalized
    mentions = tagger.tag(normalized, view=view)
    remapped = []
    for mention in mentions:
        start, end = mapping[mention.start], mapping[mention.end - 1] + 1
        remapped.append(_with_span(mention, start, end, text[start:end]))
    return lang, remapped


def _offset_map(raw: str, normalized: str) -> list[int]:
    """For each character of ``normalized`` (``normalize_text(raw)``), the index of the raw character it
    came from."""
    mapping: list[int] = []
    pieces = []
    for index, char in enumerate(raw):
        piece = normalize_text(char) if not char.isspace() else char
        pieces.append(piece)
        mapping.extend([index] * len(piece))
    # Whitespace folding and stripping change positions; align by walking both strings.
    joined = "".join(pieces)
    aligned, j = [], 0
    for char in normalized:
        while j < len(joined) and joined[j] != char:
            j += 1
        aligned.append(mapping[min(j, len(mapping) - 1)])
        j += 1
    return aligned


def _with_span(mention: Mention, start: int, end: int, text: str) -> Mention:
    from dataclasses import replace

    return replace(mention, start=start, end=end, text=text)


def tagged_record(tagger: FrameTagger, record: dict) -> dict:
    lang, mentions = tag_text(tagger, record["text"], record.get("lang"))
    return {
        **record,
        "lang": record.get("lang") or lang,
        "mentions": [
            {
                "concept": mention.concept, "family": mention.family, "start": mention.start, "end": mention.end,
                "text": mention.text, "rule": mention.rule, "negated": mention.negated, "hedged": mention.hedged,
            }
            for mention in mentions if mention.counted
        ],
    }
