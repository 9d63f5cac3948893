"""The strategic-shift index compared between two periods or two jurisdictions.

SVC share = svc / (svc + gvc) counted, non-negated mentions over a side's documents. Each side is
resampled on its own (documents; the sentences of a side that is one document), and the interval of the
difference is the percentile interval of the resampled differences: independent samples, one draw each.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from pipeline.aggregate.tables import RunTables, parse_period_range, resolve_name
from pipeline.aggregate.trends import KeyMap, _hull, _interval, _share, _weights
from pipeline.config import TrendsConfig


@dataclass
class Side:
    label: str  # "CN 2000-2015"
    jurisdiction: str
    period: str
    n_docs: int
    n_svc: int
    n_gvc: int
    share: float
    ci: tuple[float, float]
    ci_unit: str
    corrected: float = float("nan")  # misclassification-corrected share (with a tagger accuracy estimate)
    years: str = ""  # the years its documents cover ("2010-2015" for an asked "2000-2015")


@dataclass
class ShiftComparison:
    a: Side
    b: Side
    diff: float  # b.share - a.share
    ci: tuple[float, float]
    confidence: float
    resamples: int
    corrected_diff: float = float("nan")  # the difference of the corrected shares
    me_ci: tuple[float, float] = (float("nan"), float("nan"))  # its interval with the tagger's error

    def as_dict(self) -> dict:
        """``a`` and ``b`` are the two shares, ``diff`` their difference, ``ci`` its interval; with a
        tagger accuracy estimate, ``corrected_diff`` and ``me_ci`` (sampling and tagger error); ``sides``
        holds the counts behind them."""
        return {"a": self.a.share, "b": self.b.share, "diff": self.diff, "ci": list(self.ci),
                "corrected_diff": self.corrected_diff, "me_ci": list(self.me_ci),
                "confidence": self.confidence, "resamples": self.resamples,
                "sides": {"a": asdict(self.a), "b": asdict(self.b)}}


def _side(tables: RunTables, keymap: KeyMap, config: TrendsConfig, jurisdiction: str, period: str,
          corpus: str | None = None, accuracy=None) -> tuple[Side, np.ndarray, np.ndarray | None]:
    first, last = parse_period_range(period)
    documents = tables.documents
    jurisdiction = resolve_name(jurisdiction, documents["jurisdiction"], "jurisdiction")
    if corpus is not None:
        corpus = resolve_name(corpus, documents["corpus"], "corpus")
        documents = documents[documents["corpus"] == corpus]
    chosen = documents[(documents["jurisdiction"] == jurisdiction) & documents["year"].between(first, last)]
    if chosen.empty:
        years = documents.loc[documents["jurisdiction"] == jurisdiction, "year"]
        where = (f"its documents{' in ' + corpus if corpus else ''} cover {years.min()}-{years.max()}"
                 if len(years) else f"it has no document{' in ' + corpus if corpus else ''}")
        raise ValueError(f"no documents of {jurisdiction} in {period} ({where})")
    mentions = tables.mentions[~tables.mentions["negated"]] if not config.include_negated else tables.mentions
    mentions = mentions[mentions["doc_id"].isin(chosen["doc_id"])]
    svc, gvc = keymap.column[("family", "svc")], keymap.column[("family", "gvc")]
    unit = "documents"
    if len(chosen) == 1:
        sentences = tables.sentences_of(chosen["doc_id"].iloc[0])
        concept_counts = keymap.concept_counts(mentions, "sentence_id", pd.Index(sentences["sentence_id"]))
        langs = np.full(len(sentences), chosen["lang"].iloc[0], dtype=object)
        unit = "sentences"
    else:
        concept_counts = keymap.concept_counts(mentions, "doc_id", pd.Index(chosen["doc_id"]))
        langs = chosen["lang"].to_numpy(dtype=object)
    pair = (concept_counts @ keymap.projection)[:, [svc, gvc]]
    resamples = config.resamples or 1000
    # Resamples are keyed by the documents, not the label: "2000-2015" and "2010-2015" over the same EU
    # speeches give the same interval in the report, the CLI and a notebook.
    weights = _weights(len(pair), resamples, config.seed, ("side", *sorted(chosen["doc_id"])))
    sampled = weights @ pair
    shares = _share(sampled[:, 0], sampled[:, 1])
    n_svc, n_gvc = (int(x) for x in pair.sum(axis=0))
    low, high = _interval(shares[:, None], config.confidence)
    label = f"{jurisdiction} {period}" + (f" ({corpus})" if corpus else "")
    first_year, last_year = int(chosen["year"].min()), int(chosen["year"].max())
    side = Side(label, jurisdiction, period, len(chosen), n_svc, n_gvc,
                n_svc / (n_svc + n_gvc) if n_svc + n_gvc else float("nan"), (float(low[0]), float(high[0])), unit,
                years=f"{first_year}-{last_year}" if last_year > first_year else str(first_year))
    me_shares = None
    if accuracy is not None:
        project = keymap.projection[:, [svc, gvc]]
        corrected = accuracy.corrected(concept_counts, langs, keymap.concepts) @ project
        side.corrected = float(_share(corrected[0], corrected[1]))
        drawn = accuracy.resampled(weights, concept_counts, langs, keymap.concepts, config.seed) @ project
        me_shares = _share(drawn[:, 0], drawn[:, 1])
    return side, shares, me_shares


def compare_shift(tables: RunTables, concepts: dict[str, tuple[str, str]], a: tuple[str, str], b: tuple[str, str],
                  config: TrendsConfig | None = None, corpus: str | None = None, accuracy=None) -> ShiftComparison:
    """Compare the SVC share of side ``a`` and side ``b``, each ``(jurisdiction, "YEAR-YEAR")``, over the
    documents of one ``corpus`` if given (compare like with like: a jurisdiction's corpora differ in kind).
    With ``accuracy`` (:mod:`pipeline.aggregate.measurement`), also the corrected difference and its
    interval with the tagger's error, the same tagger draws on both sides."""
    config = config or TrendsConfig()
    keymap = KeyMap(concepts)
    side_a, shares_a, me_a = _side(tables, keymap, config, *a, corpus=corpus, accuracy=accuracy)
    side_b, shares_b, me_b = _side(tables, keymap, config, *b, corpus=corpus, accuracy=accuracy)
    differences = shares_b - shares_a
    low, high = _interval(differences[:, None], config.confidence)
    comparison = ShiftComparison(side_a, side_b, side_b.share - side_a.share, (float(low[0]), float(high[0])),
                                 config.confidence, config.resamples or 1000)
    if me_a is not None and me_b is not None:
        me_low, me_high = _interval((me_b - me_a)[:, None], config.confidence)
        comparison.corrected_diff = side_b.corrected - side_a.corrected
        # the hull with the sampling interval: never more certain than sampling alone (measurement.py)
        hull_low, hull_high = _hull((me_low, me_high), (low, high))
        comparison.me_ci = (float(hull_low[0]), float(hull_high[0]))
    return comparison
