"""Write tests/golden/senses.tsv: real corpus sentences with a look-alike of a lexicon term (a word sense,
an office's name, a fixed phrase counted once) and how many mentions of the concept a reader counts. Places
only, never the text: the test reads the sentences from ../shared/corpora.

Run from the repository root: .venv/bin/python tests/golden/regenerate_senses.py
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from common import write_golden
from regenerate_negation import CORPORA, sentence_around

# (corpus, a passage in it, concept, how many mentions of it the sentence holds, why)
CASES = [
    ("us_sotu", "duly sanctioned by the Senate", "export_controls_sanctions", 0, "'sanctioned' = approved"),
    ("us_sotu", "which was sanctioned by Congress", "export_controls_sanctions", 0, "'sanctioned' = approved"),
    ("us_wh_fact_sheets", "The Department of Treasury sanctioned Russian and Iranian actors",
     "export_controls_sanctions", 1, "a sanction imposed"),
    ("us_presidential_actions", "or providing credits to the ISA-sanctioned person", "export_controls_sanctions", 1,
     "a sanctioned person"),
    ("cn_laws_regulations", "由国家出口管制管理部门进行处罚", "export_controls_sanctions", 1,
     "出口管制违法行为 counts; 出口管制 inside the office's name 国家出口管制管理部门 does not"),
    ("cn_gov_work_reports", "统筹能源安全稳定供应和绿色低碳", "supply_chain_security", 1,
     "能源安全稳定供应 is one expression, counted once"),
    ("cn_central_documents_2020", "努力消除非关税贸易壁垒", "deglobalization", 0,
     "barriers being removed are openness"),
    ("cn_gov_work_reports", "继续坚持独立自主的外交政策", "strategic_autonomy", 0,
     "the independent foreign policy is diplomacy, not the economy"),
]


def main() -> None:
    rows = []
    for corpus, passage, concept, count, why in CASES:
        for path in sorted((CORPORA / corpus).rglob("*.txt")):
            text = path.read_text(encoding="utf-8")
            at = text.find(passage)
            if at == -1:
                continue
            start, end = sentence_around(text, at, at + len(passage))
            if any("\u4e00" <= char <= "\u9fff" for char in passage):  # a Chinese sentence ends at 。
                start = max(text.rfind(mark, 0, at) for mark in ("。", "\n", "；")) + 1
                end = min(i for i in (text.find("。", at), len(text) - 1) if i != -1) + 1
            while text[start].isspace():
                start += 1
            rows.append({"corpus": corpus, "file": str(path.relative_to(CORPORA / corpus)), "start": start,
                         "end": end, "sha1": hashlib.sha1(text[start:end].encode()).hexdigest()[:12],
                         "concept": concept, "count": count, "why": why})
            break
        else:
            raise SystemExit(f"not found in {corpus}: {passage}")
    write_golden(Path(__file__).with_name("senses.tsv"), rows)


if __name__ == "__main__":
    main()
