"""Readers for each supported file format: bytes on disk -> raw text plus what the format itself says.

Each reader raises :class:`FormatError` with a reason a person can act on ("encrypted PDF", "PDF has no
text layer"), never a bare library traceback.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum

from pipeline.io.cjk_radicals import unify_radicals
from pipeline.io.decode import DecodeError, decode_bytes


class FormatError(ValueError):
    """The file cannot be read as its format; the message says why."""


class SourceFormat(StrEnum):
    TXT = "txt"
    MD = "md"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    JSONL = "jsonl"


SUFFIX_FORMATS = {
    ".txt": SourceFormat.TXT,
    ".text": SourceFormat.TXT,
    ".md": SourceFormat.MD,
    ".markdown": SourceFormat.MD,
    ".html": SourceFormat.HTML,
    ".htm": SourceFormat.HTML,
    ".xhtml": SourceFormat.HTML,
    ".pdf": SourceFormat.PDF,
    ".docx": SourceFormat.DOCX,
    ".jsonl": SourceFormat.JSONL,
    ".ndjson": SourceFormat.JSONL,
}

# A page of real text has hundreds of characters; below this per page the PDF is a scan.
MIN_PDF_CHARS_PER_PAGE = 20


@dataclass(slots=True)
class Extracted:
    text: str
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # title, date found inside the file itself


MAX_INFLATED_BYTES = 1 << 30
MAX_ZIP_MEMBERS = 10_000


def extract_text(data: bytes, source_format: SourceFormat, *, max_inflated_bytes: int = MAX_INFLATED_BYTES
                 ) -> Extracted:
    """Dispatch to the reader for ``source_format``; containers (DOCX) may inflate to ``max_inflated_bytes``."""
    if source_format is SourceFormat.DOCX:
        return _read_docx(data, max_inflated_bytes)
    readers = {
        SourceFormat.TXT: _read_plain,
        SourceFormat.MD: _read_plain,
        SourceFormat.HTML: _read_html,
        SourceFormat.PDF: _read_pdf,
    }
    return readers[source_format](data)


def _read_plain(data: bytes) -> Extracted:
    try:
        decoded = decode_bytes(data)
    except DecodeError as error:
        raise FormatError(str(error)) from None
    return Extracted(decoded.text, decoded.encoding, list(decoded.warnings))


def _read_html(data: bytes) -> Extracted:
    try:
        decoded = decode_bytes(data)
    except DecodeError as error:
        raise FormatError(str(error)) from None
    html = decoded.text
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    main_text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
    )
    meta: dict = {}
    metadata = trafilatura.extract_metadata(html)
    if metadata is not None:
        if metadata.title:
            meta["title"] = metadata.title
        if metadata.date:
            meta["date"] = metadata.date
    warnings = list(decoded.warnings)
    if not main_text or not main_text.strip():
        # Very short pages defeat trafilatura's main-content detection; fall back to the page text
        # with navigation, headers, footers, scripts and styles removed.
        main_text = _html_text_without_boilerplate(html)
        warnings.append("html_fallback_extraction")
    return Extracted(main_text, decoded.encoding, warnings, meta)


_BOILERPLATE_TAGS = ("script", "style", "nav", "header", "footer", "aside", "noscript", "form", "menu")


def _html_text_without_boilerplate(html: str) -> str:
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError) as error:
        raise FormatError(f"not a readable HTML page: {error}") from None
    for element in root.xpath("|".join(f"//{tag}" for tag in _BOILERPLATE_TAGS)):
        element.drop_tree()
    blocks = [block.strip() for block in root.itertext()]
    return "\n".join(block for block in blocks if block)


def _read_pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise FormatError("corrupt PDF: no %PDF header")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                # Many PDFs carry only an owner password (printing/copy limits) and open with "".
                if not reader.decrypt(""):
                    raise FormatError("encrypted PDF: a password is required to read it")
            except (FileNotDecryptedError, NotImplementedError, DependencyError) as error:
                raise FormatError(f"encrypted PDF: cannot decrypt ({error})") from None
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except FormatError:
        raise
    except (LimitReachedError, MemoryError) as error:
        raise FormatError(f"PDF stream inflates beyond pypdf's safety limit (a decompression bomb?): {error}"
                          ) from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as error:
        raise FormatError(f"corrupt PDF: {type(error).__name__}: {error}".rstrip(": ")) from None
    if not pages:
        raise FormatError("corrupt PDF: no pages")
    radicals = sum(1 for page in pages for char in page if 0x2E80 <= ord(char) <= 0x2FDF)  # both radical blocks
    # Radicals first (⺠ -> 民, ⼈ -> 人), so the line re-joining below sees ideographs on both sides.
    text = "\n\n".join(_rejoin_pdf_lines(unicodedata.normalize("NFKC", unify_radicals(page))) for page in pages)
    if len(re.sub(r"\s", "", text)) < MIN_PDF_CHARS_PER_PAGE * len(pages):
        raise FormatError(
            f"PDF has no text layer ({len(pages)} page(s), scanned images?): run OCR first"
        )
    meta = {}
    if info is not None and info.title:
        meta["title"] = str(info.title)
    warnings = [f"pdf_radicals_mapped: {radicals:,} CJK radical code points (font mapping) read as ideographs"
                ] if radicals else []
    return Extracted(text, None, warnings, meta)


def _check_inflated_size(data: bytes, max_inflated_bytes: int) -> None:
    """A ZIP container whose members claim more than ``max_inflated_bytes`` (or too many members) is refused
    before anything is inflated: a 13 MB DOCX can hold gigabytes of XML."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as error:
        raise FormatError(f"corrupt DOCX: {error}") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise FormatError(f"DOCX holds {len(members):,} parts (at most {MAX_ZIP_MEMBERS:,}); not read")
    inflated = sum(member.file_size for member in members)
    if inflated > max_inflated_bytes:
        raise FormatError(f"DOCX inflates to {inflated / 2**20:,.0f} MB (more than io.max_inflated_mb = "
                          f"{max_inflated_bytes >> 20:,}); a decompression bomb? not read")


# After NFKC the full-width comma, colon and parentheses are ASCII; the ideograph on one side tells.
_CJK_LINE_BREAK = re.compile(r"(?<=[\u3400-\u9fff,、“《(])[ \t]*\n[ \t]*(?=[\u3400-\u9fff”》),、。;:])"
                             r"|(?<=[\u3400-\u9fff])[ \t]*\n[ \t]*(?=[“《(])")
_HYPHEN_LINE_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
# An English body line wrapped mid-sentence: it does not end a sentence or a heading, and is long enough
# to be running text (headings and list items are short); the next line goes on with a word.
_WRAPPED_LINE = re.compile(r"(?m)^(?P<line>[^\n]{50,}[^\n.!?:;\"”')\]])\n(?=[A-Za-z0-9(“\"'])")


def _rejoin_pdf_lines(page_text: str) -> str:
    """Undo hard line wrapping: inside Chinese sentences, in hyphenated English words, and English body
    lines wrapped mid-sentence (joined with a space). Blank lines (paragraph breaks) stay."""
    page_text = _CJK_LINE_BREAK.sub("", page_text)
    page_text = _HYPHEN_LINE_BREAK.sub("", page_text)
    return _WRAPPED_LINE.sub(lambda match: match.group("line") + " ", page_text)


def _read_docx(data: bytes, max_inflated_bytes: int = MAX_INFLATED_BYTES) -> Extracted:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FormatError("corrupt DOCX: not a ZIP container")
    _check_inflated_size(data, max_inflated_bytes)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise FormatError(f"corrupt DOCX: {error}") from None
    except XMLSyntaxError as error:
        # lxml refuses entity expansion bombs and absurd nesting as syntax errors.
        raise FormatError(f"corrupt DOCX: its XML cannot be parsed safely ({error})") from None
    blocks = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append(" | ".join(cell.text for cell in row.cells))
    meta = {}
    if document.core_properties.title:
        meta["title"] = document.core_properties.title
    return Extracted("\n".join(blocks), None, [], meta)
