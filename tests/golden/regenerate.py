"""Regenerate the golden segmentation table from ../shared/corpora. Run deliberately, then review the diff:

    .venv/bin/python tests/golden/regenerate.py

The table pins sentence spans and word boundaries of real sentences without copying their text into the
repository: each row holds the document, the sentence's offsets, a hash of its text and the end offset
(relative to the sentence) of every word. The test prints the words when a row no longer matches.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pipeline.io import discover_sources, load_document  # noqa: E402
from pipeline.segment import Segmenter  # noqa: E402
from tests.conftest import CORPORA  # noqa: E402

GOLDEN = Path(__file__).with_name("segmentation.tsv")
SELECTION = {
    # corpus: (documents from this year on, words that make a sentence interesting, max length)
    "cn_gov_work_reports": (1998, ("供应链", "产业链", "安全", "开放", "自主", "全球化", "脱钩", "韧性"), 120),
    "cn_cpc_congress_reports": (1997, ("安全", "开放", "自立自强", "全球", "自主"), 120),
    "us_sotu": (1998, ("supply chain", "China", "trade", "manufactur", "secur", "U.S.", "Mr."), 260),
    "eu_soteu": (2010, ("autonomy", "dependen", "resilien", "de-risk", "China", "single market"), 260),
}


def golden_rows() -> list[dict]:
    segmenter = Segmenter()
    rows = []
    for corpus, (first_year, words, max_chars) in SELECTION.items():
        for source in discover_sources([CORPORA / corpus]):
            document = load_document(source)
            if not document.ok or (document.year or 0) < first_year:
                continue
            segmented = segmenter.segment(document)
            picked = 0
            for sentence in segmented.sentences:
                text = document.text[sentence.start : sentence.end]
                if len(text) > max_chars or not any(word in text for word in words):
                    continue
                mask = (segmented.token_starts >= sentence.start) & (segmented.token_ends <= sentence.end)
                ends = (segmented.token_ends[mask] - sentence.start).tolist()
                rows.append({
                    "corpus": corpus,
                    "doc_id": document.doc_id,
                    "start": sentence.start,
                    "end": sentence.end,
                    "lang": sentence.lang,
                    "sha1": hashlib.sha1(text.encode()).hexdigest()[:12],
                    "token_ends": " ".join(map(str, ends)),
                })
                picked += 1
                if picked == 2:
                    break
    return rows


if __name__ == "__main__":
    from tests.golden.common import write_golden

    rows = golden_rows()
    write_golden(GOLDEN, rows)
