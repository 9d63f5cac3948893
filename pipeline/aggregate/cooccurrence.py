"""Entity x concept co-occurrence: which entities are talked about in which framing terms, when and where.

A pair counts once per sentence holding both the entity and a counted, non-negated concept mention, so a
sentence that names the EU three times next to 战略自主 counts one. Entities without a canonical id (raw
model entities) are left out: they cannot be compared across languages; so are dates and amounts of money,
which co-occur with everything.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.store import COOCCURRENCE, TABLE_FILES, read_table, write_table

NOT_COUNTED_LABELS = ("DATE", "MONEY")


def cooccurrence_frame(out_dir: str | Path, gazetteer_path: str | None = None) -> pd.DataFrame:
    """The co-occurrence table of a run folder, computed from its mentions, entities and documents
    (entity names from ``gazetteer_path``, default: the shipped gazetteer)."""
    from pipeline.lexicon.gazetteer import load_gazetteer

    out = Path(out_dir)
    entities = read_table(out, "entities", ["doc_id", "sentence_id", "label", "canonical_id"])
    mentions = read_table(out, "mentions", ["doc_id", "sentence_id", "concept", "family", "counted", "negated"])
    documents = read_table(out, "documents", ["doc_id", "status", "year", "jurisdiction"])
    entities = entities.dropna(subset=["canonical_id"])
    entities = entities[~entities["label"].isin(NOT_COUNTED_LABELS)]
    entities = entities.drop_duplicates(["doc_id", "sentence_id", "canonical_id"])
    mentions = mentions[mentions["counted"] & ~mentions["negated"]]
    mentions = mentions.drop_duplicates(["doc_id", "sentence_id", "concept"])
    pairs = entities.merge(mentions[["doc_id", "sentence_id", "concept", "family"]], on=["doc_id", "sentence_id"])
    documents = documents[documents["status"] == "ok"][["doc_id", "year", "jurisdiction"]]
    pairs = pairs.merge(documents, on="doc_id", how="left")
    grouped = (pairs.groupby(["canonical_id", "label", "concept", "family", "year", "jurisdiction"], dropna=False)
               .agg(n_sentences=("sentence_id", "size"), n_docs=("doc_id", "nunique")).reset_index()
               .rename(columns={"label": "entity_label"}))
    gazetteer = load_gazetteer(gazetteer_path)
    grouped["entity_name"] = [_name(gazetteer, canonical) for canonical in grouped["canonical_id"]]
    grouped = grouped.sort_values(["canonical_id", "concept", "year", "jurisdiction"], na_position="last")
    return grouped[COOCCURRENCE.names].reset_index(drop=True)


def _name(gazetteer, canonical_id: str) -> str:
    entity = gazetteer.entities.get(canonical_id)
    return entity.name if entity else canonical_id


def write_cooccurrence(out_dir: str | Path, gazetteer_path: str | None = None) -> pd.DataFrame:
    frame = cooccurrence_frame(out_dir, gazetteer_path)
    table = pa.Table.from_pandas(frame, schema=COOCCURRENCE, preserve_index=False)
    write_table(Path(out_dir) / TABLE_FILES["cooccurrence"], table)
    return frame


def summarize_cooccurrence(out_dir: str | Path, *, concept: str | None = None, family: str | None = None,
                           entity_id: str | None = None, jurisdiction: str | None = None, by_year: bool = False,
                           top: int | None = 25) -> pd.DataFrame:
    """The co-occurrence table filtered and summed (over years unless ``by_year``), largest first."""
    frame = read_table(out_dir, "cooccurrence")
    for column, value in (("concept", concept), ("family", family), ("canonical_id", entity_id),
                          ("jurisdiction", jurisdiction)):
        if value is not None:
            frame = frame[frame[column] == value]
    keys = ["canonical_id", "entity_name", "entity_label", "concept", "family"] + (["year"] if by_year else [])
    summed = frame.groupby(keys, dropna=False)[["n_sentences", "n_docs"]].sum().reset_index()
    if by_year:
        summed = summed.sort_values(["year", "n_sentences", "canonical_id"], ascending=[True, False, True])
    else:
        summed = summed.sort_values(["n_sentences", "canonical_id"], ascending=[False, True])
    return (summed.head(top) if top else summed).reset_index(drop=True)
