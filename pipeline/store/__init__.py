"""Storage: Parquet tables and the run manifest (``run.json``) in an output folder."""

from pipeline.store.schema import COOCCURRENCE, DOCUMENTS, ENTITIES, MENTIONS, RUN_MANIFEST, SENTENCES, TABLE_FILES
from pipeline.store.writer import TableWriter, read_table, write_json, write_table

__all__ = ["COOCCURRENCE", "DOCUMENTS", "ENTITIES", "MENTIONS", "RUN_MANIFEST", "SENTENCES", "TABLE_FILES",
           "TableWriter", "read_table", "write_json", "write_table"]
