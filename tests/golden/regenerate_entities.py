"""Regenerate the golden entity tables from ../shared (corpora and the reference paper in seeds), then
REVIEW every row before committing:

    .venv/bin/python tests/golden/regenerate_entities.py --show

Each probe says, by hand, what a name in real text must be: the canonical id it gets (the same id for
its Chinese and English names), or, after "!", an id it must NOT get (look-alikes: Intelligence is not
Intel, New Mexico is not Mexico, 发展中国家 holds no 中国). The script only finds real occurrences; the
expectations are the probes', never the tagger's output. Rows reference documents by path and offsets
(and the name itself); no sentence is copied. The first occurrences (in distinct documents) go to
``entities.tsv``; later ones, kept aside while the gazetteer was written, to ``entities_heldout.tsv``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pipeline.io import discover_sources, load_document  # noqa: E402
from tests.conftest import CORPORA  # noqa: E402
from tests.golden.common import write_golden  # noqa: E402

SHARED = CORPORA.parent
DEV = Path(__file__).with_name("entities.tsv")
HELDOUT = Path(__file__).with_name("entities_heldout.tsv")
SEEDS = ("seeds",)
CN = ("corpora/cn_gov_work_reports", "corpora/cn_cpc_congress_reports", "corpora/cn_central_documents_2020")
US = ("corpora/us_wh_fact_sheets", "corpora/us_wh_presidential_remarks")
# (where, name as a regex, expected id or !forbidden id, dev occurrences, held-out occurrences)
PROBES = [
    # Chinese names: the reference paper and the Chinese corpora
    (SEEDS, "台积电", "co:tsmc", 2, 1),
    (SEEDS, "英特尔", "co:intel", 1, 0),
    (SEEDS, "美光", "co:micron", 1, 0),
    (SEEDS, "拜登", "person:joe_biden", 2, 2),
    (SEEDS, "特朗普", "person:donald_trump", 1, 0),
    (SEEDS, "(?<![欧盟洲《])芯片法案|(?<=[^盟洲]《)芯片法案", "law:us_chips_act", 1, 0),
    (SEEDS, "(?<=欧盟《)芯片法案", "law:eu_chips_act", 1, 0),
    (SEEDS, "欧盟芯片法", "law:eu_chips_act", 1, 0),
    (SEEDS, "欧盟委员会", "org:european_commission", 2, 2),
    (SEEDS, "关键原材料法案", "law:eu_crma", 1, 0),
    (SEEDS, "净零工业法案", "law:eu_nzia", 2, 0),
    (SEEDS, "国防授权法案", "law:us_ndaa", 1, 1),
    (SEEDS, "通胀削减法案", "law:us_ira", 1, 0),
    (SEEDS, "印太(?!经济框架)", "region:indo_pacific", 1, 0),
    (SEEDS, "印太经济框架", "forum:ipef", 1, 1),
    (SEEDS, "稀土", "sector:rare_earths", 2, 0),
    (SEEDS, "半导体", "sector:semiconductors", 2, 2),
    (SEEDS, "TSMC", "co:tsmc", 1, 0),
    (SEEDS, "(?<=[^\\d])\\d+(?:\\.\\d+)?亿美元", "money:USD:*", 2, 2),
    (SEEDS, "中美(?!洲)", "rel:CN-US", 2, 2),
    (SEEDS, "(?<=发展)中国(?=家)", "!gpe:CN", 1, 1),
    (CN, "(?<=发展)中国(?=家)", "!gpe:CN", 2, 2),
    (CN, "(?<=其)中国(?=有)", "!gpe:CN", 1, 0),
    (CN, "七十七国集团", "forum:g77", 1, 1),
    (CN, "二十国集团", "forum:g20", 2, 2),
    (CN, "世界贸易组织", "forum:wto", 2, 2),
    (CN, "一带一路", "prog:belt_and_road", 2, 2),
    (CN, "东盟", "forum:asean", 2, 2),
    (CN, "中非合作论坛", "forum:focac", 1, 1),
    (CN, "“十四五”规划", "law:cn_fyp_14", 2, 2),
    (CN, "美国", "gpe:US", 2, 2),
    (CN, "日本", "gpe:JP", 2, 2),
    (CN, "俄罗斯", "gpe:RU", 2, 2),
    (CN, "欧盟", "gpe:EU", 2, 2),
    (CN, "习近平", "person:xi_jinping", 2, 2),
    (CN, "人工智能", "sector:ai", 2, 2),
    (CN, "全国人民代表大会", "org:cn_npc", 2, 2),
    (CN, "国务院", "org:cn_state_council", 2, 2),
    # English names: US, EU corpora
    (US, "TSMC", "co:tsmc", 2, 2),
    (US, "\\bIntel\\b", "co:intel", 2, 2),
    (US, "\\bMicron\\b", "co:micron", 2, 2),
    (("corpora/us_sotu", "corpora/us_presidential_actions") + US, "Micronesia", "gpe:FM", 2, 2),
    (US, "Intelligence", "!co:intel", 2, 2),
    (US, "\\bBiden\\b", "person:joe_biden", 2, 2),
    (US, "\\bTrump\\b", "person:donald_trump", 2, 2),
    (US, "CHIPS and Science Act", "law:us_chips_act", 2, 2),
    (US, "Inflation Reduction Act", "law:us_ira", 2, 2),
    (US, "Executive Order 14017", "law:us_eo_14017", 1, 1),
    (("corpora/eu_soteu", "corpora/eu_eurlex_legal_acts"), "European Commission", "org:european_commission", 2, 2),
    (("corpora/eu_soteu", "corpora/eu_eurlex_legal_acts"), "Critical Raw Materials Act", "law:eu_crma", 1, 1),
    (US, "Indo-Pacific", "region:indo_pacific", 2, 2),
    (US, "rare earth", "sector:rare_earths", 2, 2),
    (US, "semiconductors", "sector:semiconductors", 2, 2),
    (US, "\\$\\d+(?:\\.\\d+)? billion", "money:USD:*", 2, 2),
    (US, "U\\.S\\.-China", "rel:CN-US", 2, 2),
    (US, "\\bG7\\b", "forum:g7", 2, 2),
    (US, "\\bG20\\b", "forum:g20", 2, 2),
    (("corpora/us_sotu",) + US, "World Trade Organization", "forum:wto", 2, 2),
    (US, "Belt and Road", "prog:belt_and_road", 1, 1),
    (US, "\\bASEAN\\b", "forum:asean", 2, 2),
    (US, "New Mexico", "!gpe:MX", 2, 2),
    (("corpora/us_sotu",) + US, "bargaining chip", "!sector:semiconductors", 2, 2),
    (("corpora/us_sotu",), "United States", "gpe:US", 2, 2),
    (US, "\\bJapan\\b", "gpe:JP", 2, 2),
    (US, "\\bRussia\\b", "gpe:RU", 2, 2),
    (("corpora/eu_soteu",), "European Union", "gpe:EU", 2, 2),
    (US, "Xi Jinping", "person:xi_jinping", 2, 2),
    (US, "artificial intelligence", "sector:ai", 2, 2),
    (("corpora/us_sotu", "corpora/us_nss") + US, "\\bNATO\\b", "forum:nato", 2, 2),
    # gazetteer 1.1.0: the bodies and the statute of sanctions and export finance
    (("corpora/us_presidential_actions",), "International Emergency Economic Powers Act", "law:us_ieepa", 2, 2),
    (("corpora/us_presidential_actions",), "\\bIEEPA\\b", "law:us_ieepa", 1, 1),
    (("corpora/us_presidential_actions",) + US, "Office of Foreign Assets Control", "org:us_ofac", 1, 1),
    (US, "Department of Homeland Security", "org:us_dhs", 2, 2),
    (US, "Development Finance Corporation", "org:us_dfc", 2, 2),
    (US, "Export-Import Bank", "org:us_exim", 1, 1),
    (("corpora/cn_laws_regulations",) + CN, "海关总署", "org:cn_gacc", 2, 2),
    (("corpora/us_presidential_actions",) + US, "\\bSyria\\b", "gpe:SY", 2, 2),
    (("corpora/us_presidential_actions",) + US, "\\bBurma\\b", "gpe:MM", 2, 2),
    (US, "\\bLithuania\\b", "gpe:LT", 1, 1),
    (("corpora/cn_laws_regulations",) + CN, "缅甸", "gpe:MM", 2, 2),
    (("corpora/us_presidential_actions",) + US, "District of Columbia", "!gpe:CO", 2, 2),
    (("corpora/cn_laws_regulations",) + CN, "内蒙古", "!gpe:MN", 2, 2),
    (("corpora/us_presidential_actions",) + US, "Defense Production Act", "law:us_dpa", 2, 2),
    (("corpora/us_presidential_actions",), "section 232(?= of the Trade Expansion Act)", "law:us_section_232", 2, 2),
    # gazetteer 1.2.0: the organisations, initiatives and people the reference paper names
    (SEEDS, "(?<=韩国)三星", "co:samsung", 1, 0),
    (SEEDS, "博通", "co:broadcom", 1, 0),
    (SEEDS, "莱迪斯", "co:lattice", 1, 0),
    (SEEDS, "爱克斯赛拉", "co:xcerra", 1, 0),
    (SEEDS, "麦肯锡", "co:mckinsey", 1, 0),
    (SEEDS, "国际能源署", "forum:iea", 1, 0),
    (SEEDS, "\\bIEA\\b", "forum:iea", 1, 0),
    (SEEDS, "世界经济论坛", "forum:wef", 1, 0),
    (SEEDS, "联合国贸易和发展会议", "forum:unctad", 1, 0),
    (SEEDS, "矿物安全伙伴关系", "forum:msp", 1, 0),
    (SEEDS, "可持续关键矿产联盟", "forum:sustainable_critical_minerals_alliance", 1, 0),
    (SEEDS, "美洲经济繁荣伙伴关系", "forum:apep", 1, 0),
    (SEEDS, "关键原材料俱乐部", "forum:critical_raw_materials_club", 1, 0),
    (SEEDS, "FVEY", "forum:five_eyes", 1, 0),
    (SEEDS, "欧洲电池联盟", "prog:european_battery_alliance", 1, 0),
    (SEEDS, "循环经济行动计划", "law:eu_ceap", 1, 0),
    (SEEDS, "(?<=欧盟的)绿色协议", "law:eu_green_deal", 1, 0),
    (SEEDS, "国际金融研究所", "org:iif", 1, 0),
    (SEEDS, "美国半导体工业协会", "org:us_sia", 1, 0),
    (SEEDS, "美中贸易全国委员会", "org:uscbc", 1, 0),
    (SEEDS, "张忠谋", "person:morris_chang", 1, 0),
    (SEEDS, "基欧汉", "person:robert_keohane", 1, 0),
    (SEEDS, "福山", "person:francis_fukuyama", 1, 0),
    (SEEDS, "约翰·鲁杰", "person:john_ruggie", 1, 0),
    (SEEDS, "苏珊·斯特兰奇", "person:susan_strange", 1, 0),
    (US, "International Energy Agency", "forum:iea", 1, 0),
    (US, "\\bAPEP\\b", "forum:apep", 1, 0),
    (US, "Morris Chang", "person:morris_chang", 1, 0),
    # gazetteer 1.2.1: the Commission's short English name
    (US, "EU Commission", "org:european_commission", 1, 0),
    # gazetteer 1.2.2: English spelling variants generated (U.S./US, and/&, British/American), and short names
    (US, "US Treasury", "org:us_treasury", 1, 0),
    (US, "Department of Health & Human Services", "org:us_hhs", 1, 1),
    (("corpora/eu_eurlex_legal_acts",), "World Health Organisation", "forum:who", 1, 1),
    (("corpora/eu_eurlex_legal_acts",), "United Kingdom of Great Britain and Northern Ireland", "gpe:GB", 1, 1),
    (("corpora/us_presidential_actions",), "Group of 20", "forum:g20", 1, 0),
    (US, "(?<=with )Xi\\b(?! Jinping)", "person:xi_jinping", 2, 2),
    (US, "Xi(?=’An)", "!person:xi_jinping", 1, 0),
    (("corpora/eu_eurlex_legal_acts",), "Council of Ministers(?= \\(3\\) established)", "!org:council_of_the_eu", 1, 0),
    # gazetteer 1.2.3: the bodies of tariffs and trade remedies, tax and financial regulators
    (("corpora/cn_laws_regulations",), "关税税则委员会", "org:cn_tariff_commission", 2, 2),
    (("corpora/cn_laws_regulations",), "国家税务总局", "org:cn_sta", 1, 1),
    (("corpora/cn_laws_regulations",), "中国证券监督管理委员会", "org:cn_csrc", 1, 1),
    (("corpora/us_presidential_actions",), "International Trade Commission", "org:us_usitc", 2, 2),
    (("corpora/us_presidential_actions",), "\\bUSITC\\b", "org:us_usitc", 1, 1),
    (("corpora/us_sotu",), "Tariff Commission", "org:us_usitc", 1, 1),
    (US, "He Lifeng", "person:he_lifeng", 1, 0),
    # gazetteer 1.2.4: Japan's trade ministry, and 英方 as 中方 and 美方
    (("corpora/us_wh_fact_sheets",), "Ministry of Economy, Trade and Industry", "org:jp_meti", 1, 0),
    (("corpora/cn_gov_work_reports",), "英方", "gpe:GB", 2, 1),
    # gazetteer 1.2.5: the US export-control rules and bodies by their short names
    (("corpora/us_presidential_actions",), "Securities and Exchange Commission", "org:us_sec", 1, 1),
    (("corpora/us_presidential_actions",), "Export Administration Regulations", "law:us_ear", 1, 1),
    (("corpora/cn_laws_regulations",), "(?<=军品)出口管理条例", "!law:us_ear", 1, 0),
    (("corpora/us_presidential_actions",), "America First Trade Policy", "law:us_america_first_trade_policy", 1, 1),
    (("corpora/us_wh_fact_sheets",), "\\bDOD\\b", "org:us_dod", 1, 1),
    (("corpora/us_presidential_actions",), "\\bDoW\\b", "org:us_dod", 1, 1),
    (("corpora/us_sotu",), "(?<=balance in the )Treasury", "org:us_treasury", 1, 1),
    (("corpora/us_sotu",), "Treasury(?= notes)", "!org:us_treasury", 1, 0),
]


def _files(where: tuple[str, ...]):
    for folder in where:
        for path in sorted((SHARED / folder).rglob("*")):
            if path.is_file() and path.suffix in (".txt", ".md") and not path.name.startswith(("README", "term_")):
                yield path


def find_rows() -> tuple[list[dict], list[dict]]:
    dev, heldout = [], []
    cache: dict[Path, str] = {}
    for where, name, expected, n_dev, n_heldout in PROBES:
        wanted = n_dev + n_heldout
        if not wanted:
            continue
        pattern = re.compile(name)
        taken = []
        for path in _files(where):
            raw = path.read_text(encoding="utf-8", errors="replace")
            if not pattern.search(raw):
                continue
            if path not in cache:
                source = next(iter(discover_sources([str(path)])))
                document = load_document(source)
                cache[path] = document.text if document.ok else ""
            text = cache[path]
            # One occurrence per corpus document (variety); the reference paper is one document.
            for match in list(pattern.finditer(text))[: None if where == SEEDS else 1]:
                taken.append({"path": str(path.relative_to(SHARED)), "start": match.start(), "end": match.end(),
                              "name": match.group(), "expected": expected,
                              "_context": text[max(0, match.start() - 30):match.end() + 30].replace("\n", " ")})
            if len(taken) >= wanted:
                taken = taken[:wanted]
                break
        if len(taken) < wanted:
            print(f"only {len(taken)} of {wanted} for {name!r} in {where}", file=sys.stderr)
        dev.extend(taken[:n_dev])
        heldout.extend(taken[n_dev:])
    return dev, heldout


if __name__ == "__main__":
    dev_rows, heldout_rows = find_rows()
    if "--show" in sys.argv:
        for row in dev_rows + heldout_rows:
            print(f"{row['expected']:<28} {row['path'][:50]:<50} …{row['_context']}…")
    for rows in (dev_rows, heldout_rows):
        for row in rows:
            del row["_context"]
    write_golden(DEV, dev_rows)
    write_golden(HELDOUT, heldout_rows)
