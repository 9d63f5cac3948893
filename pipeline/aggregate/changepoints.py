"""Change points in each jurisdiction's family series: when did the level of the SVC share (or of a
family's rate) move, how sure is it, and which documents are around it.

Binary segmentation with a Gaussian mean-shift model: a segment is split at its best break when that
lowers a BIC whose penalty is ``penalty`` log n per break (3: on 25 points of noise about 4% of series get
a break, and a shift of two standard deviations after 15 points is found 88% of the time, measured by
simulation; 2, the plain BIC, finds a break in 14% of noise series); at most ``max_breaks``. Each break's uncertainty
is the posterior over its position within its segment, with flat priors on the two means and on the
position and a Jeffreys prior on the shared variance: p(tau | y) ~ (n1 n2)^(-1/2) S(tau)^(-(n-2)/2), where
S is the within-segment sum of squares. The table gives the most probable period, its probability, and
the central interval holding ``credibility`` of the posterior.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.aggregate.trends import ALL

SERIES = ("svc_share", "svc_rate", "gvc_rate")
CHANGEPOINT_COLUMNS = ["jurisdiction", "series", "break_period", "probability", "interval_low", "interval_high",
                       "mean_before", "mean_after", "first_period", "last_period", "n_periods", "documents_around"]


@dataclass
class Break:
    position: int  # index of the first period after the break
    posterior: np.ndarray  # over positions min_size .. n - min_size (index = position)


def _sse(values: np.ndarray) -> float:
    return float(((values - values.mean()) ** 2).sum()) if len(values) else 0.0


def _posterior(values: np.ndarray, min_size: int) -> np.ndarray | None:
    n = len(values)
    positions = range(min_size, n - min_size + 1)
    if n < 2 * min_size or not len(positions):
        return None
    log_p = np.full(n + 1, -np.inf)
    for tau in positions:
        s = _sse(values[:tau]) + _sse(values[tau:])
        log_p[tau] = -0.5 * np.log(tau * (n - tau)) - (n - 2) / 2 * np.log(max(s, 1e-12))
    log_p -= log_p.max()
    posterior = np.exp(log_p)
    return posterior / posterior.sum()


def _bic_gain(values: np.ndarray, tau: int, penalty: float) -> float:
    n = len(values)
    whole = max(_sse(values), 1e-12)
    split = max(_sse(values[:tau]) + _sse(values[tau:]), 1e-12)
    return n * np.log(whole / split) - penalty * np.log(n)


def find_breaks(values: np.ndarray, *, min_size: int = 3, max_breaks: int = 3, penalty: float = 3.0
                ) -> list[Break]:
    """Breaks of a series by binary segmentation (positions are indices into ``values``)."""
    found: list[Break] = []
    segments = [(0, len(values))]
    while segments and len(found) < max_breaks:
        best = None
        for start, end in segments:
            posterior = _posterior(values[start:end], min_size)
            if posterior is None:
                continue
            tau = int(np.argmax(posterior))
            gain = _bic_gain(values[start:end], tau, penalty)
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, start, end, tau, posterior)
        if best is None:
            break
        _, start, end, tau, posterior = best
        full = np.zeros(len(values) + 1)
        full[start:end + 1] = posterior
        found.append(Break(start + tau, full))
        segments.remove((start, end))
        segments += [(start, start + tau), (start + tau, end)]
    return _refined(values, sorted(found, key=lambda item: item.position), min_size)


def _refined(values: np.ndarray, breaks: list[Break], min_size: int) -> list[Break]:
    """Each break's position and posterior again, within the segment its neighbours leave it: a break
    found first, on the whole series, would otherwise keep a posterior spread over the other breaks."""
    refined = []
    for number, found in enumerate(breaks):
        start = breaks[number - 1].position if number else 0
        end = breaks[number + 1].position if number + 1 < len(breaks) else len(values)
        posterior = _posterior(values[start:end], min_size)
        if posterior is None:
            refined.append(found)
            continue
        full = np.zeros(len(values) + 1)
        full[start:end + 1] = posterior
        refined.append(Break(start + int(np.argmax(posterior)), full))
    return refined


def _interval(posterior: np.ndarray, credibility: float) -> tuple[int, int]:
    cumulative = np.cumsum(posterior)
    tail = (1 - credibility) / 2
    return int(np.searchsorted(cumulative, tail)), int(np.searchsorted(cumulative, 1 - tail))


def family_series(shift: pd.DataFrame, trends: pd.DataFrame, jurisdiction: str, series: str,
                  min_mentions: int = 5) -> pd.Series:
    """A jurisdiction's pooled series by period: ``svc_share`` (periods with at least ``min_mentions`` svc+gvc
    mentions), ``svc_rate`` or ``gvc_rate`` (per 10k tokens)."""
    if series == "svc_share":
        rows = shift[(shift["jurisdiction"] == jurisdiction) & (shift["group"] == ALL)
                     & (shift["n_svc"] + shift["n_gvc"] >= min_mentions)]
        return rows.set_index("period")["svc_share"].sort_index()
    family = series.split("_")[0]
    rows = trends[(trends["jurisdiction"] == jurisdiction) & (trends["group"] == ALL) & (trends["level"] == "family")
                  & (trends["key"] == family)]
    return rows.set_index("period")["rate_per_10k_tokens"].sort_index()


def change_points(shift: pd.DataFrame, trends: pd.DataFrame, documents: pd.DataFrame, *, since: int | None = None,
                  credibility: float = 0.9, min_size: int = 3, max_breaks: int = 3) -> pd.DataFrame:
    """Breaks in every jurisdiction's family series (``since``: ignore earlier periods). ``documents`` needs
    ``doc_id, jurisdiction, period``; a break lists the documents of the periods on both sides of it."""
    rows = []
    for jurisdiction in sorted(shift["jurisdiction"].unique()):
        for series in SERIES:
            values = family_series(shift, trends, jurisdiction, series).dropna()
            if since is not None:
                values = values[values.index.str[:4].astype(int) >= since]
            periods = list(values.index)
            breaks = find_breaks(values.to_numpy(dtype=float), min_size=min_size, max_breaks=max_breaks)
            edges = [0] + [found.position for found in breaks] + [len(periods)]
            for number, found in enumerate(breaks, start=1):
                low, high = _interval(found.posterior, credibility)
                last = len(periods) - 1
                around = periods[found.position - 1:found.position + 1]
                near = documents[(documents["jurisdiction"] == jurisdiction) & documents["period"].isin(around)]
                rows.append({
                    "jurisdiction": jurisdiction, "series": series, "break_period": periods[found.position],
                    "probability": float(found.posterior[found.position]),
                    "interval_low": periods[min(low, last)], "interval_high": periods[min(high, last)],
                    # The levels of the segments on either side (up to the neighbouring breaks).
                    "mean_before": float(values.iloc[edges[number - 1]:found.position].mean()),
                    "mean_after": float(values.iloc[found.position:edges[number + 1]].mean()),
                    "first_period": periods[0], "last_period": periods[-1], "n_periods": len(periods),
                    "documents_around": sorted(near["doc_id"])[:20],
                })
    return pd.DataFrame(rows, columns=CHANGEPOINT_COLUMNS)
