"""The work folder (``OUT/.work``): committed parts that make runs incremental and crash-safe.

Every processed document lands in a *part* (a folder of Parquet files: ingested rows, analysis summaries,
sentences, mentions), each row keyed by a hash of what produced it. A part is written under a temporary
name and renamed when complete, so a run killed at any moment leaves only whole parts; the next run with
the same arguments reuses them and processes only what is missing. The final tables are assembled from
parts in input order, so they do not depend on which run, worker or order produced a part.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.store.schema import DOCUMENTS, ENTITIES, MENTIONS, SENTENCES

KEY = "_key"
ANALYSIS = pa.schema([
    (KEY, pa.string()),
    ("n_tokens", pa.int64()),
    ("n_sentences", pa.int64()),
    ("warnings", pa.list_(pa.string())),
    ("failure", pa.string()),
])
PART_SCHEMAS = {
    "ingest": DOCUMENTS.insert(0, pa.field(KEY, pa.string())),
    "analysis": ANALYSIS,
    # Sentence text is not stored in parts: it is cut from the document text when tables are assembled.
    "sentences": SENTENCES.remove(SENTENCES.get_field_index("text")).insert(0, pa.field(KEY, pa.string())),
    "mentions": MENTIONS.insert(0, pa.field(KEY, pa.string())),
    "entities": ENTITIES.insert(0, pa.field(KEY, pa.string())),
}
_ANALYSIS_TABLES = ("sentences", "mentions", "entities")
_TEMPORARY = ".tmp-"


@dataclass
class WorkIndex:
    """Which committed part holds each ingest key and each analysis key."""

    ingest: dict[str, str] = field(default_factory=dict)
    ingest_ok: dict[str, bool] = field(default_factory=dict)
    ingest_chars: dict[str, int] = field(default_factory=dict)  # for progress without reading the part
    analysis: dict[str, str] = field(default_factory=dict)


class WorkDir:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.parts = self.path / "parts"

    def clear(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def open(self) -> WorkIndex:
        """Remove what a killed run left half-written and index the committed parts."""
        self.parts.mkdir(parents=True, exist_ok=True)
        index = WorkIndex()
        for part in sorted(self.parts.iterdir()):
            if part.name.startswith(_TEMPORARY):
                shutil.rmtree(part, ignore_errors=True)
                continue
            ingest = part / "ingest.parquet"
            if ingest.is_file():
                table = pq.read_table(ingest, columns=[KEY, "status", "n_chars"])
                for key, status, chars in zip(table[KEY].to_pylist(), table["status"].to_pylist(),
                                              table["n_chars"].to_pylist(), strict=True):
                    index.ingest[key] = part.name
                    index.ingest_ok[key] = status == "ok"
                    index.ingest_chars[key] = chars or 0
            analysis = part / "analysis.parquet"
            if analysis.is_file():
                for key in pq.read_table(analysis, columns=[KEY])[KEY].to_pylist():
                    index.analysis[key] = part.name
        return index

    def prune(self, index: WorkIndex, used: set[str]) -> None:
        """Delete parts none of whose rows the last run used (inputs that changed or went away)."""
        keep = {index.ingest[key] for key in used if key in index.ingest}
        keep |= {index.analysis[key] for key in used if key in index.analysis}
        for part in self.parts.iterdir():
            if part.name not in keep:
                shutil.rmtree(part, ignore_errors=True)


class PartWriter:
    """Buffers the results of a batch of documents and commits them as one part."""

    def __init__(self, workdir: WorkDir, index: WorkIndex) -> None:
        self.workdir, self.index = workdir, index
        self._rows: dict[str, dict[str, list]] = {name: defaultdict(list) for name in PART_SCHEMAS}
        self._documents = 0
        self._ingest_keys: list[tuple[str, bool]] = []
        self._analysis_keys: list[str] = []

    def add(self, ingest_key: str, row: dict[str, Any] | None, analysis_key: str | None = None,
            summary: dict[str, Any] | None = None, sentences: dict[str, list] | None = None,
            mentions: dict[str, list] | None = None, entities: dict[str, list] | None = None) -> None:
        """One document's results: its ingested row (unless it was stored before) and its analysis."""
        if row is not None:
            self._append("ingest", {KEY: ingest_key, **row})
            self._ingest_keys.append((ingest_key, row["status"] == "ok"))
        if analysis_key is not None and summary is not None:
            self._append("analysis", {KEY: analysis_key, **summary})
            for name, columns in (("sentences", sentences or {}), ("mentions", mentions or {}),
                                  ("entities", entities or {})):
                length = len(next(iter(columns.values()), []))
                if length:
                    target = self._rows[name]
                    target[KEY].extend([analysis_key] * length)
                    for column, values in columns.items():
                        target[column].extend(values)
            self._analysis_keys.append(analysis_key)
        self._documents += 1

    def flush(self) -> str | None:
        """Commit the buffered documents as one part; returns its name (None when there was nothing)."""
        if not self._documents:
            return None
        name = f"{uuid.uuid4().hex}"
        temporary = self.workdir.parts / f"{_TEMPORARY}{name}"
        temporary.mkdir(parents=True)
        for table_name, schema in PART_SCHEMAS.items():
            columns = self._rows[table_name]
            if not columns.get(KEY):
                continue
            table = pa.Table.from_pydict({field.name: columns.get(field.name, [None] * len(columns[KEY]))
                                          for field in schema}, schema=schema)
            pq.write_table(table, temporary / f"{table_name}.parquet", compression="zstd")
        os.replace(temporary, self.workdir.parts / name)  # the commit: a part is whole or absent
        for key, ok in self._ingest_keys:
            self.index.ingest[key] = name
            self.index.ingest_ok[key] = ok
        for key in self._analysis_keys:
            self.index.analysis[key] = name
        self._rows = {table_name: defaultdict(list) for table_name in PART_SCHEMAS}
        self._documents = 0
        self._ingest_keys, self._analysis_keys = [], []
        return name

    def _append(self, table_name: str, row: dict[str, Any]) -> None:
        target = self._rows[table_name]
        for column in PART_SCHEMAS[table_name].names:
            target[column].append(row.get(column))


class PartReader:
    """Rows of committed parts by key, with the last few parts kept in memory."""

    def __init__(self, workdir: WorkDir, index: WorkIndex, cache_parts: int = 3) -> None:
        self.workdir, self.index, self.cache_parts = workdir, index, cache_parts
        self._loaded: OrderedDict[str, dict[str, dict]] = OrderedDict()

    def ingested(self, key: str) -> dict[str, Any]:
        row = dict(self._part(self.index.ingest[key])["ingest"][key])
        row.pop(KEY, None)
        return row

    def analysis(self, key: str) -> tuple[dict[str, Any], dict[str, list], dict[str, list], dict[str, list]]:
        """A document's analysis summary and its sentence, mention and entity columns."""
        part = self._part(self.index.analysis[key])
        summary = dict(part["analysis"][key])
        summary.pop(KEY, None)
        return (summary, *(part[name].get(key, {}) for name in _ANALYSIS_TABLES))

    def _part(self, name: str) -> dict[str, dict]:
        if name in self._loaded:
            self._loaded.move_to_end(name)
            return self._loaded[name]
        folder = self.workdir.parts / name
        loaded: dict[str, dict] = {name: {} for name in PART_SCHEMAS}
        for table_name in ("ingest", "analysis"):
            path = folder / f"{table_name}.parquet"
            if path.is_file():
                loaded[table_name] = {row[KEY]: row for row in pq.read_table(path).to_pylist()}
        for table_name in _ANALYSIS_TABLES:
            path = folder / f"{table_name}.parquet"
            if path.is_file():
                grouped: dict[str, dict[str, list]] = {}
                table = pq.read_table(path).to_pydict()
                keys = table.pop(KEY)
                for position, key in enumerate(keys):
                    columns = grouped.setdefault(key, {column: [] for column in table})
                    for column, values in table.items():
                        columns[column].append(values[position])
                loaded[table_name] = grouped
        self._loaded[name] = loaded
        if len(self._loaded) > self.cache_parts:
            self._loaded.popitem(last=False)
        return loaded
