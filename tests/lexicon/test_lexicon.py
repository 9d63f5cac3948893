"""The shipped lexicon implements the taxonomy, and invalid lexicons are refused entry by entry."""

from __future__ import annotations

import csv

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.lexicon import LexiconError, build_lexicon, default_lexicon_path, load_lexicon
from pipeline.tag.tagger import SEPARATORS
from tests.conftest import SHARED


@pytest.fixture(scope="module")
def taxonomy() -> list[dict]:
    with (SHARED / "spec" / "concepts.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_every_concept_of_the_taxonomy_with_its_family_and_dimension(taxonomy):
    lexicon = load_lexicon()
    assert {row["concept_id"] for row in taxonomy} == set(lexicon.concepts)
    for row in taxonomy:
        concept = lexicon.concepts[row["concept_id"]]
        assert (concept.family.value, concept.dimension) == (row["family"], row["dimension"])


def test_every_core_term_is_covered(taxonomy):
    lexicon = load_lexicon()
    zh = {(term.concept_id, term.pattern) for term in lexicon.zh_terms}
    for row in taxonomy:
        for word in row["zh_core_terms"].split("|"):
            assert (row["concept_id"], word) in zh, (row["concept_id"], word)
        en_terms = [term for term in lexicon.en_terms if term.concept_id == row["concept_id"]]
        for phrase in row["en_core_terms"].split("|"):
            # English terms match the spaced view (hyphens and line breaks are spaces), as the tagger does.
            assert any(term.regex.fullmatch(phrase.translate(SEPARATORS)) for term in en_terms), (
                row["concept_id"], phrase)


def test_hyphen_space_and_line_break_variants_match_with_exact_offsets():
    from pipeline.tag import FrameTagger

    text = "Threats to national-security and to the supply\nchain; export\u00a0controls and choke-points."
    mentions = [m for m in FrameTagger().tag(text) if m.counted]
    assert [m.concept for m in mentions] == ["national_security", "supply_chain", "export_controls_sanctions",
                                             "chokepoint"]
    assert all(text[m.start:m.end] == m.text for m in mentions)
    assert mentions[1].text == "supply\nchain"


def test_lexicon_goes_well_beyond_the_core_terms(taxonomy):
    lexicon = load_lexicon()
    core = sum(len(row["zh_core_terms"].split("|")) + len(row["en_core_terms"].split("|")) for row in taxonomy)
    assert len(lexicon.terms) > 2 * core
    assert lexicon.version and len(lexicon.content_hash) == 64


def _minimal(**concept_fields) -> dict:
    concept = {"family": "svc", "dimension": "goal", "definition": "d", **concept_fields}
    return {"version": "test", "concepts": {"strategic_autonomy": concept}}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_minimal(family="neither"), "concepts.strategic_autonomy.family: 'neither' is not one of gvc, svc, topic"),
        (_minimal(zh=["战略自主", "战略自主"]), "concepts.strategic_autonomy.zh[1]: '战略自主' is already defined at "
                                                  "concepts.strategic_autonomy.zh[0]"),
        (_minimal(en=["strategic (autonomy"]), "concepts.strategic_autonomy.en[0]: invalid pattern"),
        (_minimal(en=["(?:open )?strategic autonomy"]), "must start with 3 or more literal letters"),
        (_minimal(en=["strategic autonomy|sovereignty"]), "write alternatives as separate terms"),
        (_minimal(zh=["战略自主?"]), "looks like a pattern"),
        (_minimal(zh=[{"term": "自主", "requires": {"pattern": "战略", "window": -3}}]),
         "concepts.strategic_autonomy.zh[0].requires.window: must be a positive integer"),
        (_minimal(zh=[{"term": "自主", "colour": "red"}]), "concepts.strategic_autonomy.zh[0].colour: unknown key"),
        (_minimal(definiton="typo"), "concepts.strategic_autonomy.definiton: unknown key"),
        ({"version": "x", "concepts": {"Bad-Id": {"family": "svc"}}},
         "concepts.Bad-Id: concept ids are lower_snake_case"),
        ({"version": "x", "concepts": {"a": {"family": "svc"}}, "flags": {"en": {"negation": "not|"}}},
         "flags.en.negation: the pattern matches empty text"),
        (_minimal(subconcepts={"food": "粮食("}), "concepts.strategic_autonomy.subconcepts.food: invalid pattern"),
        (_minimal(subconcepts=["food"]), "concepts.strategic_autonomy.subconcepts: a mapping"),
        (_minimal(subconcepts={"Food": "粮食"}), "subconcepts.Food: a lower_snake_case name"),
    ],
)
def test_invalid_lexicons_point_to_the_entry(data, problem):
    with pytest.raises(LexiconError) as raised:
        build_lexicon(data)
    assert any(problem in line for line in raised.value.problems), raised.value.problems


def test_validate_command(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["lexicon", "validate"])
    assert result.exit_code == 0 and "28 concepts" in result.output
    data = yaml.safe_load(default_lexicon_path().read_text(encoding="utf-8"))
    data["concepts"]["resilience"]["en"].append("supply[- ]chain security")  # already a supply_chain_security term
    data["concepts"]["reshoring"]["family"] = "gvx"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(main, ["lexicon", "validate", str(broken)])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "concepts.reshoring.family: 'gvx' is not one of gvc, svc, topic" in output
    assert "'supply[- ]chain security' is already defined at concepts.resilience.en[" in output


def test_a_shared_condition_with_a_broken_alias_is_refused_with_its_place(tmp_path):
    # The shipped lexicon writes conditions two terms share once, as YAML anchors; a mistyped alias is named
    # with its line, not a traceback.
    text = default_lexicon_path().read_text(encoding="utf-8")
    assert "*depended_on}" in text
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("*depended_on}", "*depended_upon}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["lexicon", "validate", str(broken)])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "undefined alias 'depended_upon'" in output and "line" in output


def test_a_shared_part_of_a_pattern_is_written_once_and_used_where_it_is_named():
    from pipeline.tag import FrameTagger

    lexicon = build_lexicon({
        "version": "t",
        "fragments": {"chain_words": "(?:[a-z-]+ ){1,3}"},
        "concepts": {
            "security": {"family": "svc", "en": [
                {"term": "secure(?= {{chain_words}}supply chains)", "note": "{{chain_words}} stays as written"}]},
            "topic": {"family": "topic", "en": [
                {"term": "supply chains", "not_preceded_by": "\\bsecure {{chain_words}}"}]},
        },
    })
    security, topic = lexicon.terms
    assert "{{" not in security.pattern and "{{" not in topic.not_preceded_by.pattern
    assert security.note == "{{chain_words}} stays as written"
    tagged = FrameTagger(lexicon).tag("We will secure critical mineral supply chains. Supply chains matter.")
    assert [(m.concept, m.text) for m in tagged if m.counted] == [("security", "secure"), ("topic", "Supply chains")]


def test_english_context_words_start_a_word_and_keep_their_endings():
    from pipeline.tag import FrameTagger

    lexicon = build_lexicon({"version": "t", "concepts": {"chokepoint": {"family": "svc", "en": [
        {"term": "bottlenecks?", "requires": {"pattern": "ports?|manufactur|\\bchips?\\b", "window": 40},
         "excludes": {"pattern": "road|rail", "window": 40}}]}}})
    tagger = FrameTagger(lexicon)

    def counted(text: str) -> int:
        return sum(m.counted for m in tagger.tag(text))

    assert counted("Bottlenecks at our ports slowed trade.") == 1
    assert counted("Bottlenecks in manufacturing slowed trade.") == 1  # a stem takes any ending
    assert counted("We support removing bottlenecks in permits.") == 0  # "ports" is not the end of "support"
    assert counted("Bottlenecks at ports on the railway.") == 0  # an exclusion word starts a word too
    assert counted("Bottlenecks at ports, said a Broadway producer.") == 1  # "road" inside "Broadway" is not "road"


def test_a_context_pattern_written_as_a_list_gets_the_same_word_start_rule():
    from pipeline.tag import FrameTagger

    lexicon = build_lexicon({"version": "t", "concepts": {"chokepoint": {"family": "svc", "en": [
        {"term": "bottlenecks?", "requires": {"pattern": ["ports?", "shipping"], "window": 40}}]}}})
    tagger = FrameTagger(lexicon)
    assert sum(m.counted for m in tagger.tag("Bottlenecks at our ports slowed trade.")) == 1
    assert sum(m.counted for m in tagger.tag("We support removing bottlenecks in permits.")) == 0


def test_a_fragment_that_is_not_defined_or_not_a_part_is_refused_with_its_place():
    with pytest.raises(LexiconError) as error:
        build_lexicon({
            "version": "t",
            "fragments": {"Bad-Name": "x", "empty": "", "nested": "{{empty}}"},
            "concepts": {"topic": {"family": "topic", "en": ["supply {{chains}}"]}},
        })
    problems = " | ".join(error.value.problems)
    assert "fragments.Bad-Name: fragment names are lower_snake_case" in problems
    assert "fragments.empty: must be a non-empty string" in problems
    assert "fragments.nested: a fragment cannot use another fragment" in problems
    assert "concepts.topic.en[0]: unknown fragment {{chains}}" in problems


def test_validate_against_the_taxonomy(tmp_path):
    taxonomy = SHARED / "spec" / "concepts.tsv"
    runner = CliRunner()
    assert runner.invoke(main, ["lexicon", "validate", "--taxonomy", str(taxonomy)]).exit_code == 0
    data = yaml.safe_load(default_lexicon_path().read_text(encoding="utf-8"))
    data["concepts"]["supply_chain_resilience"] = data["concepts"].pop("resilience")
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(main, ["lexicon", "validate", str(renamed), "--taxonomy", str(taxonomy)])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "concepts.supply_chain_resilience: unknown concept id" in output
    assert "concepts: resilience of the taxonomy is missing" in output
