"""Scoring the tagger on gold sentences, as ``../shared/eval/README.md`` describes.

Per sentence, the multiset of predicted concept ids is compared with the gold multiset (spans are not
compared); true positives, false positives and false negatives are summed over sentences into micro
precision, recall and F1, per language and per concept, and by corpus or genre.

Intervals come from a bootstrap over *documents* (all gold sentences of a document are drawn together):
sentences of one document share its vocabulary and its errors, so resampling sentences would understate
the uncertainty of a score on a user's new documents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from pipeline.tag.records import tag_text
from pipeline.tag.tagger import FrameTagger


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class Error:
    record_id: str
    lang: str
    kind: str  # "false positive" or "false negative"
    concept: str
    text: str  # the predicted mention's text (FP) or the gold mention's text (FN)
    sentence: str


# The genre of each corpus in ../shared/corpora (and the reference paper the first gold wave drew on); a
# gold line may name its own ``genre``, and an unknown corpus is its own genre.
GENRES = {
    "cn_gov_work_reports": "report", "cn_cpc_congress_reports": "report",
    "cn_laws_regulations": "law", "eu_eurlex_legal_acts": "law",
    "cn_central_documents_2020": "central document",
    "us_sotu": "speech", "eu_soteu": "speech", "us_wh_presidential_remarks": "speech",
    "us_presidential_speeches_millercenter": "speech",
    "us_presidential_actions": "presidential action", "us_wh_fact_sheets": "fact sheet",
    "us_nss": "strategy", "seed_paper": "scholarship",
}
GROUPINGS = ("corpus", "genre")


def genre_of(record: dict) -> str:
    corpus = str(record.get("corpus") or "unknown")
    return str(record.get("genre") or GENRES.get(corpus, corpus))


@dataclass(frozen=True)
class SentenceScore:
    """One gold sentence's counts, with what it is grouped and resampled by."""
    record_id: str
    lang: str
    document: str
    corpus: str
    genre: str
    tp: int
    fp: int
    fn: int


@dataclass
class Evaluation:
    micro: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    per_concept: dict[tuple[str, str], Scores] = field(default_factory=lambda: defaultdict(Scores))
    errors: list[Error] = field(default_factory=list)
    n_sentences: Counter = field(default_factory=Counter)
    sentences: list[SentenceScore] = field(default_factory=list)


def compare(predicted: Counter, gold: Counter) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) per concept of one sentence's predicted and gold concept multisets."""
    result = {}
    for concept in sorted(predicted.keys() | gold.keys()):
        tp = min(predicted[concept], gold[concept])
        result[concept] = (tp, predicted[concept] - tp, gold[concept] - tp)
    return result


def evaluate(tagger: FrameTagger, records: Iterable[dict]) -> Evaluation:
    return score_predictions((record, tag_text(tagger, record["text"], record.get("lang"))[:2])
                             for record in records)


def score_predictions(pairs: Iterable[tuple[dict, tuple[str, list]]]) -> Evaluation:
    """Score (gold record, (lang, predicted mentions)) pairs: what :func:`evaluate` does for the lexicon
    tagger, open to any tagger whose mentions have ``concept``, ``counted`` and ``text``."""
    result = Evaluation()
    for record, (lang, mentions) in pairs:
        result.n_sentences[lang] += 1
        predicted = Counter(mention.concept for mention in mentions if mention.counted)
        gold = Counter(mention["concept"] for mention in record.get("mentions", []))
        totals = [0, 0, 0]
        for concept, (tp, fp, fn) in compare(predicted, gold).items():
            totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
            for scores in (result.micro[lang], result.per_concept[(lang, concept)]):
                scores.tp += tp
                scores.fp += fp
                scores.fn += fn
            if fp:
                texts = [m.text for m in mentions if m.counted and m.concept == concept]
                result.errors.append(Error(str(record.get("id", "")), lang, "false positive", concept,
                                           " | ".join(texts), record["text"]))
            if fn:
                texts = [m["text"] for m in record.get("mentions", []) if m["concept"] == concept]
                result.errors.append(Error(str(record.get("id", "")), lang, "false negative", concept,
                                           " | ".join(texts), record["text"]))
        record_id = str(record.get("id", ""))
        result.sentences.append(SentenceScore(record_id, lang, str(record.get("doc_id") or record_id),
                                              str(record.get("corpus") or "unknown"), genre_of(record), *totals))
    return result


def summary(result: Evaluation, by: str | None = None, *, resamples: int = 2000, seed: int = 0,
            level: float = 0.95) -> list[dict]:
    """Micro precision, recall and F1 per language (and per corpus or genre with ``by``), each with a
    ``level`` interval from a bootstrap over documents."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    groups: dict[tuple[str, str], list[SentenceScore]] = defaultdict(list)
    for sentence in result.sentences:
        groups[(sentence.lang, "all")].append(sentence)
        if by:
            groups[(sentence.lang, getattr(sentence, by))].append(sentence)
    rows = []
    for (lang, group), sentences in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] != "all",
                                                                            item[0][1])):
        scores = Scores(*(sum(getattr(s, k) for s in sentences) for k in ("tp", "fp", "fn")))
        intervals = bootstrap_intervals(sentences, resamples=resamples, seed=seed, level=level)
        rows.append({"lang": lang, "group": group, "sentences": len(sentences),
                     "documents": len({s.document for s in sentences}),
                     "precision": scores.precision, "recall": scores.recall, "f1": scores.f1,
                     **{f"{name}_ci": interval for name, interval in intervals.items()},
                     "tp": scores.tp, "fp": scores.fp, "fn": scores.fn, "support": scores.support})
    return rows


def bootstrap_intervals(sentences: list[SentenceScore], *, resamples: int = 2000, seed: int = 0,
                        level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Percentile intervals of micro precision, recall and F1, resampling documents with replacement."""
    by_document: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(3))
    for sentence in sentences:
        by_document[sentence.document] += (sentence.tp, sentence.fp, sentence.fn)
    counts = np.array(list(by_document.values())).reshape(-1, 3)
    if not len(counts):
        return {name: (0.0, 0.0) for name in ("precision", "recall", "f1")}
    draws = np.random.default_rng(seed).integers(0, len(counts), size=(resamples, len(counts)))
    tp, fp, fn = (counts[draws, k].sum(axis=1) for k in range(3))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    tail = (1 - level) / 2 * 100
    return {name: (round(float(np.percentile(values, tail)), 4), round(float(np.percentile(values, 100 - tail)), 4))
            for name, values in (("precision", precision), ("recall", recall), ("f1", f1))}
