"""Emerging terms: words (zh) and n-grams (en) that rise in a period against a baseline, in sentences with
framing mentions, proposed as lexicon candidates (``policy-pipeline lexicon suggest``).

Keyness is the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008,
"Fightin' Words"): the prior is each term's share of all sentences of both periods (framed or not), scaled
to ``prior_strength`` pseudo-counts, so rare terms are shrunk toward no difference and the z-score
(log-odds over its standard error) ranks terms by evidence, not by raw ratio. Terms the lexicon already
tags are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pipeline.aggregate.tables import RunTables, parse_period_range
from pipeline.store import read_table

EMERGING_COLUMNS = ["term", "lang", "z", "log_odds", "n_period", "n_baseline", "per_10k_period",
                    "per_10k_baseline", "near_concept", "example_doc", "example_sentence"]
_EN_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
_ZH_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
EN_STOPWORDS = frozenset("""a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each few for from further had has
have having he her here hers him his how i if in into is it its itself just let me more most my no nor not now of
off on once only or other our ours out over own same she should so some such than that the their theirs them then
there these they this those through to too under until up very was we were what when where which while who whom
why will with would you your yours us must shall may might new also year years one two three per cent percent
mr mrs ms going like many ever make made get got know want every well today tonight people let's we're it's
that's we've we'll i'm don't can't won't there's here's thank thanks way ways lot lots much even still back
yet say said says see come take give put keep""".split())
ZH_STOPWORDS = frozenset("""
我们 他们 你们 这个 那个 这些 那些 一个 一些 以及 并且 而且 但是 因为 所以 如果
虽然 还是 或者 进一步 不断 坚持 继续 加强 推进 推动 实现 提高 全面 积极 重要 主要
同时 通过 为了 对于 关于 有关 没有 已经 可以 必须 应当 一年 今年 去年 各位 代表
工作 问题 方面 情况 发展 建设 国家 我国 中国 全国 社会 经济 政府""".split())


def _terms(text: str, lang: str, max_n: int = 3) -> Iterable[str]:
    if lang == "zh":
        import rjieba

        for word in rjieba.cut(text):
            if _ZH_WORD.match(word) and word not in ZH_STOPWORDS:
                yield word
        return
    words = _EN_WORD.findall(text.lower())
    for n in range(1, max_n + 1):
        for i in range(len(words) - n + 1):
            gram = words[i:i + n]
            if gram[0] in EN_STOPWORDS or gram[-1] in EN_STOPWORDS or any(len(w) < 2 for w in gram):
                continue
            yield " ".join(gram)


def emerging_terms(out_dir, period: str, baseline: str, *, jurisdiction: str | None = None,
                   lang: str | None = None, min_count: int = 5, top: int = 30, prior_strength: float = 500.0,
                   lexicon=None) -> pd.DataFrame:
    """Terms rising in ``period`` against ``baseline`` ("YEAR-YEAR") near framing mentions, most
    distinctive first (see the module docstring)."""
    from pipeline.tag import FrameTagger

    tables = RunTables.read(out_dir)
    documents = tables.documents
    if jurisdiction is not None:
        documents = documents[documents["jurisdiction"] == jurisdiction]
    sides = {}
    for name, text in (("period", period), ("baseline", baseline)):
        first, last = parse_period_range(text)
        sides[name] = set(documents.loc[documents["year"].between(first, last), "doc_id"])
        if not sides[name]:
            raise ValueError(f"no documents in the {name} {text}" + (f" for {jurisdiction}" if jurisdiction else ""))
    sentences = read_table(out_dir, "sentences", ["doc_id", "sentence_id", "lang", "text"])
    sentences = sentences[sentences["doc_id"].isin(sides["period"] | sides["baseline"])]
    if lang is not None:
        sentences = sentences[sentences["lang"] == lang]
    mentions = tables.mentions[~tables.mentions["negated"]]
    framed_concept = mentions.groupby(["doc_id", "sentence_id"])["concept"].first()

    counts = {"period": Counter(), "baseline": Counter()}
    background: Counter = Counter()
    near: dict[str, Counter] = {}
    example: dict[str, tuple[str, int]] = {}
    for row in sentences.itertuples(index=False):
        side = "period" if row.doc_id in sides["period"] else "baseline"
        terms = list(dict.fromkeys(_terms(row.text, row.lang)))  # a term counts once per sentence
        background.update(terms)
        concept = framed_concept.get((row.doc_id, row.sentence_id))
        if concept is None:
            continue
        counts[side].update(terms)
        if side == "period":
            for term in terms:
                near.setdefault(term, Counter())[concept] += 1
                example.setdefault(term, (row.doc_id, row.sentence_id))
    frame = _log_odds(counts["period"], counts["baseline"], background, prior_strength, min_count)
    if frame.empty:
        return pd.DataFrame(columns=EMERGING_COLUMNS)
    tagger = FrameTagger(lexicon)  # None: the shipped lexicon
    frame = frame[[not tagger.tag(term) for term in frame["term"]]]  # the lexicon already has these
    frame = frame[frame["z"] > 0].head(top).copy()
    frame["lang"] = [("zh" if re.search(r"[\u4e00-\u9fff]", term) else "en") for term in frame["term"]]
    frame["near_concept"] = [near[term].most_common(1)[0][0] if term in near else None for term in frame["term"]]
    frame["example_doc"] = [example.get(term, (None, None))[0] for term in frame["term"]]
    frame["example_sentence"] = [example.get(term, (None, None))[1] for term in frame["term"]]
    return frame[EMERGING_COLUMNS].reset_index(drop=True)


def _log_odds(period: Counter, baseline: Counter, background: Counter, prior_strength: float, min_count: int
              ) -> pd.DataFrame:
    terms = [term for term in set(period) | set(baseline) if period[term] + baseline[term] >= min_count]
    if not terms:
        return pd.DataFrame(columns=["term", "z", "log_odds", "n_period", "n_baseline", "per_10k_period",
                                     "per_10k_baseline"])
    terms.sort()
    y_i = np.array([period[t] for t in terms], dtype=float)
    y_j = np.array([baseline[t] for t in terms], dtype=float)
    n_i, n_j = sum(period.values()), sum(baseline.values())
    total = sum(background.values())
    alpha = np.array([background[t] for t in terms], dtype=float) / total * prior_strength
    alpha0 = prior_strength
    delta = (np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha))
             - np.log((y_j + alpha) / (n_j + alpha0 - y_j - alpha)))
    z = delta / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
    frame = pd.DataFrame({"term": terms, "z": z, "log_odds": delta, "n_period": y_i.astype(int),
                          "n_baseline": y_j.astype(int), "per_10k_period": y_i / max(n_i, 1) * 1e4,
                          "per_10k_baseline": y_j / max(n_j, 1) * 1e4})
    return frame.sort_values(["z", "term"], ascending=[False, True]).reset_index(drop=True)
