"""Trend tables and the strategic-shift series, with document-level bootstrap confidence intervals.

Cells are period x jurisdiction x group (corpus or document type) x language, plus pooled cells
(``group = "*"``, ``lang = "*"``: every document of a jurisdiction and period). Each cell has a row per
concept, per dimension (``svc/goal``) and per family: mentions, documents, tokens, characters, rates per
10k tokens and per 10k characters (Chinese token counts depend on the segmenter, so both are kept), the
share of documents with a mention, and intervals from resampling the cell's documents. Negated mentions
are not counted; ``n_negated`` reports them. A cell of one document (a year's work report) resamples that
document's sentences instead (``ci_unit = "sentences"``): one document has no between-document variation
to resample, and an interval of zero width would claim a certainty the data do not give.

The shift series is, per cell, SVC share = svc / (svc + gvc) mentions, with its interval from the same
resamples. Resamples are drawn from a generator seeded by the configured seed and the cell's key, so
tables are reproducible and a cell's interval does not change when other cells are added.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.aggregate.tables import RunTables
from pipeline.config import Period, TrendsConfig

ALL = "*"
CELL = ["period", "jurisdiction", "group", "lang"]
LEVELS = ("concept", "dimension", "family")
TREND_COLUMNS = CELL + ["level", "key", "family", "n_mentions", "n_negated", "n_docs_with", "n_docs", "n_tokens",
                        "n_chars", "rate_per_10k_tokens", "rate_tokens_low", "rate_tokens_high",
                        "rate_per_10k_chars", "rate_chars_low", "rate_chars_high", "share_docs", "share_docs_low",
                        "share_docs_high", "ci_unit", "rate_corrected", "rate_me_low", "rate_me_high"]
SHIFT_COLUMNS = CELL + ["n_svc", "n_gvc", "n_docs", "svc_share", "svc_share_low", "svc_share_high", "ci_unit",
                        "svc_share_corrected", "svc_share_me_low", "svc_share_me_high"]


@dataclass
class Trends:
    trends: pd.DataFrame
    shift: pd.DataFrame
    n_undated: int  # documents in no cell: no year, or (by quarter or month) no month
    documents: pd.DataFrame  # the documents in cells, in input order, with their period and group


def period_of(documents: pd.DataFrame, period: Period) -> pd.Series:
    """Each document's period label ("2021", "2021Q1", "2021-03"); None where its date is not precise
    enough for the unit."""
    if period is Period.YEAR:
        return documents["year"].astype(str)
    months = documents["date"].str.extract(r"^(\d{4})-(\d{2})")
    if period is Period.MONTH:
        return (months[0] + "-" + months[1]).where(months[1].notna(), None)
    quarters = ((months[1].astype(float) - 1) // 3 + 1)
    return (months[0] + "Q" + quarters.astype("Int64").astype(str)).where(months[1].notna(), None)


def cell_documents(tables: RunTables, config: TrendsConfig) -> tuple[pd.DataFrame, int]:
    """The run's documents with their ``period`` and ``group`` keys, those in no period left out, and how
    many are in no cell (no year, or no month for quarters and months)."""
    documents = tables.documents.copy()
    documents["period"] = period_of(documents, config.period)
    documents["group"] = documents[config.group_by.value].fillna("unknown")
    dated = documents["period"].notna()
    return documents[dated].reset_index(drop=True), tables.n_undated + int((~dated).sum())


def _cells(documents: pd.DataFrame) -> Iterator[tuple[tuple[str, str, str, str], np.ndarray]]:
    """(cell key, row positions) for every split cell and every pooled cell, in a stable order."""
    split = documents.groupby(CELL, sort=True).indices
    pooled = documents.groupby(["period", "jurisdiction"], sort=True).indices
    cells = dict(split)
    cells.update({(period, jurisdiction, ALL, ALL): positions for (period, jurisdiction), positions in pooled.items()})
    for key in sorted(cells):
        yield key, np.sort(cells[key])


def _rng(seed: int, key: tuple) -> np.random.Generator:
    """A generator seeded by the configured seed and a key (a cell): the same key, the same draws."""
    return np.random.default_rng([seed, zlib.crc32("\x1f".join(map(str, key)).encode())])


def _weights(n: int, resamples: int, seed: int, cell: tuple) -> np.ndarray:
    """Bootstrap weights: how often each of the cell's ``n`` units is drawn in each resample."""
    drawn = _rng(seed, cell).integers(0, n, size=(resamples, n)) + (np.arange(resamples) * n)[:, None]
    return np.bincount(drawn.ravel(), minlength=resamples * n).reshape(resamples, n).astype(float)


def _interval(samples: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over resamples (rows); NaN where no resample is defined (no tokens)."""
    import warnings

    tail = (1 - confidence) / 2 * 100
    if not np.isnan(samples).any():
        low, high = np.percentile(samples, [tail, 100 - tail], axis=0)
        return low, high
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: a cell without tokens
        low, high = np.nanpercentile(samples, [tail, 100 - tail], axis=0)
    return low, high


def _per_10k(counts, sizes):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sizes > 0, counts / np.where(sizes > 0, sizes, 1) * 1e4, np.nan)


class KeyMap:
    """Every key a trend row can have, (level, key, family), and the projection from concept counts to key
    counts: concepts never mentioned still get rows."""

    def __init__(self, concepts: dict[str, tuple[str, str]]) -> None:
        self.concepts = sorted(concepts)
        keys: list[tuple[str, str, str]] = [("concept", c, concepts[c][0]) for c in self.concepts]
        keys += sorted({("dimension", f"{family}/{dimension}", family) for family, dimension in concepts.values()})
        keys += sorted({("family", family, family) for family, _ in concepts.values()})
        self.keys = keys
        self.projection = np.zeros((len(self.concepts), len(keys)))
        for row, concept in enumerate(self.concepts):
            family, dimension = concepts[concept]
            for column, (level, key, _) in enumerate(keys):
                if (level, key) in (("concept", concept), ("dimension", f"{family}/{dimension}"), ("family", family)):
                    self.projection[row, column] = 1
        self.column = {(level, key): index for index, (level, key, _) in enumerate(keys)}

    def concept_counts(self, mentions: pd.DataFrame, unit: str, units: pd.Index) -> np.ndarray:
        """Mention counts per unit (rows in ``units`` order) and concept (columns in ``self.concepts`` order)."""
        by_concept = np.zeros((len(units), len(self.concepts)))
        rows = units.get_indexer(mentions[unit])
        columns = pd.Index(self.concepts).get_indexer(mentions["concept"])
        keep = (rows >= 0) & (columns >= 0)
        np.add.at(by_concept, (rows[keep], columns[keep]), 1)
        return by_concept

    def counts(self, mentions: pd.DataFrame, unit: str, units: pd.Index) -> np.ndarray:
        """Mention counts per unit (rows in ``units`` order) and key."""
        return self.concept_counts(mentions, unit, units) @ self.projection


@dataclass
class CellStatistics:
    """Totals, rates and intervals of one cell for every key."""

    unit: str  # what was resampled: documents, or the sentences of a single document
    totals: np.ndarray
    tokens: float
    chars: float
    bounds: dict[str, tuple[np.ndarray, np.ndarray]]
    svc_interval: tuple[float, float]
    corrected: np.ndarray | None = None  # misclassification-corrected totals per key (measurement.py)
    svc_corrected: float = np.nan
    svc_me_interval: tuple[float, float] = (np.nan, np.nan)


@dataclass
class TaggerError:
    """What :func:`cell_statistics` needs to carry the tagger's error: each unit's language and the
    accuracy estimate (:mod:`pipeline.aggregate.measurement`)."""

    accuracy: object  # TaggerAccuracy
    langs: np.ndarray  # the language of each unit (row of the concept counts)


def _share(svc: np.ndarray, gvc: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(svc + gvc > 0, svc / (svc + gvc), np.nan)


def _hull(inner: tuple[np.ndarray, np.ndarray], outer: tuple[np.ndarray, np.ndarray]):
    """The smallest interval holding both (NaN-aware): an ME interval never narrower than sampling."""
    return np.fmin(inner[0], outer[0]), np.fmax(inner[1], outer[1])


def cell_statistics(counts: np.ndarray, tokens: np.ndarray, chars: np.ndarray, keymap: KeyMap,
                    config: TrendsConfig, cell: tuple, unit: str = "documents", *,
                    concept_counts: np.ndarray | None = None, error: TaggerError | None = None) -> CellStatistics:
    """Totals of a cell's units (rows of ``counts``) and percentile intervals from resampling them; with
    ``concept_counts`` (the same units by concept) and ``error``, also the corrected totals and the
    intervals that carry the tagger's error."""
    n = len(counts)
    totals = counts.sum(axis=0)
    bounds: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    svc_interval = (np.nan, np.nan)
    svc, gvc = keymap.column.get(("family", "svc")), keymap.column.get(("family", "gvc"))
    corrected = None
    svc_corrected, svc_me = np.nan, (np.nan, np.nan)
    with_error = error is not None and concept_counts is not None and n > 0
    if with_error:
        corrected = error.accuracy.corrected(concept_counts, error.langs, keymap.concepts) @ keymap.projection
        if svc is not None and gvc is not None:
            svc_corrected = float(_share(corrected[svc], corrected[gvc]))
    if config.resamples and n:
        weights = _weights(n, config.resamples, config.seed, cell)
        sampled = weights @ counts
        bounds["tokens"] = _interval(_per_10k(sampled, (weights @ tokens)[:, None]), config.confidence)
        bounds["chars"] = _interval(_per_10k(sampled, (weights @ chars)[:, None]), config.confidence)
        if unit == "documents":
            bounds["share"] = _interval((weights @ (counts > 0)) / n, config.confidence)
        if svc is not None and gvc is not None:
            shares = _share(sampled[:, svc], sampled[:, gvc])
            low, high = _interval(shares[:, None], config.confidence)
            svc_interval = (float(low[0]), float(high[0]))
        if with_error:
            # each resample: the documents drawn, and one draw of every concept's p / r (the same draws
            # in every cell, so a constant tagger bias is shared by the periods a difference compares)
            drawn = error.accuracy.resampled(weights, concept_counts, error.langs, keymap.concepts,
                                             config.seed) @ keymap.projection
            bounds["me"] = _hull(_interval(_per_10k(drawn, (weights @ tokens)[:, None]), config.confidence),
                                 bounds["tokens"])
            if svc is not None and gvc is not None:
                me_low, me_high = _hull(_interval(_share(drawn[:, svc], drawn[:, gvc])[:, None], config.confidence),
                                        (np.array([svc_interval[0]]), np.array([svc_interval[1]])))
                svc_me = (float(me_low[0]), float(me_high[0]))
    return CellStatistics(unit, totals, float(tokens.sum()), float(chars.sum()), bounds, svc_interval, corrected,
                          svc_corrected, svc_me)


def compute_trends(tables: RunTables, concepts: dict[str, tuple[str, str]], config: TrendsConfig | None = None,
                   accuracy=None) -> Trends:
    """Trend and shift tables of a run (see the module docstring); with ``accuracy`` (a
    :class:`pipeline.aggregate.measurement.TaggerAccuracy`), also the misclassification-corrected rates and
    shares and their measurement-error intervals."""
    config = config or TrendsConfig()
    keymap = KeyMap(concepts)
    documents, n_undated = cell_documents(tables, config)
    mentions = tables.mentions[tables.mentions["concept"].isin(concepts)]
    counted_mentions = mentions if config.include_negated else mentions[~mentions["negated"]]
    doc_index = pd.Index(documents["doc_id"])
    counted_concepts = keymap.concept_counts(counted_mentions, "doc_id", doc_index)
    counted = counted_concepts @ keymap.projection
    doc_langs = documents["lang"].to_numpy(dtype=object) if "lang" in documents else np.full(len(documents), "")
    negated = keymap.counts(mentions[mentions["negated"]], "doc_id", doc_index)
    tokens = documents["n_tokens"].fillna(0).to_numpy(dtype=float)
    chars = documents["n_chars"].fillna(0).to_numpy(dtype=float)
    svc, gvc = keymap.column.get(("family", "svc")), keymap.column.get(("family", "gvc"))

    mentions_by_doc = counted_mentions.groupby("doc_id").indices
    single: dict[str, CellStatistics] = {}  # a document alone in a split cell is alone in its pooled cell too

    trend_rows: list[dict] = []
    shift_rows: list[dict] = []
    for cell, positions in _cells(documents):
        if len(positions) == 1:
            # One document (a yearly work report): its sentences are what can be resampled.
            doc_id = documents["doc_id"].iloc[positions[0]]
            if doc_id not in single:
                sentences = tables.sentences_of(doc_id)
                doc_mentions = counted_mentions.iloc[mentions_by_doc.get(doc_id, [])]
                by_sentence = keymap.concept_counts(doc_mentions, "sentence_id", pd.Index(sentences["sentence_id"]))
                error = (TaggerError(accuracy, np.full(len(sentences), doc_langs[positions[0]], dtype=object))
                         if accuracy is not None else None)
                single[doc_id] = cell_statistics(
                    by_sentence @ keymap.projection, sentences["n_tokens"].to_numpy(dtype=float),
                    (sentences["end"] - sentences["start"]).to_numpy(dtype=float), keymap, config, (doc_id,),
                    unit="sentences", concept_counts=by_sentence, error=error)
                single[doc_id].tokens, single[doc_id].chars = tokens[positions].sum(), chars[positions].sum()
            statistics = single[doc_id]
        else:
            error = TaggerError(accuracy, doc_langs[positions]) if accuracy is not None else None
            statistics = cell_statistics(counted[positions], tokens[positions], chars[positions], keymap, config,
                                         cell, concept_counts=counted_concepts[positions], error=error)
        negated_totals = negated[positions].sum(axis=0)
        n_docs = len(positions)
        totals = statistics.totals
        rate_tokens, rate_chars = _per_10k(totals, statistics.tokens), _per_10k(totals, statistics.chars)
        with_mention = (counted[positions] > 0).sum(axis=0)
        base = dict(zip(CELL, cell, strict=True))
        for index, (level, key, family) in enumerate(keymap.keys):
            row = {**base, "level": level, "key": key, "family": family, "n_mentions": int(totals[index]),
                   "n_negated": int(negated_totals[index]), "n_docs_with": int(with_mention[index]),
                   "n_docs": n_docs, "n_tokens": int(statistics.tokens), "n_chars": int(statistics.chars),
                   "rate_per_10k_tokens": float(rate_tokens[index]), "rate_per_10k_chars": float(rate_chars[index]),
                   "share_docs": with_mention[index] / n_docs, "ci_unit": statistics.unit}
            for name, bound in (("rate_tokens", "tokens"), ("rate_chars", "chars"), ("share_docs", "share"),
                                ("rate_me", "me")):
                low, high = statistics.bounds.get(bound, (None, None))
                row[f"{name}_low"] = float(low[index]) if low is not None else np.nan
                row[f"{name}_high"] = float(high[index]) if high is not None else np.nan
            row["rate_corrected"] = (float(_per_10k(statistics.corrected[index], statistics.tokens))
                                     if statistics.corrected is not None else np.nan)
            trend_rows.append(row)
        if svc is not None and gvc is not None:
            n_svc, n_gvc = int(totals[svc]), int(totals[gvc])
            shift_rows.append({**base, "n_svc": n_svc, "n_gvc": n_gvc, "n_docs": n_docs,
                               "svc_share": n_svc / (n_svc + n_gvc) if n_svc + n_gvc else np.nan,
                               "svc_share_low": statistics.svc_interval[0],
                               "svc_share_high": statistics.svc_interval[1], "ci_unit": statistics.unit,
                               "svc_share_corrected": statistics.svc_corrected,
                               "svc_share_me_low": statistics.svc_me_interval[0],
                               "svc_share_me_high": statistics.svc_me_interval[1]})
    return Trends(pd.DataFrame(trend_rows, columns=TREND_COLUMNS), pd.DataFrame(shift_rows, columns=SHIFT_COLUMNS),
                  n_undated, documents)


CLASSIFIER_COLUMNS = ["clf_n_svc", "clf_n_gvc", "clf_n_both", "clf_method", "clf_svc_share", "clf_svc_share_low",
                      "clf_svc_share_high", "clf_share_rmse", "clf_svc_share_me_low", "clf_svc_share_me_high"]


def classifier_shift(tables: RunTables, frames: pd.DataFrame, config: TrendsConfig | None = None,
                     share_rmse: dict[str, float] | None = None) -> pd.DataFrame:
    """The shift index from a classifier's sentence frames, per cell.

    By default (``config.classifier_share = counted``) the share counts decided labels: svc / (svc + gvc)
    sentences, a ``both`` sentence on each side. With ``probabilistic`` and ``p_svc``/``p_gvc`` in the
    frames (models with the codebook's labels) it is sum of p_svc / (sum of p_svc + sum of p_gvc) over the
    cell's sentences. That was the closer estimate on gold samples, where most sentences frame something;
    in whole documents the unframed sentences' small probabilities outweigh the framed ones and the share
    barely moves with the truth (README, "The classifier's SVC share in the trend tables"). ``clf_method``
    says which was used. ``clf_n_*`` count decided labels either way.

    Two intervals: ``clf_svc_share_low/high`` from resampling documents (sentences when the cell has one
    document), as the lexicon's; and ``clf_svc_share_me_low/me_high``, which also carries the classifier's
    own error: each resample's share is moved by a draw from a normal with the root-mean-square share
    error the model showed in cross-validation (``share_rmse`` per language, from its card; for a cell of
    several languages the largest), the interval then taken together with the sampling one so it is never
    narrower. No card estimate, no ME interval."""
    config = config or TrendsConfig()
    share_rmse = share_rmse or {}
    documents, _ = cell_documents(tables, config)
    labels = ("svc", "gvc", "both")
    probabilistic = (config.classifier_share == "probabilistic" and {"p_svc", "p_gvc"} <= set(frames.columns)
                     and frames[["p_svc", "p_gvc"]].notna().all().all())
    frames = frames.assign(**{f"is_{label}": (frames["frame"] == label).astype(float) for label in labels})
    if not probabilistic:
        frames = frames.assign(p_svc=frames["is_svc"] + frames["is_both"], p_gvc=frames["is_gvc"] + frames["is_both"])
    columns = [f"is_{label}" for label in labels] + ["p_svc", "p_gvc"]
    per_doc = frames.groupby("doc_id")[columns].sum().reindex(documents["doc_id"], fill_value=0.0).to_numpy()
    frames_by_doc = frames.groupby("doc_id").indices
    rows = []
    for cell, positions in _cells(documents):
        if len(positions) == 1:  # one document: its sentences are the units
            units = frames.iloc[frames_by_doc.get(documents["doc_id"].iloc[positions[0]], [])][columns].to_numpy()
        else:
            units = per_doc[positions]
        totals = units.sum(axis=0) if len(units) else np.zeros(len(columns))
        n_svc, n_gvc, n_both = (int(x) for x in totals[:3])
        svc, gvc = totals[3], totals[4]
        langs = documents["lang"].iloc[positions].unique() if "lang" in documents else []
        rmse = max((share_rmse[lang] for lang in langs if lang in share_rmse), default=np.nan)
        low = high = me_low = me_high = np.nan
        if config.resamples and len(units):
            sampled = _weights(len(units), config.resamples, config.seed, ("classifier", *cell)) @ units[:, 3:]
            shares = _share(sampled[:, 0], sampled[:, 1])
            bounds = _interval(shares[:, None], config.confidence)
            low, high = float(bounds[0][0]), float(bounds[1][0])
            if np.isfinite(rmse):
                noise = _noise(config.resamples, config.seed, cell) * rmse
                widened = _hull(_interval(np.clip(shares + noise, 0.0, 1.0)[:, None], config.confidence), bounds)
                me_low, me_high = float(widened[0][0]), float(widened[1][0])
        rows.append({**dict(zip(CELL, cell, strict=True)), "clf_n_svc": n_svc, "clf_n_gvc": n_gvc,
                     "clf_n_both": n_both, "clf_method": "probabilistic" if probabilistic else "counted",
                     "clf_svc_share": svc / (svc + gvc) if svc + gvc else np.nan,
                     "clf_svc_share_low": low, "clf_svc_share_high": high, "clf_share_rmse": rmse,
                     "clf_svc_share_me_low": me_low, "clf_svc_share_me_high": me_high})
    return pd.DataFrame(rows, columns=CELL + CLASSIFIER_COLUMNS)


def _noise(resamples: int, seed: int, cell: tuple) -> np.ndarray:
    """Standard normal draws for a cell's measurement-error interval, reproducible like its resamples."""
    return _rng(seed, ("measurement error", *cell)).standard_normal(resamples)


def lexicon_concepts(lexicon) -> dict[str, tuple[str, str]]:
    """concept id -> (family, dimension) for :func:`compute_trends`."""
    return {concept_id: (concept.family.value, concept.dimension) for concept_id, concept in lexicon.concepts.items()}
