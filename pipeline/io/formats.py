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
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from pipeline.io.boilerplate import strip_site_furniture
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
    """The main text of a web page (trafilatura), without the government sites' page furniture
    (:mod:`pipeline.io.boilerplate`). Pages the tree parsers cannot take whole (an inline image over 10 MB
    in an attribute, elements nested 255+ deep) are not truncated: huge attribute values are dropped
    before parsing, and a page whose tree comes out empty is read by a streaming parser with no depth
    limit, with a warning."""
    try:
        decoded = decode_bytes(data)
    except DecodeError as error:
        raise FormatError(str(error)) from None
    html, dropped = _HUGE_ATTRIBUTE.subn(r"\1\2\2", decoded.text)
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
    if dropped:
        warnings.append(f"html_huge_attributes_dropped: {dropped} attribute value(s) over "
                        f"{HUGE_ATTRIBUTE_CHARS:,} characters (inline images) were left out before parsing")
    if not main_text or not main_text.strip():
        # Very short pages defeat trafilatura's main-content detection; fall back to the page text
        # with navigation, headers, footers, scripts and styles removed.
        main_text = _html_text_without_boilerplate(html)
        warnings.append("html_fallback_extraction")
    streamed = None
    if len(main_text.strip()) < 200:
        # A tree parser that gives (almost) nothing may have stopped at its depth limit: a streaming
        # parser has none. Keep what it finds when it finds clearly more.
        streamed = _html_text_streaming(html)
        if len(streamed) > 2 * len(main_text.strip()) + 50:
            main_text = streamed
            warnings.append("html_streaming_extraction: the page could not be parsed as a tree (nesting too "
                            "deep?); its text was read element by element")
    main_text, removed = strip_site_furniture(main_text)
    if removed:
        warnings.append(f"html_boilerplate_removed: {removed} line(s) of site furniture (breadcrumbs, source, "
                        f"editor, share and print lines)")
    return Extracted(main_text, decoded.encoding, warnings, meta)


HUGE_ATTRIBUTE_CHARS = 100_000
_HUGE_ATTRIBUTE = re.compile(r"(\s[\w:-]+\s*=\s*)([\"'])[^\"']{" + str(HUGE_ATTRIBUTE_CHARS) + r",}\2")
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


_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
               "blockquote", "pre", "td", "th", "dd", "dt"}


def _html_text_streaming(html: str) -> str:
    """Page text by Python's event parser (no tree, so no nesting limit), skipping script, style and the
    navigation elements; block elements end lines."""
    from html.parser import HTMLParser

    class Collector(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skipping = 0

        def handle_starttag(self, tag, attrs) -> None:
            if tag in _BOILERPLATE_TAGS:
                self.skipping += 1
            elif tag in _BLOCK_TAGS:
                self.parts.append("\n")

        def handle_endtag(self, tag) -> None:
            if tag in _BOILERPLATE_TAGS:
                self.skipping = max(0, self.skipping - 1)
            elif tag in _BLOCK_TAGS:
                self.parts.append("\n")

        def handle_data(self, data) -> None:
            if not self.skipping:
                self.parts.append(data)

    collector = Collector()
    collector.feed(html)
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)


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
    text = _join_pages([_rejoin_pdf_lines(unicodedata.normalize("NFKC", unify_radicals(page)).translate(PDF_DASHES))
                        for page in pages])
    if len(re.sub(r"\s", "", text)) < MIN_PDF_CHARS_PER_PAGE * len(pages):
        raise FormatError(
            f"PDF has no text layer ({len(pages)} page(s), scanned images?): run OCR first"
        )
    meta = {}
    if info is not None and info.title:
        meta["title"] = str(info.title)
    warnings = [f"pdf_radicals_mapped: {radicals:,} CJK radical code points (font mapping) read as ideographs"
                ] if radicals else []
    poor = [number for number, page in enumerate(pages, start=1) if _poor_page(page)]
    if poor:
        shown = ", ".join(map(str, poor[:10])) + (f" and {len(poor) - 10} more" if len(poor) > 10 else "")
        warnings.append(f"pdf_poor_text: page(s) {shown} read as replacement characters or one-character "
                        f"lines (a font without a Unicode map, or text set letter by letter); check them")
    return Extracted(text, None, warnings, meta)


def _poor_page(page: str) -> bool:
    """A page whose text layer does not read as text: many U+FFFD replacement characters, or mostly
    one-character lines (vertical or letter-spaced setting)."""
    visible = [char for char in page if not char.isspace()]
    if len(visible) < MIN_PDF_CHARS_PER_PAGE:
        return False
    lines = [line.strip() for line in page.split("\n") if line.strip()]
    single = sum(1 for line in lines if len(line) == 1)
    return visible.count("\ufffd") > 0.02 * len(visible) or (len(lines) >= 10 and single > 0.5 * len(lines))


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
_CJK_LINE_BREAK = re.compile(r"(?<=[\u3400-\u9fff,、“《(])[ \t]*\n[ \t]*(?=[\u3400-\u9fff”》),、。;:%0-9])"
                             r"|(?<=[\u3400-\u9fff])[ \t]*\n[ \t]*(?=[“《(])")
_HYPHEN_LINE_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
# An English body line wrapped mid-sentence: it does not end a sentence or a heading, and is long enough
# to be running text (headings and list items are short); the next line goes on with a word.
_WRAPPED_LINE = re.compile(r"(?m)^(?P<line>[^\n]{50,}[^\n.!?:;\"”')\]])\n(?=[A-Za-z0-9(“\"'])")


def _rejoin_pdf_lines(page_text: str) -> str:
    """Undo hard line wrapping: inside Chinese sentences, in hyphenated English words, and English body
    lines wrapped mid-sentence (joined with a space). Blank lines (paragraph breaks) stay."""
    page_text = _join_cjk_lines(page_text)
    page_text = _HYPHEN_LINE_BREAK.sub("", page_text)
    return _WRAPPED_LINE.sub(lambda match: match.group("line") + " ", page_text)


def _join_cjk_lines(page_text: str) -> str:
    """Join Chinese lines the layout wrapped. A PDF keeps no paragraph marks, only lines, so a line is taken
    as wrapped when it is about as long as the page's full lines; a shorter one (a heading, a paragraph's
    last line) ends where it ends, as in the source."""
    lines = page_text.split("\n")
    lengths = sorted(len(line.strip()) for line in lines if _CJK_CHAR.search(line))
    if not lengths:
        return page_text
    full = lengths[int(len(lengths) * 0.9) - 1 if len(lengths) > 1 else 0]
    out = [lines[0]]
    for line in lines[1:]:
        before = out[-1]
        if (len(before.strip()) >= 0.85 * full and _CJK_LINE_BREAK.search(before.rstrip(" \t") + "\n" +
                                                                          line.lstrip(" \t"))):
            out[-1] = before.rstrip(" \t") + line.lstrip(" \t")
        else:
            out.append(line)
    return "\n".join(out)


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
# Fonts set the Chinese dash —— as one wide glyph that text extraction reads as U+2E3A (two-em dash) or
# U+2E3B (three-em): back to the em dashes the text has.
PDF_DASHES = str.maketrans({"\u2e3a": "——", "\u2e3b": "———"})


def _join_pages(pages: list[str]) -> str:
    """Pages one after another: a page that ends inside a sentence goes on with the next page's first line
    (a page break is not a paragraph break); otherwise a blank line between them."""
    text = ""
    for page in pages:
        page = page.strip("\n")
        if not text:
            text = page
            continue
        # a page that ends on a character (not a punctuation mark) and a next page that goes on with one
        last, first = text.rstrip()[-1:], page.lstrip()[:1]
        if _CJK_CHAR.match(last) and _CJK_CHAR.match(first):
            text = text.rstrip() + page.lstrip()
        elif last.isalpha() and first.islower():
            text = text.rstrip() + " " + page.lstrip()
        else:
            text += "\n\n" + page
    return text


def _read_docx(data: bytes, max_inflated_bytes: int = MAX_INFLATED_BYTES) -> Extracted:
    """The body of a Word file in reading order: paragraphs and tables interleaved as they stand (a table
    row is its cells joined by " | "), then the footnotes and endnotes (content, kept at the end, with a
    warning). Headers and footers are left out on purpose: page furniture repeated on every page. The core
    properties give the title and, as the date, ``created`` (with ``date_source`` saying so)."""
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
    blocks = list(_docx_blocks(document.element.body))
    warnings: list[str] = []
    notes = _docx_notes(data)
    if notes:
        blocks += ["", *notes]
        warnings.append(f"docx_notes_appended: {len(notes)} footnote or endnote paragraph(s) after the body")
    meta: dict = {}
    properties = document.core_properties
    if properties.title:
        meta["title"] = properties.title
    if properties.created is not None:
        meta["date"] = properties.created.date().isoformat()
    return Extracted("\n".join(blocks), None, warnings, meta)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_blocks(body) -> Iterator[str]:
    """Paragraph and table texts of a body (or a table cell) in document order; nested tables inline."""
    for element in body.iterchildren():
        if element.tag == f"{_W}p":
            yield "".join(node.text or "" if node.tag == f"{_W}t" else "\t" if node.tag == f"{_W}tab" else "\n"
                          for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"))
        elif element.tag == f"{_W}tbl":
            for row in element.iterchildren(f"{_W}tr"):
                cells = [" ".join(_docx_blocks(cell)).strip() for cell in row.iterchildren(f"{_W}tc")]
                yield " | ".join(cells)
        elif element.tag == f"{_W}sdt":  # content controls wrap ordinary paragraphs and tables
            for content in element.iterchildren(f"{_W}sdtContent"):
                yield from _docx_blocks(content)


def _docx_notes(data: bytes) -> list[str]:
    """The paragraphs of word/footnotes.xml and word/endnotes.xml (the separators Word adds are empty)."""
    from lxml import etree

    texts: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in ("word/footnotes.xml", "word/endnotes.xml"):
            if name not in archive.namelist():
                continue
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            root = etree.fromstring(archive.read(name), parser)
            for paragraph in root.iter(f"{_W}p"):
                text = "".join(node.text or "" for node in paragraph.iter(f"{_W}t")).strip()
                if text:
                    texts.append(text)
    return texts
