"""Scores of a frame classifier: precision, recall and F1 per class and language, macro-F1 with a bootstrap
interval, the confusion matrix and calibration (expected calibration error over confidence bins); and a
cross-validated estimate that refits the model's configuration on folds of the evaluation data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold

from pipeline.classify.data import PRESENCE, Example
from pipeline.io import normalize_text


@dataclass
class Predictions:
    """What a model said about each example: the label it chose and its probabilities (columns: ``classes``)."""

    examples: list[Example]
    predicted: list[str]
    probabilities: np.ndarray
    classes: list[str]

    def errors(self) -> list[dict]:
        """The examples predicted wrong, least confident first: rows to review (or to re-annotate)."""
        rows = [{"id": e.id, "lang": e.lang, "label": e.label, "predicted": predicted,
                 "confidence": round(float(row.max()), 4),
                 "scores": {label: round(float(p), 4) for label, p in zip(self.classes, row, strict=True)},
                 "text": e.text}
                for e, predicted, row in zip(self.examples, self.predicted, self.probabilities, strict=True)
                if predicted != e.label]
        return sorted(rows, key=lambda row: row["confidence"])


def resample_weights(n: int, resamples: int, seed: int) -> np.ndarray:
    """A (resamples, n) matrix: how often each of ``n`` sentences is drawn in each bootstrap resample, so a
    resampled sum is one matrix product."""
    return np.random.default_rng(seed).multinomial(n, np.full(n, 1 / n), size=resamples).astype(float)


def macro_f1_interval(y_true: Sequence[str], y_pred: Sequence[str], *, resamples: int = 2000, seed: int = 0,
                      level: float = 0.95) -> tuple[float, float]:
    """A percentile bootstrap interval of macro-F1, resampling sentences. A label absent from a resample's
    gold and predictions is left out of that resample's average (not scored 0), as it would be in a
    smaller evaluation set. With 1-3 sentences of a label, the interval is wide: that is the point."""
    if not len(y_true):
        return (float("nan"), float("nan"))
    labels = sorted(set(y_true) | set(y_pred))
    gold = np.array([labels.index(label) for label in y_true])
    guess = np.array([labels.index(label) for label in y_pred])
    weights = resample_weights(len(gold), resamples, seed)
    one_hot = np.eye(len(labels))
    true_positive = weights @ (one_hot[gold] * one_hot[guess])
    support_and_predicted = weights @ (one_hot[gold] + one_hot[guess])
    present = support_and_predicted > 0
    f1 = np.divide(2 * true_positive, support_and_predicted, out=np.zeros_like(true_positive), where=present)
    macro = (f1 * present).sum(axis=1) / present.sum(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(macro, [tail, 100 - tail])
    return (float(low), float(high))


def scores(y_true: Sequence[str], y_pred: Sequence[str], probabilities: np.ndarray | None = None,
           classes: Sequence[str] | None = None, bins: int = 10) -> dict:
    """Per-class precision/recall/F1/support, macro-F1 (over every label in the gold or the predictions,
    as scikit-learn counts it) with its 95% bootstrap interval, accuracy, the confusion matrix and, with
    ``probabilities``, calibration."""
    labels = sorted(set(y_true) | set(y_pred))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    result = {
        "n": len(y_true),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "macro_f1_ci": list(macro_f1_interval(y_true, y_pred)),
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))) if len(y_true) else float("nan"),
        "per_class": {label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                      for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)},
        "confusion": {"labels": labels, "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()},
    }
    if probabilities is not None and classes is not None and len(y_true):
        result["calibration"] = calibration(y_true, probabilities, classes, bins)
        if {"svc", "gvc"} <= set(classes):
            result["presence"] = presence_scores(y_true, probabilities, classes)
    return result




def presence_probabilities(probabilities: np.ndarray, classes: Sequence[str]) -> dict[str, np.ndarray]:
    """``p_svc`` and ``p_gvc`` of each row: the probability mass of the labels in which each frame is present."""
    classes = list(classes)
    return {frame: sum((probabilities[:, classes.index(label)] for label in labels if label in classes),
                       np.zeros(len(probabilities)))
            for frame, labels in PRESENCE.items()}


def presence_scores(y_true: Sequence[str], probabilities: np.ndarray, classes: Sequence[str], *,
                    resamples: int = 2000, seed: int = 0, level: float = 0.95) -> dict:
    """Scores of the two presences (present when its probability is at least 0.5): precision, recall and F1
    with a bootstrap interval over sentences, and the Brier score of the probability; and the SVC share the
    sentences hold, as gold says and as estimated two ways: classify-and-count (presences decided) and
    probabilistic (mean probabilities), each with its error and the error's interval."""
    y_true = np.asarray(y_true)
    p = presence_probabilities(probabilities, classes)
    gold = {frame: np.isin(y_true, labels).astype(float) for frame, labels in PRESENCE.items()}
    decided = {frame: (p[frame] >= 0.5).astype(float) for frame in PRESENCE}
    weights = resample_weights(len(y_true), resamples, seed)
    tail = (1 - level) / 2 * 100

    def interval(values: np.ndarray) -> list[float]:
        values = values[np.isfinite(values)]
        return [float(v) for v in np.percentile(values, [tail, 100 - tail])] if len(values) else [np.nan, np.nan]

    result: dict = {}
    for frame in PRESENCE:
        tp, fp, fn = (weights @ (gold[frame] * decided[frame]), weights @ ((1 - gold[frame]) * decided[frame]),
                      weights @ (gold[frame] * (1 - decided[frame])))
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = 2 * tp / (2 * tp + fp + fn)
        point_tp = float((gold[frame] * decided[frame]).sum())
        point_fp = float(((1 - gold[frame]) * decided[frame]).sum())
        point_fn = float((gold[frame] * (1 - decided[frame])).sum())
        denominator = 2 * point_tp + point_fp + point_fn
        result[f"{frame}_present"] = {
            "precision": point_tp / (point_tp + point_fp) if point_tp + point_fp else 0.0,
            "recall": point_tp / (point_tp + point_fn) if point_tp + point_fn else 0.0,
            "f1": 2 * point_tp / denominator if denominator else 0.0, "f1_ci": interval(f1),
            "support": int(gold[frame].sum()), "brier": float(np.mean((p[frame] - gold[frame]) ** 2))}

    def share(svc: np.ndarray, gvc: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(svc.sum() / (svc.sum() + gvc.sum())), (weights @ svc) / (weights @ svc + weights @ gvc)

    gold_share, gold_draws = share(gold["svc"], gold["gvc"])
    shares = {"gold": gold_share}
    for name, (svc, gvc) in {"classify_and_count": (decided["svc"], decided["gvc"]),
                             "probabilistic": (p["svc"], p["gvc"])}.items():
        estimate, draws = share(svc, gvc)
        errors = (draws - gold_draws)[np.isfinite(draws - gold_draws)]
        error_sd = float(errors.std()) if len(errors) else float("nan")
        # The root-mean-square error (bias and spread together) is what the trend tables add to a share's
        # interval for the classifier's own error (pipeline.aggregate.trends.classifier_shift).
        shares[name] = {"estimate": estimate, "error": estimate - gold_share, "error_ci": interval(draws - gold_draws),
                        "error_sd": error_sd, "rmse": float(np.hypot(estimate - gold_share, error_sd))}
    result["svc_share"] = shares
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


def by_language(predictions: Predictions) -> dict:
    """:func:`scores` for all examples and for each language."""
    examples, predicted, probabilities, classes = (predictions.examples, predictions.predicted,
                                                   predictions.probabilities, predictions.classes)
    result = {"all": scores([e.label for e in examples], predicted, probabilities, classes)}
    langs = np.array([e.lang for e in examples])
    for lang in sorted(set(langs)):
        chosen = np.flatnonzero(langs == lang)
        result[lang] = scores([examples[i].label for i in chosen], [predicted[i] for i in chosen],
                              probabilities[chosen], classes)
    return result


def predict_examples(model, examples: Sequence[Example]) -> Predictions:
    probabilities = model.predict_proba([e.text for e in examples])
    classes = list(model.classes_)
    return Predictions(list(examples), [classes[i] for i in probabilities.argmax(axis=1)], probabilities, classes)


def evaluate_model(model, examples: Sequence[Example]) -> dict:
    return by_language(predict_examples(model, examples))


def cross_validate(model, examples: Sequence[Example], *, extra: Sequence[Example] = (), folds: int = 5,
                   seed: int = 0, fit: Callable | None = None) -> dict:
    """Scores of :func:`cross_validated_predictions`, with the number of folds and of extra examples."""
    predictions, n_extra = cross_validated_predictions(model, examples, extra=extra, folds=folds, seed=seed, fit=fit)
    return cross_validated_scores(predictions, folds, n_extra)


def cross_validated_scores(predictions: Predictions, folds: int, n_extra: int) -> dict:
    """:func:`by_language` of cross-validated predictions, with how they were made."""
    return {**by_language(predictions), "folds": folds, "extra_training_examples": n_extra}


def cross_validated_predictions(model, examples: Sequence[Example], *, extra: Sequence[Example] = (),
                                folds: int = 5, seed: int = 0, fit: Callable | None = None) -> tuple[Predictions, int]:
    """Refit ``model``'s configuration on ``folds`` folds of ``examples`` and predict each held-out fold,
    each time with ``extra`` training data too. Folds are grouped by document (``Example.doc_id``; a
    sentence without one is its own group), so no fold is scored on sentences whose neighbours it was
    trained on, and stratified by language and label as far as the groups allow. ``extra`` sentences whose
    text is in ``examples`` are dropped, and so are those from a document of ``examples``, so no evaluated
    sentence or document is trained on. ``fit(model, train_examples)`` overrides how a fold is fitted (e.g.
    to weight weak labels). Returns the predictions and the number of extra examples used."""
    texts = {normalize_text(e.text) for e in examples}
    held_documents = {e.doc_id for e in examples if e.doc_id}
    extra = [e for e in extra if normalize_text(e.text) not in texts and e.doc_id not in held_documents]
    strata = np.array([f"{e.lang}-{e.label}" for e in examples])
    counts = {stratum: int((strata == stratum).sum()) for stratum in set(strata)}
    largest = {}
    for stratum, _ in sorted(counts.items(), key=lambda item: -item[1]):
        largest.setdefault(stratum.split("-")[0], stratum)
    # Strata rarer than the number of folds (1 "both" sentence) are stratified with their language's largest.
    strata = np.array([s if counts[s] >= folds else largest[s.split("-")[0]] for s in strata])
    groups = np.array([e.doc_id or f"sentence:{e.id}:{at}" for at, e in enumerate(examples)])
    if len(set(groups)) < folds:
        raise ValueError(f"{folds}-fold cross-validation grouped by document needs at least {folds} documents; "
                         f"the examples come from {len(set(groups))}")
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    predicted: list[str] = [""] * len(examples)
    classes: list[str] = sorted({e.label for e in list(examples) + list(extra)})
    probabilities = np.zeros((len(examples), len(classes)))
    for train, test in splitter.split(np.zeros(len(examples)), strata, groups):
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
        probabilities[test] = aligned
        for row, index in enumerate(test):
            predicted[index] = classes[int(aligned[row].argmax())]
    return Predictions(list(examples), predicted, probabilities, classes), len(extra)


BASELINE = "lexicon rule"


def compare_models(models: dict, examples: Sequence[Example], *, baseline: bool = True) -> dict:
    """:func:`evaluate_model` of each model (name -> fitted model) on the same ``examples``, and with
    ``baseline`` the lexicon rule ("svc-only mentions -> svc", ...) under the name ``"lexicon rule"``: per
    language, presence F1 with intervals, the SVC share's error, and macro-F1 for reference."""
    from pipeline.classify.models import LexiconRuleClassifier

    results = {str(name): evaluate_model(model, examples) for name, model in models.items()}
    if baseline:
        results[BASELINE] = evaluate_model(LexiconRuleClassifier().fit(), examples)
    return results
