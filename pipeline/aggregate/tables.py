"""A run's tables as the aggregation stages need them: documents that count, and their mentions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.store import read_table

DOCUMENT_COLUMNS = ["doc_id", "corpus", "doc_type", "lang", "date", "year", "jurisdiction", "title", "n_tokens",
                    "n_chars", "status"]
MENTION_COLUMNS = ["doc_id", "sentence_id", "concept", "family", "dimension", "start", "end", "text", "rule",
                   "negated", "attributed", "counted", "source"]


# Columns added after the first release: a folder written before them still aggregates, with these values.
MENTION_DEFAULTS = {"rule": "", "attributed": False, "source": "lexicon", "confidence": 1.0}


def _read_with_defaults(out: Path, name: str, columns: list[str], defaults: dict) -> pd.DataFrame:
    """``read_table`` of ``columns``, those of ``defaults`` that an older folder lacks filled in."""
    import pyarrow.parquet as pq

    from pipeline.store import TABLE_FILES

    path = out / TABLE_FILES[name]
    present = set(pq.read_schema(path).names) if path.is_file() else set(columns)
    frame = read_table(out, name, [column for column in columns if column in present or column not in defaults])
    for column, value in defaults.items():
        if column in columns and column not in frame:
            frame[column] = value
    return frame[columns]


@dataclass
class RunTables:
    """Documents that were processed (status ok, with a year) and their counted mentions."""

    out_dir: Path
    documents: pd.DataFrame
    mentions: pd.DataFrame  # counted mentions, negated ones included (see the ``negated`` column)
    n_undated: int  # ok documents without a year: in no trend
    _sentences: pd.DataFrame | None = None
    _sentence_rows: dict | None = None

    def sentences_of(self, doc_id: str) -> pd.DataFrame:
        """``sentence_id, n_tokens, start, end`` of one document (read once, on first use)."""
        if self._sentences is None:
            self._sentences = read_table(self.out_dir, "sentences", ["doc_id", "sentence_id", "n_tokens", "start",
                                                                     "end"])
            self._sentence_rows = self._sentences.groupby("doc_id").indices
        rows = self._sentence_rows.get(doc_id, [])
        return self._sentences.iloc[rows].drop(columns="doc_id").reset_index(drop=True)

    @classmethod
    def read(cls, out_dir: str | Path) -> RunTables:
        out = Path(out_dir)
        documents = read_table(out, "documents", DOCUMENT_COLUMNS)
        documents = documents[documents["status"] == "ok"].drop(columns="status")
        n_undated = int(documents["year"].isna().sum())
        documents = documents.dropna(subset=["year"]).copy()
        documents["year"] = documents["year"].astype(int)
        for column in ("jurisdiction", "corpus", "doc_type", "lang"):
            documents[column] = documents[column].fillna("unknown")
        mentions = _read_with_defaults(out, "mentions", MENTION_COLUMNS, MENTION_DEFAULTS)
        mentions = mentions[mentions["counted"] & mentions["doc_id"].isin(documents["doc_id"])]
        return cls(out, documents.reset_index(drop=True), mentions.drop(columns="counted").reset_index(drop=True),
                   n_undated)


def parse_period_range(text: str) -> tuple[int, int]:
    """``"2000-2015"`` -> (2000, 2015); ``"2021"`` -> (2021, 2021)."""
    first, _, last = str(text).partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise ValueError(f"a period is YEAR or YEAR-YEAR (e.g. 2000-2015), got {text!r}") from None
    if end < start:
        raise ValueError(f"a period must not end before it starts: {text!r}")
    return start, end


def resolve_name(value: str, known, what: str) -> str:
    """``value`` as the run spells it: an exact match, else the one known name equal to it ignoring case
    ("cn" is CN); otherwise a ValueError that says "did you mean" when a known name is close, and lists
    them."""
    import difflib

    known = sorted({str(name) for name in known})
    if value in known:
        return value
    folded = [name for name in known if name.casefold() == str(value).casefold()]
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(str(value).casefold(), [name.casefold() for name in known], n=1, cutoff=0.6)
    hint = ""
    if close:
        hint = f"; did you mean {next(name for name in known if name.casefold() == close[0])!r}?"
    listing = ", ".join(known) if len(known) <= 30 else ", ".join(known[:30]) + f", ... ({len(known)} in all)"
    raise ValueError(f"no {what} {value!r} in this run{hint} ({what}s: {listing or 'none'})")
