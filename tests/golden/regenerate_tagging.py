"""Regenerate the golden tagging table from ../shared/corpora, then REVIEW every row before committing:

    .venv/bin/python tests/golden/regenerate_tagging.py --show

Rows pin the counted mentions (concept, offsets within the sentence, negated/hedged flags) of real
sentences chosen for what is hard: look-alikes that must not match (安全生产, 食品安全, energy efficiency,
the resilience of our people), context-dependent terms, nesting, negation and hedging. Sentences are
referenced by offset and hash; their text is not copied into the repository.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pipeline.batch import tag_segmented  # noqa: E402
from pipeline.io import discover_sources, load_document  # noqa: E402
from pipeline.segment import Segmenter  # noqa: E402
from pipeline.tag import FrameTagger  # noqa: E402
from tests.conftest import CORPORA  # noqa: E402

GOLDEN = Path(__file__).with_name("tagging.tsv")
# (corpora to search, substrings a sentence must contain, how many sentences to take)
PROBES = [
    (("cn_laws_regulations",), ("安全生产",), 2),
    (("cn_laws_regulations",), ("食品安全",), 2),
    (("cn_gov_work_reports", "cn_cpc_congress_reports"), ("自力更生", "贫困"), 1),
    (("cn_gov_work_reports", "cn_cpc_congress_reports"), ("自力更生",), 2),
    (("cn_gov_work_reports",), ("补贴", "农"), 2),
    (("cn_gov_work_reports", "cn_cpc_congress_reports"), ("国家安全部门",), 1),
    (("cn_gov_work_reports",), ("承接产业转移",), 1),
    (("cn_gov_work_reports", "cn_central_documents_2020"), ("反对", "保护主义"), 2),
    (("cn_gov_work_reports", "cn_cpc_congress_reports"), ("产业链供应链安全稳定",), 1),
    (("cn_gov_work_reports", "cn_central_documents_2020"), ("新发展格局",), 2),
    (("cn_gov_work_reports", "cn_cpc_congress_reports"), ("自立自强",), 2),
    (("cn_gov_work_reports", "cn_central_documents_2020"), ("韧性",), 2),
    (("cn_gov_work_reports",), ("安全发展",), 2),
    (("cn_central_documents_2020",), ("产业链供应链",), 2),
    (("cn_gov_work_reports",), ("对外开放",), 2),
    (("us_sotu",), ("energy efficiency",), 1),
    (("us_sotu", "us_wh_presidential_remarks"), ("resilience of",), 2),
    (("us_sotu", "us_wh_fact_sheets"), ("offshore wind",), 1),
    (("us_nss",), ("National Security Strategy",), 1),
    (("eu_eurlex_legal_acts",), ("de-risk",), 1),
    (("us_wh_fact_sheets",), ("supply chain resilience",), 2),
    (("us_wh_fact_sheets",), ("export controls",), 2),
    (("us_wh_fact_sheets", "us_wh_presidential_remarks"), ("decouple",), 2),
    (("us_sotu", "eu_soteu"), ("protectionism",), 2),
    (("eu_eurlex_legal_acts",), ("strategic autonomy",), 1),
    (("eu_soteu",), ("de-risk",), 1),
    (("us_sotu",), ("Made in America",), 1),
    (("us_wh_fact_sheets",), ("subsidies",), 2),
    (("us_wh_fact_sheets",), ("friend-shoring",), 1),
    (("us_wh_fact_sheets",), ("critical minerals",), 1),
    (("us_sotu",), ("national security",), 2),
    (("cn_gov_work_reports", "cn_cpc_congress_reports", "cn_central_documents_2020"), ("反对", "单边主义"), 2),
    (("us_wh_presidential_remarks", "us_wh_fact_sheets"), ("not", "decouple"), 2),
    (("us_sotu", "us_wh_presidential_remarks"), ("not", "protectionism"), 1),
    (("cn_gov_work_reports", "cn_cpc_congress_reports"), ("所谓",), 1),
    (("us_nss", "us_wh_presidential_remarks"), ("so-called",), 1),
    (("cn_gov_work_reports",), ("脱钩", "机关"), 1),
    (("cn_laws_regulations",), ("中断供",), 1),
    (("cn_laws_regulations",), ("产业技术联盟",), 1),
    (("cn_gov_work_reports",), ("过度依赖",), 1),
    (("cn_laws_regulations",), ("安全审查",), 2),
    (("us_nss",), ("like-minded",), 1),
    (("us_wh_fact_sheets",), ("self-sufficient",), 1),
]
MAX_CHARS = 320


def _expected(mentions, start: int) -> str:
    parts = []
    for mention in mentions:
        flags = ("!" if mention.negated else "") + ("?" if mention.hedged else "")
        parts.append(f"{mention.concept}@{mention.start - start}-{mention.end - start}{flags}")
    return ";".join(parts)


def golden_rows() -> list[dict]:
    segmenter, tagger = Segmenter().load(), FrameTagger()
    documents: dict[str, list] = {}
    rows, seen = [], set()
    for corpora, needles, wanted in PROBES:
        taken = 0
        for corpus in corpora:
            if corpus not in documents:
                documents[corpus] = [load_document(source) for source in discover_sources([CORPORA / corpus])]
            for document in documents[corpus]:
                if taken >= wanted:
                    break
                if not document.ok or not all(needle in document.text for needle in needles):
                    continue
                segmented = segmenter.segment(document)
                mentions = [m for m in tag_segmented(tagger, document, segmented) if m.counted]
                for start, end in zip(segmented.sentence_starts.tolist(), segmented.sentence_ends.tolist(),
                                      strict=True):
                    text = document.text[start:end]
                    if taken >= wanted or len(text) > MAX_CHARS or not all(n in text for n in needles):
                        continue
                    if (corpus, document.doc_id, start) in seen:
                        continue
                    seen.add((corpus, document.doc_id, start))
                    inside = [m for m in mentions if start <= m.start and m.end <= end]
                    rows.append({"corpus": corpus, "doc_id": document.doc_id, "start": start, "end": end,
                                 "sha1": hashlib.sha1(text.encode()).hexdigest()[:12], "probe": "+".join(needles),
                                 "mentions": _expected(inside, start)})
                    taken += 1
    return rows


if __name__ == "__main__":
    from tests.golden.common import write_golden

    rows = golden_rows()
    write_golden(GOLDEN, rows)
    if "--show" in sys.argv:
        from pipeline.io import normalize_text
        from tests.tag.test_golden_tagging import _shown

        for row in rows:
            text = normalize_text((CORPORA / row["corpus"] / f"{row['doc_id']}.txt").read_text(encoding="utf-8"))
            sentence = text[row["start"] : row["end"]]
            print(f"[{row['probe']}] {sentence}\n    -> {_shown(row['mentions'], sentence)}\n")
