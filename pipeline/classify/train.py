"""Training a frame classifier from labelled data and, optionally, weak labels that weigh less."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.utils.validation import has_fit_parameter

from pipeline.classify.data import Example, data_hash, read_examples
from pipeline.classify.models import MODEL_TYPES


def build_model(model_type: str, params: dict | None = None):
    if model_type not in MODEL_TYPES:
        raise ValueError(f"unknown model type {model_type!r} (choose from: {', '.join(MODEL_TYPES)})")
    model = MODEL_TYPES[model_type]()
    unknown = set(params or {}) - set(model.get_params())
    if unknown:
        raise ValueError(f"unknown parameter(s) for {model_type}: {', '.join(sorted(unknown))} "
                         f"(valid: {', '.join(sorted(model.get_params()))})")
    return model.set_params(**(params or {}))


def weighted_fit(weak_ratio: float, weak_texts: set[str]):
    """A fit function giving weak examples (texts in ``weak_texts``) a total weight of ``weak_ratio``
    times that of the labelled ones. Weak labels copy the lexicon's rule; at equal weight the model learns
    the rule and nothing else (measured on the dev gold)."""

    def fit(model, examples: Sequence[Example]):
        weak = np.array([example.text in weak_texts and example.rule != "" for example in examples])
        n_labelled, n_weak = int((~weak).sum()), int(weak.sum())
        if not has_fit_parameter(model, "sample_weight") or not n_weak or not n_labelled:
            # weak labels alone (a first model before any annotation) are the whole training set, unweighted
            chosen = list(examples)
            if n_weak and n_labelled:  # no weights (transformer): keep a proportional sample of weak labels
                rng = np.random.default_rng(0)
                keep = set(rng.choice(np.flatnonzero(weak), min(n_weak, int(weak_ratio * n_labelled) or 1),
                                      replace=False).tolist())
                chosen = [e for i, e in enumerate(examples) if not weak[i] or i in keep]
            return model.fit([e.text for e in chosen], [e.label for e in chosen])
        weights = np.where(weak, weak_ratio * n_labelled / n_weak, 1.0)
        return model.fit([e.text for e in examples], [e.label for e in examples], sample_weight=weights)

    return fit


def describe(examples: Sequence[Example], source: str, role: str, note: str = "") -> dict:
    return {"source": source, "role": role, "n": len(examples), "sha256": data_hash(examples),
            "labels": dict(sorted(Counter(e.label for e in examples).items())),
            "langs": dict(sorted(Counter(e.lang for e in examples).items())), "note": note}


def train(data: Sequence[str | Path], model_type: str, out_dir: str | Path, *, weak: Sequence[str | Path] = (),
          weak_ratio: float = 0.3, params: dict | None = None, cv_folds: int = 0, notes: str = ""):
    """Train on the labelled ``data`` files (and ``weak`` label files), save the model and its card into
    ``out_dir``; with ``cv_folds``, also store a cross-validated estimate on the labelled data (weak labels
    join every fold's training data). Returns (model, card path)."""
    from pipeline.classify.evaluate import cross_validate, evaluate_model
    from pipeline.classify.persist import save_model

    labelled = read_examples(data)
    weak_examples = [e if e.rule else Example(e.text, e.lang, e.label, e.id, e.source, "weak", e.doc_id)
                     for e in read_examples(weak)]
    if not labelled and not weak_examples:
        raise ValueError("no training examples")
    model = build_model(model_type, params)
    fit = weighted_fit(weak_ratio, {e.text for e in weak_examples})
    fit(model, labelled + weak_examples)
    metrics: dict = {"training": evaluate_model(model, labelled)} if labelled else {}
    if cv_folds and labelled:
        metrics["cross_validated"] = cross_validate(model, labelled, extra=weak_examples, folds=cv_folds, fit=fit)
    training = [describe([e for e in labelled if e.source == str(path)], str(path), "labelled") for path in data]
    training += [describe([e for e in weak_examples if e.source == str(path)], str(path), "weak",
                          f"weight: {weak_ratio} x the labelled examples in total") for path in weak]
    path = save_model(model, out_dir, model_type=model_type, training=training,
                      data_hash=data_hash(labelled + weak_examples), metrics=metrics, notes=notes)
    return model, path
