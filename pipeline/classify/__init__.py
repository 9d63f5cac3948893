"""Frame classifiers (svc | gvc | both | none, or any label set): train, evaluate, predict, retrain.

Three model types share one scikit-learn interface (``fit``, ``predict``, ``predict_proba``,
``get_params``): ``tfidf`` (character n-grams for Chinese, word n-grams for English, and the lexicon's
counts, into a linear model), ``use`` (multilingual sentence embeddings plus the lexicon's counts, into a
linear model) and ``transformer`` (a local Hugging Face encoder, fine-tuned). Model folders hold safe
files only (skops, safetensors) and a card.
"""

from pipeline.classify.annotate import export_tasks, import_annotations
from pipeline.classify.data import Example, read_examples, write_examples
from pipeline.classify.evaluate import compare_models, cross_validate, evaluate_model, presence_probabilities
from pipeline.classify.models import MODEL_TYPES, TfidfFrameClassifier, TransformerFrameClassifier, UseFrameClassifier
from pipeline.classify.persist import ModelLoadError, load_model, read_card, save_model
from pipeline.classify.predict import predict_records
from pipeline.classify.train import train
from pipeline.classify.weak import weak_labels

__all__ = ["MODEL_TYPES", "Example", "ModelLoadError", "TfidfFrameClassifier", "TransformerFrameClassifier",
           "UseFrameClassifier", "compare_models", "cross_validate", "evaluate_model", "export_tasks",
           "import_annotations", "load_model", "predict_records", "presence_probabilities", "read_card",
           "read_examples", "save_model", "train", "weak_labels", "write_examples"]
