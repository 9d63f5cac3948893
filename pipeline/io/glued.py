"""Repair English words glued together by PDF extraction ("oursecurity", "anintegrated", "tothe").

Older PDFs (the national security strategies of the 1990s and 2000s) lose the spaces at line ends and
between some words when their text is extracted, and a glued word hides the terms inside it from the
tagger. Splitting every unknown word would break real words the list does not know (cybersecurity,
underserved, Haaland), so the repair is narrow, and measured on ../shared/corpora:

- a *glued* token is alphabetic, not in the word list (wordninja's 126k English words by Wikipedia
  frequency, shipped inside its package), splits into 2 or 3 common words (rank <= 30,000, no one-letter
  piece but *a* and *I*), and one piece is a function word (the, to, and, of, our, an, ...): glue joins
  a function word to its neighbour, while unknown content words are names and new coinages;
- only a document where glued tokens are at least ``MIN_GLUED_SHARE`` of its words, with at least
  ``MIN_GLUED_TYPES`` distinct ones, is repaired. Over the 9,389 English documents of ../shared/corpora
  this repairs the 5 national security strategies of 1988–1999 (216 to 1,714 tokens each: "Inaddition",
  "ourpeople", "acomprehensive") and one 2023 proclamation (5: "theadoption", "itsfundamental"); no
  other document.

A repaired document's stored text has the spaces put back, so every offset refers to the repaired text,
and ingestion records how many tokens were split in the document's warnings.
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_GLUED_SHARE = 0.003
MIN_GLUED_TYPES = 5  # distinct glued tokens: one name or coinage repeated (webinar, Wegovy) is not glue
MAX_RANK = 30_000
FUNCTION_WORDS = frozenset(
    "the a an and or of to in on at by for with from our we is are was were be will that this these those "
    "its their it as has have not also can must should which".split())
_WORD = re.compile(r"[A-Za-z]{5,}")
_ALL_WORDS = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def _model():
    import wordninja

    model = wordninja.DEFAULT_LANGUAGE_MODEL
    ranks = {word: rank for rank, word in enumerate(sorted(model._wordcost, key=model._wordcost.get))}
    return model, ranks


def _split(word: str) -> list[str] | None:
    """The pieces of a glued token, or None when ``word`` is not one."""
    model, ranks = _model()
    lower = word.lower()
    if lower in ranks or any(variant in ranks for variant in _american(lower)):
        return None  # a known word, or the British spelling of one (harmonised, labour)
    if not (word.islower() or (word[0].isupper() and word[1:].islower())):
        return None  # ALLCAPS and camelCase are acronyms and names
    pieces = model.split(word)
    if not 2 <= len(pieces) <= 3 or "".join(pieces) != word:
        return None
    lowered = [piece.lower() for piece in pieces]
    if any(ranks.get(piece, MAX_RANK + 1) > MAX_RANK for piece in lowered):
        return None
    if any(len(piece) == 1 and (piece not in ("a", "i") or len(word) < 7) for piece in lowered):
        return None  # "async" is not "a sync"
    if not any(piece in FUNCTION_WORDS for piece in lowered):
        return None
    if not any(len(piece) >= 4 and piece not in FUNCTION_WORDS for piece in lowered):
        return None  # only short pieces (we+bin+ar, be+in+in): a coinage or a name, and no term hides there
    if word[0].isupper() and lowered[0] not in FUNCTION_WORDS:
        return None  # capitalised glue starts a sentence ("Thedangers"); otherwise it is a name (Tillis)
    return pieces


def _american(word: str) -> list[str]:
    return [word.replace("is", "iz"), word.replace("our", "or"), word.replace("yse", "yze"),
            word.replace("tre", "ter"), word.replace("ll", "l")]


def glued_tokens(text: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, pieces) of every glued token in ``text``."""
    found = []
    for match in _WORD.finditer(text):
        pieces = _split(match.group())
        if pieces:
            found.append((match.start(), match.end(), pieces))
    return found


def repair_glued_words(text: str, min_share: float = MIN_GLUED_SHARE) -> tuple[str, int]:
    """``text`` with its glued tokens split, and how many were split; unchanged (0) when glued tokens are
    fewer than ``min_share`` of its words.

    >>> repair_glued_words("Weneed oursecurity andtrade fromabroad inthe world ofcommerce.")
    ('We need our security and trade from abroad inthe world of commerce.', 5)
    """
    glued = glued_tokens(text)
    words = sum(1 for _ in _ALL_WORDS.finditer(text))
    distinct = {text[start:end].lower() for start, end, _ in glued}
    if len(distinct) < MIN_GLUED_TYPES or len(glued) < min_share * words:
        return text, 0
    parts, last = [], 0
    for start, end, pieces in glued:
        parts += [text[last:start], " ".join(pieces)]
        last = end
    parts.append(text[last:])
    return "".join(parts), len(glued)
