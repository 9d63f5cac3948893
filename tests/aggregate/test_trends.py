"""Trend tables, the shift index, change points, emerging terms and evidence on the headline corpora
(CN work reports, US State of the Union, EU State of the Union)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.aggregate.changepoints import find_breaks
from pipeline.aggregate.evidence import evidence
from pipeline.aggregate.tables import RunTables
from pipeline.aggregate.trends import compute_trends, lexicon_concepts, period_of
from pipeline.cli import main
from pipeline.config import Period, PipelineConfig, TrendsConfig
from pipeline.lexicon import load_lexicon
from pipeline.store import read_table
from pipeline.tag import FrameTagger


@pytest.fixture(scope="module")
def concepts():
    return lexicon_concepts(load_lexicon())


def _cell(trends: pd.DataFrame, **keys) -> pd.Series:
    rows = trends
    for column, value in keys.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, keys
    return rows.iloc[0]


def test_cn_svc_share_rises_with_an_interval_above_zero(headline_run):
    result = CliRunner().invoke(main, ["shift", str(headline_run), "--jurisdiction", "CN", "--periods", "2000-2015",
                                       "2019-2025", "--json"])
    assert result.exit_code == 0, result.output
    shift = json.loads(result.output)
    assert {"a", "b", "diff", "ci"} <= set(shift)
    assert shift["b"] > shift["a"] and shift["diff"] == pytest.approx(shift["b"] - shift["a"])
    assert 0 < shift["ci"][0] < shift["diff"] < shift["ci"][1]
    sides = shift["sides"]
    assert sides["a"]["n_docs"] == 16 and sides["b"]["n_docs"] == 7  # one work report a year
    table = CliRunner().invoke(main, ["shift", str(headline_run), "--jurisdictions", "CN", "US", "--period",
                                      "2019-2025"])
    assert table.exit_code == 0 and "difference (b - a)" in table.output
    one_corpus = CliRunner().invoke(main, ["shift", str(headline_run), "--jurisdiction", "CN", "--periods",
                                           "2000-2015", "2019-2025", "--corpus", "cn_gov_work_reports", "--json"])
    assert json.loads(one_corpus.output)["diff"] == pytest.approx(shift["diff"])  # CN is that one corpus here
    unknown = CliRunner().invoke(main, ["shift", str(headline_run), "--jurisdiction", "CN", "--periods",
                                        "2000-2015", "2019-2025", "--corpus", "cn_laws"])
    assert unknown.exit_code == 2 and "no corpus 'cn_laws'" in unknown.output


def test_every_trend_number_traces_back_to_mention_rows(headline_run):
    trends = read_table(headline_run, "trends")
    mentions = read_table(headline_run, "mentions")
    documents = read_table(headline_run, "documents", ["doc_id", "year", "jurisdiction", "corpus", "n_tokens"])
    cell = _cell(trends, period="2021", jurisdiction="CN", group="*", lang="*", level="concept",
                 key="supply_chain_security")
    behind = evidence(headline_run, concept="supply_chain_security", year=2021, jurisdiction="CN", limit=None)
    assert cell["n_mentions"] == len(behind) > 0
    for row in behind.itertuples():
        assert row.left + row.text + row.right in row.sentence
    # Recount a split cell of the US from the mention rows.
    us = documents[(documents["jurisdiction"] == "US") & (documents["year"] == 2022)]
    counted = mentions[mentions["doc_id"].isin(us["doc_id"]) & mentions["counted"] & ~mentions["negated"]
                       & (mentions["family"] == "svc")]
    cell = _cell(trends, period="2022", jurisdiction="US", group="us_sotu", lang="en", level="family", key="svc")
    assert cell["n_mentions"] == len(counted)
    assert cell["n_tokens"] == us["n_tokens"].sum()
    assert cell["rate_per_10k_tokens"] == pytest.approx(len(counted) / us["n_tokens"].sum() * 1e4)
    # Families are the sums of their concepts, cell by cell.
    pooled = trends[trends["group"] == "*"]
    by_concept = pooled[pooled["level"] == "concept"].groupby(["period", "jurisdiction", "family"])["n_mentions"].sum()
    by_family = pooled[pooled["level"] == "family"].set_index(["period", "jurisdiction", "key"])["n_mentions"]
    assert by_concept.to_dict() == {key: value for key, value in by_family.to_dict().items()}


def test_intervals_hold_the_estimate_and_are_reproducible(headline_run, concepts):
    tables = RunTables.read(headline_run)
    config = TrendsConfig(resamples=300)
    first, again = compute_trends(tables, concepts, config), compute_trends(tables, concepts, config)
    pd.testing.assert_frame_equal(first.trends, again.trends)
    other = compute_trends(tables, concepts, TrendsConfig(resamples=300, seed=7))
    assert not np.allclose(first.shift["svc_share_low"].fillna(0), other.shift["svc_share_low"].fillna(0))
    trends = first.trends
    defined = trends.dropna(subset=["rate_tokens_low"])
    assert (defined["rate_tokens_low"] <= defined["rate_per_10k_tokens"] + 1e-9).all()
    assert (defined["rate_per_10k_tokens"] <= defined["rate_tokens_high"] + 1e-9).all()
    # A year with one document resamples its sentences: the interval is not a point.
    single = _cell(trends, period="2021", jurisdiction="CN", group="*", lang="*", level="family", key="svc")
    assert single["ci_unit"] == "sentences" and single["rate_tokens_low"] < single["rate_tokens_high"]
    assert set(trends["level"]) == {"concept", "dimension", "family"}
    assert {"*", "cn_gov_work_reports", "us_sotu", "eu_soteu"} <= set(trends["group"])


def test_csv_and_parquet_trends_agree(headline_run):
    parquet = read_table(headline_run, "trends")
    csv = pd.read_csv(headline_run / "trends.csv", dtype={"period": str})
    assert len(csv) == len(parquet) and list(csv.columns) == list(parquet.columns)
    assert (csv["n_mentions"].to_numpy() == parquet["n_mentions"].to_numpy()).all()


def test_negated_mentions_are_reported_not_counted(headline_run, concepts):
    tables = RunTables.read(headline_run)
    plain = compute_trends(tables, concepts, TrendsConfig(resamples=0)).trends
    with_negated = compute_trends(tables, concepts, TrendsConfig(resamples=0, include_negated=True)).trends
    families = (plain["level"] == "family") & (plain["group"] == "*")
    assert plain.loc[families, "n_negated"].sum() > 0
    assert (with_negated.loc[families, "n_mentions"].to_numpy()
            == (plain.loc[families, "n_mentions"] + plain.loc[families, "n_negated"]).to_numpy()).all()


def test_quarters_need_a_month(headline_run, concepts):
    tables = RunTables.read(headline_run)
    result = compute_trends(tables, concepts, TrendsConfig(period=Period.QUARTER, resamples=0))
    quarters = set(result.trends["period"])
    assert "2023Q1" in quarters  # the 2023 State of the Union, 2023-02-07
    dated = period_of(tables.documents, Period.QUARTER)
    assert result.n_undated == int(dated.isna().sum()) > 0  # the work reports dated to the year only


def test_change_points_find_the_2021_break_in_china(headline_run, concepts):
    result = CliRunner().invoke(main, ["changepoints", str(headline_run), "--since", "1990", "--json"])
    assert result.exit_code == 0, result.output
    breaks = pd.DataFrame(json.loads(result.output))
    cn = breaks[(breaks["jurisdiction"] == "CN") & (breaks["series"] == "svc_rate")]
    recent = cn[cn["break_period"].astype(int).between(2019, 2022)]
    assert len(recent) == 1 and recent.iloc[0]["probability"] > 0.5
    assert recent.iloc[0]["mean_after"] > recent.iloc[0]["mean_before"]
    assert "2021" in recent.iloc[0]["documents_around"]
    stored = read_table(headline_run, "changepoints")
    assert set(stored.columns) >= {"break_period", "probability", "interval_low", "interval_high"}


def test_breaks_of_a_step_and_of_noise():
    rng = np.random.default_rng(0)
    step = np.r_[rng.normal(0.3, 0.03, 12), rng.normal(0.6, 0.03, 8)]
    (found,) = find_breaks(step)
    assert found.position == 12 and found.posterior[12] > 0.9
    noise_with_breaks = sum(bool(find_breaks(np.random.default_rng(seed).normal(0.4, 0.03, 25)))
                            for seed in range(50))
    assert noise_with_breaks <= 5


def test_emerging_terms_are_new_to_the_lexicon(headline_run):
    result = CliRunner().invoke(main, ["lexicon", "suggest", str(headline_run), "--period", "2019-2025",
                                       "--baseline", "2000-2015", "--jurisdiction", "CN", "--json"])
    assert result.exit_code == 0, result.output
    terms = json.loads(result.output)
    assert len(terms) >= 10 and all(term["lang"] == "zh" and term["z"] > 0 for term in terms)
    tagger = FrameTagger()
    assert not any(tagger.tag(term["term"]) for term in terms)
    for term in terms:  # rising: relatively more frequent in the period than in the baseline
        assert term["per_10k_period"] > term["per_10k_baseline"]
    assert all(term["near_concept"] for term in terms)


def test_evidence_lines_contain_their_mentions(headline_run):
    result = CliRunner().invoke(main, ["evidence", str(headline_run), "--concept", "decoupling_derisking",
                                       "--limit", "10", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {"doc_id", "year", "jurisdiction", "concept", "text", "sentence"} <= set(rows[0])
    for row in rows:
        assert row["concept"] == "decoupling_derisking" and row["text"] in row["sentence"]
    lines = CliRunner().invoke(main, ["evidence", str(headline_run), "--family", "svc", "--year", "2021",
                                      "--jurisdiction", "CN", "--limit", "3"])
    assert lines.exit_code == 0 and lines.output.count("[") >= 3
    entity = evidence(headline_run, family="svc", entity="gpe:US", limit=5)
    assert len(entity) == 5


def test_trends_command_rewrites_the_tables(headline_run, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(headline_run, copy, ignore=shutil.ignore_patterns(".work"))
    result = CliRunner().invoke(main, ["trends", str(copy), "--period", "month", "--resamples", "50",
                                       "--jurisdiction", "US"])
    assert result.exit_code == 0, result.output
    assert "US: strategic-shift index" in result.output
    months = read_table(copy, "trends")["period"]
    assert months.str.fullmatch(r"\d{4}-\d{2}").all()


def test_config_rejects_bad_trend_settings():
    from pipeline.config import ConfigError

    with pytest.raises(ConfigError, match="trends.confidence"):
        PipelineConfig.load(overrides=["trends.confidence=95"])
    with pytest.raises(ConfigError, match="choose from: year, quarter, month"):
        PipelineConfig.load(overrides=["trends.period=decade"])
    assert math.isclose(PipelineConfig.load(overrides=["trends.confidence=0.9"]).trends.confidence, 0.9)
