"""What the golden-table scripts share."""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

# The scripts run as files (tests/golden/regenerate_*.py), so the repository is put on the path to share the
# tests' idea of where ../shared is (POLICY_PIPELINE_SHARED, or beside the repository).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.conftest import source_folder  # noqa: E402


def write_golden(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {path}")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding text[start:end]: English marks, or 。 when the passage is Chinese."""
    if any("\u4e00" <= char <= "\u9fff" for char in text[start:end]):
        left = max(text.rfind(mark, 0, start) for mark in ("。", "\n", "；")) + 1
        rights = [i for i in (text.find("。", end),) if i != -1]
    else:
        left = max(text.rfind(mark, 0, start) for mark in (". ", "\n", "? ", "! ")) + 1
        rights = [i for i in (text.find(mark, end) for mark in (".", "\n", "?", "!")) if i != -1]
    end = min(rights) + 1 if rights else len(text)
    while text[left].isspace():
        left += 1
    return left, end


def find_sentence(corpus: str, passage: str) -> dict:
    """Where ``passage`` first occurs in a corpus: file, the sentence's offsets and hash, and the passage's
    offsets inside the sentence. Places only: the tests read the text from ../shared/corpora."""
    folder = source_folder(corpus)
    for path in sorted(folder.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        at = text.find(passage)
        if at == -1:
            continue
        start, end = sentence_around(text, at, at + len(passage))
        return {"corpus": corpus, "file": str(path.relative_to(folder)), "start": start, "end": end,
                "sha1": hashlib.sha1(text[start:end].encode()).hexdigest()[:12],
                "passage_start": at - start, "passage_end": at + len(passage) - start}
    raise SystemExit(f"not found in {corpus}: {passage}")
