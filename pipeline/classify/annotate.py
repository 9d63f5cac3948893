"""The retraining loop's exchange with annotation tools: uncertainty sampling out, labels back in.

Export: the sentences the model is least sure of (smallest margin between its two best labels), as
Label Studio tasks (a JSON array with the model's prediction as a pre-annotation, and the labelling
config beside it) or doccano JSONL (``{"text", "label"}``). Import: Label Studio JSON exports (full or
``JSON_MIN``) and doccano JSONL exports, back to training JSONL (``{"id", "text", "lang", "label"}``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.classify.data import DataError, Example

FORMATS = ("label-studio", "doccano")


def least_certain(model, examples: list[Example], n: int) -> list[tuple[Example, np.ndarray]]:
    """The ``n`` examples with the smallest margin between the model's two most probable labels."""
    if not examples:
        return []
    probabilities = model.predict_proba([e.text for e in examples])
    ordered = np.sort(probabilities, axis=1)
    margin = ordered[:, -1] - (ordered[:, -2] if ordered.shape[1] > 1 else 0)
    chosen = np.argsort(margin, kind="stable")[:n]
    return [(examples[i], probabilities[i]) for i in chosen]


def label_config(labels: list[str]) -> str:
    choices = "\n".join(f'    <Choice value="{label}"/>' for label in labels)
    return ('<View>\n  <Text name="text" value="$text"/>\n  <Choices name="frame" toName="text" choice="single">\n'
            f"{choices}\n  </Choices>\n</View>\n")


def export_tasks(model, examples: list[Example], out: str | Path, *, n: int = 100, fmt: str = "label-studio",
                 model_version: str = "") -> int:
    """Write the ``n`` least certain examples for annotation; returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    picked = least_certain(model, examples, n)
    classes = [str(label) for label in model.classes_]
    path = Path(out)
    if fmt == "label-studio":
        tasks = []
        for example, row in picked:
            best = int(row.argmax())
            tasks.append({"data": {"text": example.text, "id": example.id, "lang": example.lang},
                          "predictions": [{"model_version": model_version, "score": float(row[best]),
                                           "result": [{"from_name": "frame", "to_name": "text", "type": "choices",
                                                       "value": {"choices": [classes[best]]}}]}]})
        path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        path.with_name(path.stem + ".label_config.xml").write_text(label_config(classes), encoding="utf-8")
    else:
        with path.open("w", encoding="utf-8") as handle:
            for example, row in picked:
                handle.write(json.dumps({"text": example.text, "label": [], "id": example.id, "lang": example.lang,
                                         "model_frame": classes[int(row.argmax())],
                                         "model_score": round(float(row.max()), 4)}, ensure_ascii=False) + "\n")
    return len(picked)


@dataclass
class Imported:
    examples: list[Example]
    skipped: Counter  # why tasks were not imported: unlabelled, cancelled, disagreement


def import_annotations(paths) -> Imported:
    """Read Label Studio JSON exports and doccano JSONL exports (detected from the content)."""
    examples: list[Example] = []
    skipped: Counter = Counter()
    for path in paths:
        text = Path(path).read_text(encoding="utf-8-sig").strip()
        if text.startswith("["):
            records = json.loads(text)
            for number, record in enumerate(records, start=1):
                _label_studio(record, f"{path}#{number}", examples, skipped)
        else:
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as error:
                        raise DataError(f"{path}:{number}: invalid JSON ({error.msg})") from None
                    _doccano(record, f"{path}:{number}", examples, skipped)
    return Imported(examples, skipped)


def _example(text, lang, label, identifier, source) -> Example:
    from pipeline.io import normalize_text
    from pipeline.io.language import detect_language

    text = normalize_text(str(text))
    lang = lang or detect_language(text).lang or "en"
    return Example(text, "zh" if lang == "mixed" else lang, label, str(identifier), source)


def _label_studio(record: dict, where: str, examples: list[Example], skipped: Counter) -> None:
    if "data" not in record:  # JSON_MIN: {"text", "frame", ...}
        label = record.get("frame") or record.get("label")
        if isinstance(label, dict):
            label = (label.get("choices") or [None])[0]
        if not isinstance(label, str) or not record.get("text"):
            skipped["unlabelled"] += 1
            return
        examples.append(_example(record["text"], record.get("lang"), label, record.get("id", where), where))
        return
    data = record["data"]
    votes = []
    for annotation in record.get("annotations") or []:
        if annotation.get("was_cancelled"):
            skipped["cancelled"] += 1
            continue
        for result in annotation.get("result") or []:
            choices = (result.get("value") or {}).get("choices") or []
            if result.get("type") == "choices" and len(choices) == 1:
                votes.append(choices[0])
    if not votes:
        skipped["unlabelled"] += 1
        return
    counted = Counter(votes).most_common()
    if len(counted) > 1 and counted[0][1] == counted[1][1]:
        skipped["annotators disagree"] += 1
        return
    examples.append(_example(data.get("text", ""), data.get("lang"), counted[0][0], data.get("id", where), where))


def _doccano(record: dict, where: str, examples: list[Example], skipped: Counter) -> None:
    labels = record.get("label", record.get("labels"))
    if isinstance(labels, str):
        labels = [labels]
    if not record.get("text") or not labels:
        skipped["unlabelled"] += 1
        return
    if len(set(labels)) > 1:
        skipped["annotators disagree"] += 1
        return
    examples.append(_example(record["text"], record.get("lang"), labels[0], record.get("id", where), where))
