"""Schemas of the output tables. The README section "Output tables" documents every column."""

from __future__ import annotations

import pyarrow as pa

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("corpus", pa.string()),
        ("path", pa.string()),
        ("status", pa.string()),  # ok | rejected
        ("reason", pa.string()),  # why rejected; null when ok
        ("warnings", pa.list_(pa.string())),
        ("lang", pa.string()),  # zh | en | mixed
        # For mixed documents: the paragraphs' languages as character spans; null otherwise.
        ("language_spans", pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("lang", pa.string())]))),
        ("script", pa.string()),  # simplified | traditional | latin
        ("date", pa.string()),  # ISO 8601 at known precision: 2021, 2021-03, 2021-03-05
        ("year", pa.int32()),
        ("date_source", pa.string()),
        ("jurisdiction", pa.string()),
        ("title", pa.string()),
        ("doc_type", pa.string()),
        ("source_format", pa.string()),
        ("encoding", pa.string()),
        ("n_chars", pa.int64()),
        ("n_tokens", pa.int64()),
        ("n_sentences", pa.int64()),
        ("sha256", pa.string()),
        ("meta", pa.string()),  # JSON object of the remaining metadata (manifest extras, front matter)
        ("text", pa.large_string()),
    ]
)

SENTENCES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sentence_id", pa.int32()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("lang", pa.string()),
        ("n_tokens", pa.int32()),
        ("text", pa.string()),
    ]
)

MENTIONS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sentence_id", pa.int32()),
        ("concept", pa.string()),
        ("family", pa.string()),  # gvc | svc | topic
        ("dimension", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", pa.string()),  # == documents.text[start:end]
        ("rule", pa.string()),  # the lexicon term: <concept>/<lang>/<n>
        ("lexicon_version", pa.string()),
        ("negated", pa.bool_()),
        ("hedged", pa.bool_()),
        ("counted", pa.bool_()),  # False: nested in a longer mention that counts instead
        ("attributed", pa.bool_()),  # the frame is ascribed to another actor (pipeline/tag/attribution.py)
        ("actor", pa.string()),  # that actor's entity id, "" when none is named
        ("source", pa.string()),  # lexicon | model (the learned span layer, pipeline/tag/learned.py)
        ("confidence", pa.float32()),  # the span model's probability; 1 for lexicon mentions
    ]
)

ENTITIES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sentence_id", pa.int32()),
        ("label", pa.string()),  # JURISDICTION, INSTITUTION, COMPANY, PERSON, LAW_POLICY, ... (entities.yaml)
        ("canonical_id", pa.string()),  # the same in both languages (org:european_commission); null if unknown
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", pa.string()),  # == documents.text[start:end]
        ("source", pa.string()),  # gazetteer | pattern | model
    ]
)

COOCCURRENCE = pa.schema(
    [
        ("canonical_id", pa.string()),
        ("entity_label", pa.string()),
        ("entity_name", pa.string()),
        ("concept", pa.string()),
        ("family", pa.string()),
        ("year", pa.int32()),
        ("jurisdiction", pa.string()),
        ("n_sentences", pa.int64()),  # sentences holding both the entity and a counted, non-negated mention
        ("n_docs", pa.int64()),
    ]
)

TABLE_FILES = {"documents": "documents.parquet", "sentences": "sentences.parquet", "mentions": "mentions.parquet",
               "entities": "entities.parquet", "cooccurrence": "cooccurrence.parquet", "trends": "trends.parquet",
               "shift": "shift.parquet", "changepoints": "changepoints.parquet", "frames": "frames.parquet",
               "terms": "terms.parquet"}
DERIVED_TABLES = ("cooccurrence", "trends", "shift", "changepoints", "terms")  # computed from the others, per run
RUN_MANIFEST = "run.json"
