"""Scores of a frame classifier: precision, recall and F1 per class and language, macro-F1, the confusion
matrix and calibration (expected calibration error over confidence bins); and a cross-validated estimate
that refits the model's configuration on folds of the evaluation data."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.base import clone
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from pipeline.classify.data import Example
from pipeline.io import normalize_text


def scores(y_true: Sequence[str], y_pred: Sequence[str], probabilities: np.ndarray | None = None,
           classes: Sequence[str] | None = None, bins: int = 10) -> dict:
    """Per-class precision/recall/F1/support, macro-F1 (over every label in the gold or the predictions,
    as scikit-learn counts it), accuracy, the confusion matrix and, with ``probabilities``, calibration."""
    labels = sorted(set(y_true) | set(y_pred))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    result = {
        "n": len(y_true),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))) if len(y_true) else float("nan"),
        "per_class": {label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                      for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)},
        "confusion": {"labels": labels, "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()},
    }
    if probabilities is not None and classes is not None and len(y_true):
        result["calibration"] = calibration(y_true, probabilities, classes, bins)
    return result


def calibration(y_true: Sequence[str], probabilities: np.ndarray, classes: Sequence[str], bins: int = 10) -> dict:
    """Expected calibration error of the top prediction's confidence, and the reliability table."""
    confidence = probabilities.max(axis=1)
    correct = np.asarray(classes)[probabilities.argmax(axis=1)] == np.asarray(y_true)
    edges = np.linspace(0, 1, bins + 1)
    table, error = [], 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if not inside.any():
            continue
        accuracy, mean_confidence = float(correct[inside].mean()), float(confidence[inside].mean())
        error += inside.mean() * abs(accuracy - mean_confidence)
        table.append({"bin": f"{low:.1f}-{high:.1f}", "n": int(inside.sum()), "confidence": mean_confidence,
                      "accuracy": accuracy})
    return {"ece": float(error), "bins": table}


def by_language(examples: Sequence[Example], predicted: Sequence[str], probabilities: np.ndarray | None,
                classes: Sequence[str]) -> dict:
    """:func:`scores` for all examples and for each language."""
    result = {"all": scores([e.label for e in examples], predicted, probabilities, classes)}
    langs = np.array([e.lang for e in examples])
    for lang in sorted(set(langs)):
        chosen = np.flatnonzero(langs == lang)
        result[lang] = scores([examples[i].label for i in chosen], [predicted[i] for i in chosen],
                              probabilities[chosen] if probabilities is not None else None, classes)
    return result


def evaluate_model(model, examples: Sequence[Example]) -> dict:
    probabilities = model.predict_proba([e.text for e in examples])
    classes = list(model.classes_)
    predicted = [classes[i] for i in probabilities.argmax(axis=1)]
    return by_language(examples, predicted, probabilities, classes)


def cross_validate(model, examples: Sequence[Example], *, extra: Sequence[Example] = (), folds: int = 5,
                   seed: int = 0, fit: Callable | None = None) -> dict:
    """Refit ``model``'s configuration on ``folds`` folds of ``examples`` (stratified by language and
    label), each time with ``extra`` training data too, and score the held-out predictions. ``extra``
    sentences whose text is in ``examples`` are dropped, so no evaluated sentence is trained on.
    ``fit(model, train_examples)`` overrides how a fold is fitted (e.g. to weight weak labels)."""
    texts = {normalize_text(e.text) for e in examples}
    extra = [e for e in extra if normalize_text(e.text) not in texts]
    strata = np.array([f"{e.lang}-{e.label}" for e in examples])
    counts = {stratum: int((strata == stratum).sum()) for stratum in set(strata)}
    largest = {}
    for stratum, _ in sorted(counts.items(), key=lambda item: -item[1]):
        largest.setdefault(stratum.split("-")[0], stratum)
    # Strata rarer than the number of folds (1 "both" sentence) are stratified with their language's largest.
    strata = np.array([s if counts[s] >= folds else largest[s.split("-")[0]] for s in strata])
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    predicted: list[str | None] = [None] * len(examples)
    probabilities: np.ndarray | None = None
    classes: list[str] = sorted({e.label for e in list(examples) + list(extra)})
    for train, test in splitter.split(np.zeros(len(examples)), strata):
        fold = clone(model)
        train_examples = list(extra) + [examples[i] for i in train]
        if fit is not None:
            fit(fold, train_examples)
        else:
            fold.fit([e.text for e in train_examples], [e.label for e in train_examples])
        fold_probabilities = fold.predict_proba([examples[i].text for i in test])
        aligned = np.zeros((len(test), len(classes)))
        for column, label in enumerate(fold.classes_):
            aligned[:, classes.index(label)] = fold_probabilities[:, column]
        if probabilities is None:
            probabilities = np.zeros((len(examples), len(classes)))
        probabilities[test] = aligned
        for row, index in enumerate(test):
            predicted[index] = classes[int(aligned[row].argmax())]
    result = by_language(examples, predicted, probabilities, classes)
    result["folds"] = folds
    result["extra_training_examples"] = len(extra)
    return result
