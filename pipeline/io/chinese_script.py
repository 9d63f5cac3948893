"""Traditional -> simplified Chinese as a character-for-character view.

Stored text keeps the script it was written in. Matching (lexicon, gazetteer) runs on a simplified view
made by a one-to-one character table, so every offset found in the view is valid in the stored text.
The table is OpenCC's ``TSCharacters`` (first candidate of each entry). Phrase-level conversions, which
can change length, are deliberately not used; the rare characters whose simplified form depends on the
phrase (乾隆 vs 乾燥) then take their most common form.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[int, str]:
    table: dict[int, str] = {}
    source = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    for line in source.read_text(encoding="utf-8").splitlines():
        traditional, _, candidates = line.partition("\t")
        simplified = candidates.split(" ")[0] if candidates else ""
        if len(traditional) == 1 and len(simplified) == 1 and traditional != simplified:
            table[ord(traditional)] = simplified
    return table


def to_simplified(text: str) -> str:
    """Simplified view of ``text`` with the same length and offsets.

    >>> to_simplified("供應鏈韌性")
    '供应链韧性'
    """
    return text.translate(_traditional_to_simplified())


@lru_cache(maxsize=1)
def _traditional_mask():
    import numpy as np

    mask = np.zeros(0x10000, bool)
    mask[[code for code in _traditional_to_simplified() if code < 0x10000]] = True
    return mask


def traditional_share(text: str, sample_chars: int = 20000) -> float:
    """Share of Han characters in (a sample of) ``text`` that the table would change."""
    import numpy as np

    codes = np.frombuffer(text[:sample_chars].encode("utf-32-le"), np.uint32)
    han = np.count_nonzero(((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF)))
    if not han:
        return 0.0
    changed = np.count_nonzero(_traditional_mask()[codes[codes < 0x10000]])
    return changed / han
