"""Evidence: the mention rows and sentences behind any trend cell, as keyword-in-context lines.

A trend row's keys are filters here (concept or family, period, jurisdiction), so every number in
``trends.parquet`` can be traced to the mentions it counts (``evidence(...).shape[0]`` equals the cell's
``n_mentions`` when ``limit`` is None).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.aggregate.tables import RunTables, parse_period_range, resolve_name
from pipeline.store import read_table

EVIDENCE_COLUMNS = ["doc_id", "year", "jurisdiction", "corpus", "concept", "family", "text", "start", "end",
                    "negated", "sentence_id", "sentence", "left", "right"]


def _documents(tables: RunTables, year, jurisdiction: str | None, corpus: str | None = None):
    """The run's documents in ``year`` (a year or "YEAR-YEAR"), ``jurisdiction`` and ``corpus`` (names as
    the run spells them, matched ignoring case), and those names resolved."""
    documents = tables.documents[["doc_id", "year", "jurisdiction", "corpus"]]
    if year is not None:
        first, last = parse_period_range(str(year))
        documents = documents[documents["year"].between(first, last)]
    if jurisdiction is not None:
        jurisdiction = resolve_name(jurisdiction, tables.documents["jurisdiction"], "jurisdiction")
        documents = documents[documents["jurisdiction"] == jurisdiction]
    if corpus is not None:
        corpus = resolve_name(corpus, tables.documents["corpus"], "corpus")
        documents = documents[documents["corpus"] == corpus]
    return documents, jurisdiction, corpus


class NoDocuments(ValueError):
    """The filters leave no document (as opposed to documents without a matching mention)."""


def evidence(out_dir: str | Path, *, concept: str | None = None, family: str | None = None,
             year: str | int | None = None, jurisdiction: str | None = None, entity: str | None = None,
             include_negated: bool = False, limit: int | None = 20, context: int = 60,
             term: str | None = None) -> pd.DataFrame:
    """Mentions matching the filters, in year and text order, with their sentence and the ``context``
    characters of the sentence on each side (``left``, ``right``). ``year`` is a year or "YEAR-YEAR";
    ``entity`` keeps mentions whose sentence names that canonical id; ``term`` keeps mentions of that
    term (as ``terms.parquet`` groups them: English case, hyphens and spacing ignored)."""
    tables = RunTables.read(out_dir)
    mentions = tables.mentions
    if not include_negated:
        mentions = mentions[~mentions["negated"]]
    if concept is not None:
        from pipeline.lexicon import load_lexicon

        concept = resolve_name(concept, set(load_lexicon().concepts) | set(tables.mentions["concept"]), "concept")
        mentions = mentions[mentions["concept"] == concept]
    if family is not None:
        mentions = mentions[mentions["family"] == family]
    if term is not None:
        from pipeline.aggregate.terms import term_key

        mentions = mentions[mentions["text"].map(term_key) == term_key(term)]
    documents, jurisdiction, _ = _documents(tables, year, jurisdiction)
    if documents.empty:  # an empty cell is not a cell without mentions: say which
        where = " ".join(str(part) for part in (jurisdiction, year) if part is not None)
        raise NoDocuments(f"no documents in that cell ({where}): the run has none there, so no mention either")
    rows = mentions.merge(documents, on="doc_id")
    if entity is not None:
        entities = read_table(out_dir, "entities", ["doc_id", "sentence_id", "canonical_id"])
        named = entities[entities["canonical_id"] == entity][["doc_id", "sentence_id"]].drop_duplicates()
        rows = rows.merge(named, on=["doc_id", "sentence_id"])
    order = {doc_id: position for position, doc_id in enumerate(tables.documents["doc_id"])}
    rows = rows.assign(_order=rows["doc_id"].map(order)).sort_values(["year", "_order", "start"])
    if limit is not None:
        rows = rows.head(limit)
    sentences = read_table(out_dir, "sentences", ["doc_id", "sentence_id", "start", "text"])
    sentences = sentences.rename(columns={"start": "sentence_start", "text": "sentence"})
    rows = rows.merge(sentences, on=["doc_id", "sentence_id"], how="left")
    local_start = rows["start"] - rows["sentence_start"]
    local_end = rows["end"] - rows["sentence_start"]
    rows["left"] = [s[max(0, a - context):a] for s, a in zip(rows["sentence"], local_start, strict=True)]
    rows["right"] = [s[b:b + context] for s, b in zip(rows["sentence"], local_end, strict=True)]
    return rows[EVIDENCE_COLUMNS].reset_index(drop=True)


KWIC_COLUMNS = ["doc_id", "year", "jurisdiction", "corpus", "sentence_id", "start", "end", "text", "sentence", "left",
                "right"]


def kwic(out_dir: str | Path, pattern: str, *, regex: bool = False, year: str | int | None = None,
         jurisdiction: str | None = None, corpus: str | None = None, lang: str | None = None,
         limit: int | None = 20, context: int = 60) -> pd.DataFrame:
    """Keyword in context for any word or pattern, not only the lexicon's: every occurrence of ``pattern``
    (literal, case-insensitive; a regular expression with ``regex``) in the stored sentences, in year and
    text order, with offsets into the document text (``start``, ``end``), the sentence, and ``context``
    characters on each side. Chinese text is searched as stored (a traditional-script report in its own
    script)."""
    import re

    tables = RunTables.read(out_dir)
    try:
        compiled = re.compile(pattern if regex else re.escape(pattern), re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"invalid pattern {pattern!r}: {error}") from None
    if compiled.search(""):
        raise ValueError(f"the pattern {pattern!r} matches empty text")
    documents, _, _ = _documents(tables, year, jurisdiction, corpus)
    if documents.empty:
        raise NoDocuments("no documents match these filters")
    sentences = read_table(out_dir, "sentences", ["doc_id", "sentence_id", "start", "lang", "text"])
    sentences = sentences[sentences["doc_id"].isin(documents["doc_id"])]
    if lang is not None:
        sentences = sentences[sentences["lang"] == lang]
    order = {doc_id: position for position, doc_id in enumerate(tables.documents["doc_id"])}
    rows = []
    for doc_id, sentence_id, start, text in sentences[["doc_id", "sentence_id", "start", "text"]].itertuples(
            index=False):
        for match in compiled.finditer(text):
            rows.append({"doc_id": doc_id, "sentence_id": int(sentence_id), "start": int(start) + match.start(),
                         "end": int(start) + match.end(), "text": match.group(), "sentence": text,
                         "left": text[max(0, match.start() - context):match.start()],
                         "right": text[match.end():match.end() + context], "_order": order.get(doc_id, 0)})
    found = pd.DataFrame(rows, columns=[*KWIC_COLUMNS[:1], *KWIC_COLUMNS[4:], "_order"])
    found = found.merge(documents, on="doc_id").sort_values(["year", "_order", "start"], kind="stable")
    if limit is not None:
        found = found.head(limit)
    return found[KWIC_COLUMNS].reset_index(drop=True)


def kwic_line(row, width: int = 60) -> str:
    """``left [mention] right`` with the left side right-aligned, for terminals."""
    return f"{row['left'][-width:]:>{width}} [{row['text']}] {row['right'][:width]}"
