"""Hostile and careless inputs, on fixtures the tests build: nothing outside an input folder is read, every
bad file or line is a rejected row with a specific reason, and the batch goes on."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.batch import read_table, run_pipeline
from pipeline.batch.keys import source_fingerprint
from pipeline.cli import main
from pipeline.config import IngestConfig, PipelineConfig
from pipeline.io import InputError, discover_sources, load_documents
from pipeline.io.document import Rejection

GOOD = "The United States will strengthen supply chain resilience and export controls.\n" * 3
SECRET = "TOP SECRET outside text that must never be stored"


def _results(inputs, **io_settings):
    return {Path(str(item.path).split(":")[0]).name if item.path else item.doc_id: item
            for item in load_documents([str(path) for path in inputs], IngestConfig(**io_settings))}


def _reasons(results) -> dict[str, str]:
    return {name: item.reason for name, item in results.items() if isinstance(item, Rejection)}


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    return folder


def test_manifest_paths_cannot_leave_the_corpus_folder(tmp_path, outside):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "manifest.csv").write_text(
        "doc_id,file,date,jurisdiction\n"
        "ok,ok.txt,2021-01-01,US\n"
        f"up,../outside/secret.txt,2021-01-01,US\n"
        f"absolute,{outside / 'secret.txt'},2021-01-01,US\n"
        "lines,data.jsonl,2021-01-01,US\n", encoding="utf-8")
    documents = list(load_documents([str(corpus)]))
    reasons = {item.doc_id: getattr(item, "reason", None) for item in documents}
    assert reasons["ok"] is None
    assert "outside the corpus folder" in reasons["up"] and "outside the corpus folder" in reasons["absolute"]
    assert "JSONL" in reasons["lines"]
    assert not any(SECRET in getattr(item, "text", "") for item in documents)


def test_symbolic_links_are_rows_not_reads(tmp_path, outside):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "etc").symlink_to(outside, target_is_directory=True)
    (corpus / "secret.txt").symlink_to(outside / "secret.txt")
    (corpus / "inside.txt").symlink_to(corpus / "ok.txt")
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)

    reasons = _reasons(_results([corpus]))
    assert {"etc", "secret.txt", "inside.txt", "loop"} <= set(reasons)
    assert all("symbolic link not followed" in reasons[name] for name in ("etc", "secret.txt", "loop"))

    followed = _results([corpus], follow_symlinks=True)
    reasons = _reasons(followed)
    assert "outside the input folder" in reasons["etc"] and "outside the input folder" in reasons["secret.txt"]
    assert "loop" in reasons["loop"]
    assert not isinstance(followed["inside.txt"], Rejection)  # a link that stays inside is read
    assert not any(SECRET in getattr(item, "text", "") for item in followed.values())


def test_special_files_unreadable_folders_and_odd_names_are_rows(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text(GOOD, encoding="utf-8")
    odd = os.fsdecode(b"bad-\xff-name.txt")
    (corpus / odd).write_text(GOOD + "A second document.\n", encoding="utf-8")

    real_iterdir = Path.iterdir

    def iterdir(self):  # tests run as root, where chmod 000 does not stop reading: refuse as the OS would
        if self.name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    summary = run_pipeline([str(corpus)], tmp_path / "out", PipelineConfig.from_dict({"run": {"workers": 1}}))
    documents = read_table(tmp_path / "out", "documents")
    reasons = dict(zip(documents["path"].map(lambda p: Path(p).name), documents["reason"], strict=True))
    assert "not a regular file" in reasons["pipe.txt"]
    assert "cannot read folder" in reasons["locked"]
    assert any("\ufffd" in name for name in reasons)  # the odd name is stored, shown with U+FFFD
    assert summary.n_ok == 2  # ok.txt and the odd name: read by its real bytes


def test_bad_jsonl_lines_are_rows(tmp_path):
    data = tmp_path / "lines.jsonl"
    with data.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "good", "text": GOOD}) + "\n")
        handle.write('{"id": "deep", "text": "x", "nested": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
        handle.write('{"id": "surrogate", "text": "bad \\ud800 text"}\n')
        handle.write(json.dumps({"id": "long", "text": "a" * (2 << 20)}) + "\n")
        handle.write(json.dumps({"id": "after", "text": GOOD}) + "\n")
    results = list(load_documents([str(data)], IngestConfig(max_line_mb=1)))
    reasons = [getattr(item, "reason", None) for item in results]
    assert reasons[0] is None and reasons[4] is None  # the lines around the bad ones are read
    assert "nested too deep" in reasons[1]
    assert "lone surrogate" in reasons[2]
    assert "longer than 1 MB" in reasons[3]


def _docx_bytes(extra: dict[str, bytes]) -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(GOOD)
    document.save(buffer)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, payload in extra.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def test_zip_bombs_and_entity_bombs_are_rows(tmp_path):
    (tmp_path / "bomb.docx").write_bytes(_docx_bytes({"word/padding.bin": b"\0" * (80 << 20)}))
    assert (tmp_path / "bomb.docx").stat().st_size < 1 << 20  # small on disk, 80 MB inflated
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i else "")) * 10}">' for i in range(1, 10))
              + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                '<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    (tmp_path / "laughs.docx").write_bytes(_docx_bytes({}))
    with zipfile.ZipFile(tmp_path / "laughs.docx") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = laughs.encode()
    with zipfile.ZipFile(tmp_path / "laughs.docx", "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    reasons = _reasons(_results([tmp_path / "bomb.docx", tmp_path / "laughs.docx"], max_inflated_mb=50))
    assert "inflates to 8" in reasons["bomb.docx"] and "max_inflated_mb = 50" in reasons["bomb.docx"]
    assert "internal error" not in reasons.get("laughs.docx", "") and "lol" * 1000 not in reasons.get(
        "laughs.docx", "")


def test_a_huge_file_is_not_hashed_before_it_is_rejected(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(20 << 30)  # 20 GiB, sparse
    [source] = discover_sources([str(big)])
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("the file was opened to be hashed"))
    first = source_fingerprint(source, max_bytes=200 << 20)
    assert first == source_fingerprint(source, max_bytes=200 << 20)
    monkeypatch.undo()
    [rejected] = load_documents([str(big)])
    assert "file too large" in rejected.reason


def test_an_empty_input_path_is_refused_not_the_current_folder():
    with pytest.raises(InputError, match="empty input path"):
        list(discover_sources([""]))
    result = CliRunner().invoke(main, ["run", "", "--out", "never"])
    assert result.exit_code != 0 and "empty input path" in result.output
    assert not Path("never").exists()


def test_system_folders_are_not_corpora():
    with pytest.raises(InputError, match="system folder"):
        list(discover_sources(["/proc"]))


def test_text_steps_stay_linear_on_pathological_text():
    """A rule of 30,000 '=' and a page of full-width punctuation are a handful of tokens per run, not a
    quadratic tokenizer pass; 50,000 stacked combining marks are cut to a bounded run before NFKC."""
    from pipeline.io import normalize_text
    from pipeline.io.normalize import MAX_COMBINING_RUN
    from pipeline.segment.english import EnglishTokenizer

    tokenizer = EnglishTokenizer()
    starts, _, _ = tokenizer.tokenize("Heading\n" + "=" * 30_000 + "\nThe supply chain.")
    assert len(starts) == 6  # Heading, the rule (one token), The, supply, chain, "."
    starts, _, is_word = tokenizer.tokenize("，。！？、；：" * 3_000)
    assert len(starts) == 21_000 and not is_word.any()
    zalgo = "a" + "\u0301\u0316" * 25_000 + " b"
    assert normalize_text(zalgo) == normalize_text("a" + "\u0301\u0316" * (MAX_COMBINING_RUN // 2) + " b")


def test_a_lexicon_that_stops_loading_fails_the_run_once_and_keeps_the_tables(tmp_path, corpora):
    """A lexicon checked when the configuration was built, then broken (edited in a notebook between two
    runs): the run and a re-tag raise one LexiconError before any worker starts, instead of rejecting
    every document with the same traceback, and the tables already in the folder stay as they were."""
    from pipeline.batch import tag_tables
    from pipeline.lexicon import LexiconError, default_lexicon_path

    lexicon = tmp_path / "lexicon.yaml"
    lexicon.write_bytes(default_lexicon_path().read_bytes())
    config = PipelineConfig.from_dict({"tag": {"lexicon": str(lexicon)}, "run": {"workers": 2}})
    inputs = [str(corpora / "cn_gov_work_reports" / "2021.txt"),
              str(corpora / "us_sotu" / "2021-04-28_Biden_joint_session.txt")]
    out = tmp_path / "out"
    run_pipeline(inputs, out, config)
    mentions_before = (out / "mentions.parquet").read_bytes()
    assert len(read_table(out, "mentions")) > 50

    lexicon.write_text('version: "x"\nconcepts:\n  decoupling:\n    family: svc\n    en: ["ab"]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="3 or more literal letters"):
        tag_tables(out, config)
    with pytest.raises(LexiconError, match="3 or more literal letters"):
        run_pipeline(inputs, out, config, force=True)
    assert (out / "mentions.parquet").read_bytes() == mentions_before
    assert set(read_table(out, "documents")["status"]) == {"ok"}
