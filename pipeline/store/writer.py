"""Streaming Parquet writers that never leave a half-written table behind."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


class TableWriter:
    """Collects rows and writes them as row groups; the file appears (atomically) only on success.

    >>> with TableWriter(Path("out/documents.parquet"), DOCUMENTS) as writer:   # doctest: +SKIP
    ...     writer.add({"doc_id": "a", ...})
    """

    def __init__(self, path: Path, schema: pa.Schema, rows_per_group: int = 20_000) -> None:
        self.path = Path(path)
        self.schema = schema
        self.rows_per_group = rows_per_group
        self._partial = self.path.with_name(self.path.name + ".partial")
        self._columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        self._buffered = 0
        self._writer: pq.ParquetWriter | None = None
        self.rows_written = 0

    def __enter__(self) -> TableWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self._partial, self.schema, compression="zstd")
        return self

    def add(self, row: dict[str, Any]) -> None:
        for name, values in self._columns.items():
            values.append(row.get(name))
        self._buffered += 1
        if self._buffered >= self.rows_per_group:
            self.flush()

    def add_columns(self, columns: dict[str, list[Any]]) -> None:
        """Append many rows given column-wise (all lists the same length)."""
        length = len(next(iter(columns.values())))
        for name, values in self._columns.items():
            values.extend(columns.get(name, [None] * length))
        self._buffered += length
        if self._buffered >= self.rows_per_group:
            self.flush()

    def flush(self) -> None:
        if not self._buffered or self._writer is None:
            return
        table = pa.Table.from_pydict(self._columns, schema=self.schema)
        self._writer.write_table(table)
        self.rows_written += self._buffered
        self._columns = {name: [] for name in self.schema.names}
        self._buffered = 0

    def __exit__(self, exc_type, exc, traceback) -> None:
        if self._writer is None:
            return
        if exc_type is None:
            self.flush()
            self._writer.close()
            os.replace(self._partial, self.path)
        else:
            self._writer.close()
            self._partial.unlink(missing_ok=True)


def write_table(path: Path, table: pa.Table) -> None:
    """Write a whole in-memory table atomically (small derived tables: co-occurrence, trends)."""
    partial = Path(path).with_name(Path(path).name + ".partial")
    pq.write_table(table, partial, compression="zstd")
    os.replace(partial, path)


def read_table(out_dir: str | Path, name: str, columns: list[str] | None = None):
    """Read one output table of a run folder as a pandas DataFrame (``documents``, ``sentences``,
    ``mentions``, ``entities``, ``cooccurrence``, ``trends``...); integer columns are pandas' nullable
    integers (``Int64``), so a missing value is ``<NA>``, not a float ``NaN``."""
    from pipeline.store.schema import TABLE_FILES
    from pipeline.store.transaction import recover

    try:
        recover(out_dir)  # finish a commit a crash interrupted, so the tables read belong to one run
    except OSError:
        pass  # a read-only copy of a folder: read what is there
    path = Path(out_dir) / TABLE_FILES[name]
    if not path.is_file():
        raise FileNotFoundError(f"no {name} table in {out_dir} (expected {path.name}); run `policy-pipeline run` "
                                f"first")
    return pq.read_table(path, columns=columns).to_pandas(types_mapper=NULLABLE_INTEGERS.get)


# Integer columns stay integers in pandas, with <NA> where a row has none (a rejected document's n_chars),
# instead of turning into floats.
NULLABLE_INTEGERS = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                     pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
                     pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype()}


def write_json(path: Path, data: dict) -> None:
    """Write JSON via a temporary file and rename, so readers never see half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(partial, path)
