"""Tagger behaviour on small sentences written for the test (no corpus text)."""

from __future__ import annotations

import json

import pytest
import spacy
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import OverlapPolicy
from pipeline.tag import FrameTagger, NearMiss
from pipeline.tag.addresses import web_addresses
from pipeline.tag.records import tag_text
from tests.conftest import real_text


@pytest.fixture(scope="module")
def tagger():
    return FrameTagger()


def _counted(tagger, text, **kwargs):
    return [(m.concept, m.text, m.negated, m.hedged) for m in tagger.tag(text, **kwargs) if m.counted]


def test_nested_matches_are_kept_but_the_longest_counts(tagger):
    mentions = tagger.tag("维护产业链供应链安全稳定。")
    counted = [m for m in mentions if m.counted]
    assert [(m.concept, m.text) for m in counted] == [("supply_chain_security", "产业链供应链安全稳定")]
    nested = {(m.concept, m.text) for m in mentions if not m.counted}
    assert ("supply_chain", "供应链") in nested and ("supply_chain_security", "供应链安全") in nested
    every = FrameTagger(tagger.lexicon, overlap=OverlapPolicy.ALL).tag("维护产业链供应链安全稳定。")
    assert all(m.counted for m in every) and len(every) == len(mentions)


def test_two_rules_matching_the_same_characters_make_one_mention(tagger):
    # The 1987 strategy says "open markets" where two openness rules match the same characters; before, the
    # second made an uncounted twin row, and under overlap=all a second counted mention.
    text = real_text("us_nss", "1987_nss")
    rules = [term.term_id for term in tagger.lexicon.en_terms
             if term.concept_id == "free_trade_openness" and term.regex.fullmatch("open markets")]
    assert len(rules) >= 2
    for overlap in (OverlapPolicy.LONGEST, OverlapPolicy.ALL):
        mentions = FrameTagger(tagger.lexicon, overlap=overlap).tag(text)
        spans = [(m.start, m.end, m.concept) for m in mentions]
        assert len(spans) == len(set(spans))
        opened = [m for m in mentions if m.text.lower() == "open markets"]
        assert opened and all(m.counted for m in opened)
        assert {m.rule for m in opened} == {rules[0]}  # the first of those rules in the file


def test_offsets_resolve_and_traditional_text_matches_through_its_view(tagger):
    text = "推動產業鏈供應鏈安全穩定，反對將供應鏈武器化。"
    from pipeline.io.chinese_script import to_simplified

    mentions = [m for m in tagger.tag(text, view=to_simplified(text)) if m.counted]
    assert [(m.concept, m.text) for m in mentions] == [
        ("supply_chain_security", "產業鏈供應鏈安全穩定"), ("supply_chain", "供應鏈"), ("weaponization", "武器化")]
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert mentions[-1].negated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("加强安全生产和食品安全监管。", []),
        ("确保国家粮食安全和能源安全。", [("supply_chain_security", "粮食安全", False, False),
                                          ("supply_chain_security", "能源安全", False, False)]),
        ("引导资金回流实体经济。", []),
        ("推动制造业回流本土。", [("reshoring", "制造业回流", False, False)]),
        ("他所在岸边的村庄。", []),
        ("加大对种粮农民的补贴。", []),
        ("对芯片企业给予补贴。", [("industrial_policy", "补贴", False, False)]),
        ("贫困群众自力更生、脱贫致富。", []),
        ("坚持独立自主、自力更生，把科技命脉掌握在自己手中。",
         [("strategic_autonomy", "独立自主", False, False), ("self_reliance", "自力更生", False, False),
          ("strategic_autonomy", "掌握在自己手中", False, False)]),
        ("继续坚持独立自主的外交政策。", []),
        ("我们不搞脱钩断链，反对单边主义。",
         [("decoupling_derisking", "脱钩断链", True, False), ("deglobalization", "单边主义", True, False)]),
        ("所谓“去风险”实质上是去中国化。",
         [("decoupling_derisking", "去风险", False, True), ("decoupling_derisking", "去中国化", False, False)]),
    ],
)
def test_chinese_rules(tagger, text, expected):
    from pipeline.batch import tag_segmented
    from pipeline.io import Document
    from pipeline.segment import Segmenter

    document = Document("t", "test", "-", text, "zh", "")
    mentions = tag_segmented(tagger, document, Segmenter().segment(document))
    assert [(m.concept, m.text, m.negated, m.hedged) for m in mentions if m.counted] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Energy efficiency standards will cut household bills.", []),
        ("Market efficiency and low-cost production drove offshoring.",
         [("efficiency_comparative_advantage", "efficiency", False, False),
          ("efficiency_comparative_advantage", "low-cost production", False, False),
          ("offshoring_outsourcing", "offshoring", False, False)]),
        ("We honor the resilience of our people.", []),
        ("We are making our supply chains more resilient.",
         [("resilience", "supply chains more resilient", False, False)]),
        ("Friendshoring, friend-shoring and friend shoring are the same.",
         [("friendshoring", "Friendshoring", False, False), ("friendshoring", "friend-shoring", False, False),
          ("friendshoring", "friend shoring", False, False)]),
        ("They weaponized energy; weaponisation of trade followed.",
         [("weaponization", "weaponized", False, False), ("weaponization", "weaponisation", False, False)]),
        ("We will not decouple from China, but we will de-risk.",
         [("decoupling_derisking", "decouple", True, False), ("decoupling_derisking", "de-risk", False, False)]),
        ("This so-called strategic autonomy is a slogan.", [("strategic_autonomy", "strategic autonomy", False, True)]),
        ("The fund will de-risk private investments in projects.", []),
        ("Offshore wind leases were auctioned.", []),
        ("It will bring manufacturing jobs back home.",
         [("reshoring", "bring manufacturing jobs back home", False, False)]),
        ("The National Security Strategy was published.", []),
        ("It undermines our economic and national security.",
         [("national_security", "economic", False, False), ("national_security", "national security", False, False)]),
        # lexicon 1.3.21: the issue's own paraphrase, and a name later than the corpora
        ("We will make sure the supply is there.", [("supply_chain_security", "make sure", False, False)]),
        ("We will make sure the supply of teachers is there.", []),
        ("The EU adopted its anti-coercion instrument.",
         [("economic_coercion", "anti-coercion instrument", False, False)]),
    ],
)
def test_english_rules(tagger, text, expected):
    assert _counted(tagger, text) == expected


def test_near_misses_say_why(tagger):
    misses: list[NearMiss] = []
    tagger.tag("资金回流加快。The resilience of our people.", near_misses=misses)
    reasons = {miss.text: miss.why for miss in misses}
    assert reasons["回流"].startswith("preceded by")
    assert reasons["resilience"].startswith("needs")


def test_tag_text_maps_offsets_back_to_the_raw_text(tagger):
    raw = "ＧＤＰ增长，\u200b维护产业链供应链安全稳定。"
    lang, mentions, _ = tag_text(tagger, raw)
    assert lang == "zh"
    (mention,) = [m for m in mentions if m.counted]
    assert raw[mention.start : mention.end] == mention.text == "产业链供应链安全稳定"


def test_tag_command_reads_and_writes_jsonl(tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [{"id": "a", "text": "推动产业链供应链安全稳定，提升供应链韧性。"},
             {"id": "b", "text": "We will build resilient supply chains with like-minded partners.", "lang": "en"}]
    source.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [record["id"] for record in out] == ["a", "b"] and out[0]["lang"] == "zh"
    for record in out:
        for mention in record["mentions"]:
            assert record["text"][mention["start"] : mention["end"]] == mention["text"]
    assert [m["concept"] for m in out[0]["mentions"]] == ["supply_chain_security", "resilience"]
    assert [m["concept"] for m in out[1]["mentions"]] == ["resilience", "friendshoring"]


def test_tag_command_rejects_bad_lines(tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": 1, "text": "ok"}\n{"id": 2}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", str(source)])
    assert result.exit_code == 2
    assert "bad.jsonl:2: each line needs a 'text' string" in " ".join(result.output.split())


def test_spacy_component_is_registered_by_entry_point():
    nlp = spacy.blank("en")
    nlp.add_pipe("policy_frames")
    doc = nlp("Export controls and sanctions aim to protect national security, not to decouple from China.")
    spans = doc.spans["frames"]
    assert [(span.text, span.label_) for span in spans] == [
        ("Export controls", "export_controls_sanctions"), ("sanctions", "export_controls_sanctions"),
        ("national security", "national_security"), ("decouple", "decoupling_derisking")]
    assert spans[-1]._.frame["negated"] and spans[0]._.frame["family"] == "svc"
    chinese = spacy.blank("zh")
    chinese.add_pipe("policy_frames", config={"counted_only": False})
    doc = chinese("维护产业链供应链安全稳定。")
    assert {span.label_ for span in doc.spans["frames"]} == {"supply_chain_security", "supply_chain"}


def test_explain_command_shows_rules_and_near_misses():
    text = "引导资金回流，推动制造业回流，维护产业链供应链安全稳定。"
    result = CliRunner().invoke(main, ["lexicon", "explain", text])
    assert result.exit_code == 0, result.output
    assert "'制造业回流' -> reshoring (svc) by reshoring/zh/" in result.output
    assert "nested in '产业链供应链安全稳定', does not count" in result.output
    assert "'回流' not reshoring" in result.output and "preceded by" in result.output


def test_a_compositional_phrase_counts_each_concept_a_nested_one_counts_once():
    tagger = FrameTagger()
    counted = [(m.concept, m.text) for m in tagger.tag("关税壁垒增多，冲击全球产业链供应链稳定。") if m.counted]
    assert ("global_value_chain", "全球产业链供应链") in counted
    assert ("supply_chain_security", "产业链供应链稳定") in counted
    counted = [m.concept for m in tagger.tag("维护产业链供应链安全稳定。") if m.counted]
    assert counted == ["supply_chain_security"]


@pytest.mark.parametrize(("line", "reason"), [
    (b'{"text": "bad \xff byte"}', "not UTF-8"),
    (b'{"text": "x", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "JSON nested too deep"),
    (b'{"text": "bad \\ud800 text"}', "invalid Unicode (a lone surrogate"),
])
def test_tag_names_the_line_of_broken_input_in_one_line(tmp_path, line, reason):
    source = tmp_path / "broken.jsonl"
    source.write_bytes(b'{"text": "We need export controls."}\n' + line + b"\n")
    result = CliRunner().invoke(main, ["tag", str(source)])
    message = " ".join(result.output.split())
    assert result.exit_code == 2 and f"broken.jsonl:2: {reason}" in message
    assert "Traceback" not in result.output


def test_a_word_inside_a_web_address_is_not_a_mention(tagger):
    # The EU sanctions acts list each member state's sanctions authority by its web address; the prose of
    # the same act still names sanctions.
    text = real_text("eu_eurlex_legal_acts", "2016-01-18_32016R0044")
    addresses = web_addresses(text)
    assert any(text[start:end] == "http://www.mfa.gov.cy/sanctions" for start, end in addresses)
    near_misses: list[NearMiss] = []
    mentions = tagger.tag(text, near_misses=near_misses)
    refused = [miss.text.lower() for miss in near_misses if miss.why == "inside a web or e-mail address"]
    assert refused.count("sanctions") >= 8
    assert not [m for m in mentions if any(start <= m.start < end for start, end in addresses)]
    assert sum(m.concept == "export_controls_sanctions" and m.counted for m in mentions) > 0
    # an address ends where Chinese text begins
    assert [m.text for m in tagger.tag("详见www.mofcom.gov.cn/exportcontrol，依法实施出口管制。")] == ["出口管制"]
