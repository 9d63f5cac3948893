"""Model folders from someone else: no file in them runs code, and every tampered file is one clear refusal.

The gadgets are built from a real model's skops file with one node changed, as an attacker would: each
names a callable that skops would import and call on load or that the vectoriser would call on predict.
"""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from click.testing import CliRunner

from pipeline.classify import ModelLoadError, TfidfFrameClassifier, UseFrameClassifier, load_model
from pipeline.classify.persist import save_model
from pipeline.classify.trusted import TRUSTED_NODES, audit_skops_file
from pipeline.cli import main

TEXTS = ["坚决反对将供应链武器化。", "We will strengthen supply chain resilience.", "扩大对外开放，欢迎外商投资。",
         "Open markets and free trade benefit all.", "The weather was mild this spring.", "今年春天气候温和。"]
LABELS = ["svc", "svc", "gvc", "gvc", "none", "none"]


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory):
    model = TfidfFrameClassifier().fit(TEXTS, LABELS)
    return save_model(model, tmp_path_factory.mktemp("m") / "model", model_type="tfidf", training=[],
                      data_hash="x")


def _json(value) -> dict:
    return {"__class__": type(value).__name__, "__module__": "builtins", "__loader__": "JsonNode",
            "content": json.dumps(value), "is_json": True}


def _rewrite(source, target, change) -> None:
    """Copy the model folder ``source`` to ``target`` with ``change(schema)`` applied to its skops schema."""
    shutil.copytree(source, target)
    with zipfile.ZipFile(source / "model.skops") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(members["schema.json"])
    change(schema)
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(target / "model.skops", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _nodes(tree, loader):
    if isinstance(tree, dict):
        if tree.get("__loader__") == loader:
            yield tree
        for value in tree.values():
            yield from _nodes(value, loader)
    elif isinstance(tree, list):
        for value in tree:
            yield from _nodes(value, loader)


def _analyzer(module: str, name: str):
    """The vectoriser's analyzer (text_units) replaced by another callable: it would run on each text."""
    def change(schema):
        node = next(_nodes(schema, "FunctionNode"))
        node["__module__"], node["__class__"] = module, name
    return change


def _on_load(loader: str, module: str, name: str, content):
    """A node that skops builds by calling ``module.name`` with ``content`` when the file is loaded."""
    def change(schema):
        attributes = schema["content"]  # the estimator's attributes: a dict node, one key type per key
        attributes["content"]["payload"] = {"__class__": name, "__module__": module, "__loader__": loader,
                                            "content": content}
        attributes["key_types"]["content"].append({"__class__": "str", "__module__": "builtins",
                                                   "__loader__": "TypeNode"})
    return change


def _payload(sentinel) -> str:
    return f"open({str(sentinel)!r}, 'w').write('ran')"


GADGETS = {
    "exec on load": lambda s: _on_load("ConstructorFromReduceNode", "builtins", "exec",
                                       {"__class__": "tuple", "__module__": "builtins", "__loader__": "TupleNode",
                                        "content": [_json(_payload(s))]}),
    "eval as analyzer": lambda s: _analyzer("builtins", "eval"),
    "getattr as analyzer": lambda s: _analyzer("builtins", "getattr"),
    "__import__ as analyzer": lambda s: _analyzer("builtins", "__import__"),
    "os.system as analyzer": lambda s: _analyzer("os", "system"),
    "subprocess.getoutput as analyzer": lambda s: _analyzer("subprocess", "getoutput"),
    "a pipeline writer as analyzer": lambda s: _analyzer("pipeline.classify.persist", "write_card"),
    "a pipeline object": lambda s: _on_load("ObjectNode", "pipeline.store.writer", "PartWriter", None),
    "os.system partial": lambda s: _on_load("PartialNode", "functools", "partial", {}),
    "a method of a trusted object": lambda s: _on_load("MethodNode", "sklearn.pipeline", "Pipeline", {}),
    "a reduce constructor": lambda s: _on_load("ReduceNode", "builtins", "dict", {}),
}


def test_the_exec_gadget_is_real(model_folder, tmp_path):
    """The fixture attack works when the types skops reports are trusted (as a prefix rule on ``builtins.``
    did): the refusal below is what stops it."""
    import skops.io

    sentinel = tmp_path / "ran"
    _rewrite(model_folder, tmp_path / "bad", GADGETS["exec on load"](sentinel))
    path = tmp_path / "bad" / "model.skops"
    assert "builtins.exec" in skops.io.get_untrusted_types(file=path)
    skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))
    assert sentinel.read_text() == "ran"


@pytest.mark.parametrize("gadget", sorted(GADGETS))
def test_every_known_gadget_is_refused_and_nothing_runs(model_folder, tmp_path, gadget):
    sentinel = tmp_path / "ran"
    bad = tmp_path / "bad"
    _rewrite(model_folder, bad, GADGETS[gadget](sentinel))
    with pytest.raises(ModelLoadError, match=r"model\.skops: it names types policy-pipeline does not trust"):
        load_model(bad)
    sentences = tmp_path / "sentences.jsonl"
    sentences.write_text(json.dumps({"text": "供应链安全"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "predict", str(sentences), "--model", str(bad)])
    assert result.exit_code != 0 and "does not trust" in result.output and "Traceback" not in result.output
    assert not sentinel.exists()


def test_every_model_type_needs_only_trusted_types(tmp_path):
    """The allow-list is complete for what the project saves (a missing type would refuse our own models)."""
    for model_type, model in [("tfidf", TfidfFrameClassifier(lexicon_features=False, cue_features=False,
                                                              class_weight=None)),
                              ("use", UseFrameClassifier())]:
        folder = save_model(model.fit(TEXTS, LABELS), tmp_path / model_type, model_type=model_type,
                            training=[], data_hash="x")
        trusted = audit_skops_file(folder / "model.skops")
        assert trusted and all(any(name == pair[1] for pair in TRUSTED_NODES) for name in trusted)
        assert list(load_model(folder).predict(TEXTS)) == list(model.predict(TEXTS))


@pytest.mark.parametrize(("card", "message"), [
    ([1, 2], "a model card is a JSON object, not list"),
    ({"model_type": None}, "model_type is None"),
    ({"model_type": "tfidf", "params": "C=4"}, "params must be an object"),
    ({"model_type": "tfidf", "labels": []}, "labels must be a non-empty list"),
    ({"model_type": "tfidf", "params": {"lexicon": 5}}, "params.lexicon must be a path or null"),
    ({"model_type": "pickle"}, "model_type is 'pickle'"),
    ({"model_type": "use"}, "holds a TfidfFrameClassifier, but its card says use"),
])
def test_tampered_cards_are_one_line_refusals(model_folder, tmp_path, card, message):
    bad = tmp_path / "bad"
    shutil.copytree(model_folder, bad)
    if isinstance(card, dict):
        card = {**json.loads((model_folder / "card.json").read_text()), **card}
    (bad / "card.json").write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match=message) as caught:
        load_model(bad)
    assert str(bad) in str(caught.value) and "\n" not in str(caught.value)


def test_deep_or_corrupt_files_are_refusals_not_crashes(model_folder, tmp_path):
    deep = tmp_path / "deep"
    shutil.copytree(model_folder, deep)
    (deep / "card.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ModelLoadError, match="nested too deep"):
        load_model(deep)
    broken = tmp_path / "broken"
    shutil.copytree(model_folder, broken)
    (broken / "model.skops").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ModelLoadError, match="not a readable skops file"):
        load_model(broken)


def test_a_bad_safetensors_header_is_a_refusal(model_folder, tmp_path):
    folder = tmp_path / "transformer"
    shutil.copytree(model_folder, folder)
    card = json.loads((folder / "card.json").read_text())
    (folder / "card.json").write_text(json.dumps({**card, "model_type": "transformer", "params": {}}))
    (folder / "model.skops").unlink()
    target = folder / "transformer"
    target.mkdir()
    (target / "config.json").write_text(json.dumps({"model_type": "bert", "architectures": ["BertModel"]}))
    (target / "model.safetensors").write_bytes((10**12).to_bytes(8, "little") + b"{}")
    with pytest.raises(ModelLoadError, match="cannot load the transformer"):
        load_model(folder)
