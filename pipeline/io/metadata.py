"""Document metadata: manifest rows, YAML front matter, sidecar files, and dates found in names or text."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

EARLIEST_YEAR = 1700

# Keys users write for the same thing; the first name is the one the pipeline uses.
KEY_ALIASES = {
    "doc_id": ("doc_id", "id"),
    "date": ("date", "published", "publication_date", "pub_date"),
    "jurisdiction": ("jurisdiction", "country"),
    "title": ("title",),
    "doc_type": ("doc_type", "type", "genre"),
    "language": ("language", "lang"),
    "year": ("year",),
}

SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")


@dataclass(frozen=True, slots=True)
class ParsedDate:
    iso: str | None  # "2021", "2021-03" or "2021-03-05"
    year: int | None
    problem: str | None = None  # why a given date could not be used


def canonical_metadata(raw: dict) -> dict:
    """Map alias keys (``id``, ``lang``, ``country``...) to the pipeline's names; keep the rest as is."""
    result = {}
    used = set()
    for name, aliases in KEY_ALIASES.items():
        for alias in aliases:
            if alias in raw and raw[alias] not in (None, ""):
                result[name] = raw[alias]
                used.add(alias)
                break
    for key, value in raw.items():
        if key not in used and key not in result:
            result[key] = value
    return result


class _PlainYamlLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay strings, so 2023-02-30 is reported, not a crash."""


_PlainYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> object:
    return yaml.load(text, Loader=_PlainYamlLoader)  # noqa: S506 - a SafeLoader subclass


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[dict, str, str | None]:
    """Return (metadata, body, problem). A broken block is kept in the body and reported."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        return {}, text, None
    try:
        data = load_yaml(match.group(1))
    except (yaml.YAMLError, ValueError) as error:
        return {}, text, f"front_matter_invalid: {str(error).splitlines()[0]}"
    if not isinstance(data, dict):
        return {}, text, None
    return data, text.lstrip("\ufeff")[match.end() :], None


def read_sidecar(path: Path) -> tuple[dict, str | None]:
    """Metadata from ``<file>.meta.json`` or ``<file>.meta.yaml`` beside ``path`` (and a problem, if any)."""
    for suffix in SIDECAR_SUFFIXES:
        sidecar = path.with_name(path.name + suffix)
        if not sidecar.is_file():
            continue
        try:
            content = sidecar.read_text(encoding="utf-8")
            data = json.loads(content) if suffix == ".meta.json" else load_yaml(content)
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
            return {}, f"sidecar_invalid: {sidecar.name}: {str(error).splitlines()[0]}"
        if isinstance(data, dict):
            return data, None
        return {}, f"sidecar_invalid: {sidecar.name} does not hold a mapping"
    return {}, None


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIXES)


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T ].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EN_MDY = re.compile(rf"^({_MONTH_NAMES})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})$", re.IGNORECASE)
_EN_DMY = re.compile(rf"^(\d{{1,2}})\s+({_MONTH_NAMES})\.?,?\s+(\d{{4}})$", re.IGNORECASE)
_ZH = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$")


def parse_date(value: object) -> ParsedDate:
    """Parse a date given in metadata. Precision is kept: ``"2021"`` stays a year.

    >>> parse_date("2021-03-05")
    ParsedDate(iso='2021-03-05', year=2021, problem=None)
    >>> parse_date("2023-02-30").problem
    "'2023-02-30' is not a calendar date"
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ParsedDate(None, None, None)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day, str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return _checked(value, None, None, str(value))
    text = str(value).strip()
    text_zh = _chinese_numerals_to_digits(text)
    for pattern, order in ((_ISO, "ymd"), (_COMPACT, "ymd"), (_ZH, "ymd"), (_EN_MDY, "mdy"), (_EN_DMY, "dmy")):
        match = pattern.match(text_zh if pattern is _ZH else text)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = parts.get("m")
        if month is not None and not month.isdigit():
            month = str(_MONTHS[month.lower().rstrip(".")])
        return _checked(
            int(parts["y"]), int(month) if month else None, int(parts["d"]) if parts.get("d") else None, text
        )
    return ParsedDate(None, None, f"{text!r} is not a date this pipeline can read")


def _checked(year: int, month: int | None, day: int | None, original: str) -> ParsedDate:
    latest = dt.date.today().year + 1
    if not EARLIEST_YEAR <= year <= latest:
        return ParsedDate(None, None, f"{original!r} has an impossible year (outside {EARLIEST_YEAR}-{latest})")
    if month is None:
        return ParsedDate(f"{year:04d}", year)
    if not 1 <= month <= 12:
        return ParsedDate(f"{year:04d}", year, f"{original!r} is not a calendar date; kept the year only")
    if day is None:
        return ParsedDate(f"{year:04d}-{month:02d}", year)
    try:
        return ParsedDate(dt.date(year, month, day).isoformat(), year)
    except ValueError:
        return ParsedDate(f"{year:04d}-{month:02d}", year, f"{original!r} is not a calendar date")


_NAME_DATE = re.compile(r"(?<!\d)((?:1[7-9]|20)\d{2})(?:[-_.]?(0[1-9]|1[0-2])(?:[-_.]?(0[1-9]|[12]\d|3[01]))?)?(?!\d)")


def date_from_name(name: str) -> ParsedDate:
    """A date at the start of or inside a file name: ``2021-03-05_report``, ``20210305``, ``1954``."""
    for match in _NAME_DATE.finditer(name):
        year, month, day = match.groups()
        parsed = _checked(int(year), int(month) if month else None, int(day) if day else None, match.group())
        if parsed.iso and not parsed.problem:
            return parsed
    return ParsedDate(None, None)


_TEXT_DATES = (
    re.compile(r"((?:1[7-9]|20)\d{2})年(\d{1,2})月(\d{1,2})日"),
    re.compile(rf"\b({_MONTH_NAMES})\.? (\d{{1,2}}), ((?:1[7-9]|20)\d{{2}})\b", re.IGNORECASE),
    re.compile(rf"\b(\d{{1,2}}) ({_MONTH_NAMES}) ((?:1[7-9]|20)\d{{2}})\b", re.IGNORECASE),
    re.compile(r"\b((?:1[7-9]|20)\d{2})-(\d{2})-(\d{2})\b"),
)


def date_from_text(text: str, head_chars: int = 3000) -> ParsedDate:
    """The earliest full date written in the first ``head_chars`` characters (datelines, signatures)."""
    head = _chinese_numerals_to_digits(text[:head_chars])
    found: list[tuple[int, ParsedDate]] = []
    for pattern in _TEXT_DATES:
        match = pattern.search(head)
        if match:
            parsed = parse_date(match.group())
            if parsed.iso and not parsed.problem:
                found.append((match.start(), parsed))
    return min(found, key=lambda pair: pair[0])[1] if found else ParsedDate(None, None)


_ZH_DIGITS = {"〇": "0", "零": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}
_ZH_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
_ZH_MONTH_DAY = re.compile(r"(?<=[年月])(十[一二]?|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])(?=[月日])")


def _chinese_numerals_to_digits(text: str) -> str:
    """二〇二一年三月五日 -> 2021年3月5日 (only in date positions)."""
    if "年" not in text:
        return text
    text = _ZH_YEAR.sub(lambda m: "".join(_ZH_DIGITS[c] for c in m.group(1)) + "年", text)

    def small_number(match: re.Match) -> str:
        token = match.group(1)
        if "十" not in token:
            return _ZH_DIGITS[token]
        tens, _, ones = token.partition("十")
        return str((int(_ZH_DIGITS[tens]) if tens else 1) * 10 + (int(_ZH_DIGITS[ones]) if ones else 0))

    return _ZH_MONTH_DAY.sub(small_number, text)
