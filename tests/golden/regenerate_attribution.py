"""Write tests/golden/attribution.tsv: real corpus sentences with a framing mention, whether the document
ascribes the frame to another actor (read by a person, not by the tagger), and that actor's id. The table
holds places (file, offsets, a hash), never the text: the test reads the sentences from ../shared/corpora.

Run from the repository root: .venv/bin/python tests/golden/regenerate_attribution.py
"""

from __future__ import annotations

from pathlib import Path

from common import find_sentence, write_golden

# (corpus, a passage that occurs in it, the concept of the mention, attributed?, actor id, why)
CASES = [
    ("cn_gov_work_reports", "一些国家对我国实行经济制裁", "export_controls_sanctions", True, "",
     "an actor without a gazetteer id, an ascribing verb, then the mention"),
    ("cn_gov_work_reports", "其他西方國家對中國實行了禁運", "export_controls_sanctions", True, "bloc:west",
     "对中國 marks the target; the West imposes the embargo"),
    ("eu_soteu", "China's export restrictions on gallium", "export_controls_sanctions", True, "gpe:CN",
     "a possessive actor where possession is agency"),
    ("us_wh_fact_sheets", "China’s recent weaponization of its resources", "weaponization", True, "gpe:CN",
     "a possessive actor, one word between"),
    ("us_wh_presidential_remarks", "subsidized by the Chinese government", "industrial_policy", True, "gpe:CN",
     "a 'by' agent right after the mention"),
    ("us_wh_fact_sheets", "supporting India’s energy security", "supply_chain_security", False, "",
     "a partner's need the document itself endorses: possession is not agency"),
    ("us_nss", "China's accession tothe WTO", "free_trade_openness", False, "",
     "an accession the document supports, not a frame it ascribes"),
    ("cn_gov_work_reports", "中国坚持长期实行对外开放", "free_trade_openness", False, "",
     "the document's own jurisdiction speaks for itself"),
    ("eu_soteu", "Europe's digital sovereignty", "tech_sovereignty", False, "",
     "an EU speech on Europe: its own voice"),
    ("us_wh_fact_sheets", "made in America by American workers", "reshoring", False, "",
     "a 'by' phrase naming the document's own side"),
]


def main() -> None:
    rows = [{**find_sentence(corpus, passage), "concept": concept, "attributed": str(attributed).lower(),
             "actor": actor, "why": why} for corpus, passage, concept, attributed, actor, why in CASES]
    write_golden(Path(__file__).with_name("attribution.tsv"), rows)


if __name__ == "__main__":
    main()
