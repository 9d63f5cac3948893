"""Frames measured as the product uses them: svc and gvc presence, and the SVC share they estimate."""

from __future__ import annotations

import json

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
