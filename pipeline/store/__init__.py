"""Storage: Parquet tables and the run manifest (``run.json``) in an output folder."""

from pipeline.store.schema import DOCUMENTS, MENTIONS, RUN_MANIFEST, SENTENCES, TABLE_FILES
from pipeline.store.writer import TableWriter, write_json

__all__ = ["DOCUMENTS", "MENTIONS", "RUN_MANIFEST", "SENTENCES", "TABLE_FILES", "TableWriter", "write_json"]
