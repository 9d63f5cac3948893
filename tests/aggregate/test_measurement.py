"""Measurement-error intervals: the tagger's own error carried into rates, shares and shift differences."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.aggregate.measurement import AccuracyError, TaggerAccuracy, load_accuracy
from pipeline.aggregate.shift import compare_shift
from pipeline.aggregate.tables import RunTables
from pipeline.aggregate.trends import compute_trends, lexicon_concepts
from pipeline.cli import main
from pipeline.config import TrendsConfig
from pipeline.lexicon import load_lexicon
from pipeline.store import read_table
from tests.conftest import SHARED


def test_the_me_interval_is_never_narrower_than_the_sampling_one(headline_run):
    shift = read_table(headline_run, "shift")
    defined = shift.dropna(subset=["svc_share_low", "svc_share_me_low"])
    assert len(defined) > 100
    assert (defined["svc_share_me_low"] <= defined["svc_share_low"] + 1e-12).all()
    assert (defined["svc_share_me_high"] >= defined["svc_share_high"] - 1e-12).all()
    trends = read_table(headline_run, "trends")
    rows = trends.dropna(subset=["rate_tokens_low", "rate_me_low"])
    assert (rows["rate_me_low"] <= rows["rate_tokens_low"] + 1e-9).all()
    assert (rows["rate_me_high"] >= rows["rate_tokens_high"] - 1e-9).all()
    # where there are mentions it is mostly strictly wider: the tagger's error is not nothing
    rows = rows[rows["n_mentions"] > 0]
    assert ((rows["rate_me_high"] - rows["rate_me_low"]) > (rows["rate_tokens_high"] - rows["rate_tokens_low"])
            + 1e-6).mean() > 0.5


def _accuracy(precision_counts: tuple[int, int, int]) -> TaggerAccuracy:
    return TaggerAccuracy({"zh": {"national_security": precision_counts}}, {"zh": (200, 10, 30)})


def test_low_precision_in_gold_widens_the_interval_and_lowers_the_estimate(headline_run):
    tables = RunTables.read(headline_run)
    concepts = lexicon_concepts(load_lexicon())
    config = TrendsConfig(resamples=400)
    good = compute_trends(tables, concepts, config, _accuracy((60, 1, 5))).trends
    bad = compute_trends(tables, concepts, config, _accuracy((6, 30, 1))).trends  # 6 of 36 tagged are right
    key = (good["jurisdiction"] == "CN") & (good["group"] == "*") & (good["key"] == "national_security") & (
        good["n_mentions"] > 2)
    assert key.sum() >= 5
    width = {name: (table.loc[key, "rate_me_high"] - table.loc[key, "rate_me_low"]).to_numpy()
             for name, table in (("good", good), ("bad", bad))}
    sampling = (good.loc[key, "rate_tokens_high"] - good.loc[key, "rate_tokens_low"]).to_numpy()
    assert (bad.loc[key, "rate_corrected"].to_numpy() < good.loc[key, "rate_corrected"].to_numpy()).all()
    assert (bad.loc[key, "rate_corrected"].to_numpy() < good.loc[key, "rate_per_10k_tokens"].to_numpy()).all()
    assert (width["good"] >= sampling - 1e-9).all() and (width["bad"] >= sampling - 1e-9).all()
    # the low-precision concept's lower bound drops below what sampling allows
    positive = good.loc[key, "rate_tokens_low"].to_numpy() > 0
    assert positive.sum() >= 5
    lowered = bad.loc[key, "rate_me_low"].to_numpy() < good.loc[key, "rate_tokens_low"].to_numpy()
    assert lowered[positive].all()


def test_shift_difference_carries_the_tagger_error(headline_run):
    result = CliRunner().invoke(main, ["shift", str(headline_run), "--jurisdiction", "CN", "--periods", "2000-2015",
                                       "2019-2025", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["me_ci"][0] <= found["ci"][0] and found["me_ci"][1] >= found["ci"][1]
    assert found["me_ci"][0] <= found["corrected_diff"] <= found["me_ci"][1]
    off = CliRunner().invoke(main, ["shift", str(headline_run), "--jurisdiction", "CN", "--periods", "2000-2015",
                                    "2019-2025", "--json", "--set", "trends.tagger_accuracy=none"])
    assert np.isnan(json.loads(off.output)["corrected_diff"])
    # a constant bias is shared by both periods: the same factor for every concept leaves the share as it is
    tables = RunTables.read(headline_run)
    uniform = TaggerAccuracy({}, {"zh": (100, 0, 100)}, prior_weight=1e6)  # p = 1, r = 0.5 for every concept
    same = compare_shift(tables, lexicon_concepts(load_lexicon()), ("CN", "2000-2015"), ("CN", "2019-2025"),
                         TrendsConfig(resamples=300), accuracy=uniform)
    assert same.corrected_diff == pytest.approx(same.diff, abs=1e-9)


def test_accuracy_files_from_gold_and_their_errors(tmp_path):
    written = tmp_path / "accuracy.json"
    result = CliRunner().invoke(main, ["evaluate-tagger", str(SHARED / "eval" / "zh_dev.jsonl"), "--no-errors", "-q",
                                       "--accuracy-out", str(written)])
    assert result.exit_code == 0, result.output
    accuracy = load_accuracy(str(written))
    tp, fp, fn = accuracy.micro["zh"]
    assert tp > 50 and sum(sum(v) for v in accuracy.counts["zh"].values()) == tp + fp + fn
    shipped = load_accuracy("shipped")
    assert set(shipped.micro) == {"zh", "en"} and load_accuracy("none") is None
    draws = shipped.factor_draws("en", ["national_security", "reshoring"], 500, 1)
    assert draws.shape == (500, 2) and (draws > 0).all()
    assert np.array_equal(draws, shipped.factor_draws("en", ["national_security", "reshoring"], 500, 1))
    written.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(AccuracyError, match="not a tagger accuracy file"):
        load_accuracy(str(written))
    bad = CliRunner().invoke(main, ["trends", str(tmp_path), "--set", f"trends.tagger_accuracy={written}"])
    assert bad.exit_code == 2 and "trends.tagger_accuracy" in bad.output
