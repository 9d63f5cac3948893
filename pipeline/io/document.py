"""The records that leave the ingestion stage: one per input document, ok or rejected."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Language(StrEnum):
    ZH = "zh"
    EN = "en"
    MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class LanguageSpan:
    """A paragraph (or run of paragraphs) in one language, as offsets into ``Document.text``."""

    start: int
    end: int
    lang: str  # "zh" or "en"


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded, normalised document. ``text`` is what every offset in the project refers to."""

    doc_id: str
    corpus: str
    path: str
    text: str
    lang: str
    sha256: str
    date: str | None = None  # ISO 8601 at the precision known: "2021", "2021-03" or "2021-03-05"
    year: int | None = None
    jurisdiction: str | None = None
    title: str | None = None
    doc_type: str | None = None
    source_format: str = "txt"
    encoding: str | None = None
    script: str = "latin"  # "simplified", "traditional" or "latin"
    date_source: str | None = None  # manifest, front_matter, sidecar, jsonl, filename, text
    language_spans: tuple[LanguageSpan, ...] = ()
    warnings: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)

    ok = True
    status = "ok"
    reason = None

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def matching_text(self) -> str:
        """The simplified-script view of ``text`` with identical offsets (see ``io.chinese_script``)."""
        from pipeline.io.chinese_script import to_simplified

        return to_simplified(self.text) if self.script == "traditional" else self.text


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not become a document, with a reason a person can act on."""

    doc_id: str
    corpus: str
    path: str
    reason: str
    source_format: str | None = None
    sha256: str | None = None
    date: str | None = None
    year: int | None = None
    jurisdiction: str | None = None
    title: str | None = None
    doc_type: str | None = None
    encoding: str | None = None
    meta: dict = field(default_factory=dict)

    ok = False
    status = "rejected"
    text = ""
    lang = None
    warnings: tuple[str, ...] = ()
