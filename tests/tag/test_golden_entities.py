"""Golden entity tables: names in real sentences of ../shared (corpora and the reference paper), by path
and offsets, with the canonical id each must get, written by hand per probe in
``tests/golden/regenerate_entities.py`` (or, after "!", the id a look-alike must not get). ``entities.tsv``
was looked at while the gazetteer was written; ``entities_heldout.tsv`` holds later occurrences kept aside
and is checked the same way."""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from pipeline.batch.worker import Stages
from pipeline.config import PipelineConfig
from pipeline.io import discover_sources, load_document
from tests.conftest import SHARED

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _rows(name: str) -> list[dict]:
    with (GOLDEN / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


DEV, HELDOUT = _rows("entities.tsv"), _rows("entities_heldout.tsv")


def _lang(row: dict) -> str:
    return "zh" if any("\u4e00" <= char <= "\u9fff" for char in row["name"]) or row["path"].startswith(
        ("corpora/cn_", "seeds/")) else "en"


@pytest.fixture(scope="module")
def stages() -> Stages:
    return Stages(PipelineConfig())


@cache
def _document(path: str):
    source = next(iter(discover_sources([str(SHARED / path)])))
    return load_document(source)


def _found(stages: Stages, path: str):
    document = _document(path)
    segmented = stages.segmenter.segment(document)
    return document, stages.entities(document, segmented, [])


def _failures(stages: Stages, rows: list[dict]) -> list[str]:
    by_path: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_path[row["path"]].append(row)
    failures = []
    for path, path_rows in by_path.items():
        document, entities = _found(stages, path)
        for row in path_rows:
            start, end, expected = int(row["start"]), int(row["end"]), row["expected"]
            assert document.text[start:end] == row["name"], f"{path}: the text moved; regenerate the table"
            covering = [e.canonical_id for e in entities if e.start < end and start < e.end]
            if expected.startswith("!"):
                ok = expected[1:] not in covering
            elif expected.endswith("*"):
                ok = any(e.canonical_id and e.canonical_id.startswith(expected[:-1]) and e.start <= start
                         and e.end >= end for e in entities)
            else:
                ok = any(e.canonical_id == expected and e.start <= start and e.end >= end for e in entities)
            if not ok:
                failures.append(f"{path}@{start}: {row['name']!r} expected {expected}, found {covering}")
    return failures


def test_the_golden_tables_cover_both_languages_and_look_alikes():
    assert len(DEV) >= 60 and len(HELDOUT) >= 40
    positive = defaultdict(set)
    for row in DEV + HELDOUT:
        if not row["expected"].startswith("!"):
            positive[_lang(row)].add(row["expected"])
    shared = positive["zh"] & positive["en"]
    # The same things named in both languages: the point of canonical ids.
    assert {"co:tsmc", "co:intel", "co:micron", "person:joe_biden", "law:us_chips_act", "org:european_commission",
            "law:eu_crma", "gpe:US", "gpe:EU", "forum:wto", "forum:g20", "sector:rare_earths"} <= shared
    assert len(shared) >= 20
    look_alikes = {row["expected"] for row in DEV + HELDOUT if row["expected"].startswith("!")}
    assert {"!co:intel", "!gpe:CN", "!gpe:MX", "!sector:semiconductors"} <= look_alikes
    assert {row["path"].split("/")[0] for row in DEV} == {"corpora", "seeds"}


def test_dev_names_get_their_canonical_ids(stages):
    failures = _failures(stages, DEV)
    assert not failures, "\n".join(failures)


def test_held_out_names_get_their_canonical_ids(stages):
    failures = _failures(stages, HELDOUT)
    assert not failures, "\n".join(failures)
