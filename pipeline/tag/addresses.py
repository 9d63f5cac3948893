"""Web and e-mail addresses in a text: a word inside one is part of a name, not prose, for concepts and
entities alike."""

from __future__ import annotations

import bisect
import re

# A word inside a web or e-mail address is part of a name, not prose: "https://www.gov.uk/sanctions-embargoes",
# "www.mfa.gov.cy/sanctions" (the EU sanctions acts list each member state's authority by its address).
# Address characters are ASCII, so an address ends where Chinese text begins.
_ADDRESS_CHARS = r"[A-Za-z0-9/._~:%?#&=+@!$*,;()\[\]-]"
WEB_ADDRESS = re.compile(
    rf"(?:https?://|www\.){_ADDRESS_CHARS}+"  # a URL
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an e-mail address
    rf"|\b[\w-]+(?:\.[\w-]+)*\.(?:gov|com|org|net|edu|int|eu|cn|uk)/{_ADDRESS_CHARS}*",  # a bare domain and path
    re.IGNORECASE | re.ASCII,
)


# Every address holds one of these, and most documents hold none: a scan for them spares the full pattern
# (the same spans on all shared corpora, in about a quarter of the time).
_ADDRESS_MARK = re.compile(r"://|www\.|@|\.(?:gov|com|org|net|edu|int|eu|cn|uk)/", re.IGNORECASE | re.ASCII)


def web_addresses(view: str) -> list[tuple[int, int]]:
    """Spans of the web and e-mail addresses in ``view``, in order."""
    if _ADDRESS_MARK.search(view) is None:
        return []
    return [match.span() for match in WEB_ADDRESS.finditer(view)]


INSIDE_AN_ADDRESS = "inside a web or e-mail address"  # why a match there is refused


class WebAddresses:
    """The web and e-mail addresses of one text, asked whether a match lies inside one of them."""

    __slots__ = ("spans", "_starts")

    def __init__(self, view: str) -> None:
        self.spans = web_addresses(view)
        self._starts = [start for start, _ in self.spans]

    def cover(self, start: int, end: int) -> bool:
        """Whether ``start:end`` lies within one address."""
        if not self.spans:
            return False
        index = bisect.bisect_right(self._starts, start) - 1
        return index >= 0 and self.spans[index][1] >= end
