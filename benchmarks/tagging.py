"""What tagging adds to segmentation, on the same documents, measured in one run.

    .venv/bin/python benchmarks/tagging.py [CORPUS_DIR ...]

Documents are loaded first; then every document is segmented (timed) and its segmentation tagged with
the framing lexicon (timed), as ``run`` does in each worker. Prints both times and tagging as a share of
segmentation (target: at most 30%).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpora"
DEFAULT_CORPORA = [SHARED / "cn_gov_work_reports", SHARED / "us_sotu"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--repeat", type=int, default=2, help="passes (the best pass of each stage counts)")
    arguments = parser.parse_args()

    from pipeline.batch import tag_segmented
    from pipeline.io import load_documents
    from pipeline.segment import Segmenter
    from pipeline.tag import FrameTagger

    documents = [doc for doc in load_documents([str(path) for path in arguments.corpora]) if doc.ok]
    n_chars = sum(len(doc.text) for doc in documents)
    print(f"{len(documents)} documents, {n_chars:,} characters", file=sys.stderr)
    segmenter, tagger = Segmenter().load(), FrameTagger()

    segment_best = tag_best = float("inf")
    n_mentions = 0
    for _ in range(arguments.repeat):
        started = time.perf_counter()
        segmented = [segmenter.segment(doc) for doc in documents]
        segment_best = min(segment_best, time.perf_counter() - started)
        started = time.perf_counter()
        mentions = [tag_segmented(tagger, doc, seg) for doc, seg in zip(documents, segmented, strict=True)]
        tag_best = min(tag_best, time.perf_counter() - started)
        n_mentions = sum(map(len, mentions))

    print(f"{'stage':<12}{'seconds':>10}{'chars/s':>14}")
    print(f"{'segment':<12}{segment_best:>10.2f}{n_chars / segment_best:>14,.0f}")
    print(f"{'tag':<12}{tag_best:>10.2f}{n_chars / tag_best:>14,.0f}   ({n_mentions:,} mentions)")
    print(f"ratio: tagging adds {tag_best / segment_best:.0%} to segmentation time")


if __name__ == "__main__":
    main()
