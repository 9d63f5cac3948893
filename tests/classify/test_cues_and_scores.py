"""Frame cues as classifier features, the bootstrap interval of macro-F1, and the error file of
``classify evaluate``, on the team's dev gold sentences (read from ../shared/eval at test time)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from pipeline.classify import TfidfFrameClassifier, read_examples
from pipeline.classify.cues import load_cues
from pipeline.classify.evaluate import macro_f1_interval, scores
from pipeline.classify.features import CueFeatures
from pipeline.cli import main
from pipeline.lexicon import LexiconError
from tests.classify.test_classifiers import GOLD


@pytest.fixture(scope="module")
def gold():
    return read_examples(GOLD)


def test_frame_cues_alone_separate_the_frames(gold):
    """A linear model on the dozen cue features only (no words, no lexicon) must find the three frequent
    frames well above chance in both languages: the cues carry the codebook's definitions."""
    rng = np.random.default_rng(0)
    frequent = ["svc", "gvc", "none"]
    for lang in ("zh", "en"):
        examples = [e for e in gold if e.lang == lang]
        features = CueFeatures().fit_transform([e.text for e in examples])
        labels = np.array([e.label for e in examples])
        folds = StratifiedKFold(5, shuffle=True, random_state=0).split(features, labels == "none")
        predicted = cross_val_predict(LogisticRegression(class_weight="balanced", max_iter=2000), features, labels,
                                      cv=list(folds))
        found = f1_score(labels, predicted, labels=frequent, average="macro")
        chance = np.mean([f1_score(labels, rng.permutation(predicted), labels=frequent, average="macro")
                          for _ in range(100)])  # the same predictions, given to the wrong sentences
        assert found > 0.5 and found > chance + 0.15, (lang, found, chance)


def test_frame_cues_count_longest_first_and_cross_the_economic_subject():
    cues = load_cues()
    counts = cues.counts("积极有效利用外资", chinese=True)
    assert counts["gvc"] == 1 and counts["subject"] == 1  # 利用外资 once, not 利用外资 and 外资
    features = CueFeatures().fit(["x"])
    frames = [name for name in features.groups_ if name != features.subject_]
    with_subject, without = features.transform(["We must secure our supply chains.", "We must secure the border."])
    svc = frames.index("svc")
    n = len(frames)
    assert with_subject[svc] == without[svc] > 0  # the same svc cue
    assert with_subject[n + 1 + svc] > 0 and with_subject[2 * n + 1 + svc] == 0  # ... with an economic subject
    assert without[n + 1 + svc] == 0 and without[2 * n + 1 + svc] > 0  # ... and without one
    assert TfidfFrameClassifier(cue_features=False).get_params()["cue_features"] is False


def test_a_broken_cue_file_names_its_entries(tmp_path):
    path = tmp_path / "cues.yaml"
    path.write_text("version: '1'\nsubject: economy\ngroups:\n  svc: {zh: [安全], en: ['secur(']}\n"
                    "  gvc: {zh: [开放]}\n", encoding="utf-8")
    with pytest.raises(LexiconError) as error:
        load_cues(path)
    problems = " ".join(error.value.problems)
    assert "groups.svc.en[0]: invalid pattern 'secur('" in problems
    assert "groups.gvc: needs exactly the keys zh and en" in problems
    assert "subject: 'economy' is not a group" in problems


def test_the_macro_f1_interval_is_honest_about_small_sets():
    gold = ["svc"] * 20 + ["gvc"] * 20 + ["none"] * 20 + ["both"]
    guess = ["svc"] * 17 + ["none"] * 3 + ["gvc"] * 18 + ["svc"] * 2 + ["none"] * 20 + ["svc"]
    point = scores(gold, guess)["macro_f1"]
    low, high = macro_f1_interval(gold, guess)
    assert low <= point <= high
    assert high - low > 0.15  # one "both" sentence decides 0.25 of macro-F1 when it is drawn
    larger_low, larger_high = macro_f1_interval(gold * 8, guess * 8)
    assert larger_high - larger_low < high - low
    assert macro_f1_interval(gold, gold) == (1.0, 1.0)
    assert scores(gold, guess)["macro_f1_ci"] == [low, high]


def test_evaluate_writes_the_misclassified_sentences(tmp_path):
    errors = tmp_path / "errors.jsonl"
    model = tmp_path / "model"
    runner = CliRunner()
    result = runner.invoke(main, ["classify", "train", str(GOLD[1]), "--model-type", "tfidf", "--out", str(model)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["classify", "evaluate", str(model), str(GOLD[1]), "--cv", "3",
                                  "--errors", str(errors), "--json"])
    assert result.exit_code == 0, result.output
    estimate = json.loads(result.output)
    rows = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    matrix = np.array(estimate["en"]["confusion"]["matrix"])
    assert len(rows) == matrix.sum() - np.trace(matrix) > 0
    assert all(row["label"] != row["predicted"] for row in rows)
    assert all(row["predicted"] == max(row["scores"], key=row["scores"].get) for row in rows)
    assert [row["confidence"] for row in rows] == sorted(row["confidence"] for row in rows)
    low, high = estimate["en"]["macro_f1_ci"]
    assert low <= estimate["en"]["macro_f1"] <= high
    ids = {e.id for e in read_examples([GOLD[1]])}
    assert {row["id"] for row in rows} <= ids


def test_a_model_whose_feature_files_changed_says_so(tmp_path):
    from pipeline.classify.cues import default_cues_path, load_cues
    from pipeline.classify.persist import feature_drift
    from tests.classify.test_classifiers import DEFAULT_MODEL

    assert feature_drift(DEFAULT_MODEL) == []  # the shipped model matches the shipped lexicon and cues
    cues = tmp_path / "cues.yaml"
    cues.write_text(default_cues_path().read_text(encoding="utf-8"), encoding="utf-8")
    model = tmp_path / "model"
    runner = CliRunner()
    result = runner.invoke(main, ["classify", "train", str(GOLD[1]), "--param", f"cues={cues}", "--out", str(model)])
    assert result.exit_code == 0, result.output
    assert feature_drift(model) == []
    cues.write_text(cues.read_text(encoding="utf-8").replace("'geopoliti\\w*'", "'geopoliti\\w*', 'tariff war'"),
                    encoding="utf-8")
    result = runner.invoke(main, ["classify", "predict", str(GOLD[1]), "--model", str(model), "-o",
                                  str(tmp_path / "p.jsonl")])
    assert result.exit_code == 0, result.output
    shipped = load_cues().version
    assert f"trained with cues {shipped}" in result.stderr and "retrain it" in result.stderr
    assert len((tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()) == 119  # still predicts


def test_compare_scores_models_next_to_the_lexicon_rule(tmp_path):
    from pipeline.classify.weak import frame_from_mentions
    from pipeline.tag import FrameTagger

    model = tmp_path / "model"
    runner = CliRunner()
    assert runner.invoke(main, ["classify", "train", str(GOLD[1]), "--out", str(model)]).exit_code == 0
    result = runner.invoke(main, ["classify", "compare", str(model), "--data", str(GOLD[0]), "--baseline", "--json"])
    assert result.exit_code == 0, result.output
    compared = json.loads(result.output)
    assert set(compared) == {str(model), "lexicon rule"}
    chinese = read_examples([GOLD[0]])
    tagger = FrameTagger()
    rule = [frame_from_mentions({m.family for m in tagger.tag(e.text) if m.counted and not m.negated})
            for e in chinese]
    expected = f1_score([e.label for e in chinese], rule, average="macro", zero_division=0)
    assert compared["lexicon rule"]["zh"]["macro_f1"] == pytest.approx(expected)
    from pipeline.classify.models import LexiconRuleClassifier

    assert LexiconRuleClassifier().fit().predict_proba([]).shape == (0, 4)  # nothing to score is no error
    table = runner.invoke(main, ["classify", "compare", str(model), "--data", str(GOLD[1]), "--baseline"]).output
    assert "lexicon rule" in table and "trained on this data" in table  # the model saw GOLD[1]
