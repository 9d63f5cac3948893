"""Which words make a concept move, and the document x concept matrix for regressions.

``terms.parquet``: per period x jurisdiction x concept x term, the counted mentions. A *term* is the
mention's surface form as a reader would group it (``term_key``): English lower-cased with hyphens and runs
of white space as one space ("Supply-Chain  resilience" -> "supply chain resilience"), Chinese as written.
The ``rule`` (the lexicon entry) is kept beside it, so a regular-expression entry that finds many forms is
visible as one rule with several terms. It is what a reviewer needs to see that a year's supply-chain
security is 粮食安全 and 能源安全 rather than 产业链供应链安全.

:func:`doc_concepts`: one row per document with its metadata and, per concept, the counted (not negated)
mentions and their rate per 10k tokens: what quanteda's ``dfm_lookup`` gives, ready for a regression.
"""

from __future__ import annotations

import re

import pandas as pd

from pipeline.aggregate.tables import RunTables
from pipeline.aggregate.trends import _per_10k, cell_documents
from pipeline.config import TrendsConfig

TERM_COLUMNS = ["period", "jurisdiction", "concept", "subconcept", "family", "term", "rule", "n_mentions",
                "n_negated", "n_docs_with", "n_docs"]
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")


def term_key(text: str) -> str:
    """The form a mention is grouped by: Chinese as written; English lower-cased, hyphens and white space
    one space."""
    return _SEPARATORS.sub(" ", str(text)).strip().lower()


def term_table(tables: RunTables, config: TrendsConfig | None = None, concepts: dict | None = None) -> pd.DataFrame:
    """Counted mentions per period x jurisdiction x concept x term (``n_mentions`` not negated, as the
    trend tables count them; ``n_negated`` beside), with the documents that hold the term and the
    documents of the cell, and the term's ``subconcept`` where the lexicon's concept (``concepts``: id ->
    :class:`~pipeline.lexicon.model.Concept`) declares sub-concepts. Sorted by cell, then by count."""
    config = config or TrendsConfig()
    documents, _ = cell_documents(tables, config)
    mentions = tables.mentions.merge(documents[["doc_id", "period", "jurisdiction"]], on="doc_id")
    if mentions.empty:
        return pd.DataFrame(columns=TERM_COLUMNS)
    mentions = mentions.assign(term=mentions["text"].map(term_key))
    keys = ["period", "jurisdiction", "concept", "family", "term"]
    counted = mentions[~mentions["negated"]] if not config.include_negated else mentions
    grouped = mentions.groupby(keys, sort=False)
    table = pd.DataFrame({
        # the most frequent rule behind the term (a term found by two rules is rare: an edited lexicon)
        "rule": grouped["rule"].agg(lambda rules: rules.value_counts().index[0]),
        "n_negated": grouped["negated"].sum().astype(int),
    })
    table["n_mentions"] = counted.groupby(keys, sort=False).size().reindex(table.index, fill_value=0)
    table["n_docs_with"] = counted.groupby(keys, sort=False)["doc_id"].nunique().reindex(table.index, fill_value=0)
    table = table.reset_index()
    concepts = concepts or {}
    table["subconcept"] = [concepts[concept].subconcept_of(term) if concept in concepts else ""
                           for concept, term in zip(table["concept"], table["term"], strict=True)]
    cell_sizes = documents.groupby(["period", "jurisdiction"]).size().rename("n_docs").reset_index()
    table = table.merge(cell_sizes, on=["period", "jurisdiction"])
    table = table.sort_values(["period", "jurisdiction", "concept", "n_mentions", "term"],
                              ascending=[True, True, True, False, True], kind="stable")
    return table[TERM_COLUMNS].reset_index(drop=True)


def doc_concepts(tables: RunTables, concepts: list[str] | None = None, *, include_negated: bool = False
                 ) -> pd.DataFrame:
    """One row per document (every ok, dated document of the run, mentions or not): its metadata, and per
    concept ``<concept>`` (counted mentions, negated ones left out unless ``include_negated``) and
    ``<concept>_per_10k`` (per 10,000 tokens). ``concepts`` fixes the columns (default: every concept
    with a mention in the run, sorted)."""
    mentions = tables.mentions if include_negated else tables.mentions[~tables.mentions["negated"]]
    counts = pd.crosstab(mentions["doc_id"], mentions["concept"])
    concepts = sorted(counts.columns) if concepts is None else list(concepts)
    counts = counts.reindex(index=tables.documents["doc_id"], columns=concepts, fill_value=0)
    documents = tables.documents.reset_index(drop=True)
    tokens = documents["n_tokens"].to_numpy(dtype=float, na_value=0.0)[:, None]
    rates = pd.DataFrame(_per_10k(counts.to_numpy(), tokens), columns=[f"{concept}_per_10k" for concept in concepts])
    return pd.concat([documents, counts.reset_index(drop=True).astype("Int64"), rates.reset_index(drop=True)],
                     axis=1)
