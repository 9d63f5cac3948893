"""Findings that state how they depend on the lexicon: the shift under other lexicon choices, the terms
behind each concept, and the document x concept matrix, on the headline corpora."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.aggregate.robustness import ProfileError, load_profiles
from pipeline.aggregate.shift import compare_shift
from pipeline.aggregate.tables import RunTables
from pipeline.aggregate.terms import doc_concepts, term_key
from pipeline.aggregate.trends import lexicon_concepts
from pipeline.cli import main
from pipeline.lexicon import load_lexicon
from pipeline.store import read_table

PERIODS = ("2000-2015", "2019-2025")


@pytest.fixture(scope="module")
def robustness_json(headline_run):
    result = CliRunner().invoke(main, ["robustness", str(headline_run), "--periods", *PERIODS, "--json"])
    assert result.exit_code == 0, result.output
    return {row["jurisdiction"]: row for row in json.loads(result.output)}


def test_robustness_has_a_row_per_concept_and_profile_for_every_jurisdiction(headline_run, robustness_json):
    assert set(robustness_json) == {"CN", "EU", "US"}
    tables = RunTables.read(headline_run)
    profiles, _ = load_profiles()
    assert {"core", "no-reform-opening", "no-food-energy"} <= set(profiles)
    for jurisdiction, result in robustness_json.items():
        documents = tables.documents[tables.documents["jurisdiction"] == jurisdiction]
        in_periods = documents["year"].between(2000, 2015) | documents["year"].between(2019, 2025)
        framing = tables.mentions[tables.mentions["doc_id"].isin(documents.loc[in_periods, "doc_id"])
                                  & tables.mentions["family"].isin(["svc", "gvc"]) & ~tables.mentions["negated"]]
        rows = result["variants"]
        assert {row["name"] for row in rows if row["kind"] == "concept"} == set(framing["concept"])
        assert {row["name"] for row in rows if row["kind"] == "profile"} == set(profiles)
        for row in rows:
            assert row["ci"][0] <= row["diff"] <= row["ci"][1]
        summary = result["summary"]
        diffs = [row["diff"] for row in rows]
        assert summary["range"] == [min(diffs), max(diffs)]
        assert summary["sign_holds"] == all(diff > 0 for diff in diffs)  # every baseline shift here is a rise
        assert result["baseline"]["diff"] > 0


def test_a_profile_is_the_shift_recomputed_without_its_mentions(headline_run, robustness_json):
    tables = RunTables.read(headline_run)
    concepts = lexicon_concepts(load_lexicon())
    # leaving out 改革开放 by hand gives the profile's number, and it lowers the CN rise (the finding)
    keep = ~((tables.mentions["concept"] == "free_trade_openness")
             & tables.mentions["text"].isin(["改革开放", "以开放促改革"]))
    by_hand = compare_shift(replace(tables, mentions=tables.mentions[keep]), concepts, ("CN", PERIODS[0]),
                            ("CN", PERIODS[1]))
    [profile] = [row for row in robustness_json["CN"]["variants"] if row["name"] == "no-reform-opening"]
    assert profile["diff"] == pytest.approx(by_hand.diff)
    assert profile["diff"] < robustness_json["CN"]["baseline"]["diff"]
    [term] = [row for row in robustness_json["CN"]["variants"] if row["name"] == "free_trade_openness:改革开放"]
    assert term["kind"] == "term" and term["n_gvc"] < robustness_json["CN"]["baseline"]["n_gvc"]
    # core keeps fewer mentions than the lexicon, and only core terms
    [core] = [row for row in robustness_json["CN"]["variants"] if row["name"] == "core"]
    assert core["n_svc"] + core["n_gvc"] < robustness_json["CN"]["baseline"]["n_svc"] + robustness_json["CN"][
        "baseline"]["n_gvc"]


def test_terms_table_breaks_a_concept_into_its_words(headline_run):
    terms = read_table(headline_run, "terms")
    cn = terms[(terms["jurisdiction"] == "CN") & (terms["concept"] == "supply_chain_security")]
    by_term = cn.groupby("term")["n_mentions"].sum()
    assert {"粮食安全", "能源安全"} <= set(by_term.index)
    assert any(term.startswith("产业链供应链") for term in by_term.index)
    # the lexicon's sub-concepts break the concept out: food, energy and industrial-chain security apart
    part = cn.drop_duplicates("term").set_index("term")["subconcept"]
    assert part["粮食安全"] == "food" and part["能源安全"] == "energy"
    assert {part[t] for t in by_term.index if t.startswith("产业链供应链")} == {"industrial_chain"}
    # the terms add up to the trend table's concept counts, cell by cell
    trends = read_table(headline_run, "trends")
    concept_rows = trends[(trends["group"] == "*") & (trends["level"] == "concept") & (trends["n_mentions"] > 0)]
    summed = terms.groupby(["period", "jurisdiction", "concept"])["n_mentions"].sum()
    summed = summed[summed > 0]
    expected = concept_rows.set_index(["period", "jurisdiction", "key"])["n_mentions"]
    expected.index.names = summed.index.names
    pd.testing.assert_series_equal(summed.sort_index(), expected.sort_index(), check_names=False,
                                   check_dtype=False)
    assert term_key("Supply-Chain\u00a0 Resilience") == "supply chain resilience"
    result = CliRunner().invoke(main, ["trends", str(headline_run), "--by", "term", "--concept",
                                       "supply_chain_security", "--jurisdiction", "CN"])
    assert result.exit_code == 0 and "粮食安全" in result.output
    evidence = CliRunner().invoke(main, ["evidence", str(headline_run), "--concept", "supply_chain_security",
                                         "--term", "粮食安全", "--jurisdiction", "CN", "--json", "--limit", "0"])
    rows = json.loads(evidence.output)
    assert len(rows) == by_term["粮食安全"] and {row["text"] for row in rows} == {"粮食安全"}


def test_document_concept_matrix(headline_run, tmp_path):
    tables = RunTables.read(headline_run)
    matrix = doc_concepts(tables)
    assert len(matrix) == len(tables.documents) and matrix["doc_id"].is_unique
    counted = tables.mentions[~tables.mentions["negated"]].groupby("concept").size()
    for concept, total in counted.items():
        assert matrix[concept].sum() == total
    row = matrix[matrix["national_security"] > 0].iloc[0]
    assert row["national_security_per_10k"] == pytest.approx(row["national_security"] * 10_000 / row["n_tokens"])
    output = tmp_path / "matrix.csv"
    result = CliRunner().invoke(main, ["doc-concepts", str(headline_run), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(output)) == len(matrix)


def test_user_profiles_are_validated_and_added(headline_run, tmp_path):
    mine = tmp_path / "profiles.yaml"
    mine.write_text("profiles:\n  no-security:\n    description: national security left out\n"
                    "    drop_concepts: [national_security]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["robustness", str(headline_run), "--jurisdiction", "CN", "--periods",
                                       *PERIODS, "--set", f"trends.profiles={mine}", "--json"])
    assert result.exit_code == 0, result.output
    [cn] = json.loads(result.output)
    [mine_row] = [row for row in cn["variants"] if row["name"] == "no-security"]
    [concept_row] = [row for row in cn["variants"] if row["name"] == "national_security"]
    assert mine_row["diff"] == pytest.approx(concept_row["diff"])
    mine.write_text("profiles:\n  bad:\n    drop_concept: [national_security]\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="unknown key"):
        load_profiles(mine)
    result = CliRunner().invoke(main, ["robustness", str(headline_run), "--periods", *PERIODS, "--set",
                                       f"trends.profiles={mine}"])
    assert result.exit_code == 2 and "drop_concept" in result.output


def test_a_folder_written_before_attribution_and_rules_still_aggregates(headline_run, tmp_path):
    import shutil

    import pyarrow.parquet as pq

    old = tmp_path / "old"
    shutil.copytree(headline_run, old)
    mentions = pq.read_table(old / "mentions.parquet")
    pq.write_table(mentions.drop_columns(["attributed", "actor", "rule"]), old / "mentions.parquet")
    result = CliRunner().invoke(main, ["trends", str(old), "-q"])
    assert result.exit_code == 0, result.output
    terms = read_table(old, "terms")
    assert len(terms) and (terms["rule"] == "").all()
    result = CliRunner().invoke(main, ["robustness", str(old), "--jurisdiction", "CN", "--periods", *PERIODS,
                                       "--json"])
    assert result.exit_code == 0, result.output
