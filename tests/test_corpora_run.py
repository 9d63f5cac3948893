"""End to end on real corpora: one row per manifest row, all ok, offsets that resolve, stable tables."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest
from click.testing import CliRunner

from pipeline.batch import read_table
from pipeline.cli import main
from pipeline.lexicon.gazetteer import load_gazetteer

CORPORA_UNDER_TEST = ("cn_gov_work_reports", "us_sotu")


@pytest.fixture(scope="module")
def corpus_run(corpora, tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus_run")
    inputs = [str(corpora / name) for name in CORPORA_UNDER_TEST]
    result = CliRunner().invoke(main, ["run", *inputs, "--out", str(out), "--workers", "2", "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def test_one_ok_row_per_manifest_row(corpus_run, corpora):
    documents = read_table(corpus_run, "documents")
    for name in CORPORA_UNDER_TEST:
        with (corpora / name / "manifest.csv").open(encoding="utf-8") as handle:
            manifest = list(csv.DictReader(handle))
        rows = documents[documents["corpus"] == name]
        assert sorted(rows["doc_id"]) == sorted(row["doc_id"] for row in manifest)
        assert (rows["status"] == "ok").all()
        assert (rows["n_tokens"] > 0).all()
        by_id = rows.set_index("doc_id")
        for row in manifest:
            assert by_id.loc[row["doc_id"], "jurisdiction"] == row["jurisdiction"]
            assert by_id.loc[row["doc_id"], "lang"] == row["language"]
            assert by_id.loc[row["doc_id"], "date"] == row["date"]


def test_sentence_offsets_resolve_in_the_stored_text(corpus_run):
    documents = read_table(corpus_run, "documents", ["doc_id", "text", "n_sentences"]).set_index("doc_id")
    sentences = read_table(corpus_run, "sentences")
    texts = documents["text"].to_dict()
    for row in sentences.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text
    assert sentences.groupby("doc_id").size().to_dict() == documents["n_sentences"].to_dict()
    assert (sentences.groupby("doc_id")["sentence_id"].max() + 1).to_dict() == documents["n_sentences"].to_dict()


def test_tables_are_identical_with_one_worker(corpus_run, corpora, tmp_path):
    inputs = [str(corpora / name) for name in CORPORA_UNDER_TEST]
    result = CliRunner().invoke(main, ["run", *inputs, "--out", str(tmp_path), "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    for table in ("documents.parquet", "sentences.parquet", "mentions.parquet", "entities.parquet",
                  "cooccurrence.parquet"):
        assert hashlib.sha256((tmp_path / table).read_bytes()).digest() == \
            hashlib.sha256((corpus_run / table).read_bytes()).digest(), table


def test_mentions_resolve_and_carry_the_lexicon_version(corpus_run):
    import json

    documents = read_table(corpus_run, "documents", ["doc_id", "text", "year", "corpus"]).set_index("doc_id")
    mentions = read_table(corpus_run, "mentions")
    sentences = read_table(corpus_run, "sentences").set_index(["doc_id", "sentence_id"])
    texts = documents["text"].to_dict()
    for row in mentions.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text
        sentence = sentences.loc[(row.doc_id, row.sentence_id)]
        assert sentence["start"] <= row.start and row.end <= sentence["end"]
    manifest = json.loads((corpus_run / "run.json").read_text(encoding="utf-8"))
    assert set(mentions["lexicon_version"]) == {manifest["lexicon"]["version"]}
    assert len(manifest["lexicon"]["sha256"]) == 64
    counted = mentions[mentions["counted"] & ~mentions["negated"]]
    assert manifest["counts"]["mentions"] == len(counted)
    # The signal the corpora carry: work reports speak of supply-chain security only recently.
    security = counted[counted["concept"] == "supply_chain_security"].join(documents[["year"]], on="doc_id")
    chinese = security[security["doc_id"].map(documents["corpus"]) == "cn_gov_work_reports"]
    assert chinese[chinese["text"].str.contains("链")]["year"].min() >= 2019


def test_retagging_a_folder_rewrites_the_mentions_and_entities(corpus_run, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(corpus_run, copy)
    for table in ("mentions", "entities", "cooccurrence"):
        (copy / f"{table}.parquet").unlink()
    result = CliRunner().invoke(main, ["tag", str(copy), "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    for table in ("mentions", "entities", "cooccurrence"):
        assert read_table(copy, table).equals(read_table(corpus_run, table)), table


def test_entity_offsets_resolve_and_ids_are_shared_across_languages(corpus_run):
    documents = read_table(corpus_run, "documents", ["doc_id", "text", "lang"]).set_index("doc_id")
    entities = read_table(corpus_run, "entities")
    texts = documents["text"].to_dict()
    for row in entities.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text
    entities["lang"] = entities["doc_id"].map(documents["lang"])
    by_lang = entities.dropna(subset=["canonical_id"]).groupby("lang")["canonical_id"].apply(set)
    # Work reports (zh) and State of the Union addresses (en) name the same countries and bodies.
    assert {"gpe:US", "gpe:CN", "gpe:JP", "gpe:SU", "forum:un", "forum:wto"} <= by_lang["zh"] & by_lang["en"]


def test_cooccurrence_counts_sentences_holding_both(corpus_run):
    cooccurrence = read_table(corpus_run, "cooccurrence")
    entities = read_table(corpus_run, "entities")
    mentions = read_table(corpus_run, "mentions")
    documents = read_table(corpus_run, "documents", ["doc_id", "year", "jurisdiction"])
    assert set(cooccurrence["entity_label"]).isdisjoint({"DATE", "MONEY"})
    top = cooccurrence.sort_values("n_sentences", ascending=False).iloc[0]
    # Recount the largest cell from the mention and entity rows behind it.
    docs = set(documents[(documents["year"] == top["year"]) & (documents["jurisdiction"] == top["jurisdiction"])]
               ["doc_id"])
    with_entity = {(row.doc_id, row.sentence_id) for row in entities.itertuples()
                   if row.canonical_id == top["canonical_id"] and row.doc_id in docs}
    with_concept = {(row.doc_id, row.sentence_id) for row in mentions.itertuples()
                    if row.concept == top["concept"] and row.counted and not row.negated and row.doc_id in docs}
    assert top["n_sentences"] == len(with_entity & with_concept) > 0
    assert top["n_docs"] == len({doc_id for doc_id, _ in with_entity & with_concept})


def test_entities_commands_on_a_run(corpus_run):
    runner = CliRunner()
    result = runner.invoke(main, ["entities", "cooccurrence", str(corpus_run), "--family", "svc", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and all(row["family"] == "svc" for row in rows)
    assert rows == sorted(rows, key=lambda row: -row["n_sentences"])
    result = runner.invoke(main, ["entities", "suggest", str(corpus_run), "--json", "--max-sentences", "3000"])
    assert result.exit_code == 0, result.output
    suggestions = json.loads(result.output)
    assert {row["lang"] for row in suggestions} == {"zh", "en"}
    known = load_gazetteer()
    assert all(known.lookup(row["candidate"]) is None for row in suggestions)
    assert all(row["count"] >= 2 for row in suggestions)
