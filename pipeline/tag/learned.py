"""The learned span layer: concept mentions the lexicon does not match (variants, short forms, paraphrases).

The lexicon stays the precise, explainable core; this layer only proposes *more*. For each sentence it
enumerates candidate spans, word n-grams of up to ``MAX_WORDS`` words (Chinese words from jieba's
dictionary, English words by a regular expression), and scores each with a linear classifier over
concepts plus ``none``. Two rules keep it from second-guessing the lexicon:

- a span that overlaps anything the lexicon matched, counted, nested *or refused by a context rule*, is
  never a candidate: the lexicon's word senses, office names and exclusions stand;
- a candidate must hold a *cue unit* (a character bigram in Chinese, a word stem in English) that is
  frequent inside the training mentions, which also keeps the layer cheap on sentences with no such word.

Features are strings (the span, its character n-grams, its word stems, its first and last character, the
words around it, its length), one-hot through a fixed vocabulary. Training data: the lexicon's own
mentions on corpus sentences (weak labels; every other candidate there is a weak ``none``) plus any gold
sentences given, weighted up. Candidates that partly overlap a training mention are left out of training,
so a near-miss boundary is not taught as ``none``.

A model is a folder of two safe files: ``span-model.json`` (vocabulary, classes, cue units, settings,
card) and ``span-model.npz`` (weights, read with ``allow_pickle=False``): nothing in it runs on load.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

FORMAT = "policy-pipeline-span-model/1"
CONFIG_FILE, WEIGHTS_FILE = "span-model.json", "span-model.npz"
NONE = "none"
MAX_WORDS = 4
MAX_CHARS = {"zh": 12, "en": 60}
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
CHINESE_RUN = re.compile(r"[\u4e00-\u9fff]")
# English candidates neither start nor end with these (a mention is a content phrase).
STOPWORDS = frozenset(
    "a an the of and or to in on for with by from at as is are was were be been being this that these those "
    "it its our we us their they them his her he she i you your my which who whom what will would shall "
    "should can could may might must not no do does did has have had than then there here so such also".split()
)


class SpanModelError(ValueError):
    """A span-model folder cannot be loaded; the message names the file and says why."""


def _stem(word: str) -> str:
    # Crude on purpose: "securing", "security" and "secure" share "secur"; "supplies", "supply" share "suppl".
    return word.lower()[:5]


def _units(text: str, lang: str) -> list[tuple[str, int, int]]:
    """``(unit, start, end)`` of the words of a sentence: jieba words (Chinese), regex words (English)."""
    if lang == "zh":
        return [(word, start, end) for word, start, end in _jieba().tokenize(text)
                if CHINESE_RUN.search(word) or word.isalnum()]
    return [(match.group(), match.start(), match.end()) for match in ENGLISH_WORD.finditer(text)]


@lru_cache(maxsize=1)
def _jieba():
    from pipeline.segment.chinese import ChineseWordSegmenter

    return ChineseWordSegmenter()


def cue_units_of(span: str, lang: str) -> set[str]:
    """The units a candidate must share with the model's cue set: character bigrams (zh), word stems (en)."""
    if lang == "zh":
        return {span[i : i + 2] for i in range(len(span) - 1)}
    return {_stem(word) for word in ENGLISH_WORD.findall(span)}


def enumerate_spans(text: str, lang: str, units: list[tuple[str, int, int]] | None = None
                    ) -> list[tuple[int, int, int, int]]:
    """``(start, end, first unit, last unit)`` of every word n-gram that may be a mention (before cues)."""
    units = _units(text, lang) if units is None else units
    spans = []
    limit = MAX_CHARS[lang]
    for i in range(len(units)):
        if lang == "en" and units[i][0].lower() in STOPWORDS:
            continue
        for j in range(i, min(i + MAX_WORDS, len(units))):
            start, end = units[i][1], units[j][2]
            if end - start > limit:
                break
            # no sentence punctuation inside a span
            if j > i and re.search(r"[，。；：！？、,;:!?()（）《》“”\"]", text[units[j - 1][2] : units[j][1]]):
                break
            if lang == "en" and units[j][0].lower() in STOPWORDS:
                continue
            if lang == "zh" and end - start < 2:
                continue
            spans.append((start, end, i, j))
    return spans


def features(text: str, lang: str, units: list[tuple[str, int, int]], start: int, end: int, i: int, j: int
             ) -> list[str]:
    """The feature strings of one candidate span ``text[start:end]`` (units ``i..j``)."""
    span = text[start:end]
    out = [f"n={j - i + 1}", f"len={min(end - start, 12)}"]
    left = units[i - 1][0].lower() if i > 0 else "<s>"
    right = units[j + 1][0].lower() if j + 1 < len(units) else "</s>"
    left2 = units[i - 2][0].lower() if i > 1 else "<s>"
    out += [f"L={left}", f"R={right}", f"L2={left2}"]
    if lang == "zh":
        out.append(f"s={span}")
        marked = f"^{span}$"
        out += [f"c2={marked[k : k + 2]}" for k in range(len(marked) - 1)]
        out += [f"c3={marked[k : k + 3]}" for k in range(len(marked) - 2)]
        out += [f"w={unit[0]}" for unit in units[i : j + 1]]
        out += [f"first={span[0]}", f"last={span[-1]}", f"lastw={units[j][0]}"]
    else:
        words = [unit[0].lower() for unit in units[i : j + 1]]
        stems = [_stem(word) for word in words]
        out.append("s=" + " ".join(stems))
        out += [f"st={stem}" for stem in stems]
        out += [f"b={a}_{b}" for a, b in zip(stems, stems[1:], strict=False)]
        out += [f"head={stems[-1]}", f"first={stems[0]}"]
        for word in words:
            marked = f"^{word}$"
            out += [f"c4={marked[k : k + 4]}" for k in range(len(marked) - 3)]
        out.append(f"L={_stem(left)}")
    return out


@dataclass
class SpanModel:
    """A trained span layer for one or both languages (see the module docstring)."""

    vocabulary: dict[str, dict[str, int]]  # lang -> feature -> column
    classes: dict[str, list[str]]  # lang -> class labels (NONE first)
    cues: dict[str, frozenset[str]]  # lang -> cue units
    weights: dict[str, np.ndarray]  # lang -> (n_features + 1, n_classes): last row is the intercept
    threshold: float = 0.5
    card: dict = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.weights))

    def candidates(self, text: str, lang: str, blocked: Sequence[tuple[int, int]] = ()
                   ) -> tuple[list[tuple[str, int, int]], list[tuple[int, int, int, int]]]:
        """The sentence's units and the spans worth scoring: holding a cue unit, overlapping nothing in
        ``blocked`` (the lexicon's matches, as sentence offsets)."""
        cues = self.cues.get(lang)
        if not cues:
            return [], []
        if lang == "zh" and not any(text[k : k + 2] in cues for k in range(len(text) - 1)):
            return [], []  # most sentences stop here, before segmentation
        units = _units(text, lang)
        spans = [span for span in enumerate_spans(text, lang, units)
                 if cue_units_of(text[span[0] : span[1]], lang) & cues
                 and not any(s < span[1] and span[0] < e for s, e in blocked)]
        return units, spans

    def score(self, text: str, lang: str, units, spans) -> np.ndarray:
        """Class probabilities (rows: spans, columns: ``classes[lang]``)."""
        vocabulary, weights = self.vocabulary[lang], self.weights[lang]
        logits = np.tile(weights[-1], (len(spans), 1))
        for row, (start, end, i, j) in enumerate(spans):
            columns = [vocabulary[name] for name in features(text, lang, units, start, end, i, j) if name in vocabulary]
            if columns:
                logits[row] += weights[columns].sum(axis=0)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, text: str, lang: str, blocked: Sequence[tuple[int, int]] = (),
                threshold: float | None = None) -> list[tuple[int, int, str, float]]:
        """``(start, end, concept, confidence)`` for a sentence: candidates above the threshold, the most
        confident first, none overlapping another."""
        if lang not in self.weights:
            return []
        units, spans = self.candidates(text, lang, blocked)
        if not spans:
            return []
        probabilities = self.score(text, lang, units, spans)
        classes = self.classes[lang]
        probabilities[:, classes.index(NONE)] = 0.0
        best = probabilities.argmax(axis=1)
        confidence = probabilities[np.arange(len(spans)), best]
        cut = self.threshold if threshold is None else threshold
        chosen: list[tuple[int, int, str, float]] = []
        for row in sorted(np.flatnonzero(confidence >= cut), key=lambda r: (-confidence[r], spans[r][0])):
            start, end = spans[row][0], spans[row][1]
            if any(s < end and start < e for s, e, _, _ in chosen):
                continue
            chosen.append((start, end, classes[best[row]], round(float(confidence[row]), 4)))
        return sorted(chosen)

    # ------------------------------------------------------------------ files

    def save(self, out_dir: str | Path) -> Path:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        config = {"format": FORMAT, "threshold": self.threshold, "classes": self.classes,
                  "cues": {lang: sorted(units) for lang, units in self.cues.items()},
                  "vocabulary": {lang: sorted(vocab, key=vocab.get) for lang, vocab in self.vocabulary.items()},
                  "card": self.card}
        np.savez_compressed(out / WEIGHTS_FILE, **{lang: weights.astype(np.float32)
                                                  for lang, weights in self.weights.items()})
        (out / CONFIG_FILE).write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return out


def span_model_hash(model_dir: str | Path) -> str:
    """The content hash of a span-model folder (what a run's cache key records)."""
    digest = hashlib.sha256()
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        digest.update((Path(model_dir) / name).read_bytes())
    return digest.hexdigest()


def load_span_model(model_dir: str | Path) -> SpanModel:
    """Read a span-model folder written by :meth:`SpanModel.save`; anything else is refused with a reason.
    Loaded once per process while its files are unchanged: configuration validation and the tagger both
    ask for it."""
    folder = Path(model_dir)
    config_path, weights_path = folder / CONFIG_FILE, folder / WEIGHTS_FILE
    for path in (config_path, weights_path):
        if not path.is_file():
            raise SpanModelError(f"{path}: not found (a span model is a folder with {CONFIG_FILE} and {WEIGHTS_FILE})")
    stamps = tuple((path.stat().st_mtime_ns, path.stat().st_size) for path in (config_path, weights_path))
    return _load_span_model(config_path.resolve(), weights_path.resolve(), stamps)


@lru_cache(maxsize=4)
def _load_span_model(config_path: Path, weights_path: Path, stamps: tuple) -> SpanModel:
    # ``stamps`` (modification time and size of both files) is only part of the cache key: a changed file is
    # read again.
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SpanModelError(f"{config_path}: not JSON ({error})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise SpanModelError(f"{config_path}: not a span model (format should be {FORMAT!r})")
    try:
        with np.load(weights_path, allow_pickle=False) as archive:
            weights = {lang: np.asarray(archive[lang], dtype=np.float64) for lang in archive.files}
    except (ValueError, OSError, KeyError) as error:
        raise SpanModelError(f"{weights_path}: cannot read weights safely ({error})") from None
    try:
        vocabulary = {lang: {name: k for k, name in enumerate(names)} for lang, names in config["vocabulary"].items()}
        classes = {lang: list(labels) for lang, labels in config["classes"].items()}
        cues = {lang: frozenset(units) for lang, units in config["cues"].items()}
        threshold = float(config["threshold"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise SpanModelError(f"{config_path}: malformed ({error!r})") from None
    for lang, matrix in weights.items():
        if lang not in vocabulary or lang not in classes or matrix.shape != (len(vocabulary[lang]) + 1,
                                                                             len(classes[lang])):
            raise SpanModelError(f"{weights_path}: the {lang!r} weights do not match {CONFIG_FILE}")
        if NONE not in classes[lang]:
            raise SpanModelError(f"{config_path}: the {lang!r} classes lack {NONE!r}")
    if not 0.0 < threshold < 1.0:
        raise SpanModelError(f"{config_path}: threshold must be between 0 and 1, not {threshold}")
    return SpanModel(vocabulary, classes, cues, weights, threshold, dict(config.get("card") or {}))


# ---------------------------------------------------------------------- training


@dataclass(frozen=True)
class TrainingSentence:
    """One sentence and its mentions as sentence offsets ``(start, end, concept)``, the weight of its
    mentions and of its other candidates, and the document it comes from (``group``)."""

    text: str
    lang: str
    mentions: tuple[tuple[int, int, str], ...]
    weight: float = 1.0
    group: str = ""
    none_weight: float | None = None  # the weight of this sentence's ``none`` candidates (default: ``weight``)


def gold_spans(text: str, mentions: Iterable[dict]) -> tuple[tuple[int, int, str], ...]:
    """Offsets of gold mentions (``{"concept", "text"}``, ``text`` an exact substring), each occurrence used once."""
    taken: list[tuple[int, int]] = []
    found = []
    for mention in mentions:
        surface = mention.get("text") or ""
        if not surface:
            continue
        start = text.find(surface)
        while start != -1 and (start, start + len(surface)) in taken:
            start = text.find(surface, start + 1)
        if start == -1:
            continue
        taken.append((start, start + len(surface)))
        found.append((start, start + len(surface), mention["concept"]))
    return tuple(found)


def _cue_set(sentences: Sequence[TrainingSentence], lang: str, min_count: int, min_rate: float) -> frozenset[str]:
    """Units frequent in mentions and not too common elsewhere: a unit's mention occurrences must be at
    least ``min_rate`` of its occurrences in all candidate spans' units."""
    inside, overall = Counter(), Counter()
    for sentence in sentences:
        if sentence.lang != lang:
            continue
        for start, end, _ in sentence.mentions:
            inside.update(cue_units_of(sentence.text[start:end], lang))
        overall.update(cue_units_of(sentence.text, lang))
    return frozenset(unit for unit, count in inside.items()
                     if count >= min_count and count / max(overall[unit], 1) >= min_rate)


def train_span_model(sentences: Sequence[TrainingSentence], *, threshold: float = 0.5, c: float = 1.0,
                     min_feature_count: int = 2, cue_min_count: int = 3, cue_min_rate: float = 0.05,
                     card: dict | None = None) -> SpanModel:
    """Fit one multinomial logistic regression per language on the candidates of ``sentences``."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    vocabulary, classes, cues, weights = {}, {}, {}, {}
    for lang in sorted({sentence.lang for sentence in sentences}):
        lang_sentences = [s for s in sentences if s.lang == lang]
        cue_units = _cue_set(lang_sentences, lang, cue_min_count, cue_min_rate)
        probe = SpanModel({}, {}, {lang: cue_units}, {})
        rows: list[list[str]] = []
        labels: list[str] = []
        sample_weights: list[float] = []
        for sentence in lang_sentences:
            mentions = {(start, end): concept for start, end, concept in sentence.mentions}
            units, spans = probe.candidates(sentence.text, lang)
            seen = set()
            for start, end, i, j in spans:
                label = mentions.get((start, end))
                if label is None and any(s < end and start < e for s, e in mentions):
                    continue  # a boundary variant of a mention: neither taught as it nor as none
                rows.append(features(sentence.text, lang, units, start, end, i, j))
                labels.append(label or NONE)
                sample_weights.append(sentence.weight if label or sentence.none_weight is None
                                      else sentence.none_weight)
                seen.add((start, end))
            # a mention that is not a candidate (no cue unit, odd boundary) still teaches its features
            for (start, end), concept in mentions.items():
                if (start, end) in seen:
                    continue
                units = units or _units(sentence.text, lang)
                i = next((k for k, unit in enumerate(units) if unit[2] > start), 0)
                j = max(i, next((k for k in range(len(units) - 1, -1, -1) if units[k][1] < end), i))
                rows.append(features(sentence.text, lang, units, start, end, i, j))
                labels.append(concept)
                sample_weights.append(sentence.weight)
        if len(set(labels)) < 2:
            continue
        counts = Counter(name for row in rows for name in set(row))
        names = sorted(name for name, count in counts.items() if count >= min_feature_count)
        index = {name: k for k, name in enumerate(names)}
        indptr, indices = [0], []
        for row in rows:
            indices.extend(sorted({index[name] for name in row if name in index}))
            indptr.append(len(indices))
        matrix = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), len(names)))
        label_names = [NONE, *sorted(set(labels) - {NONE})]
        y = np.array([label_names.index(label) for label in labels])
        model = LogisticRegression(C=c, max_iter=300, solver="lbfgs")
        model.fit(matrix, y, sample_weight=np.array(sample_weights))
        coef = model.coef_ if len(label_names) > 2 else np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
        intercept = model.intercept_ if len(label_names) > 2 else np.array(
            [-model.intercept_[0] / 2, model.intercept_[0] / 2])
        vocabulary[lang] = index
        classes[lang] = [label_names[k] for k in model.classes_] if len(label_names) > 2 else label_names
        cues[lang] = cue_units
        weights[lang] = np.vstack([coef.T, intercept[None, :]])
    return SpanModel(vocabulary, classes, cues, weights, threshold, dict(card or {}))


def data_fingerprint(sentences: Iterable[TrainingSentence]) -> str:
    digest = hashlib.sha256()
    for sentence in sentences:
        digest.update(json.dumps([sentence.text, sentence.lang, sentence.mentions, sentence.weight],
                                 ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------------- data and honest scoring


def gold_training_sentences(records: Iterable[dict], *, weight: float = 5.0) -> list[TrainingSentence]:
    """Gold JSONL records (``text``, ``lang``, ``mentions``) as training sentences, on the matching view the
    tagger sees (normalised, simplified Chinese), grouped by document."""
    from pipeline.io import normalize_text
    from pipeline.io.chinese_script import to_simplified

    sentences = []
    for record in records:
        text = normalize_text(record["text"])
        lang = record.get("lang") or "en"
        view = to_simplified(text) if lang == "zh" else text
        sentences.append(TrainingSentence(view, lang, gold_spans(view, record.get("mentions", [])), weight,
                                          document_key(record)))
    return sentences


def document_key(record: dict) -> str:
    """What gold sentences are grouped by: sentences of one document share its words and its errors."""
    return f"{record.get('corpus') or 'unknown'}|{record.get('doc_id') or record.get('id', '')}"


def weak_training_sentences(out_dir: str | Path, *, per_lang: int = 3000, seed: int = 0,
                            exclude_documents: Iterable[str] = (), none_weight: float = 1.0,
                            min_chars: int = 15, max_chars: int = 300) -> list[TrainingSentence]:
    """Sentences of a run folder labelled by the lexicon's counted mentions: per language, ``per_lang``
    sentences with a mention and as many without. ``exclude_documents`` (``corpus|doc_id`` keys, as
    :func:`document_key` gives) leaves out documents that hold evaluation sentences."""
    from pipeline.store import read_table

    documents = read_table(out_dir, "documents", ["doc_id", "corpus"])
    sentences = read_table(out_dir, "sentences", ["doc_id", "sentence_id", "lang", "start", "text"])
    mentions = read_table(out_dir, "mentions", ["doc_id", "sentence_id", "concept", "start", "end", "counted"])
    mentions = mentions[mentions["counted"].astype(bool)]
    sentences = sentences.merge(documents, on="doc_id")
    excluded = set(exclude_documents)
    keys = sentences["corpus"].astype(str) + "|" + sentences["doc_id"].astype(str)
    length = sentences["text"].str.len()
    sentences = sentences[~keys.isin(excluded) & (length >= min_chars) & (length <= max_chars)]
    by_sentence = {key: group for key, group in mentions.groupby(["doc_id", "sentence_id"])}
    chosen = []
    for lang in ("zh", "en"):
        pool = sentences[sentences["lang"] == lang]
        has = [(doc, sid) in by_sentence for doc, sid in zip(pool["doc_id"], pool["sentence_id"], strict=True)]
        with_mention, without = pool[has], pool[[not flag for flag in has]]
        for part in (with_mention, without):
            chosen.append(part.sample(min(per_lang, len(part)), random_state=seed))
    out = []
    for row in (row for part in chosen for row in part.itertuples(index=False)):
        group = by_sentence.get((row.doc_id, row.sentence_id))
        spans = () if group is None else tuple(
            (int(start - row.start), int(end - row.start), concept)
            for start, end, concept in zip(group["start"], group["end"], group["concept"], strict=True))
        out.append(TrainingSentence(row.text, row.lang, spans, 1.0, f"{row.corpus}|{row.doc_id}", none_weight))
    return out


@dataclass
class SpanCrossValidation:
    """Grouped cross-validation of a span layer: the lexicon alone and the lexicon plus the layer, on the
    same held-out gold sentences (scored as :mod:`pipeline.tag.evaluate` does)."""

    lexicon: object  # pipeline.tag.evaluate.Evaluation
    layered: object
    folds: int
    documents: int
    proposed: list[dict]  # every mention the layer added on held-out sentences, to read against its sentence


def cross_validate_span_model(tagger, gold: Sequence[dict], weak: Sequence[TrainingSentence], *, folds: int = 5,
                              threshold: float | None = None, gold_weight: float = 5.0, **train_options
                              ) -> SpanCrossValidation:
    """Train on ``weak`` plus the gold of k-1 folds, score the lexicon with and without the layer on the
    held-out fold; folds are whole documents (:func:`document_key`), so no document is on both sides."""
    import copy

    from sklearn.model_selection import GroupKFold

    from pipeline.tag.evaluate import score_predictions
    from pipeline.tag.records import tag_text

    groups = [document_key(record) for record in gold]
    n_groups = len(set(groups))
    if n_groups < 2:
        raise ValueError("cross-validation needs gold from at least two documents (doc_id or corpus)")
    folds = min(folds, n_groups)
    lexicon_pairs, layered_pairs, proposed = [], [], []
    base = copy.copy(tagger)
    base.span_model = None
    for train_index, test_index in GroupKFold(folds).split(gold, groups=groups):
        held_out = [gold[i] for i in test_index]
        model = train_span_model([*weak, *gold_training_sentences([gold[i] for i in train_index],
                                                                  weight=gold_weight)],
                                 threshold=threshold or 0.5, **train_options)
        layered = copy.copy(base)
        layered.span_model, layered.span_threshold = model, threshold
        for record in held_out:
            lang, mentions, _ = tag_text(base, record["text"], record.get("lang"))
            lexicon_pairs.append((record, (lang, mentions)))
            lang, mentions, _ = tag_text(layered, record["text"], record.get("lang"))
            layered_pairs.append((record, (lang, mentions)))
            proposed.extend({"id": record.get("id", ""), "lang": lang, "concept": m.concept, "text": m.text,
                             "confidence": m.confidence, "sentence": record["text"]}
                            for m in mentions if m.source == "model")
    return SpanCrossValidation(score_predictions(lexicon_pairs), score_predictions(layered_pairs), folds,
                               n_groups, proposed)
