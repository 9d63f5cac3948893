"""The retraining loop's exchange with annotation tools: uncertainty sampling out, labels back in.

Export: the sentences the model is least sure of (smallest margin between its two best labels), as
Label Studio tasks (a JSON array with the model's prediction as a pre-annotation, and the labelling
config beside it) or doccano JSONL (``{"text", "label"}``). Import: Label Studio JSON exports (full or
``JSON_MIN``), doccano JSONL exports and CSV/Excel label tables, back to training JSONL (``{"id", "text",
"lang", "label"}``), labels matched to the codebook's ignoring case.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.classify.data import FRAME_LABELS, DataError, Example

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
    skipped: Counter  # why tasks were not imported, each task counted once: unlabelled, cancelled, disagreement
    n_tasks: int = 0  # every task or line read (imported + skipped)


TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx")


def import_annotations(paths, *, labels: tuple[str, ...] | None = FRAME_LABELS,
                       label_map: dict[str, str] | None = None) -> Imported:
    """Read annotation exports: Label Studio JSON (full or ``JSON_MIN``) and doccano JSONL (told apart by
    their content), and CSV, TSV or Excel files with ``text`` and ``label`` (or ``frame``) columns (``id``
    and ``lang`` optional).

    Labels are matched to ``labels`` ignoring case ("SVC" is ``svc``), after ``label_map`` (``{"Strategic":
    "svc"}``, keys also ignoring case) when given; a label that matches none is a :class:`DataError` that
    names it and where it is, so a capitalised template can never train a six-class model by accident.
    ``labels=None`` keeps whatever labels the files hold. Task ids are kept: Label Studio's task ``id`` in
    both its export formats, the ``id`` column or field otherwise."""
    examples: list[Example] = []
    skipped: Counter = Counter()
    n_tasks = 0
    for path in paths:
        before = len(examples) + sum(skipped.values())
        if Path(path).suffix.lower() in TABLE_SUFFIXES:
            _table_file(Path(path), examples, skipped)
        else:
            text = Path(path).read_text(encoding="utf-8-sig").strip()
            if text.startswith("["):
                try:
                    records = json.loads(text)
                except json.JSONDecodeError as error:
                    raise DataError(f"{path}: invalid JSON ({error.msg} at line {error.lineno})") from None
                for number, record in enumerate(records, start=1):
                    _label_studio(record, f"{path}#{number}", examples, skipped)
            else:
                for number, line in enumerate(text.splitlines(), start=1):
                    if line.strip():
                        try:
                            record = json.loads(line)
                        except json.JSONDecodeError as error:
                            hint = (" (a CSV or Excel file? name it .csv, .tsv or .xlsx)"
                                    if number == 1 and "," in line else "")
                            raise DataError(f"{path}:{number}: invalid JSON ({error.msg}){hint}") from None
                        _doccano(record, f"{path}:{number}", examples, skipped)
        n_tasks += len(examples) + sum(skipped.values()) - before
    return Imported(_matched(examples, labels, label_map), skipped, n_tasks)


def _matched(examples: list[Example], labels: tuple[str, ...] | None, label_map: dict[str, str] | None
             ) -> list[Example]:
    from dataclasses import replace

    mapping = {str(key).casefold(): str(value) for key, value in (label_map or {}).items()}
    known = {label.casefold(): label for label in labels} if labels is not None else None
    matched = []
    for example in examples:
        label = mapping.get(str(example.label).casefold(), example.label)
        if known is not None:
            if str(label).casefold() not in known:
                raise DataError(f"{example.source}: label {example.label!r} is not one of {', '.join(labels)} "
                                f"(case is ignored; map other names with --label-map, or keep your own label set "
                                f"with --any-labels)")
            label = known[str(label).casefold()]
        matched.append(replace(example, label=label))
    return matched


def _table_file(path: Path, examples: list[Example], skipped: Counter) -> None:
    import pandas as pd

    try:
        if path.suffix.lower() == ".xlsx":
            table = pd.read_excel(path, dtype=str, keep_default_na=False)  # a label "None" is a label
        else:
            table = pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",", dtype=str,
                                encoding="utf-8-sig", keep_default_na=False)
    except Exception as error:  # noqa: BLE001 - any reader failure is one clear line about this file
        raise DataError(f"{path}: cannot read it as a table: {error}") from None
    columns = {str(column).strip().casefold(): column for column in table.columns}
    label_column = columns.get("label", columns.get("frame"))
    if "text" not in columns or label_column is None:
        raise DataError(f"{path}: a label table needs 'text' and 'label' (or 'frame') columns; it has "
                        f"{', '.join(map(str, table.columns))}")
    for number, row in enumerate(table.fillna("").to_dict("records"), start=2):  # line 1 is the header
        where = f"{path}:{number}"
        text, label = str(row[columns["text"]]).strip(), str(row[label_column]).strip()
        if not text or not label:
            skipped["unlabelled"] += 1
            continue
        identifier = str(row[columns["id"]]).strip() if "id" in columns and str(row[columns["id"]]).strip() else where
        lang = str(row[columns["lang"]]).strip() if "lang" in columns else ""
        examples.append(_example(text, lang or None, label, identifier, where))


def _example(text, lang, label, identifier, source) -> Example:
    from pipeline.io import normalize_text
    from pipeline.io.language import detect_language

    text = normalize_text(str(text))
    lang = lang or detect_language(text).lang or "en"
    return Example(text, "zh" if lang == "mixed" else lang, label, str(identifier), source)


def _label_studio(record: dict, where: str, examples: list[Example], skipped: Counter) -> None:
    """One task, counted once: imported, or skipped for one reason."""
    if "data" not in record:  # JSON_MIN: {"id" (the task's), "text", "frame", ...}
        label = record.get("frame") or record.get("label")
        if isinstance(label, dict):
            label = (label.get("choices") or [None])[0]
        if isinstance(label, list):
            label = label[0] if len(set(label)) == 1 else None
        if not isinstance(label, str) or not record.get("text"):
            skipped["unlabelled"] += 1
            return
        examples.append(_example(record["text"], record.get("lang"), label, record.get("id", where), where))
        return
    data = record["data"]
    annotations = record.get("annotations") or []
    live = [annotation for annotation in annotations if not annotation.get("was_cancelled")]
    if annotations and not live:
        skipped["cancelled"] += 1
        return
    votes = []
    for annotation in live:
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
    # the task id, as JSON_MIN gives it too (our sentence id is in data.id when the task came from export)
    identifier = record.get("id", data.get("id", where))
    examples.append(_example(data.get("text", ""), data.get("lang"), counted[0][0], identifier, where))


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
