"""The tagger on the hand-annotated dev sentences, scored as ../shared/eval/README.md describes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.tag import FrameTagger
from pipeline.tag.evaluate import evaluate
from pipeline.tag.records import read_records
from tests.conftest import SHARED

DEV = [SHARED / "eval" / "zh_dev.jsonl", SHARED / "eval" / "en_dev.jsonl"]


@pytest.fixture(scope="module")
def dev_scores():
    return evaluate(FrameTagger(), read_records(DEV))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_micro_f1_on_dev_gold(dev_scores, lang):
    assert dev_scores.n_sentences[lang] >= 100
    assert dev_scores.micro[lang].f1 >= 0.85, dev_scores.micro[lang]


def test_no_frequent_concept_has_low_precision(dev_scores):
    weak = {key: round(scores.precision, 2) for key, scores in dev_scores.per_concept.items()
            if scores.support >= 5 and scores.precision < 0.7}
    assert not weak


def test_scoring_counts_multisets_per_sentence(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "x", "lang": "en", "text": "Sanctions and export controls, and more sanctions.",
                                "mentions": [{"concept": "export_controls_sanctions", "text": "Sanctions"},
                                             {"concept": "national_security", "text": "x"}]}) + "\n",
                    encoding="utf-8")
    result = evaluate(FrameTagger(), read_records([gold]))
    scores = result.per_concept[("en", "export_controls_sanctions")]
    assert (scores.tp, scores.fp, scores.fn) == (1, 2, 0)
    assert (result.micro["en"].tp, result.micro["en"].fp, result.micro["en"].fn) == (1, 2, 1)
    assert {error.kind for error in result.errors} == {"false positive", "false negative"}


def test_evaluate_command_prints_scores_and_errors():
    result = CliRunner().invoke(main, ["evaluate-tagger", *map(str, DEV), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload["micro"]) == {"zh", "en"}
    assert payload["micro"]["zh"]["f1"] >= 0.85 and payload["micro"]["en"]["f1"] >= 0.85
    listing = CliRunner().invoke(main, ["evaluate-tagger", str(DEV[1])])
    assert "micro" in listing.output and ("false negative" in listing.output or "false positive" in listing.output)


def test_intervals_resample_documents_not_sentences(tmp_path):
    """Ten sentences of one document are one draw: the interval of a one-document gold set is a point, and
    the same counts spread over ten documents give a real interval around the same estimate."""
    from pipeline.tag.evaluate import SentenceScore, bootstrap_intervals

    hits = [SentenceScore(f"s{i}", "en", "doc", "us_sotu", "speech", tp=i % 2, fp=0, fn=1 - i % 2) for i in range(10)]
    one_document = bootstrap_intervals(hits)
    assert one_document["recall"] == (0.5, 0.5)
    spread = bootstrap_intervals([SentenceScore(s.record_id, "en", s.record_id, s.corpus, s.genre, s.tp, s.fp, s.fn)
                                  for s in hits])
    low, high = spread["recall"]
    assert low < 0.5 < high and high - low > 0.3


def test_scores_by_genre_on_real_gold():
    """The second wave spans laws, reports, fact sheets...: --by genre gives a row per genre whose counts add
    up to the language's, each with an interval around its estimate."""
    wave2 = [SHARED / "eval" / "zh_dev2.jsonl", SHARED / "eval" / "en_dev2.jsonl"]
    result = CliRunner().invoke(main, ["evaluate-tagger", *map(str, wave2), "--by", "genre", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["summary"]
    for lang in ("zh", "en"):
        overall = next(row for row in rows if row["lang"] == lang and row["group"] == "all")
        genres = [row for row in rows if row["lang"] == lang and row["group"] != "all"]
        assert {"law", "report"} <= {row["group"] for row in rows if row["lang"] == "zh"}
        assert len(genres) >= 3
        assert sum(row["tp"] for row in genres) == overall["tp"]
        assert sum(row["sentences"] for row in genres) == overall["sentences"]
        for row in (overall, *genres):
            low, high = row["f1_ci"]
            assert low <= row["f1"] + 1e-9 and row["f1"] <= high + 1e-9
    listing = CliRunner().invoke(main, ["evaluate-tagger", *map(str, wave2), "--by", "corpus", "--no-errors"])
    assert "cn_laws_regulations" in listing.output and "bootstrap over" in listing.output
