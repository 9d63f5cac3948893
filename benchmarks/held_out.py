"""Reproduce the README's held-out comparisons of learned layers (about 10 minutes on 2 cores):

    .venv/bin/python benchmarks/held_out.py spans     # the span layer on a lexicon that never saw wave 2
    .venv/bin/python benchmarks/held_out.py frames    # frame models by 5-fold CV grouped by document
    .venv/bin/python benchmarks/held_out.py share     # the classifier's SVC share at documents' proportions

``spans``: lexicon 1.0.0 as it stood before wave 2 was read (taken from git history, commit f4cf38e) tags
the corpora; a span layer learns from those weak labels and from gold wave 1, and both are scored on wave 2
(``../shared/eval/*_dev2.jsonl``), which neither saw.
``frames``: the configurations of the README's table ("Encoders, heads and context"), each fold trained on
the other folds and on weak labels from no gold document.
``share``: out-of-fold predictions for the gold (the shipped configuration, 5 folds grouped by document)
are resampled to known SVC shares (0.3 to 0.9, 60 framed sentences) and set among as many unframed
sentences as the headline documents hold (sentences of cn_gov_work_reports, us_sotu, eu_soteu without a
lexicon mention, predicted by the shipped model); each estimator's mean estimate against the truth, and
the slope of that line (1: a change in the share is read whole).
Run folders go to out/held-out-*/ (incremental: a second run reuses them).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.batch import run_pipeline  # noqa: E402
from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.notebook import shared_corpora  # noqa: E402

CORPORA = ("cn_gov_work_reports", "cn_central_documents_2020", "cn_cpc_congress_reports", "cn_laws_regulations",
           "us_sotu", "us_nss", "eu_soteu", "us_wh_fact_sheets")
LEXICON_BEFORE_WAVE_2 = "f4cf38e"


def _run(out: Path, overrides: list[str]) -> Path:
    corpora = shared_corpora()
    run_pipeline([str(corpora / name) for name in CORPORA], out, PipelineConfig.load(overrides=overrides))
    return out


def _gold(*names: str) -> list[dict]:
    from pipeline.tag.records import read_records

    return list(read_records([shared_corpora().parent / "eval" / f"{name}.jsonl" for name in names]))


def spans() -> None:
    from pipeline.lexicon import load_lexicon
    from pipeline.tag import FrameTagger
    from pipeline.tag.evaluate import evaluate, summary
    from pipeline.tag.learned import document_key, gold_training_sentences, train_span_model, weak_training_sentences

    lexicon_file = REPO / "out" / "held-out-lexicon-1.0.0.yaml"
    lexicon_file.parent.mkdir(exist_ok=True)
    lexicon_file.write_bytes(subprocess.run(
        ["git", "-C", str(REPO), "show", f"{LEXICON_BEFORE_WAVE_2}:pipeline/lexicon/concepts.yaml"],
        check=True, capture_output=True).stdout)
    run = _run(REPO / "out" / "held-out-run-lexicon-1.0.0", [f"tag.lexicon={lexicon_file}", "run.workers=2"])
    train, test = _gold("zh_dev", "en_dev"), _gold("zh_dev2", "en_dev2")
    weak = weak_training_sentences(run, exclude_documents={document_key(r) for r in train + test})
    model = train_span_model([*weak, *gold_training_sentences(train)])
    lexicon = load_lexicon(lexicon_file)
    print(f"lexicon {lexicon.version}; layer trained on {len(weak)} weak and {len(train)} wave-1 sentences; "
          f"scored on {len(test)} wave-2 sentences")
    for threshold in (None, 0.3, 0.4, 0.5, 0.7):
        tagger = FrameTagger(lexicon, span_model=model if threshold else None, span_threshold=threshold)
        for row in summary(evaluate(tagger, test), resamples=500):
            name = "lexicon" if threshold is None else f"layer@{threshold}"
            print(f"{name:11s} {row['lang']} P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f} "
                  f"({row['f1_ci'][0]:.2f}-{row['f1_ci'][1]:.2f}) tp {row['tp']} fp {row['fp']} fn {row['fn']}")


FRAME_MODELS = {
    "tfidf (shipped configuration)": ("tfidf", {}, 0.3),
    "tfidf, heads=presence": ("tfidf", {"heads": "presence"}, 0.3),
    "tfidf, gold only, heads=presence": ("tfidf", {"heads": "presence"}, 0.0),
    "use": ("use", {}, 0.3),
    "use, encoder=e5": ("use", {"encoder": "e5"}, 0.3),
    # all-MiniLM-L6-v2 is an English encoder: English gold and weak labels only, so its folds differ
    "transformer (MiniLM), en, 5 epochs": ("transformer", {"epochs": 5}, 0.3, ("en",)),
    "transformer (MiniLM), en, gold only, 8 epochs": ("transformer", {"epochs": 8}, 0.0, ("en",)),
}


def frames() -> None:
    from pipeline.classify.data import read_examples
    from pipeline.classify.evaluate import cross_validate, evaluate_model
    from pipeline.classify.models import LexiconRuleClassifier
    from pipeline.classify.train import build_model, weighted_fit
    from pipeline.classify.weak import weak_labels
    from pipeline.io import normalize_text

    run = _run(REPO / "out" / "held-out-run", ["run.workers=2"])
    gold = read_examples([shared_corpora().parent / "eval" / f"{lang}_{wave}.jsonl"
                          for wave in ("dev", "dev2") for lang in ("zh", "en")])
    weak = weak_labels(run, per_class=1500, seed=13, exclude_texts={normalize_text(e.text) for e in gold}).examples
    print(f"{len(gold)} gold sentences, {len(weak)} weak labels; svc / gvc presence F1, probabilistic share error")

    def show(name: str, result: dict, seconds: float | None) -> None:
        cells = []
        for lang in [lang for lang in ("zh", "en") if lang in result]:
            presence = result[lang]["presence"]
            cells.append(f"{lang} {presence['svc_present']['f1']:.3f} / {presence['gvc_present']['f1']:.3f} / "
                         f"{presence['svc_share']['probabilistic']['error']:+.3f}")
        print(f"{name:34s} {'   '.join(cells)}" + (f"   {seconds:.0f} s" if seconds is not None else ""))

    for name, (model_type, params, weak_ratio, *only) in FRAME_MODELS.items():
        langs = only[0] if only else ("zh", "en")
        started = time.perf_counter()
        fit = weighted_fit(weak_ratio, {e.text for e in weak})
        result = cross_validate(build_model(model_type, params), [e for e in gold if e.lang in langs],
                                extra=[e for e in weak if e.lang in langs] if weak_ratio else [], folds=5, fit=fit)
        show(name, result, time.perf_counter() - started)
    rule = LexiconRuleClassifier().fit([e.text for e in gold], [e.label for e in gold])
    show("lexicon rule (tuning data)", evaluate_model(rule, gold), None)


def share() -> None:
    import numpy as np
    import pandas as pd

    from pipeline.classify import load_model
    from pipeline.classify.data import read_examples
    from pipeline.classify.evaluate import cross_validated_predictions, presence_probabilities
    from pipeline.classify.train import build_model, weighted_fit
    from pipeline.classify.weak import weak_labels
    from pipeline.io import normalize_text
    from pipeline.store import read_table

    run = _run(REPO / "out" / "held-out-run", ["run.workers=2"])
    gold = read_examples([shared_corpora().parent / "eval" / f"{lang}_{wave}.jsonl"
                          for wave in ("dev", "dev2") for lang in ("zh", "en")])
    weak = weak_labels(run, per_class=1500, seed=13, exclude_texts={normalize_text(e.text) for e in gold}).examples
    predicted, _ = cross_validated_predictions(build_model("tfidf", {}), gold, extra=weak, folds=5,
                                               fit=weighted_fit(0.3, {e.text for e in weak}))
    presence = presence_probabilities(predicted.probabilities, predicted.classes)
    scored = pd.DataFrame({"lang": [e.lang for e in gold], "label": [e.label for e in gold],
                           "frame": predicted.predicted, "p_svc": presence["svc"], "p_gvc": presence["gvc"]})

    documents = read_table(run, "documents", ["doc_id", "corpus", "jurisdiction"])
    sentences = read_table(run, "sentences", ["doc_id", "sentence_id", "text"]).merge(documents, on="doc_id")
    mentions = read_table(run, "mentions", ["doc_id", "sentence_id"])
    marked = set(zip(mentions["doc_id"], mentions["sentence_id"], strict=True))
    model = load_model(REPO / "models" / "frame-tfidf")

    def estimates(rows: pd.DataFrame) -> tuple[float, float]:
        svc, gvc = rows["frame"].isin(["svc", "both"]).sum(), rows["frame"].isin(["gvc", "both"]).sum()
        return svc / (svc + gvc), rows["p_svc"].sum() / (rows["p_svc"].sum() + rows["p_gvc"].sum())

    print("known SVC share -> mean estimate over 40 draws: counted / probabilistic")
    for jurisdiction, corpus, lang in (("CN", "cn_gov_work_reports", "zh"), ("US", "us_sotu", "en"),
                                       ("EU", "eu_soteu", "en")):
        texts = sentences[sentences["corpus"] == corpus]
        probabilities = model.predict_proba(texts["text"].tolist())
        labels = np.asarray(model.classes_)[probabilities.argmax(axis=1)]
        unframed_share = float((labels == "none").mean())
        unmarked = ~np.array([key in marked for key in zip(texts["doc_id"], texts["sentence_id"], strict=True)])
        pool_presence = presence_probabilities(probabilities[unmarked], list(model.classes_))
        pool = pd.DataFrame({"frame": labels[unmarked], "p_svc": pool_presence["svc"],
                             "p_gvc": pool_presence["gvc"]})
        lang_gold = scored[scored["lang"] == lang]
        svc, gvc = lang_gold[lang_gold["label"] == "svc"], lang_gold[lang_gold["label"] == "gvc"]
        added = int(60 * unframed_share / (1 - unframed_share))
        cells, rows = [], []
        for truth in (0.3, 0.5, 0.7, 0.9):
            draws = []
            for draw in range(40):
                framed = pd.concat([svc.sample(round(60 * truth), replace=True, random_state=draw),
                                    gvc.sample(60 - round(60 * truth), replace=True, random_state=1000 + draw)])
                draws.append(estimates(pd.concat([framed, pool.sample(added, replace=True, random_state=draw)])))
            counted, probabilistic = np.mean(draws, axis=0)
            rows.append((truth, counted, probabilistic))
            cells.append(f"{truth:.1f} -> {counted:.2f} / {probabilistic:.2f}")
        table = np.array(rows)
        slopes = [np.polyfit(table[:, 0], table[:, column], 1)[0] for column in (1, 2)]
        print(f"{jurisdiction} ({unframed_share:.1%} of sentences unframed, {added} beside 60 framed): "
              f"{'; '.join(cells)}; slope {slopes[0]:.2f} / {slopes[1]:.2f}")


if __name__ == "__main__":
    jobs = {"spans": spans, "frames": frames, "share": share}
    if len(sys.argv) != 2 or sys.argv[1] not in jobs:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(jobs)}")
    jobs[sys.argv[1]]()
