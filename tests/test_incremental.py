"""Incremental runs, lexicon changes, and a run killed with SIGKILL then resumed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import yaml
from click.testing import CliRunner

from pipeline.batch import WORK_FOLDER, read_table, run_pipeline
from pipeline.cli import main
from pipeline.config import PipelineConfig
from pipeline.lexicon import default_lexicon_path

TABLES = ("documents.parquet", "sentences.parquet", "mentions.parquet", "entities.parquet", "cooccurrence.parquet")
ONE_WORKER = PipelineConfig.from_dict({"run": {"workers": 1}})


def _same_tables(first, second) -> None:
    for table in TABLES:
        assert (first / table).read_bytes() == (second / table).read_bytes(), table


@pytest.fixture()
def small_corpus(tmp_path, corpora):
    folder = tmp_path / "speeches"
    shutil.copytree(corpora / "eu_soteu", folder)
    return folder


def test_a_rerun_reuses_everything_and_gives_identical_tables(small_corpus, tmp_path):
    first = run_pipeline([str(small_corpus)], tmp_path / "out", ONE_WORKER)
    copy = tmp_path / "first"
    shutil.copytree(tmp_path / "out", copy)
    again = run_pipeline([str(small_corpus)], tmp_path / "out", ONE_WORKER)
    assert (first.n_ingested, first.n_reused) == (12, 0)
    assert (again.n_ingested, again.n_analyzed, again.n_reused) == (0, 0, 12)
    _same_tables(copy, tmp_path / "out")


def test_only_new_or_changed_inputs_are_processed(small_corpus, tmp_path):
    run_pipeline([str(small_corpus)], tmp_path / "out", ONE_WORKER)
    changed = sorted(small_corpus.glob("2023-*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nWe will de-risk, not decouple.\n", encoding="utf-8")
    (small_corpus / "notes_2024.txt").write_text("Europe must reduce its strategic dependencies on China.",
                                                 encoding="utf-8")
    summary = run_pipeline([str(small_corpus)], tmp_path / "out", ONE_WORKER)
    assert (summary.n_ingested, summary.n_reused, summary.n_documents) == (2, 11, 13)
    fresh = run_pipeline([str(small_corpus)], tmp_path / "fresh", ONE_WORKER)
    assert fresh.n_ingested == 13
    _same_tables(tmp_path / "out", tmp_path / "fresh")
    # Work for inputs that no longer exist is dropped.
    parts = list((tmp_path / "out" / WORK_FOLDER / "parts").iterdir())
    assert parts and all(not part.name.startswith(".tmp") for part in parts)


def test_a_lexicon_change_retags_without_reading_inputs(small_corpus, tmp_path):
    run_pipeline([str(small_corpus)], tmp_path / "out", ONE_WORKER)
    lexicon = yaml.safe_load(default_lexicon_path().read_text(encoding="utf-8"))
    lexicon["version"] = "test-1"
    lexicon["concepts"]["strategic_autonomy"]["en"].append("sovereign europe")
    changed = tmp_path / "lexicon.yaml"
    changed.write_text(yaml.safe_dump(lexicon, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(small_corpus), "--out", str(tmp_path / "out"), "--workers", "1",
                                       "--set", f"tag.lexicon={changed}"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert (manifest["counts"]["ingested"], manifest["counts"]["analyzed"]) == (0, 12)
    assert manifest["lexicon"]["version"] == "test-1"
    mentions = read_table(tmp_path / "out", "mentions")
    assert set(mentions["lexicon_version"]) == {"test-1"}
    assert (mentions["text"].str.lower() == "sovereign europe").any()
    config = PipelineConfig.from_dict({"run": {"workers": 1}, "tag": {"lexicon": str(changed)}})
    run_pipeline([str(small_corpus)], tmp_path / "fresh", config)
    _same_tables(tmp_path / "out", tmp_path / "fresh")


def test_force_recomputes(small_corpus, tmp_path):
    run_pipeline([str(small_corpus)], tmp_path / "out", ONE_WORKER)
    summary = run_pipeline([str(small_corpus)], tmp_path / "out", ONE_WORKER, force=True)
    assert (summary.n_ingested, summary.n_reused) == (12, 0)


@pytest.mark.slow
def test_a_run_killed_with_sigkill_resumes_to_identical_tables(corpora, tmp_path):
    inputs = [str(corpora / "cn_gov_work_reports"), str(corpora / "us_sotu")]
    command = [sys.executable, "-m", "pipeline", "run", *inputs, "--workers", "2", "--quiet",
               "--set", "run.batch_docs=8"]
    killed = tmp_path / "killed"
    process = subprocess.Popen([*command, "--out", str(killed)], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = killed / WORK_FOLDER / "parts"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        committed = [p for p in parts.iterdir() if not p.name.startswith(".tmp")] if parts.is_dir() else []
        if len(committed) >= 3:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the run and its workers, mid-way
    process.wait()
    assert not (killed / "run.json").exists(), "the run finished before it could be killed"
    subprocess.run([*command, "--out", str(killed)], check=True, timeout=600)
    subprocess.run([*command, "--out", str(tmp_path / "whole")], check=True, timeout=600)
    _same_tables(killed, tmp_path / "whole")
    manifest = json.loads((killed / "run.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["reused"] >= 24 and manifest["counts"]["documents"] == 308
