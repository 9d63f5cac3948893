"""Keyword in context for any pattern, with offsets into the stored text."""

from __future__ import annotations

import json

from click.testing import CliRunner

from pipeline.aggregate.evidence import kwic
from pipeline.cli import main
from pipeline.store import read_table


def test_kwic_finds_any_word_with_exact_offsets(headline_run):
    rows = kwic(headline_run, "新质生产力", jurisdiction="cn", limit=None)  # not a lexicon term
    assert len(rows) >= 3 and set(rows["jurisdiction"]) == {"CN"} and rows["year"].min() >= 2023
    texts = read_table(headline_run, "documents", ["doc_id", "text"]).set_index("doc_id")["text"]
    assert all(texts[row.doc_id][row.start:row.end] == row.text == "新质生产力" for row in rows.itertuples())
    sentences = read_table(headline_run, "sentences", ["doc_id", "text"])
    cn = set(read_table(headline_run, "documents", ["doc_id", "jurisdiction"]).query("jurisdiction == 'CN'")["doc_id"])
    assert len(rows) == sum(text.count("新质生产力") for doc, text in sentences.itertuples(index=False) if doc in cn)
    english = kwic(headline_run, r"de-?risk(?:ing)?", regex=True, limit=None)
    assert len(english) >= 1 and all(text.lower().startswith("de") for text in english["text"])
    result = CliRunner().invoke(main, ["kwic", str(headline_run), "de-risk", "--json", "--limit", "0"])
    assert result.exit_code == 0 and all("sentence" in row for row in json.loads(result.output))
    result = CliRunner().invoke(main, ["kwic", str(headline_run), "(unclosed", "--regex"])
    assert result.exit_code == 2 and "invalid pattern" in result.output
