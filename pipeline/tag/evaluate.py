"""Scoring the tagger on gold sentences, as ``../shared/eval/README.md`` describes.

Per sentence, the multiset of predicted concept ids is compared with the gold multiset (spans are not
compared); true positives, false positives and false negatives are summed over sentences into micro
precision, recall and F1, per language and per concept.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

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


@dataclass
class Evaluation:
    micro: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    per_concept: dict[tuple[str, str], Scores] = field(default_factory=lambda: defaultdict(Scores))
    errors: list[Error] = field(default_factory=list)
    n_sentences: Counter = field(default_factory=Counter)


def evaluate(tagger: FrameTagger, records: Iterable[dict]) -> Evaluation:
    result = Evaluation()
    for record in records:
        lang, mentions, _ = tag_text(tagger, record["text"], record.get("lang"))
        result.n_sentences[lang] += 1
        predicted = Counter(mention.concept for mention in mentions if mention.counted)
        gold = Counter(mention["concept"] for mention in record.get("mentions", []))
        for concept in predicted.keys() | gold.keys():
            tp = min(predicted[concept], gold[concept])
            fp = predicted[concept] - tp
            fn = gold[concept] - tp
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
    return result
