"""Bytes -> text with the encoding detected, never with errors ignored.

Order of evidence: a byte-order mark; strict UTF-8; the NUL-byte pattern of BOM-less UTF-16; then
GB18030 (a superset of GBK and GB2312) and Big5, each decoded strictly and scored by how common the
decoded characters are; finally Windows-1252 for Latin text with a few stray bytes. A file that ends in
the middle of a multi-byte character (a truncated download) is decoded up to that point and flagged.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache

from pipeline.io.chinese_script import _traditional_to_simplified


class DecodeError(ValueError):
    """The bytes are not text in any supported encoding; the message says why."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data``; raise :class:`DecodeError` with a specific reason when it is not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding, f"{encoding} (byte-order mark)")

    utf16 = _utf16_by_nul_pattern(data)
    if utf16:
        return _strict(data, utf16, f"{utf16} (no byte-order mark)")
    spaced = _nul_as_space(data)
    if spaced is not None:
        return spaced

    sample = data[:65536]
    controls = sum(sample.count(byte) for byte in _CONTROL_BYTES)
    if controls > max(2, len(sample) // 200):
        # CJK text in BOM-less UTF-16 has few NULs but many bytes below 0x20; anything else is binary.
        utf16 = _utf16_cjk(sample)
        if utf16:
            return _strict(data, utf16, f"{utf16} (no byte-order mark)")
        raise DecodeError(
            f"binary data, not text: {controls} control bytes in the first {len(sample):,} bytes"
        )

    try:
        return _strict(data, "utf-8", "utf-8")
    except DecodeError as utf8_error:
        first_error = str(utf8_error)

    candidates: list[tuple[float, Decoded]] = []
    for encoding in ("gb18030", "big5"):
        try:
            decoded = _strict(data, encoding, encoding)
        except DecodeError:
            continue
        candidates.append((_chinese_plausibility(decoded.text), decoded))
    mixed = _utf8_head(data)
    if mixed is not None:
        return mixed
    if candidates:
        score, best = max(candidates, key=lambda pair: pair[0])
        if score >= 0.5:
            return best

    high_bytes = len(sample) - len(sample.translate(None, bytes(range(0x80, 0x100))))
    if high_bytes <= len(sample) // 10:
        try:
            return _strict(data, "cp1252", "cp1252")
        except DecodeError:
            pass
    raise DecodeError(
        f"undecodable bytes: not valid UTF-8 ({first_error}), UTF-16, GB18030/GBK or Big5"
    )


def _utf8_head(data: bytes) -> Decoded | None:
    """A file whose first lines are UTF-8 and whose body is GB18030 or Big5 (a title typed in one editor,
    the text pasted from another): each part decoded in its own encoding, with a warning. Decoded as one
    GBK file, the UTF-8 title would be garbled."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as error:
        cut = data.rfind(b"\n", 0, error.start) + 1
    head, body = data[:cut], data[cut:]
    if not cut or head.isascii():
        return None  # nothing before the first bad line, or a head any of the encodings reads the same
    for encoding in ("gb18030", "big5"):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _chinese_plausibility(text) >= 0.5:
            try:  # a GBK head that happens to be valid UTF-8 reads better as GBK: one encoding after all
                if _chinese_plausibility(head.decode(encoding)) >= _chinese_plausibility(head.decode("utf-8")):
                    return None
            except UnicodeDecodeError:
                pass
            lines = head.count(b"\n")
            return Decoded(head.decode("utf-8") + text, f"utf-8+{encoding}",
                           (f"mixed_encoding: the first {lines} line(s) are UTF-8, the rest {encoding}",))
    return None


def _strict(data: bytes, encoding: str, label: str) -> Decoded:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        text = decoder.decode(data, final=False)
    except UnicodeDecodeError as error:
        raise DecodeError(f"byte 0x{data[error.start]:02x} at offset {error.start:,} is invalid") from None
    pending, _ = decoder.getstate()
    if pending:
        # Only an incomplete character at the very end is left: the file was cut short.
        return Decoded(text, label, (f"truncated: file ends inside a character ({len(pending)} byte(s) dropped)",))
    return Decoded(text, label)


def _nul_as_space(data: bytes) -> Decoded | None:
    """Text whose spaces were written as NUL bytes (a broken export). UTF-16 puts its NULs on one parity of
    byte positions; here they fall on both, between words, and the bytes read as UTF-8 once they are
    spaces. Without this, the file reads as UTF-16 'Chinese'."""
    sample = data[:65536]
    nuls = sample.count(0)
    if nuls < 8 or nuls > len(sample) // 3:
        return None
    even = sample[0::2].count(0)
    if not 0.2 < even / nuls < 0.8:
        return None
    try:
        decoded = _strict(data.replace(b"\0", b" "), "utf-8", "utf-8")
    except DecodeError:
        return None
    letters = sum(char.isalpha() for char in decoded.text[:20000])
    if letters < 0.6 * min(len(decoded.text), 20000) * 0.8:
        return None
    warning = f"nul_as_space: {data.count(0):,} NUL bytes read as spaces (a broken export)"
    return Decoded(decoded.text, "utf-8", (*decoded.warnings, warning))


def _utf16_by_nul_pattern(data: bytes) -> str | None:
    """UTF-16 of mostly ASCII text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _utf16_cjk(sample: bytes) -> str | None:
    """UTF-16 of mostly Chinese text: decodes strictly to printable text, a third or more Han."""
    sample = sample[:4096]
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[: len(sample) // 2 * 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        readable = sum(1 for char in text if char.isprintable() or char in "\n\t\r")
        han = sum(1 for char in text if "\u3400" <= char <= "\u9fff")
        if readable > 0.98 * len(text) and han > 0.3 * len(text):
            return encoding
    return None


@lru_cache(maxsize=1)
def _common_simplified() -> frozenset[str]:
    """The 3,755 level-1 characters of GB2312 (the most common simplified characters)."""
    chars = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.append(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _chinese_plausibility(text: str) -> float:
    """Share of Han characters that are common once mapped to simplified script (0..1)."""
    sample = text[:20000]
    table = _traditional_to_simplified()
    common = _common_simplified()
    han = [char for char in sample if "\u3400" <= char <= "\u9fff"]
    if not han:
        # No Han at all: plausible only if the text is plain ASCII-ish.
        return 0.0
    hits = sum(1 for char in han if table.get(ord(char), char) in common)
    return hits / len(han)
