"""Frames measured as the product uses them: svc and gvc presence, and the SVC share they estimate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.classify.evaluate import presence_probabilities, presence_scores
from pipeline.cli import main
from tests.classify.test_classifiers import DEFAULT_MODEL
from tests.conftest import SHARED

CLASSES = ["both", "gvc", "none", "svc"]


def test_presence_is_the_mass_of_the_labels_a_frame_is_in():
    probabilities = np.array([[0.5, 0.1, 0.1, 0.3], [0.0, 0.0, 1.0, 0.0]])
    p = presence_probabilities(probabilities, CLASSES)
    assert np.allclose(p["svc"], [0.8, 0.0]) and np.allclose(p["gvc"], [0.6, 0.0])


def test_presence_scores_and_the_share_they_estimate():
    gold = ["svc", "svc", "gvc", "both", "none", "none"]
    # Right on every sentence but one: a gvc sentence read as none.
    rows = {"svc": [0, 0, 0, 1], "gvc": [0, 1, 0, 0], "both": [1, 0, 0, 0], "none": [0, 0, 1, 0]}
    predicted = ["svc", "svc", "none", "both", "none", "none"]
    probabilities = np.array([rows[label] for label in predicted], dtype=float)
    scores = presence_scores(gold, probabilities, CLASSES)
    assert scores["svc_present"]["f1"] == 1.0 and scores["svc_present"]["support"] == 3
    assert scores["gvc_present"]["recall"] == 0.5 and scores["gvc_present"]["precision"] == 1.0
    share = scores["svc_share"]
    assert share["gold"] == pytest.approx(3 / 5)
    assert share["probabilistic"]["estimate"] == pytest.approx(3 / 4)
    assert share["probabilistic"]["error"] == pytest.approx(3 / 4 - 3 / 5)
    low, high = share["probabilistic"]["error_ci"]
    assert low <= share["probabilistic"]["error"] <= high


def test_compare_and_predict_report_presence_on_real_gold(tmp_path):
    gold = [SHARED / "eval" / "zh_dev2.jsonl", SHARED / "eval" / "en_dev2.jsonl"]
    result = CliRunner().invoke(main, ["classify", "compare", str(DEFAULT_MODEL), "--data", str(gold[0]),
                                       "--data", str(gold[1]), "--baseline", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output.splitlines()[-1])
    for model in scores.values():
        for lang in ("zh", "en"):
            presence = model[lang]["presence"]
            assert 0 < presence["svc_present"]["f1"] <= 1 and 0 < presence["gvc_present"]["f1"] <= 1
            assert abs(presence["svc_share"]["probabilistic"]["error"]) < 0.5
    listing = CliRunner().invoke(main, ["classify", "compare", str(DEFAULT_MODEL), "--data", str(gold[0])])
    assert "svc present F1" in listing.output and "share err" in listing.output
    sentences = tmp_path / "s.jsonl"
    text = "坚决维护产业链供应链安全，扩大高水平对外开放。"
    sentences.write_text(json.dumps({"text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    [row] = [json.loads(line) for line in CliRunner().invoke(
        main, ["classify", "predict", str(sentences)]).output.splitlines() if line.startswith("{")]
    assert row["p_svc"] == pytest.approx(row["scores"]["svc"] + row["scores"]["both"], abs=1e-5)
    assert row["p_gvc"] == pytest.approx(row["scores"]["gvc"] + row["scores"]["both"], abs=1e-5)


def test_cross_validation_keeps_each_document_in_one_fold():
    from collections import Counter

    from pipeline.classify import TfidfFrameClassifier, read_examples
    from pipeline.classify.evaluate import cross_validated_predictions

    gold = read_examples([SHARED / "eval" / "en_dev2.jsonl"])
    sentences_per_document = Counter(e.doc_id for e in gold)
    assert max(sentences_per_document.values()) > 1  # documents with several sentences: the case that leaks
    trained: list[Counter] = []

    def fit(model, examples):
        trained.append(Counter(e.doc_id for e in examples))
        model.fit([e.text for e in examples], [e.label for e in examples])

    predictions, _ = cross_validated_predictions(TfidfFrameClassifier(), gold, folds=5, fit=fit)
    assert len(trained) == 5 and len(predictions.predicted) == len(gold)
    for fold in trained:  # a document is trained on whole or not at all, never split across train and test
        assert all(fold[doc] in (0, n) for doc, n in sentences_per_document.items())
    held_out = Counter(doc for fold in trained for doc, n in sentences_per_document.items() if fold[doc] == 0)
    assert set(held_out.values()) == {1}  # each document is scored in exactly one fold


def test_classifier_share_counts_decided_labels_and_its_error_widens_the_interval():
    import pandas as pd

    from pipeline.aggregate.tables import RunTables
    from pipeline.aggregate.trends import classifier_shift
    from pipeline.classify.persist import read_card
    from pipeline.classify.predict import share_errors
    from pipeline.config import TrendsConfig

    documents = pd.DataFrame({"doc_id": [f"d{i}" for i in range(6)], "year": [2020] * 6, "jurisdiction": ["CN"] * 6,
                              "corpus": ["c"] * 6, "lang": ["zh"] * 6, "doc_type": [None] * 6})
    rng = np.random.default_rng(3)
    p_svc, p_gvc = rng.uniform(size=60), rng.uniform(size=60)
    frames = pd.DataFrame({"doc_id": [f"d{i % 6}" for i in range(60)], "sentence_id": range(60),
                           "frame": np.where(p_svc > p_gvc, "svc", "gvc"), "p_svc": p_svc, "p_gvc": p_gvc})
    tables = RunTables(Path("."), documents, pd.DataFrame(columns=["doc_id"]), 0)
    config = TrendsConfig(resamples=500)
    plain = classifier_shift(tables, frames, config).iloc[-1]
    assert plain["clf_method"] == "counted"
    assert plain["clf_svc_share"] == pytest.approx((p_svc > p_gvc).mean())
    assert np.isnan(plain["clf_svc_share_me_low"])  # no error estimate, no ME interval
    for method in ("counted", "probabilistic"):
        rmse = share_errors(read_card(DEFAULT_MODEL), method)
        assert set(rmse) == {"zh", "en"} and all(0 < value < 0.2 for value in rmse.values())
    widths = []
    for error in (rmse["zh"], 0.15):
        row = classifier_shift(tables, frames, config, {"zh": error}).iloc[-1]
        assert row["clf_svc_share_me_low"] <= row["clf_svc_share_low"] <= row["clf_svc_share"]
        assert row["clf_svc_share"] <= row["clf_svc_share_high"] <= row["clf_svc_share_me_high"]
        widths.append(row["clf_svc_share_me_high"] - row["clf_svc_share_me_low"])
    assert widths[1] > widths[0] > plain["clf_svc_share_high"] - plain["clf_svc_share_low"]
    probabilistic = TrendsConfig(resamples=500, classifier_share="probabilistic")
    row = classifier_shift(tables, frames, probabilistic).iloc[-1]
    assert row["clf_method"] == "probabilistic"
    assert row["clf_svc_share"] == pytest.approx(p_svc.sum() / (p_svc.sum() + p_gvc.sum()))
    # a model without the codebook's labels has no probabilities to sum: it is counted, and says so
    row = classifier_shift(tables, frames.drop(columns=["p_svc", "p_gvc"]), probabilistic).iloc[-1]
    assert row["clf_method"] == "counted" and row["clf_svc_share"] == pytest.approx((p_svc > p_gvc).mean())


def test_unframed_sentences_move_the_probabilistic_share_not_the_counted_one():
    """Why the trend tables count decided labels: 900 sentences the model calls unframed, each with the
    small p_svc and p_gvc it gives such a sentence, beside 60 framed ones (a document's proportions) pull
    the probabilistic share to the ratio of those small numbers; the counted share does not see them."""
    import pandas as pd

    from pipeline.aggregate.tables import RunTables
    from pipeline.aggregate.trends import classifier_shift
    from pipeline.config import TrendsConfig

    documents = pd.DataFrame({"doc_id": ["d0", "d1"], "year": [2020, 2020], "jurisdiction": ["US"] * 2,
                              "corpus": ["c"] * 2, "lang": ["en"] * 2, "doc_type": [None] * 2})
    tables = RunTables(Path("."), documents, pd.DataFrame(columns=["doc_id"]), 0)
    framed = pd.DataFrame({"frame": ["svc"] * 15 + ["gvc"] * 45, "p_svc": [0.9] * 15 + [0.1] * 45,
                           "p_gvc": [0.1] * 15 + [0.9] * 45})
    unframed = pd.DataFrame({"frame": ["none"] * 900, "p_svc": [0.06] * 900, "p_gvc": [0.02] * 900})
    frames = pd.concat([framed, unframed], ignore_index=True)
    frames = frames.assign(doc_id=[f"d{i % 2}" for i in range(len(frames))], sentence_id=range(len(frames)))
    shares = {method: classifier_shift(tables, frames, TrendsConfig(resamples=0, classifier_share=method))
              .iloc[-1]["clf_svc_share"] for method in ("counted", "probabilistic")}
    assert shares["counted"] == pytest.approx(15 / 60)
    assert shares["probabilistic"] == pytest.approx((15 * 0.9 + 45 * 0.1 + 900 * 0.06)
                                                    / (60 * 1.0 + 900 * 0.08))
    assert shares["probabilistic"] > 0.5 > shares["counted"]


def test_retraining_from_python_as_the_readme_shows(tmp_path):
    from pipeline.classify import (
        TfidfFrameClassifier,
        cross_validate,
        evaluate_model,
        load_model,
        read_card,
        read_examples,
        train,
    )

    files = [SHARED / "eval" / "zh_dev.jsonl", SHARED / "eval" / "en_dev.jsonl"]
    gold = read_examples(files)
    assert all(e.doc_id for e in gold)  # the gold's documents group the folds
    cv = cross_validate(TfidfFrameClassifier(), gold, folds=5)
    assert 0 < cv["zh"]["presence"]["svc_present"]["f1"] <= 1 and cv["folds"] == 5
    model, card = train(files, "tfidf", tmp_path / "mine", cv_folds=5)
    assert read_card(tmp_path / "mine")["metrics"]["cross_validated"]["zh"]["presence"]["svc_share"][
        "probabilistic"]["rmse"] > 0
    held_out = read_examples([SHARED / "eval" / "zh_dev2.jsonl"])
    scores = evaluate_model(load_model(tmp_path / "mine"), held_out)["zh"]["presence"]
    assert 0 < scores["gvc_present"]["f1"] <= 1 and scores["svc_share"]["gold"] > 0
