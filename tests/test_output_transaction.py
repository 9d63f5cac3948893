"""The output folder is a transaction: one run at a time, the old table set or the new one, never a mix,
and no silent replacement of another run's documents."""

from __future__ import annotations

import errno
import json
import os

import pytest
from click.testing import CliRunner

from pipeline.batch import read_table, run_pipeline
from pipeline.batch.runner import OtherInputs
from pipeline.cli import main
from pipeline.config import PipelineConfig
from pipeline.store import transaction
from pipeline.store.transaction import OutputFolder

ONE_WORKER = PipelineConfig.from_dict({"run": {"workers": 1}, "trends": {"resamples": 50}})
TEXT = "The United States will strengthen supply chain resilience and impose export controls. "


def _corpus(folder, names):
    folder.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(names):
        (folder / f"{name}.txt").write_text(f"{TEXT}Document {name} number {index}.\n" * 3, encoding="utf-8")
    return folder


def _documents(out) -> list[str]:
    return sorted(read_table(out, "documents")["doc_id"])


def test_a_second_run_into_a_locked_folder_is_refused(tmp_path):
    corpus = _corpus(tmp_path / "a", ["one"])
    with OutputFolder(tmp_path / "out"):
        result = CliRunner().invoke(main, ["run", str(corpus), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2 and "another policy-pipeline run is writing" in result.output
    assert CliRunner().invoke(main, ["run", str(corpus), "--out", str(tmp_path / "out"), "-q"]).exit_code == 0


def test_a_crash_before_commit_leaves_the_old_set(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "a", ["one", "two"])
    run_pipeline([str(corpus)], tmp_path / "out", ONE_WORKER)
    before = (tmp_path / "out" / "run.json").read_bytes()
    _corpus(corpus, ["three"])

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("pipeline.aggregate.outputs.write_aggregates", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline([str(corpus)], tmp_path / "out", ONE_WORKER)
    assert (tmp_path / "out" / "run.json").read_bytes() == before
    assert _documents(tmp_path / "out") == ["one", "two"]
    assert not (tmp_path / "out" / transaction.STAGING).exists()
    monkeypatch.undo()
    run_pipeline([str(corpus)], tmp_path / "out", ONE_WORKER)  # no leftover breaks the next run
    assert _documents(tmp_path / "out") == ["one", "three", "two"]


def test_a_crash_during_commit_is_rolled_forward(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "a", ["one"])
    run_pipeline([str(corpus)], tmp_path / "out", ONE_WORKER)
    _corpus(corpus, ["two"])
    def power_cut_after_one_move(out):
        stage = out / transaction.STAGING
        first = json.loads((stage / transaction.JOURNAL).read_text())["move"][0]
        os.replace(stage / first, out / first)
        raise KeyboardInterrupt

    monkeypatch.setattr(transaction, "_apply", power_cut_after_one_move)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline([str(corpus)], tmp_path / "out", ONE_WORKER)
    monkeypatch.undo()
    assert (tmp_path / "out" / transaction.STAGING / transaction.JOURNAL).is_file()
    # The next reader finishes the commit: every table and run.json are the new run's.
    assert _documents(tmp_path / "out") == ["one", "two"]
    manifest = json.loads((tmp_path / "out" / "run.json").read_text())
    assert manifest["counts"]["documents"] == 2
    assert set(read_table(tmp_path / "out", "mentions")["doc_id"]) == {"one", "two"}


def test_other_inputs_are_refused_appended_or_replaced(tmp_path):
    first, second = _corpus(tmp_path / "a", ["one"]), _corpus(tmp_path / "b", ["two"])
    run_pipeline([str(first)], tmp_path / "out", ONE_WORKER)
    with pytest.raises(OtherInputs, match=f"would drop {first}"):
        run_pipeline([str(second)], tmp_path / "out", ONE_WORKER)
    assert _documents(tmp_path / "out") == ["one"]
    result = CliRunner().invoke(main, ["run", str(second), "--out", str(tmp_path / "out"), "--append", "-q"])
    assert result.exit_code == 0, result.output
    assert _documents(tmp_path / "out") == ["one", "two"]
    result = CliRunner().invoke(main, ["run", str(second), "--out", str(tmp_path / "out"), "--replace", "-q"])
    assert result.exit_code == 0, result.output
    assert _documents(tmp_path / "out") == ["two"]
    refused = CliRunner().invoke(main, ["run", str(first), "--out", str(tmp_path / "out"), "-q"])
    assert refused.exit_code == 2 and "--append" in refused.output


def test_an_output_folder_inside_the_input_folder_is_not_read(tmp_path):
    corpus = _corpus(tmp_path / "a", ["one"])
    run_pipeline([str(corpus)], corpus / "out", ONE_WORKER)
    run_pipeline([str(corpus)], corpus / "out", ONE_WORKER)  # its own tables are not documents
    paths = read_table(corpus / "out", "documents")["path"]
    assert list(paths) == [str(corpus / "one.txt")]


def test_a_full_disk_is_one_line_and_keeps_the_old_tables(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "a", ["one"])
    run_pipeline([str(corpus)], tmp_path / "out", ONE_WORKER)
    _corpus(corpus, ["two"])

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("pipeline.batch.runner._assemble", full)
    result = CliRunner().invoke(main, ["run", str(corpus), "--out", str(tmp_path / "out"), "-q"])
    message = " ".join(result.output.split())  # the console wraps long lines
    assert result.exit_code == 2 and "No space left on device" in message and "unchanged" in message
    monkeypatch.undo()
    assert _documents(tmp_path / "out") == ["one"]
