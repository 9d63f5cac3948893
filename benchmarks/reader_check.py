"""The reader's check: random corpus sentences (never gold) annotated by the codebook *before* anyone looks at
what the tagger finds, then compared with it. It measures recall on text the lexicon was not tuned against at
the moment of reading, in genres and periods the gold does not cover; it is one reader's judgement, not gold.

    # draw a sample to annotate (from a processed run of ../shared/corpora; gold sentences are left out):
    # out/sample.jsonl holds the sentences to read, out/sample.tsv their places with empty label columns
    .venv/bin/python benchmarks/reader_check.py draw out/sample.jsonl --run RUN --n 40 --seed 11 \\
        cn_gov_work_reports:1978-2011 cn_cpc_congress_reports:1978-2011
    # score the tagger on annotated samples (places only: the sentences are read from ../shared/corpora)
    .venv/bin/python benchmarks/reader_check.py score benchmarks/reader_check/2026-12-07.tsv [--lexicon FILE]

A draw never takes a sentence a table already holds (``--not-in``, by default every table in
benchmarks/reader_check), nor a gold sentence. It keeps about four in five sentences holding a trade, supply,
industry, market or security word, so the sample is not mostly sentences that frame nothing, and one in five
without one. The annotation table has one
row per sentence drawn: its place (corpus, file, offsets into the ingested document text, a hash of the
sentence) and the concepts the reader was sure of and those the reader found borderline, each concept once
per mention (``a|a|b``). Scoring counts, per sentence, the tagger's counted mentions of each concept against
the reader's: found = min(tagged, sure); *extra* = tagged beyond sure and borderline, which the reader would
not have marked. ``--lexicon`` scores another lexicon file, such as the version before the rules a sample
led to (``git show <commit>:pipeline/lexicon/concepts.yaml``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.notebook import shared_corpora  # noqa: E402

# A sentence that can hold a framing mention usually holds one of these.
CUE = re.compile(r"开放|安全|供应|产业链|供应链|出口|进口|贸易|外资|自主|依赖|全球化|竞争|科技|制裁|保护主义|市场|"
                 r"trade|suppl|secur|export|import|tariff|industr|manufactur|open|market|depend|China|sanction|"
                 r"invest|compet|global", re.IGNORECASE)
CUED_SHARE = 0.8


TABLES = sorted((Path(__file__).parent / "reader_check").glob("*.tsv"))


def drawn_before(tables: list[Path]) -> set[str]:
    """The hashes of the sentences the tables already hold: a sentence is annotated and scored once."""
    hashes: set[str] = set()
    for table in tables:
        if not table.is_file():
            raise ValueError(f"{table}: no such table")
        with table.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            if "sha1" not in (reader.fieldnames or []):
                raise ValueError(f"{table}: not a reader-check table (it has no sha1 column)")
            hashes.update(row["sha1"] for row in reader)
    return hashes


def _sha1(sentence: str) -> str:
    return hashlib.sha1(sentence.encode()).hexdigest()[:12]


def draw(out: Path, run: Path, n: int, seed: int, specs: list[str], not_in: list[Path] | None = None) -> None:
    import pandas as pd

    from pipeline.io import normalize_text
    from pipeline.tag.records import read_records

    documents = pd.read_parquet(run / "documents.parquet", columns=["doc_id", "corpus", "year", "path"])
    sentences = pd.read_parquet(run / "sentences.parquet", columns=["doc_id", "sentence_id", "start", "end", "text"])
    gold = {normalize_text(record["text"]) for record in read_records(sorted((shared_corpora().parent / "eval")
                                                                              .glob("*_dev*.jsonl")))}
    chosen = []
    for spec in specs:
        corpus, _, years = spec.partition(":")
        first, _, last = years.partition("-")
        keep = documents.corpus == corpus
        if years:
            keep &= documents.year.between(int(first), int(last or first))
        chosen.append(documents[keep])
    pool = sentences.merge(pd.concat(chosen), on="doc_id")
    pool = pool[pool.text.str.len().between(20, 400) & ~pool.text.map(normalize_text).isin(gold)]
    pool = pool[~pool.text.map(_sha1).isin(drawn_before(TABLES if not_in is None else not_in))]
    cued = pool.text.str.contains(CUE)
    k = round(n * CUED_SHARE)
    picked = pd.concat([pool[cued].sample(min(k, int(cued.sum())), random_state=seed),
                        pool[~cued].sample(min(n - k, int((~cued).sum())), random_state=seed)])
    picked = picked.sample(frac=1, random_state=seed)
    rows = []
    with out.open("w", encoding="utf-8") as handle:
        for number, row in enumerate(picked.itertuples(), start=1):
            handle.write(json.dumps({"id": f"{number:02d}", "corpus": row.corpus, "doc_id": row.doc_id,
                                     "start": int(row.start), "end": int(row.end), "year": int(row.year),
                                     "text": row.text}, ensure_ascii=False) + "\n")
            rows.append({"sample": out.stem, "corpus": row.corpus, "file": Path(row.path).name,
                         "start": int(row.start), "end": int(row.end),
                         "sha1": _sha1(row.text), "sure": "", "borderline": ""})
    # The table to fill in, in the same order (places only, so it can be kept in the repository).
    table = out.with_suffix(".tsv")
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(picked)} sentences to {out} and their places to {table}: "
          "annotate them (sure and borderline concepts, a|a|b) before tagging them")


def annotated_sentences(tables: list[Path]) -> Iterator[tuple[dict, str]]:
    """Each table row with the sentence it places, read from ../shared/corpora through the pipeline's own
    ingestion; a sentence whose hash differs from the row's raises ValueError naming the place."""
    from pipeline.io import discover_sources, load_document

    texts: dict[tuple[str, str], str] = {}
    for table in tables:
        for row in csv.DictReader(table.open(encoding="utf-8"), delimiter="\t"):
            key = (row["corpus"], row["file"])
            if key not in texts:
                path = shared_corpora() / row["corpus"] / row["file"]
                texts[key] = load_document(next(iter(discover_sources([str(path)])))).text
            sentence = texts[key][int(row["start"]):int(row["end"])]
            if _sha1(sentence) != row["sha1"]:
                raise ValueError(f"{table.name}: {row['corpus']}/{row['file']}:{row['start']}: the text changed "
                                 "since it was annotated")
            yield row, sentence


@dataclass
class Comparison:
    """The tagger against the reader: counts per sample and over all (key "all"), and each miss and extra
    as (place, concept, sentence)."""

    totals: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    extras: list[tuple[str, str, str]] = field(default_factory=list)


def compare(tables: list[Path], tagger) -> Comparison:
    result = Comparison()
    for row, sentence in annotated_sentences(tables):
        tagged = Counter(mention.concept for mention in tagger.tag(sentence) if mention.counted)
        sure = Counter(concept for concept in row["sure"].split("|") if concept)
        allowed = sure + Counter(concept for concept in row["borderline"].split("|") if concept)
        found = sum(min(tagged[concept], count) for concept, count in sure.items())
        extra = sum(max(0, count - allowed[concept]) for concept, count in tagged.items())
        for key in (row["sample"], "all"):
            result.totals[key].update(sentences=1, sure=sum(sure.values()), found=found,
                                      tagged=sum(tagged.values()), extra=extra)
        place = f"{row['corpus']}/{row['file']}:{row['start']}"
        result.misses += [(place, concept, sentence) for concept in sure if tagged[concept] < sure[concept]]
        result.extras += [(place, concept, sentence) for concept in tagged if tagged[concept] > allowed[concept]]
    return result


def score(tables: list[Path], lexicon: Path | None) -> Comparison:
    from pipeline.lexicon import load_lexicon
    from pipeline.tag import FrameTagger

    result = compare(tables, FrameTagger(load_lexicon(lexicon) if lexicon else None))
    print("sample  sentences  sure  found  recall  tagged  extra")
    for key, total in sorted(result.totals.items(), key=lambda item: (item[0] == "all", item[0])):
        recall = total["found"] / total["sure"] if total["sure"] else float("nan")
        print(f"{key:7s} {total['sentences']:9d} {total['sure']:5d} {total['found']:6d} {recall:7.2f} "
              f"{total['tagged']:7d} {total['extra']:6d}")
    for label, rows in (("missed", result.misses), ("extra", result.extras)):
        for place, concept, sentence in rows:
            print(f"{label}: {concept} in {place}: {sentence[:160]}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    draw_command = commands.add_parser("draw", help="draw sentences to annotate")
    draw_command.add_argument("out", type=Path)
    draw_command.add_argument("--run", type=Path, required=True, help="a processed run of ../shared/corpora")
    draw_command.add_argument("--n", type=int, default=40)
    draw_command.add_argument("--seed", type=int, default=11)
    draw_command.add_argument("specs", nargs="+", help="CORPUS or CORPUS:FROM-TO (years)")
    draw_command.add_argument("--not-in", nargs="*", type=Path, default=None,
                              help="tables whose sentences are not drawn again (default: reader_check/*.tsv)")
    score_command = commands.add_parser("score", help="score the tagger on annotated samples")
    score_command.add_argument("tables", nargs="+", type=Path)
    score_command.add_argument("--lexicon", type=Path, default=None)
    args = parser.parse_args()
    try:
        if args.command == "draw":
            draw(args.out, args.run, args.n, args.seed, args.specs, args.not_in)
        else:
            score(args.tables, args.lexicon)
    except ValueError as error:
        raise SystemExit(str(error)) from None


if __name__ == "__main__":
    main()
