"""Frame classifiers on the team's dev gold sentences (read from ../shared/eval at test time): the
scikit-learn interface, safe model files, weak labels, the CLI loop, and cross-lingual transfer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.base import clone

from pipeline.classify import ModelLoadError, TfidfFrameClassifier, UseFrameClassifier, load_model, read_examples
from pipeline.classify.evaluate import cross_validate
from pipeline.classify.persist import save_model
from pipeline.classify.weak import frame_from_mentions, weak_labels
from pipeline.cli import main
from pipeline.io import normalize_text
from pipeline.lexicon import LexiconError
from pipeline.tag import FrameTagger
from tests.conftest import SHARED

GOLD = [SHARED / "eval" / "zh_dev.jsonl", SHARED / "eval" / "en_dev.jsonl"]
DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / "frame-tfidf"


@pytest.fixture(scope="module")
def gold():
    return read_examples(GOLD)


@pytest.fixture(scope="module")
def tfidf(gold):
    return TfidfFrameClassifier().fit([e.text for e in gold], [e.label for e in gold])


def test_models_follow_the_scikit_learn_interface(gold, tfidf):
    for model in (TfidfFrameClassifier(C=2.0), UseFrameClassifier(C=0.5)):
        assert clone(model).get_params() == model.get_params()
        assert not [name for name in vars(model) if name.endswith("_")]  # nothing fitted in __init__
    probabilities = tfidf.predict_proba([e.text for e in gold[:5]])
    assert probabilities.shape == (5, 4) and np.allclose(probabilities.sum(axis=1), 1)
    assert set(tfidf.classes_) == {"svc", "gvc", "both", "none"}
    assert list(tfidf.predict([e.text for e in gold[:5]])) == [tfidf.classes_[i] for i in probabilities.argmax(1)]


def test_models_save_safely_and_load_the_same(gold, tfidf, tmp_path):
    folder = save_model(tfidf, tmp_path / "m", model_type="tfidf", training=[], data_hash="x")
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "card.json", "model.skops"]
    loaded = load_model(folder)
    texts = [e.text for e in gold[:20]]
    assert np.allclose(loaded.predict_proba(texts), tfidf.predict_proba(texts))
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    assert card["labels"] == ["both", "gvc", "none", "svc"] and card["params"]["C"] == 4.0
    (folder / "extra.pkl").write_bytes(b"\x80\x04K\x01.")
    with pytest.raises(ModelLoadError, match="can run code when loaded"):
        load_model(folder)


class NotAModel:
    """A type outside scikit-learn, numpy and policy-pipeline: its skops file must be refused."""

    def __init__(self) -> None:
        self.payload = [1, 2, 3]


def test_unknown_types_and_folders_are_refused(tmp_path):
    import skops.io

    folder = tmp_path / "foreign"
    folder.mkdir()
    with pytest.raises(ModelLoadError, match="not a policy-pipeline model folder"):
        load_model(folder)
    (folder / "card.json").write_text(json.dumps({"format": "policy-pipeline-classifier/1", "model_type": "tfidf",
                                                        "labels": ["svc", "none"]}))
    skops.io.dump(NotAModel(), folder / "model.skops")
    with pytest.raises(ModelLoadError, match="refusing to load it"):
        load_model(folder)
    (folder / "card.json").write_text(json.dumps({"format": "someone-else/2"}))
    with pytest.raises(ModelLoadError, match="unknown model format"):
        load_model(folder)


def test_weak_labels_follow_the_lexicon_rule(headline_run, gold):
    excluded = {normalize_text(e.text) for e in gold}
    weak = weak_labels(headline_run, per_class=200, exclude_texts=excluded)
    assert {e.label for e in weak.examples} == {"svc", "gvc", "both", "none"}
    kept = {(lang, label): n for (lang, label), n in weak.available.items()}
    for (lang, label), available in kept.items():
        chosen = sum(1 for e in weak.examples if (e.lang, e.label) == (lang, label))
        assert chosen == min(available, 200)
    tagger = FrameTagger()
    for example in weak.examples[::25]:
        families = {m.family for m in tagger.tag(example.text) if m.counted and not m.negated}
        assert frame_from_mentions(families) == example.label
        assert example.rule.split(":")[0] == example.label
    assert not excluded & {normalize_text(e.text) for e in weak.examples}


def test_an_excluded_text_excludes_the_sentences_the_segmenter_finds_in_it(headline_run):
    # An evaluation sentence drawn when two bulleted items were one sentence ("A. - B") is two sentences
    # in a run now; neither may become a weak label.
    weak = weak_labels(headline_run, per_class=50)
    first, second = [e.text for e in weak.examples if e.lang == "en" and e.text.endswith(".")][:2]
    again = weak_labels(headline_run, per_class=50, exclude_texts={normalize_text(f"{first} - {second}")})
    assert not {first, second} & {e.text for e in again.examples}


def test_weak_svc_labels_need_an_economic_subject(headline_run, tmp_path):
    from pipeline.classify.cues import load_cues
    from pipeline.classify.features import matching_view

    cues = load_cues()

    def has_subject(text):
        return cues.names_subject(*matching_view(text))

    everything = 10**9  # no sampling, so the two sets differ only by the subject rule
    strict = weak_labels(headline_run, per_class=everything)
    loose = weak_labels(headline_run, per_class=everything, svc_needs_subject=False)
    assert all(has_subject(e.text) for e in strict.examples if e.label in ("svc", "both"))
    kept = {e.text for e in strict.examples}
    skipped = [e for e in loose.examples if e.text not in kept]
    assert len(skipped) == strict.skipped_no_subject > 0 and loose.skipped_no_subject == 0
    assert {e.label for e in skipped} <= {"svc", "both"} and not any(has_subject(e.text) for e in skipped)
    # gvc and none labels are untouched
    for label in ("gvc", "none"):
        assert sum(e.label == label for e in strict.examples) == sum(e.label == label for e in loose.examples)
    # what is skipped is security language with nothing economic in the sentence, e.g. national security
    # as defence or public order in the work reports and State of the Union addresses
    assert any("national_security" in e.rule for e in skipped)

    broken = tmp_path / "cues.yaml"
    broken.write_text("version: '1'\nsubject: economy\ngroups:\n  svc: {zh: [安全], en: [secur]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="'economy' is not a group"):
        weak_labels(headline_run, cues=broken)


def test_cross_validation_never_trains_on_what_it_scores(gold):
    english = [e for e in gold if e.lang == "en"]
    result = cross_validate(TfidfFrameClassifier(), english, extra=english[:30], folds=3)
    assert result["extra_training_examples"] == 0  # the extra sentences are the evaluated ones: dropped
    assert result["all"]["n"] == len(english)
    assert 0 < result["en"]["macro_f1"] <= 1 and "calibration" in result["en"]


def test_use_trained_on_english_predicts_chinese(gold):
    english = [e for e in gold if e.lang == "en"]
    chinese = [e for e in gold if e.lang == "zh"]
    from sklearn.metrics import f1_score

    for knowledge, floor in ((False, 0.3), (True, 0.5)):
        # knowledge=False: the embeddings alone; True: with the lexicon's counts and the frame cues
        model = UseFrameClassifier(lexicon_features=knowledge, cue_features=knowledge).fit(
            [e.text for e in english], [e.label for e in english])
        predicted = model.predict([e.text for e in chinese])
        # A constant prediction ("none") scores macro-F1 0.21 here.
        assert f1_score([e.label for e in chinese], predicted, average="macro") > floor


def test_the_shipped_default_model(gold):
    card = json.loads((DEFAULT_MODEL / "card.json").read_text(encoding="utf-8"))
    assert card["model_type"] == "tfidf" and (DEFAULT_MODEL / "model.skops").stat().st_size < 5_000_000
    assert "dev gold" in card["notes"] and "weak labels" in card["notes"]
    assert {part["role"] for part in card["training_data"]} == {"labelled", "weak"}
    estimate = card["metrics"]["cross_validated"]
    assert {"zh", "en"} <= set(estimate) and estimate["folds"] == 5
    for lang in ("zh", "en"):
        low, high = estimate[lang]["macro_f1_ci"]
        assert low <= estimate[lang]["macro_f1"] <= high
    from pipeline.classify.cues import load_cues

    assert card["params"]["cue_features"] and card["cues"]["sha256"] == load_cues().content_hash
    model = load_model(DEFAULT_MODEL)
    assert model.predict(["坚定不移扩大对外开放，欢迎外商投资。"])[0] == "gvc"
    assert model.predict(["We will protect our critical supply chains and build them here in America."])[0] == "svc"


def test_classify_commands_close_the_loop(headline_run, tmp_path):
    runner = CliRunner()

    def invoke(*arguments):
        result = runner.invoke(main, ["classify", *map(str, arguments)])
        assert result.exit_code == 0, result.output
        return result.output

    weak = tmp_path / "weak.jsonl"
    output = invoke("weak-label", headline_run, "-o", weak, "--per-class", "150", "--exclude", GOLD[0],
                    "--exclude", GOLD[1])
    assert "no economic subject were skipped" in output
    assert all(json.loads(line)["rule"] for line in weak.read_text(encoding="utf-8").splitlines())
    first = tmp_path / "v1"
    output = invoke("train", *GOLD, "--weak", weak, "--model-type", "tfidf", "--out", first, "--cv", "3")
    assert "3-fold cross-validated" in output and "macro-F1" in output
    output = invoke("evaluate", first, *GOLD)
    assert "trained on this data" in output and "confusion" in output
    scores = json.loads(invoke("evaluate", first, *GOLD, "--cv", "3", "--weak", weak, "--json"))
    assert {"zh", "en", "all"} <= set(scores) and "ece" in scores["zh"]["calibration"]
    # Export the least certain sentences of the run, "annotate" them in Label Studio's export format.
    tasks = tmp_path / "tasks.json"
    invoke("export-for-annotation", headline_run, "-o", tasks, "--model", first, "--n", "40")
    exported = json.loads(tasks.read_text(encoding="utf-8"))
    assert len(exported) == 40 and (tmp_path / "tasks.label_config.xml").is_file()
    margins = [task["predictions"][0]["score"] for task in exported]
    assert max(margins) < 0.9  # uncertain ones
    for task, label in zip(exported, ["svc", "gvc", "none", "both"] * 10, strict=False):
        task["annotations"] = [{"was_cancelled": False, "result": [
            {"from_name": "frame", "to_name": "text", "type": "choices", "value": {"choices": [label]}}]}]
    exported[0]["annotations"] = [{"was_cancelled": True, "result": []}]
    (tmp_path / "export.json").write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    output = invoke("import-annotations", tmp_path / "export.json", "-o", labels)
    assert "wrote 39 labelled sentences" in output and "cancelled 1" in output
    second = tmp_path / "v2"
    invoke("train", *GOLD, labels, "--weak", weak, "--out", second)
    comparison = json.loads(invoke("compare", first, second, "--data", GOLD[0], "--json"))
    assert set(comparison) == {str(first), str(second)}
    # doccano round trip
    doccano = tmp_path / "tasks.jsonl"
    invoke("export-for-annotation", GOLD[1], "-o", doccano, "--model", second, "--n", "5", "--format", "doccano")
    lines = [json.loads(line) for line in doccano.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        line["label"] = ["none"]
    doccano.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert "wrote 5 labelled" in invoke("import-annotations", doccano, "-o", tmp_path / "d.jsonl")
    # predict with a chosen model and with the default one
    predictions = tmp_path / "predictions.jsonl"
    invoke("predict", GOLD[1], "--model", second, "-o", predictions)
    rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 119 and set(rows[0]) == {"id", "frame", "scores", "p_svc", "p_gvc"}
    assert rows[0]["frame"] == max(rows[0]["scores"], key=rows[0]["scores"].get)
    default = json.loads(invoke("predict", GOLD[0]).splitlines()[0])
    assert default["frame"] in {"svc", "gvc", "both", "none"}


def test_run_with_a_classifier_adds_frames_and_its_shift_index(headline_run, tmp_path):
    import shutil

    from pipeline.store import read_table

    copy = tmp_path / "copy"
    shutil.copytree(headline_run, copy)
    result = CliRunner().invoke(main, ["run", *[str(SHARED / "corpora" / name) for name in
                                                ("cn_gov_work_reports", "us_sotu", "eu_soteu")],
                                       "--out", str(copy), "--classifier", str(DEFAULT_MODEL), "-q"])
    assert result.exit_code == 0, result.output
    frames = read_table(copy, "frames")
    sentences = read_table(copy, "sentences", ["doc_id"])
    assert len(frames) == len(sentences) and set(frames["frame"]) <= {"svc", "gvc", "both", "none"}
    shift = read_table(copy, "shift")
    cn = shift[(shift["jurisdiction"] == "CN") & (shift["group"] == "*") & (shift["period"] == "2021")].iloc[0]
    documents = read_table(copy, "documents", ["doc_id", "year", "jurisdiction"])
    ids = set(documents[(documents["jurisdiction"] == "CN") & (documents["year"] == 2021)]["doc_id"])
    in_2021 = frames[frames["doc_id"].isin(ids)]
    assert cn["clf_n_svc"] == (in_2021["frame"] == "svc").sum()
    assert cn["clf_svc_share_low"] <= cn["clf_svc_share"] <= cn["clf_svc_share_high"]
    # the share counts decided labels (a `both` on each side), its error from the card's CV
    assert cn["clf_method"] == "counted"
    svc, gvc = in_2021["frame"].isin(["svc", "both"]).sum(), in_2021["frame"].isin(["gvc", "both"]).sum()
    assert cn["clf_svc_share"] == pytest.approx(svc / (svc + gvc))
    assert cn["clf_svc_share_me_low"] <= cn["clf_svc_share_low"] and cn["clf_svc_share_me_high"] >= cn[
        "clf_svc_share_high"]
    manifest = json.loads((copy / "run.json").read_text(encoding="utf-8"))
    assert any("classifier" in note for note in manifest["notes"])
    # the run's two workers predicted chunks of sentences; in this process alone the table is the same
    from pipeline.classify.predict import classify_run
    from pipeline.config import PipelineConfig

    classify_run(copy, load_model(DEFAULT_MODEL), model_dir=DEFAULT_MODEL,
                 config=PipelineConfig.load(overrides=["run.workers=1"]))
    assert read_table(copy, "frames").equals(frames)
    from pipeline.report import build_report

    html = build_report(copy)  # the classifier's shift index beside the lexicon's, with its sentences
    assert 'id="chart-shift-classifier"' in html and '"clf|CN|2021"' in html


def test_bad_training_data_is_a_clear_error(tmp_path):
    data = tmp_path / "labels.jsonl"
    data.write_text('{"text": "We will decouple.", "label": "svc"}\n{"text": "No label here."}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "train", str(data), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "labels.jsonl:2: each line needs a 'label' (or 'frame') string" in " ".join(result.output.split())
    data.write_text('{"text": "We will decouple.", "label": "svc"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "train", str(data), "--model-type", "tfidf", "--param", "depth=3",
                                       "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "unknown parameter(s) for tfidf: depth" in " ".join(result.output.split())


def test_broken_annotation_exports_and_run_folders_are_clear_errors(tmp_path):
    export = tmp_path / "doccano.jsonl"
    export.write_text('{"text": "Open markets.", "label": ["gvc"]}\n{"text": "cut off', encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "import-annotations", str(export), "-o", str(tmp_path / "l.jsonl")])
    assert result.exit_code == 2 and "doccano.jsonl:2: invalid JSON" in " ".join(result.output.split())
    studio = tmp_path / "label-studio.json"
    studio.write_text(json.dumps([{"data": {"text": "Open markets."}, "annotations": []},
                                  {"data": {"text": "Secure supply chains."}, "annotations": [
                                      {"result": [{"type": "choices", "value": {"choices": ["svc"]}}]}]}]))
    result = CliRunner().invoke(main, ["classify", "import-annotations", str(studio), "-o", str(tmp_path / "l.jsonl")])
    assert result.exit_code == 0 and "wrote 1 labelled" in result.output and "unlabelled 1" in result.output
    result = CliRunner().invoke(main, ["classify", "weak-label", str(tmp_path), "-o", str(tmp_path / "w.jsonl")])
    assert result.exit_code == 2 and "no sentences table" in " ".join(result.output.split())


def test_presence_heads_give_both_presences_and_save_safely(gold, tmp_path):
    texts, labels = [e.text for e in gold], [e.label for e in gold]
    model = TfidfFrameClassifier(heads="presence").fit(texts, labels)
    probabilities = model.predict_proba(texts[:40])
    assert list(model.classes_) == ["both", "gvc", "none", "svc"]
    assert np.allclose(probabilities.sum(axis=1), 1)
    # the four labels are the two heads' products: P(both) = P(svc present) x P(gvc present)
    svc, gvc = probabilities[:, [0, 3]].sum(axis=1), probabilities[:, [0, 1]].sum(axis=1)
    assert np.allclose(probabilities[:, 0], svc * gvc)
    # fitted on these sentences, each head separates its frame's sentences from the rest
    for frame_labels, head in ((("svc", "both"), svc), (("gvc", "both"), gvc)):
        present = np.isin(labels[:40], frame_labels)
        assert head[present].mean() > head[~present].mean() + 0.3
    folder = save_model(model, tmp_path / "heads", model_type="tfidf", training=[], data_hash="x")
    assert np.allclose(load_model(folder).predict_proba(texts[:40]), probabilities)
    with pytest.raises(ValueError, match="heads must be"):
        TfidfFrameClassifier(heads="three").fit(texts, labels)


def test_e5_encoder_from_its_package_classifies_and_saves(gold, tmp_path):
    english = [e for e in gold if e.lang == "en"]
    chinese = [e for e in gold if e.lang == "zh"]
    from sklearn.metrics import f1_score

    from pipeline.classify.features import EMBEDDINGS

    vectors = EMBEDDINGS.embed(["供应链安全", "supply chain security", "the weather is fine"], "e5")
    assert vectors.shape == (3, 384)
    # multilingual: the translation is nearer than an unrelated English sentence
    assert vectors[0] @ vectors[1] > vectors[1] @ vectors[2]
    model = UseFrameClassifier(encoder="e5", lexicon_features=False, cue_features=False).fit(
        [e.text for e in english], [e.label for e in english])
    # embeddings alone, trained on English: above a constant "none" (macro-F1 0.21) on Chinese
    assert f1_score([e.label for e in chinese], model.predict([e.text for e in chinese]), average="macro") > 0.3
    folder = save_model(model, tmp_path / "e5", model_type="use", training=[], data_hash="x")
    loaded = load_model(folder)
    assert loaded.encoder == "e5"
    sample = [e.text for e in chinese[:10]]
    assert np.allclose(loaded.predict_proba(sample), model.predict_proba(sample))
    with pytest.raises(ValueError, match="unknown encoder"):
        UseFrameClassifier(encoder="bert").fit([e.text for e in english], [e.label for e in english])
