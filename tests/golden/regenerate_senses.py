"""Write tests/golden/senses.tsv: real corpus sentences with a look-alike of a lexicon term (a word sense,
an office's name, a fixed phrase counted once) and how many mentions of the concept a reader counts. Places
only, never the text: the test reads the sentences from ../shared/corpora.

Run from the repository root: .venv/bin/python tests/golden/regenerate_senses.py
"""

from __future__ import annotations

from pathlib import Path

from common import find_sentence, write_golden

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
        place = find_sentence(corpus, passage)
        del place["passage_start"], place["passage_end"]
        rows.append({**place, "concept": concept, "count": count, "why": why})
    write_golden(Path(__file__).with_name("senses.tsv"), rows)


if __name__ == "__main__":
    main()
