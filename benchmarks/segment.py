"""Chinese segmentation throughput: the pipeline's segmenter against ``jieba.lcut`` on the same text.

    .venv/bin/python benchmarks/segment.py [CORPUS_DIR ...]

Both sides get the same normalised documents, already in memory, with dictionaries loaded before the
clock starts. The pipeline side does more than jieba.lcut: sentence spans, word offsets, word counts.
Prints both throughputs and their ratio, measured in this one run.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = [REPO.parent / "shared" / "corpora" / "cn_gov_work_reports",
                   REPO.parent / "shared" / "corpora" / "cn_cpc_congress_reports"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the text (best pass counts)")
    arguments = parser.parse_args()

    import jieba

    from pipeline.io import load_documents
    from pipeline.segment import Segmenter

    loaded = load_documents([str(path) for path in arguments.corpora])
    documents = [doc for doc in loaded if doc.ok and doc.lang == "zh"]
    texts = [doc.text for doc in documents]
    n_chars = sum(map(len, texts))
    print(f"{len(documents)} Chinese documents, {n_chars:,} characters", file=sys.stderr)

    segmenter = Segmenter().load()  # dictionaries loaded before the clock starts
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()

    def best_of(function) -> float:
        timings = []
        for _ in range(arguments.repeat):
            started = time.perf_counter()
            function()
            timings.append(time.perf_counter() - started)
        return min(timings)

    pipeline_seconds = best_of(lambda: [segmenter.segment(doc) for doc in documents])
    jieba_seconds = best_of(lambda: [jieba.lcut(text) for text in texts])

    print(f"{'segmenter':<34}{'chars/s':>14}{'seconds':>10}")
    print(f"{'pipeline (rjieba, sentences+offsets)':<34}{n_chars / pipeline_seconds:>14,.0f}{pipeline_seconds:>10.2f}")
    print(f"{'jieba.lcut':<34}{n_chars / jieba_seconds:>14,.0f}{jieba_seconds:>10.2f}")
    print(f"ratio: pipeline is {jieba_seconds / pipeline_seconds:.1f}x faster than jieba.lcut")


if __name__ == "__main__":
    main()
