"""The command line: every command documented with an example, the main job, clear one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from pipeline.batch import read_table
from pipeline.cli import main


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [path for path, _ in _commands(main)], ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "policy-pipeline" in result.output


def test_every_command_is_in_the_readme():
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for path, _ in _commands(main):
        assert f"policy-pipeline {' '.join(path)}" in readme, path


def test_main_job_runs_on_the_embedded_corpus(tmp_path):
    result = CliRunner().invoke(main, ["run", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "documents" in result.output and "sentences" in result.output
    documents = read_table(tmp_path, "documents")
    assert len(documents) >= 230 and (documents["status"] == "ok").all()
    assert documents["doc_id"].is_unique
    assert documents["year"].min() == 1790 and (documents["jurisdiction"] == "US").all()
    manifest = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert manifest["inputs"][0]["input"] == "sotu"
    assert manifest["counts"]["ok"] == len(documents)
    assert manifest["versions"]["rjieba"] and manifest["config"]["segment"]["zh_engine"] == "rjieba"


def test_ingest_then_segment_equals_run(corpora, tmp_path):
    corpus = str(corpora / "eu_soteu")
    runner = CliRunner()
    assert runner.invoke(main, ["run", corpus, "--out", str(tmp_path / "run"), "-q", "--workers", "1"]).exit_code == 0
    assert runner.invoke(main, ["ingest", corpus, "--out", str(tmp_path / "staged"), "-q"]).exit_code == 0
    assert not (tmp_path / "staged" / "sentences.parquet").exists()
    staged = read_table(tmp_path / "staged", "documents")
    assert staged["n_tokens"].isna().all()
    result = runner.invoke(main, ["segment", str(tmp_path / "staged"), "-q", "--workers", "1"])
    assert result.exit_code == 0, result.output
    for table in ("documents", "sentences"):
        assert read_table(tmp_path / "staged", table).equals(read_table(tmp_path / "run", table)), table


def test_segment_text_prints_words():
    result = CliRunner().invoke(main, ["segment", "--json", "--text", "加快构建新发展格局，推动科技自立自强。"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["lang"] == "zh"
    assert payload["sentences"][0]["words"][:3] == ["加快", "构建", "新发展格局"]
    assert "科技自立自强" in payload["sentences"][0]["words"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["run", "no/such/folder", "--out", "OUT"], "input not found: no/such/folder"),
        (["run", "--out", "OUT", "--set", "segment.zh_engine=pkuseg"], "choose from: rjieba, jieba"),
        (["run", "--out", "OUT", "--set", "segment.colour=red"], "unknown config key segment.colour"),
        (["segment", "OUT"], "no documents table in OUT"),
    ],
)
def test_errors_are_one_clear_line(arguments, message, tmp_path):
    arguments = [str(tmp_path / "out") if part == "OUT" else part for part in arguments]
    message = message.replace("OUT", str(tmp_path / "out"))
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_exit_code_is_1_when_nothing_could_be_processed(tmp_path):
    folder = tmp_path / "only_bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 1
    assert read_table(tmp_path / "out", "documents")["reason"].tolist() == ["empty file (0 bytes)"]


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, check=True)
    assert "policy-pipeline" in result.stdout or "Usage" in result.stdout


def test_mixed_documents_keep_their_paragraph_languages(tmp_path, work_report_2021, sotu_2023):
    mixed = tmp_path / "bilingual_briefing.txt"
    mixed.write_text(work_report_2021[:3000] + "\n\n" + sotu_2023[:3000], encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(mixed), "--out", str(tmp_path / "out"), "-q", "--workers", "1"])
    assert result.exit_code == 0, result.output
    (row,) = read_table(tmp_path / "out", "documents").to_dict("records")
    assert row["lang"] == "mixed"
    assert [span["lang"] for span in row["language_spans"]] == ["zh", "en"]
    sentences = read_table(tmp_path / "out", "sentences")
    english_start = row["language_spans"][1]["start"]
    assert set(sentences[sentences["start"] >= english_start]["lang"]) == {"en"}
    assert set(sentences[sentences["end"] <= english_start]["lang"]) == {"zh"}
