"""Weak labels from the lexicon tagger: a sentence's frame from the families of its counted, non-negated
mentions (svc only -> svc, gvc only -> gvc, both -> both, none -> none). Each label keeps the rule that made
it (``svc:supply_chain_security+resilience``). Sentences whose only mentions are negated are skipped (the
rule cannot tell), and so are fragments and run-ons. Classes are sampled to at most ``per_class`` per
language (seeded), and the counts before sampling are reported, so the imbalance is visible.

A weak ``svc`` or ``both`` label also needs an economic subject in the sentence (the ``subject`` group of
``cues.yaml``); without one the sentence is skipped. The codebook's svc frame is the economy, trade,
technology, industry or supply chains framed as security, so a security word in a military, oversight or
household sentence ("national security activities", "women's economic security") is a mention but not the
frame, and labelling such sentences svc taught the classifiers the opposite of the gold. gvc labels keep no
such condition: opening, free trade and globalisation are economic by meaning, and requiring a subject cost
gvc presence F1 in grouped cross-validation. Measured with 5-fold cross-validation grouped by document over
both gold waves (``benchmarks/held_out.py frames``), svc presence F1 zh 0.750 -> 0.805, en 0.745 -> 0.755."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.classify.cues import load_cues
from pipeline.classify.data import Example
from pipeline.classify.features import matching_view
from pipeline.io import normalize_text
from pipeline.store import read_table


@dataclass
class WeakLabels:
    examples: list[Example]
    available: Counter = field(default_factory=Counter)  # (lang, label) -> sentences before sampling
    skipped_negated: int = 0
    skipped_no_subject: int = 0  # svc/both by the rule, but no economic subject in the sentence


def _inside_any(texts: set[str]):
    """Whether a sentence is one of the texts or a part of one: an evaluation sentence drawn when two
    bulleted items were one sentence ("... program. - Ensure equity ...") is two sentences in a run today,
    and neither may become a weak label."""
    joined = "\x00".join(texts)
    return lambda sentence: sentence in texts or sentence in joined


def weak_labels(out_dir: str | Path, *, per_class: int = 1500, seed: int = 13, min_chars: int = 15,
                max_chars: int = 400, exclude_texts: set[str] | None = None, svc_needs_subject: bool = True,
                cues: str | Path | None = None) -> WeakLabels:
    """Weak labels for the sentences of a run folder (see the module docstring). ``exclude_texts``
    (normalised) leaves out sentences that are evaluation texts or parts of one; ``svc_needs_subject=False``
    labels svc without an economic subject too; ``cues`` is a frame-cues file other than the shipped one."""
    sentences = read_table(out_dir, "sentences", ["doc_id", "sentence_id", "lang", "text"])
    mentions = read_table(out_dir, "mentions", ["doc_id", "sentence_id", "concept", "family", "counted", "negated"])
    mentions = mentions[mentions["counted"] & mentions["family"].isin(["svc", "gvc"])]
    length = sentences["text"].str.len()
    sentences = sentences[(length >= min_chars) & (length <= max_chars)]
    if exclude_texts:
        excluded = _inside_any(exclude_texts)
        sentences = sentences[~sentences["text"].map(lambda text: excluded(normalize_text(text)))]
    sentences = sentences.drop_duplicates("text")
    kept = mentions[~mentions["negated"]]
    concepts = kept.groupby(["doc_id", "sentence_id", "family"])["concept"].apply(
        lambda values: "+".join(sorted(set(values)))).unstack()
    negated_only = set(map(tuple, mentions[mentions["negated"]][["doc_id", "sentence_id"]].to_numpy())) - set(
        concepts.index)
    rows = sentences.merge(concepts.reset_index(), on=["doc_id", "sentence_id"], how="left")
    for family in ("svc", "gvc"):
        if family not in rows:
            rows[family] = None
    keys = list(zip(rows["doc_id"], rows["sentence_id"], strict=True))
    rows = rows[[key not in negated_only for key in keys]]
    has_svc, has_gvc = rows["svc"].notna(), rows["gvc"].notna()
    rows = rows.assign(label=np.select([has_svc & has_gvc, has_svc, has_gvc], ["both", "svc", "gvc"], "none"))
    skipped_no_subject = 0
    if svc_needs_subject:
        frame_cues = load_cues(cues)
        svc_texts = rows.loc[has_svc, "text"]
        without_subject = svc_texts.index[[not frame_cues.names_subject(*matching_view(text)) for text in svc_texts]]
        skipped_no_subject = len(without_subject)
        rows = rows.drop(without_subject)
    rows["rule"] = [("both:" + f"{s}|{g}") if label == "both" else f"svc:{s}" if label == "svc" else
                    f"gvc:{g}" if label == "gvc" else "none:no svc or gvc term"
                    for label, s, g in zip(rows["label"], rows["svc"], rows["gvc"], strict=True)]
    available = Counter(zip(rows["lang"], rows["label"], strict=True))
    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    for _, positions in sorted(rows.groupby(["lang", "label"]).indices.items()):
        chosen.extend(positions if len(positions) <= per_class else rng.choice(positions, per_class, replace=False))
    picked = rows.iloc[sorted(chosen)]  # in corpus order
    examples = [Example(text, lang, label, f"{doc_id}#{sentence_id}", str(out_dir), rule, doc_id)
                for doc_id, sentence_id, lang, text, label, rule in picked[
                    ["doc_id", "sentence_id", "lang", "text", "label", "rule"]].itertuples(index=False)]
    return WeakLabels(examples, available, len(negated_only), skipped_no_subject)


def frame_from_mentions(families: set[str]) -> str:
    """The rule weak labels use, for one sentence's set of counted, non-negated families."""
    svc, gvc = "svc" in families, "gvc" in families
    return "both" if svc and gvc else "svc" if svc else "gvc" if gvc else "none"


def label_table(weak: WeakLabels) -> pd.DataFrame:
    """Sentences available and kept per language and label (what imbalance sampling did)."""
    kept = Counter((example.lang, example.label) for example in weak.examples)
    rows = [{"lang": lang, "label": label, "available": count, "kept": kept[(lang, label)]}
            for (lang, label), count in sorted(weak.available.items())]
    return pd.DataFrame(rows, columns=["lang", "label", "available", "kept"])
