"""One processed run of the headline corpora, shared by the aggregation, report and notebook tests."""

from __future__ import annotations

import pytest

from pipeline.batch import run_pipeline
from pipeline.config import PipelineConfig

HEADLINE = ("cn_gov_work_reports", "us_sotu", "eu_soteu")


@pytest.fixture(scope="session")
def headline_run(corpora, tmp_path_factory):
    out = tmp_path_factory.mktemp("headline_run")
    summary = run_pipeline([str(corpora / name) for name in HEADLINE], out, PipelineConfig.load(
        overrides=["run.workers=2"]))
    assert summary.n_ok > 300
    return out
