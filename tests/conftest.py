"""Cheap shared fixtures. Real text is read from ../shared/corpora at test time, never copied in."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICY_PIPELINE_SHARED", REPO.parent / "shared"))
CORPORA = SHARED / "corpora"


@pytest.fixture(scope="session")
def corpora() -> Path:
    assert CORPORA.is_dir(), f"the shared corpora are expected at {CORPORA} (set POLICY_PIPELINE_SHARED)"
    return CORPORA


def source_folder(corpus: str) -> Path:
    """Where a golden row's text lives: a corpus of ../shared/corpora, or "seeds", the reference paper."""
    return SHARED / "seeds" if corpus == "seeds" else CORPORA / corpus


def golden_sentence(row: dict) -> str:
    """The sentence a golden row (corpus, file, start, end, sha1) points at, read from ../shared and checked
    against the row's hash, so a changed corpus file fails loudly instead of testing other text."""
    text = (source_folder(row["corpus"]) / row["file"]).read_text(encoding="utf-8")
    sentence = text[int(row["start"]):int(row["end"])]
    assert hashlib.sha1(sentence.encode()).hexdigest()[:12] == row["sha1"], "the corpus file changed"
    return sentence


def real_text(corpus: str, doc_id: str) -> str:
    return (CORPORA / corpus / f"{doc_id}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def work_report_2021() -> str:
    return real_text("cn_gov_work_reports", "2021")


@pytest.fixture(scope="session")
def sotu_2023() -> str:
    return real_text("us_sotu", "2023-02-07_Biden")


@pytest.fixture(scope="session")
def segmenter():
    from pipeline.segment import Segmenter

    return Segmenter()


# One processed run of the headline corpora, shared by the aggregation, report, classifier and notebook tests.
HEADLINE = ("cn_gov_work_reports", "us_sotu", "eu_soteu")


@pytest.fixture(scope="session")
def headline_run(corpora, tmp_path_factory):
    from pipeline.batch import run_pipeline
    from pipeline.config import PipelineConfig

    out = tmp_path_factory.mktemp("headline_run")
    summary = run_pipeline([str(corpora / name) for name in HEADLINE], out, PipelineConfig.load(
        overrides=["run.workers=2"]))
    assert summary.n_ok > 300
    return out
