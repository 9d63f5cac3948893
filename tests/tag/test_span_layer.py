"""The learned span layer (pipeline/tag/learned.py): trained on real weak labels and gold, it only adds
mentions, with offsets, source and confidence; its files load safely; its cross-validation keeps documents
apart; the CLI and ``run`` use it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import ConfigError, PipelineConfig
from pipeline.tag import FrameTagger, learned
from pipeline.tag.learned import (
    SpanModelError,
    cross_validate_span_model,
    document_key,
    gold_training_sentences,
    load_span_model,
    train_span_model,
    weak_training_sentences,
)
from pipeline.tag.records import read_records
from tests.conftest import SHARED, real_text

DEV = [SHARED / "eval" / "zh_dev.jsonl", SHARED / "eval" / "en_dev.jsonl"]


@pytest.fixture(scope="module")
def gold():
    return list(read_records(DEV))


@pytest.fixture(scope="module")
def weak(headline_run, gold):
    return weak_training_sentences(headline_run, per_lang=600, exclude_documents={document_key(r) for r in gold})


@pytest.fixture(scope="module")
def model_dir(weak, gold, tmp_path_factory):
    # a low cut-off, so that the layer proposes something on a few documents and the contracts can be checked
    model = train_span_model([*weak, *gold_training_sentences(gold)], threshold=0.2)
    return model.save(tmp_path_factory.mktemp("spans"))


def test_weak_labels_are_lexicon_mentions_outside_gold_documents(weak, gold):
    assert {s.lang for s in weak} == {"zh", "en"}
    gold_documents = {document_key(r) for r in gold}
    assert not {s.group for s in weak} & gold_documents
    with_mentions = [s for s in weak if s.mentions]
    assert len(with_mentions) > 300
    for sentence in with_mentions[:200]:
        for start, end, _ in sentence.mentions:
            assert 0 <= start < end <= len(sentence.text)


@pytest.mark.parametrize("corpus, doc_id", [("us_sotu", "2023-02-07_Biden"), ("cn_gov_work_reports", "2021")])
def test_layer_only_adds_mentions_with_offsets(model_dir, corpora, corpus, doc_id):
    from pipeline.io.chinese_script import to_simplified

    text = real_text(corpus, doc_id)
    view = to_simplified(text)
    plain = FrameTagger()
    layered = FrameTagger(span_model=load_span_model(model_dir))
    lexicon_only = plain.tag(text, view=view)
    both = layered.tag(text, view=view)
    assert [m for m in both if m.source == "lexicon"] == lexicon_only
    added = [m for m in both if m.source == "model"]
    assert added, "a cut-off of 0.2 proposes something in a whole report"
    matched = [(start, end) for _, start, end in plain.candidates(view)]
    for mention in added:
        assert mention.text == text[mention.start : mention.end]
        assert mention.rule == f"{mention.concept}/{'zh' if corpus.startswith('cn') else 'en'}/model"
        assert 0.2 <= mention.confidence <= 1.0 and mention.counted
        # never where the lexicon matched, whether it counted the match or a rule refused it
        assert not any(start < mention.end and mention.start < end for start, end in matched)
    spans = sorted((m.start, m.end) for m in added)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_saved_model_predicts_the_same_after_loading(weak, gold, tmp_path):
    model = train_span_model([*weak[:400], *gold_training_sentences(gold)], threshold=0.3)
    loaded = load_span_model(model.save(tmp_path / "m"))
    sentence = "We will open markets further and secure our supply of critical minerals from trusted partners."
    assert loaded.predict(sentence, "en", threshold=0.01) == model.predict(sentence, "en", threshold=0.01)
    assert loaded.threshold == 0.3 and loaded.languages == model.languages


def test_unsafe_or_foreign_files_are_refused_with_a_reason(model_dir, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / learned.CONFIG_FILE).write_text((model_dir / learned.CONFIG_FILE).read_text(encoding="utf-8"),
                                              encoding="utf-8")
    # an object array can only be read by unpickling: refused, nothing runs
    np.savez(folder / learned.WEIGHTS_FILE, en=np.array([object()], dtype=object))
    with pytest.raises(SpanModelError, match="cannot read weights safely"):
        load_span_model(folder)
    (folder / learned.CONFIG_FILE).write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    with pytest.raises(SpanModelError, match="not a span model"):
        load_span_model(folder)
    with pytest.raises(SpanModelError, match="not found"):
        load_span_model(tmp_path / "missing")
    with pytest.raises(ConfigError, match="tag.span_model"):
        PipelineConfig.load(overrides=[f"tag.span_model={folder}"])
    with pytest.raises(ConfigError, match="span_threshold"):
        PipelineConfig.load(overrides=["tag.span_threshold=1.5"])


def test_cross_validation_holds_each_document_out_once(gold, weak, monkeypatch):
    seen_training: list[set[str]] = []
    real_train = learned.train_span_model

    def spy(sentences, **options):
        seen_training.append({s.group for s in sentences if s.weight > 1})  # gold sentences carry weight 5
        return real_train(sentences, **options)

    monkeypatch.setattr(learned, "train_span_model", spy)
    tagger = FrameTagger()
    result = cross_validate_span_model(tagger, gold, weak[:600], folds=3, threshold=0.5)
    assert len(seen_training) == result.folds == 3
    for document in {document_key(r) for r in gold}:
        # every document is missing from exactly one fold's training: the fold it is scored in
        assert sum(document not in trained for trained in seen_training) == 1, document
    for lang in ("zh", "en"):
        lexicon, layered = result.lexicon.micro[lang], result.layered.micro[lang]
        added = sum(1 for item in result.proposed if item["lang"] == lang)
        # the layer only adds: its predictions are the lexicon's plus what it proposed
        assert layered.tp + layered.fp == lexicon.tp + lexicon.fp + added
        assert layered.tp >= lexicon.tp


def test_cli_trains_scores_and_runs_with_the_layer(headline_run, corpora, tmp_path):
    runner = CliRunner()
    out = tmp_path / "spans"
    trained = runner.invoke(main, ["span-model", "train", str(headline_run), *map(str, DEV), "-o", str(out),
                                   "--per-lang", "400", "--threshold", "0.2"])
    assert trained.exit_code == 0, trained.output
    assert load_span_model(out).card["gold_sentences"] == 240
    cv = runner.invoke(main, ["span-model", "cv", str(headline_run), str(DEV[1]), "--folds", "2",
                              "--per-lang", "300", "--json"])
    assert cv.exit_code == 0, cv.output
    payload = json.loads(cv.output)
    assert {(row["tagger"], row["lang"]) for row in payload["summary"]} >= {("lexicon", "en"), ("layered", "en")}
    scored = runner.invoke(main, ["evaluate-tagger", str(DEV[1]), "--json", "--set", f"tag.span_model={out}"])
    assert scored.exit_code == 0, scored.output
    passage = real_text("us_sotu", "2023-02-07_Biden")
    explained = runner.invoke(main, ["lexicon", "explain", passage, "--set", f"tag.span_model={out}",
                                     "--set", "tag.span_threshold=0.05"])
    assert explained.exit_code == 0, explained.output
    assert "by the learned span layer (confidence" in explained.output
    tables = []
    for workers in ("1", "2"):
        run_dir = tmp_path / f"run{workers}"
        result = runner.invoke(main, ["run", str(corpora / "eu_soteu"), "--out", str(run_dir), "--workers", workers,
                                      "--quiet", "--set", f"tag.span_model={out}"])
        assert result.exit_code == 0, result.output
        tables.append(pd.read_parquet(run_dir / "mentions.parquet"))
    assert set(tables[0]["source"]) == {"lexicon", "model"}
    pd.testing.assert_frame_equal(tables[0], tables[1])


def test_broken_inputs_to_the_span_commands_are_clear_errors(headline_run, tmp_path):
    runner = CliRunner()
    not_a_run = tmp_path / "empty"
    not_a_run.mkdir()
    result = runner.invoke(main, ["span-model", "train", str(not_a_run), str(DEV[1]), "-o", str(tmp_path / "m")])
    assert result.exit_code == 2 and "cannot read weak labels from this run folder" in result.output
    assert not (tmp_path / "m").exists()
    broken = tmp_path / "gold.jsonl"
    broken.write_text('{"text": "Export controls.", "lang": "en", "mentions": []}\nnot json\n', encoding="utf-8")
    result = runner.invoke(main, ["span-model", "cv", str(headline_run), str(broken)])
    assert result.exit_code == 2 and f"{broken}:2" in result.output and "invalid JSON" in result.output
    result = runner.invoke(main, ["span-model", "cv", str(headline_run)])
    assert result.exit_code == 2 and "needs gold JSONL files" in result.output
    one_document = tmp_path / "one.jsonl"
    one_document.write_text("".join(json.dumps({"text": text, "lang": "en", "doc_id": "d", "corpus": "c",
                                                "mentions": []}) + "\n" for text in ("A.", "B.")), encoding="utf-8")
    result = runner.invoke(main, ["span-model", "cv", str(headline_run), str(one_document), "--per-lang", "50"])
    assert result.exit_code == 2 and "at least two documents" in result.output


def test_a_changed_model_folder_is_read_again(weak, gold, tmp_path):
    folder = train_span_model([*weak[:300], *gold_training_sentences(gold)], threshold=0.3).save(tmp_path / "m")
    assert load_span_model(folder) is load_span_model(folder)  # validation and the tagger share one load
    config = json.loads((folder / learned.CONFIG_FILE).read_text(encoding="utf-8"))
    config["threshold"] = 0.7
    (folder / learned.CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
    assert load_span_model(folder).threshold == 0.7
