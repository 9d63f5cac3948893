"""policy-pipeline: measure how economic-security framing spreads through policy documents.

The package is organised by stage (see ``../shared/spec/architecture.md``)::

    io  ->  segment  ->  (tag)  ->  store  ->  (aggregate)  ->  (report)

Quick start from Python::

    from pipeline import load_documents, Segmenter
    segmenter = Segmenter()
    for item in load_documents(["corpora/my_folder"]):
        if item.ok:
            seg = segmenter.segment(item)
            print(item.doc_id, seg.n_tokens, seg.n_sentences)
"""

from pipeline.config import PipelineConfig
from pipeline.io import Document, Rejection, load_documents
from pipeline.segment import SegmentedDocument, Segmenter

__version__ = "0.1.0"

__all__ = [
    "Document",
    "PipelineConfig",
    "Rejection",
    "SegmentedDocument",
    "Segmenter",
    "__version__",
    "load_documents",
]
