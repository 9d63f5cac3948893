"""Measurement error: intervals that carry the tagger's own error, not only sampling.

A concept's observed count n is a noisy measure of its true count: some mentions are false positives
(precision p < 1), some true mentions are missed (recall r < 1). The misclassification-corrected count is
n * p / r. p and r are estimated from gold sentences scored with ``evaluate-tagger`` (true positives,
false positives and false negatives per language and concept) and are uncertain themselves, the more so
the fewer gold mentions a concept has.

Method (documented in the README, "Measurement error"):

- Each concept's p and r get a Beta posterior: Beta(tp + k * P, fp + k * (1 - P)) for p and
  Beta(tp + k * R, fn + k * (1 - R)) for r, where P and R are the language's micro precision and recall
  on the same gold and k (``prior_weight``, 10) is how many pseudo-mentions that prior is worth (each
  parameter at least 0.5, so no-error gold does not mean certainty). A concept
  with no gold mention gets its language's rates with the uncertainty of ten mentions; one with many gold
  mentions gets its own.
- The corrected estimate uses the posterior means. Its interval comes from the same resampling of
  documents as the sampling interval, each resample also drawing p and r once per concept from the
  posteriors (the gold resampled, in effect). Draws depend on the seed and the language only, so every
  cell, period and side of a comparison sees the same tagger error: a constant bias cancels in a
  difference, as it should.
- The ME interval is the hull of that interval and the sampling interval, so it never claims more
  certainty than sampling alone (a correction that compresses the scale could otherwise narrow it).

The shipped estimate (``pipeline/lexicon/accuracy.json``) comes from the half of the second gold wave that
was kept unread while the lexicon was revised (out-of-sample, but small); ``evaluate-tagger
--accuracy-out FILE`` writes one from your own gold, and ``trends.tagger_accuracy = FILE`` uses it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SHIPPED = Path(__file__).resolve().parents[1] / "lexicon" / "accuracy.json"
FORMAT = "policy-pipeline-tagger-accuracy/1"
MIN_RECALL = 0.05  # a recall draw below this would multiply counts by 20+: it says "unknown", not "20x"


class AccuracyError(ValueError):
    """A tagger accuracy file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class TaggerAccuracy:
    """Per language and concept, the tagger's (tp, fp, fn) on gold, and what they came from."""

    counts: dict[str, dict[str, tuple[int, int, int]]]
    micro: dict[str, tuple[int, int, int]]
    source: str = ""
    note: str = ""
    prior_weight: float = 10.0
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def _parameters(self, lang: str, concepts: list[str]) -> np.ndarray:
        """(C, 4): the Beta parameters of p (alpha, beta) and r (alpha, beta) of each concept."""
        tp_all, fp_all, fn_all = self.micro[lang]
        precision = tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.5
        recall = tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.5
        k = self.prior_weight
        rows = []
        for concept in concepts:
            tp, fp, fn = self.counts.get(lang, {}).get(concept, (0, 0, 0))
            rows.append((tp + k * precision, fp + k * (1 - precision), tp + k * recall, fn + k * (1 - recall)))
        # half a mention on each side at least (Jeffreys' prior): gold with no false positive at all says
        # precision is high, not that it is exactly 1
        return np.maximum(np.array(rows, dtype=float), 0.5)

    def factor_means(self, lang: str, concepts: list[str]) -> np.ndarray:
        """E[p] / E[r] per concept: what an observed count is multiplied by (1 for a language without gold)."""
        if lang not in self.micro:
            return np.ones(len(concepts))
        a_p, b_p, a_r, b_r = self._parameters(lang, concepts).T
        return (a_p / (a_p + b_p)) / np.maximum(a_r / (a_r + b_r), MIN_RECALL)

    def factor_draws(self, lang: str, concepts: list[str], resamples: int, seed: int) -> np.ndarray:
        """(resamples, C) draws of p / r from the posteriors; the same for every call with the same
        language, concepts and seed (ones for a language without gold)."""
        key = (lang, tuple(concepts), resamples, seed)
        if key not in self._cache:
            if lang not in self.micro:
                draws = np.ones((resamples, len(concepts)))
            else:
                from pipeline.aggregate.trends import _rng

                rng = _rng(seed, ("tagger accuracy", lang))
                a_p, b_p, a_r, b_r = self._parameters(lang, concepts).T
                p = rng.beta(a_p, b_p, size=(resamples, len(concepts)))
                r = np.maximum(rng.beta(a_r, b_r, size=(resamples, len(concepts))), MIN_RECALL)
                draws = p / r
            self._cache[key] = draws
        return self._cache[key]

    def corrected(self, concept_counts: np.ndarray, langs: np.ndarray, concepts: list[str]) -> np.ndarray:
        """Corrected totals per concept of units (rows of ``concept_counts``) in languages ``langs``."""
        return sum(concept_counts[langs == lang].sum(axis=0) * self.factor_means(lang, concepts)
                   for lang in sorted(set(langs)))

    def resampled(self, weights: np.ndarray, concept_counts: np.ndarray, langs: np.ndarray, concepts: list[str],
                  seed: int) -> np.ndarray:
        """(resamples, C): each bootstrap resample's totals (``weights`` over the units) times one draw of
        every concept's p / r, the draws shared by every caller with the same seed."""
        return sum((weights[:, langs == lang] @ concept_counts[langs == lang])
                   * self.factor_draws(lang, concepts, len(weights), seed) for lang in sorted(set(langs)))

    def as_dict(self) -> dict:
        return {"format": FORMAT, "source": self.source, "note": self.note, "prior_weight": self.prior_weight,
                "langs": {lang: {"micro": list(self.micro[lang]),
                                 "concepts": {c: list(v) for c, v in sorted(self.counts.get(lang, {}).items())}}
                          for lang in sorted(self.micro)}}


def accuracy_from_evaluation(evaluation, *, source: str = "", note: str = "") -> TaggerAccuracy:
    """A :class:`TaggerAccuracy` from :func:`pipeline.tag.evaluate.evaluate`'s result."""
    counts: dict[str, dict[str, tuple[int, int, int]]] = {}
    for (lang, concept), scores in evaluation.per_concept.items():
        counts.setdefault(lang, {})[concept] = (scores.tp, scores.fp, scores.fn)
    micro = {lang: (scores.tp, scores.fp, scores.fn) for lang, scores in evaluation.micro.items()}
    return TaggerAccuracy(counts, micro, source, note)


def load_accuracy(setting: str | None) -> TaggerAccuracy | None:
    """``trends.tagger_accuracy``: ``"shipped"`` (the package's estimate), ``"none"`` (no correction, no ME
    intervals) or a file written by ``evaluate-tagger --accuracy-out``."""
    if setting in (None, "none"):
        return None
    path = SHIPPED if setting == "shipped" else Path(setting)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise AccuracyError(f"{path}: cannot read a tagger accuracy file: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("langs"), dict):
        raise AccuracyError(f"{path}: not a tagger accuracy file (format {FORMAT}); write one with "
                            f"`policy-pipeline evaluate-tagger GOLD --accuracy-out FILE`")
    counts, micro = {}, {}
    try:
        for lang, entry in data["langs"].items():
            micro[lang] = _triple(entry["micro"])
            counts[lang] = {str(c): _triple(v) for c, v in entry.get("concepts", {}).items()}
        prior_weight = float(data.get("prior_weight", 10.0))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AccuracyError(f"{path}: malformed entry ({error}); each language needs 'micro': [tp, fp, fn] "
                            f"and 'concepts': {{concept: [tp, fp, fn]}}") from None
    if not prior_weight > 0:
        raise AccuracyError(f"{path}: prior_weight must be positive, got {prior_weight}")
    return TaggerAccuracy(counts, micro, str(data.get("source", "")), str(data.get("note", "")), prior_weight)


def _triple(value) -> tuple[int, int, int]:
    tp, fp, fn = (int(x) for x in value)
    if min(tp, fp, fn) < 0:
        raise ValueError("counts must not be negative")
    return tp, fp, fn
