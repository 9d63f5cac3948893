"""Annotation import that cannot silently change the label set: case, label maps, unknown labels, exact
skip counts, task ids, and CSV/Excel label files, on real gold sentences (../shared/eval)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.classify import TfidfFrameClassifier, read_examples
from pipeline.classify.annotate import import_annotations
from pipeline.classify.data import DataError
from pipeline.cli import main
from tests.conftest import SHARED

GOLD = SHARED / "eval" / "en_dev.jsonl"


@pytest.fixture(scope="module")
def gold():
    return read_examples([GOLD])[:40]


def _task(task_id, example, choices, cancelled=False):
    return {"id": task_id, "data": {"text": example.text, "lang": example.lang, "id": example.id},
            "annotations": [{"was_cancelled": cancelled, "result": [
                {"from_name": "frame", "to_name": "text", "type": "choices", "value": {"choices": [choice]}}
                for choice in choices]}]}


def test_label_studio_capitals_train_the_same_four_label_model(gold, tmp_path):
    lower = [_task(100 + i, e, [e.label]) for i, e in enumerate(gold)]
    upper = [_task(100 + i, e, [e.label.upper()]) for i, e in enumerate(gold)]  # the default template's "SVC"
    for name, tasks in (("lower", lower), ("upper", upper)):
        (tmp_path / f"{name}.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    a, b = (import_annotations([tmp_path / f"{name}.json"]).examples for name in ("lower", "upper"))
    assert [e.label for e in a] == [e.label for e in b] == [e.label for e in gold]
    models = [TfidfFrameClassifier().fit([e.text for e in x], [e.label for e in x]) for x in (a, b)]
    assert list(models[0].classes_) == list(models[1].classes_) and set(models[0].classes_) <= {
        "svc", "gvc", "both", "none"}
    # an unknown label is an error that names it; a label map or --any-labels are the ways out
    upper[3]["annotations"][0]["result"][0]["value"]["choices"] = ["Strategic"]
    (tmp_path / "odd.json").write_text(json.dumps(upper, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataError, match="label 'Strategic' is not one of svc, gvc, both, none"):
        import_annotations([tmp_path / "odd.json"])
    mapped = import_annotations([tmp_path / "odd.json"], label_map={"strategic": "svc"}).examples
    assert mapped[3].label == "svc"
    kept = import_annotations([tmp_path / "odd.json"], labels=None).examples
    assert kept[3].label == "Strategic" and kept[0].label == gold[0].label.upper()
    (tmp_path / "map.yaml").write_text("Strategic: svc\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "import-annotations", str(tmp_path / "odd.json"), "--label-map",
                                       str(tmp_path / "map.yaml"), "-o", str(tmp_path / "l.jsonl")])
    assert result.exit_code == 0, result.output
    assert f"wrote {len(gold)} labelled sentences" in result.output and f"from {len(gold)} tasks" in result.output
    result = CliRunner().invoke(main, ["classify", "import-annotations", str(tmp_path / "odd.json"), "-o",
                                       str(tmp_path / "l.jsonl")])
    assert result.exit_code == 2 and "'Strategic'" in result.output


def test_skip_counts_are_exact_and_task_ids_are_kept(gold, tmp_path):
    tasks = [_task(1, gold[0], ["svc"]), _task(2, gold[1], ["gvc"]), _task(3, gold[2], ["none"]),
             _task(4, gold[3], [], cancelled=True),  # cancelled
             _task(5, gold[4], []),  # no choice
             _task(6, gold[5], ["svc", "gvc"]),  # two results of one annotator: a tie
             {"id": 7, "data": {"text": gold[6].text}, "annotations": [
                 {"was_cancelled": True, "result": []},
                 {"was_cancelled": False, "result": [{"type": "choices", "value": {"choices": ["both"]}}]}]},
             {"id": 8, "data": {"text": gold[7].text}, "annotations": []}]  # never annotated
    (tmp_path / "full.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    imported = import_annotations([tmp_path / "full.json"])
    assert imported.n_tasks == 8 and len(imported.examples) + sum(imported.skipped.values()) == 8
    assert dict(imported.skipped) == {"cancelled": 1, "unlabelled": 2, "annotators disagree": 1}
    assert [e.id for e in imported.examples] == ["1", "2", "3", "7"]
    # Label Studio's JSON_MIN export of the same project: the same ids
    minimal = [{"id": 1, "text": gold[0].text, "frame": "svc"}, {"id": 2, "text": gold[1].text, "frame": "gvc"}]
    (tmp_path / "min.json").write_text(json.dumps(minimal, ensure_ascii=False), encoding="utf-8")
    assert [e.id for e in import_annotations([tmp_path / "min.json"]).examples] == ["1", "2"]


def test_csv_and_excel_label_files(gold, tmp_path):
    table = pd.DataFrame({"ID": [e.id for e in gold[:6]], "Text": [e.text for e in gold[:6]],
                          "Label": [e.label.title() for e in gold[:6]]})
    table.loc[5, "Label"] = ""  # an unlabelled row is skipped and counted
    table.to_csv(tmp_path / "coded.csv", index=False)
    table.to_excel(tmp_path / "coded.xlsx", index=False)
    for name in ("coded.csv", "coded.xlsx"):
        imported = import_annotations([tmp_path / name])
        assert [e.label for e in imported.examples] == [e.label for e in gold[:5]]
        assert [e.id for e in imported.examples] == [e.id for e in gold[:5]] and imported.skipped["unlabelled"] == 1
    (tmp_path / "plain.jsonl").write_text("text,label\nOpen markets.,gvc\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "import-annotations", str(tmp_path / "plain.jsonl"), "-o",
                                       str(tmp_path / "l.jsonl")])
    assert result.exit_code == 2 and "a CSV or Excel file? name it .csv" in " ".join(result.output.split())


def test_a_label_table_without_its_columns_is_a_clear_error(gold, tmp_path):
    pd.DataFrame({"sentence": [gold[0].text], "code": ["svc"]}).to_csv(tmp_path / "coded.csv", index=False)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(DataError, match="needs 'text' and 'label' \\(or 'frame'\\) columns; it has sentence, code"):
        import_annotations([tmp_path / "coded.csv"])
    with pytest.raises(DataError, match="broken.xlsx: cannot read it as a table"):
        import_annotations([tmp_path / "broken.xlsx"])
