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
    # lexicon 1.2.0: variants found by mining the corpora for uncovered phrases, and look-alikes they must not catch
    ("us_wh_fact_sheets", "further secure our supply chains", "supply_chain_security", 1,
     "a determiner between 'secure' and the chains"),
    ("us_wh_fact_sheets", "further secure our supply chains", "supply_chain", 0,
     "the chain word inside the more specific expression does not count again"),
    ("eu_eurlex_legal_acts", "concerning restrictive measures in view of the situation in Libya",
     "export_controls_sanctions", 1, "'restrictive measures' is the EU's legal name for sanctions"),
    ("eu_eurlex_legal_acts", "such as withdrawal of the PPE from the market", "export_controls_sanctions", 0,
     "restrictive measures on an unsafe product are not sanctions"),
    ("us_nss", "break down foreign trade barriers", "free_trade_openness", 1, "trade barriers broken down"),
    ("us_wh_presidential_remarks", "make things in America and certainly", "reshoring", 1,
     "'make things in America' is production at home"),
    ("us_presidential_speeches_millercenter", "you can make it here in America if", "reshoring", 0,
     "'you can make it here in America' means succeeding"),
    ("us_sotu", "threats to our Nation's security, including", "national_security", 1,
     "the nation's security named by a possessive"),
    ("cn_cpc_congress_reports", "深化沿海开放，加快内地开放，提升沿边开放", "free_trade_openness", 4,
     "opening named by its scope (沿海开放, 内地开放, 沿边开放) plus 对外开放"),
    ("cn_gov_work_reports", "向社会全面开放重大科研基础设施", "free_trade_openness", 0,
     "research facilities opened to the public are not economic opening"),
    ("cn_laws_regulations", "反对单边主义和保护主义", "deglobalization", 2,
     "protectionism after 和 counts; only local or departmental protectionism is domestic"),
    ("cn_laws_regulations", "机动车国家安全技术标准", "national_security", 0,
     "国家安全技术标准 is a national safety standard"),
    ("cn_laws_regulations", "禁止或者限制出口", "export_controls_sanctions", 1, "an export restriction"),
    ("cn_gov_work_reports", "在平等互利的基础上进一步发展同世界各国的经贸关系", "economic_interdependence", 1,
     "mutual benefit in economic relations"),
    ("cn_laws_regulations", "平等互利、协商一致的原则签订并网协议", "economic_interdependence", 0,
     "mutual benefit in a grid-connection contract"),
    # lexicon 1.3.0: the legal instruments of export control and sanctions, and energy supply security in EU law
    ("us_presidential_actions",
     "whose property and interests in property are blocked pursuant to section 1 of this order",
     "export_controls_sanctions", 1, "the blocking clause of a US sanctions order"),
    ("us_presidential_actions", "(Blocking Property With Respect To Specified Harmful Foreign Activities",
     "export_controls_sanctions", 1, "a sanctions order named by its title"),
    ("us_nss", "freezing their assets in the United States", "export_controls_sanctions", 1,
     "freezing assets is a sanction"),
    ("eu_eurlex_legal_acts", "setting up a Community regime for the control of exports, transfer, brokering",
     "export_controls_sanctions", 2, "'control of exports' and 'dual-use items' in the regulation's title"),
    ("eu_eurlex_legal_acts", "remain under the complete control of the exporter", "export_controls_sanctions", 0,
     "'control of the exporter' is not a control of exports"),
    ("eu_eurlex_legal_acts", "aspects of the security of gas supply and competitiveness", "supply_chain_security", 1,
     "security of gas supply is energy security"),
    ("cn_laws_regulations", "公布限制或者禁止进出口的货物、技术目录", "export_controls_sanctions", 1,
     "the Foreign Trade Law's restriction of exports"),
    ("cn_laws_regulations", "携带的物品种类及其数量由国务院铁路行业监督管理部门", "export_controls_sanctions", 0,
     "a ban on what passengers carry is not an export restriction"),
    ("cn_laws_regulations", "反制清单和反制措施的确定", "export_controls_sanctions", 2,
     "the counter-sanctions list and countermeasures of the Anti-Foreign Sanctions Law"),
    ("cn_laws_regulations", "出口经营者应当向海关出具出口许可证件", "export_controls_sanctions", 1,
     "an export licence"),
    ("eu_eurlex_legal_acts", "mechanisms to screen foreign direct investments in their territory",
     "investment_screening", 1, "screening foreign investment, in the words of the EU regulation"),
    ("us_presidential_actions", "background investigations and screening mechanisms", "investment_screening", 0,
     "screening of people in law enforcement is not investment screening"),
    ("us_wh_presidential_remarks", "my power under the Defense Production Act to expedite", "industrial_policy", 1,
     "the Defense Production Act directs and funds domestic production"),
    ("eu_eurlex_legal_acts", "shall respect the procedures and the decision-making autonomy of the Union",
     "strategic_autonomy", 0, "the Union's decision-making autonomy is a legal principle, not strategic autonomy"),
    ("eu_eurlex_legal_acts", "reinforce the autonomy of the Union, in particular in technological terms",
     "strategic_autonomy", 1, "the Union's autonomy in technology"),
    # lexicon 1.3.1: 'secure' in a list of the chains' qualities, each concept of the phrase once (the codebook's
    # own example is 'secure, resilient supply chains')
    ("us_presidential_actions", "ensure reliable, secure, and resilient domestic supply chains of timber",
     "supply_chain_security", 1, "'secure' in a list before the chains is their security"),
    ("us_presidential_actions", "ensure reliable, secure, and resilient domestic supply chains of timber",
     "resilience", 1, "and 'resilient' in the same list is their resilience"),
    ("us_presidential_actions", "This work also requires secure, reliable supply chains for critical components",
     "supply_chain", 0, "the chains of 'secure, reliable supply chains' are inside the security expression"),
    ("us_wh_fact_sheets", "help create more resilient and secure supply chains for critical",
     "supply_chain_security", 1, "'resilient and secure supply chains' holds both concepts"),
    ("us_wh_fact_sheets", "help create more resilient and secure supply chains for critical",
     "resilience", 1, "'resilient' does not swallow the 'secure' after it"),
    # an elliptical list names one security per kind, as the coders count it
    ("us_wh_fact_sheets", "strengthen food and water security and sustainable practices", "supply_chain_security", 2,
     "'food and water security' is food security and water security"),
    ("us_wh_fact_sheets", "strengthening U.S. energy and national security", "supply_chain_security", 1,
     "'energy and national security': energy security ..."),
    ("us_wh_fact_sheets", "strengthening U.S. energy and national security", "national_security", 1,
     "... and national security"),
    ("us_presidential_actions", "is the bedrock of its national and economic security", "national_security", 2,
     "'national and economic security' names two goals"),
    ("us_wh_fact_sheets", "isotopes used in public health, energy, and national security sectors",
     "supply_chain_security", 0, "'energy' is one item of a list of sectors, not energy security"),
    ("cn_laws_regulations", "国家在货物、技术进出口方面可以采取任何必要的措施", "export_controls_sanctions", 1,
     "the Foreign Trade Law's security exception on imports and exports"),
    ("cn_laws_regulations", "建立农产品进口预警制度", "export_controls_sanctions", 0,
     "necessary measures on imports are no export control"),
    ("cn_central_documents_2020", "提升运输来往自由便利水平", "free_trade_openness", 2,
     "the free trade port, and its freedoms (运输来往自由便利), are opening"),
    ("eu_soteu", "We need to reduce our energy dependence and tap the renewable energy potential",
     "strategic_dependency", 1, "dependence named by what it is on"),
    ("us_wh_fact_sheets", "will help reduce nicotine dependence and improve health outcomes", "strategic_dependency", 0,
     "nicotine dependence is not a strategic dependency"),
    ("us_nss", "trade agreements designed to open Japanese markets in such key sectors", "free_trade_openness", 2,
     "trade agreements, and markets opened named by whose they are"),
    ("eu_eurlex_legal_acts", "eligible counterparty for Eurosystem monetary policy open market operations",
     "free_trade_openness", 0, "the central bank's open market operations are monetary policy"),
    ("us_wh_presidential_remarks", "drug companies were selling on the open market", "free_trade_openness", 0,
     "selling 'on the open market' is not trade opening"),
    ("us_nss", "The United States depends on oil for more than 40 percent of its primary energy needs",
     "strategic_dependency", 1, "the verb, depending on oil"),
    ("us_nss", "The prospects for peace and prosperity in Asia depend heavily on China's role",
     "strategic_dependency", 0, "depending on a country's role is not a dependency on it"),
    ("us_wh_fact_sheets", "Trump warned Western Europe as early as 2017 to rely on American natural gas",
     "strategic_dependency", 0, "relying on one's own or an ally's supply is the remedy, not the dependency"),
    ("us_nss", "could threaten the free flow of oil", "supply_chain_security", 1,
     "the strategies' free flow of oil is energy security"),
    ("us_nss", "which governs the process of export licensing", "export_controls_sanctions", 2,
     "the Export Administration Act, and export licensing"),
    ("eu_soteu", "securing our energy provision", "supply_chain_security", 1, "energy provision made secure"),
    ("cn_laws_regulations", "临时决定对《管制清单》以外的特定生物两用品及相关设备和技术的出口依照本条例实施管制",
     "export_controls_sanctions", 2, "the control list and the dual-use goods of the export-control regulations"),
    ("us_wh_presidential_remarks", "China is not alone, but it is a single-greatest competitor we have",
     "geopolitical_competition", 1, "a rival state named as the competitor"),
    ("us_sotu", "we face rogue regimes, terrorist groups, and rivals like China and Russia",
     "geopolitical_competition", 1, "rivals like China and Russia"),
    ("eu_soteu", "At the same time, we will continue to drive open and fair trade", "free_trade_openness", 1,
     "open and fair trade, as free and fair trade"),
    ("eu_soteu", "to bring prices down and secure our supply", "supply_chain_security", 1, "supply made secure"),
    ("eu_soteu", "We depend on state-of-the-art chips manufactured in Asia", "strategic_dependency", 1,
     "depending on chips made abroad"),
    ("cn_central_documents_2020", "对货物贸易，实行以“零关税”为基本特征的自由化便利化制度安排", "free_trade_openness", 2,
     "zero tariffs, and liberalisation and facilitation named without its object"),
    ("cn_central_documents_2020", "开放增值电信业务，逐步取消外资股比等限制", "free_trade_openness", 1,
     "foreign equity caps lifted (the opening of a service is not named by a rule of its own)"),
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
