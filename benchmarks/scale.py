"""The whole shared corpus: the pipeline against the floor, 2 workers against 1, and peak memory as the
corpus grows (25%, 50%, 100%). All measured in this one run.

    .venv/bin/python benchmarks/scale.py [--skip-one-worker]

Floor: reading the files, the fast segmenters (rjieba for Chinese, spaCy's rule-based tokenizer for
English) and one Aho-Corasick scan with the lexicon's terms and anchors, over the same 2-process pool.
Pipeline: ``run_pipeline`` from the files to the three Parquet tables (normalisation, language, metadata,
sentences, offsets, context rules, deduplication, incremental work parts), with ``force``. Memory is the
peak of the summed resident memory of the process and its workers. Targets: within 3x of the floor;
2 workers >= 1.7x one worker; peak < 2 GB and flat as the corpus grows.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CORPORA, REPO, PeakMemory, timed  # noqa: E402

sys.path.insert(0, str(REPO))

_FLOOR: dict = {}


def _floor_init() -> None:
    import ahocorasick_rs
    import rjieba
    import spacy

    from pipeline.lexicon import load_lexicon

    lexicon = load_lexicon()
    patterns = sorted({term.anchor for term in lexicon.terms})
    _FLOOR.update(jieba=rjieba.Jieba(), english=spacy.blank("en"), automaton=ahocorasick_rs.AhoCorasick(patterns))
    _FLOOR["english"].max_length = 10**9


def _floor_one(item: tuple[str, str]) -> int:
    path, lang = item
    text = Path(path).read_bytes().decode("utf-8", errors="replace")
    if lang == "zh":
        tokens = len(_FLOOR["jieba"].cut(text))
    else:
        tokens = len(_FLOOR["english"].tokenizer(text))
    return tokens + len(_FLOOR["automaton"].find_matches_as_indexes(text.lower(), overlapping=True))


def corpus_files(fraction: float = 1.0) -> list[tuple[str, str, str]]:
    """(corpus, path, language) of the first ``fraction`` of every corpus's manifest."""
    files = []
    for manifest in sorted(CORPORA.glob("*/manifest.csv")):
        with manifest.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows[: max(1, round(len(rows) * fraction))]:
            files.append((manifest.parent.name, str(manifest.parent / f"{row['doc_id']}.txt"), row["language"]))
    return files


def subset_folder(fraction: float, root: Path) -> Path:
    """A folder of corpus folders holding the first ``fraction`` of each corpus (manifests and symlinks)."""
    for manifest in sorted(CORPORA.glob("*/manifest.csv")):
        with manifest.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows, fields = list(reader), reader.fieldnames
        keep = rows[: max(1, round(len(rows) * fraction))]
        target = root / manifest.parent.name
        target.mkdir(parents=True)
        with (target / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(keep)
        for row in keep:
            (target / f"{row['doc_id']}.txt").symlink_to(manifest.parent / f"{row['doc_id']}.txt")
    return root


def pipeline_run(inputs: list[str], workers: int) -> tuple[float, float, object]:
    from pipeline.batch import run_pipeline
    from pipeline.config import PipelineConfig

    config = PipelineConfig.from_dict({"run": {"workers": workers}})
    with tempfile.TemporaryDirectory() as out, PeakMemory() as memory:
        seconds, summary = timed(run_pipeline, inputs, out, config, force=True)
    return seconds, memory.peak_bytes, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-one-worker", action="store_true", help="skip the slow single-worker run")
    arguments = parser.parse_args()
    files = corpus_files()
    total_bytes = sum(Path(path).stat().st_size for _, path, _ in files)
    print(f"whole shared corpus: {len(files):,} files, {total_bytes / 2**20:,.0f} MB", flush=True)

    context = multiprocessing.get_context("spawn")

    def floor() -> int:
        with context.Pool(2, _floor_init) as pool:
            return sum(pool.imap(_floor_one, [(path, lang) for _, path, lang in files], chunksize=8))

    floor_seconds, _ = timed(floor)
    print(f"floor (read + rjieba/spaCy tokenizer + Aho-Corasick, 2 processes): {floor_seconds:7.1f} s", flush=True)
    two_seconds, two_peak, summary = pipeline_run([str(CORPORA)], 2)
    print(f"pipeline, 2 workers: {two_seconds:7.1f} s, peak {two_peak / 2**30:.2f} GB, {summary.n_documents:,} docs",
          flush=True)
    print(f"ratio: pipeline / floor = {two_seconds / floor_seconds:.2f}x (target <= 3x)", flush=True)
    if not arguments.skip_one_worker:
        one_seconds, _, _ = pipeline_run([str(CORPORA)], 1)
        print(f"pipeline, 1 worker: {one_seconds:7.1f} s", flush=True)
        print(f"ratio: 2 workers are {one_seconds / two_seconds:.2f}x faster than 1 (target >= 1.7x)", flush=True)
    print("peak memory as the corpus grows (2 workers):")
    for fraction in (0.25, 0.5):
        with tempfile.TemporaryDirectory() as root:
            seconds, peak, summary = pipeline_run([str(subset_folder(fraction, Path(root) / "corpora"))], 2)
        print(f"  {fraction:>4.0%}: {summary.n_documents:>6,} docs, {seconds:6.1f} s, peak {peak / 2**30:.2f} GB",
              flush=True)
    print(f"  100%: {len(files):>6,} docs, {two_seconds:6.1f} s, "
          f"peak {two_peak / 2**30:.2f} GB", flush=True)


if __name__ == "__main__":
    main()
