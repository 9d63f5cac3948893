"""Entities that are patterns rather than names: numbered executive orders, China's five-year plans, money
amounts and dates. Each gets a canonical id computed from what it says, the same in both languages:
"Executive Order 14017" and 第14017号行政命令 are law:us_eo_14017; "$52.7 billion" and 527亿美元 are
money:USD:52700000000; "March 2023" and 2023年3月 are date:2023-03."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True, slots=True)
class PatternMatch:
    start: int
    end: int
    label: str
    canonical_id: str


_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for name in names}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
_YEAR = r"(?:1[7-9]\d\d|20\d\d|2100)"

# Every pattern entity holds a number, so matching starts from the numbers of the text (a fast scan) and
# looks at the words right before and after each: one pass, whatever the number of patterns.
_NUMBER_RUN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_YEAR_TEXT = re.compile(rf"{_YEAR}")

_EO_BEFORE = re.compile(r"\b(?:Executive Orders?|E\.\s?O\.|EO)\s*(?:No\.|Number|#)?\s*$")
_EO_ZH_AFTER = re.compile(r"号(?:总统)?行政(?:命令|令)")

_ZH_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_FYP_ZH = re.compile(r"五[”\"」]?(?:规划|计划)|个五年(?:规划|计划)")
_FYP_ZH_SHORT_BEFORE = re.compile(r"[“\"「]?(十[一二三四五]|[一二三四六七八九十])$")
_FYP_ZH_LONG_BEFORE = re.compile(r"第(十[一二三四五]|[一二三四五六七八九十])$")
_EN_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth"]
_FYP_EN_BEFORE = re.compile(r"\b(?:(\d{1,2})(?:st|nd|rd|th)|(" + "|".join(_EN_ORDINALS) + r"))\s+$", re.IGNORECASE)
_FYP_EN_AT = re.compile(r"five[- ]year\s+plan\b", re.IGNORECASE)

_SCALE_EN = {"trillion": 10**12, "billion": 10**9, "bn": 10**9, "million": 10**6, "mn": 10**6, "m": 10**6,
             "thousand": 10**3}
_SCALE_ZH = {"万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 10**3}
_SYMBOL = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
           "rmb": "CNY", "cny": "CNY"}
_WORD_CURRENCY = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "yuan": "CNY",
                  "renminbi": "CNY", "pounds": "GBP", "yen": "JPY"}
_ZH_CURRENCY = {"美元": "USD", "欧元": "EUR", "元": "CNY", "元人民币": "CNY", "人民币": "CNY", "英镑": "GBP",
                "日元": "JPY"}
_SYMBOL_BEFORE = re.compile(r"(?<![\w$€£])(US\$|\$|€|£|USD|EUR|GBP|RMB|CNY)\s?$", re.IGNORECASE)
_SCALE_AFTER = re.compile(r"\s?(trillion|billion|million|thousand|bn|mn|m)\b", re.IGNORECASE)
_WORD_CURRENCY_AFTER = re.compile(r"\s?(trillion|billion|million|thousand)?\s+"
                                  r"(dollars|dollar|euros|euro|yuan|renminbi|pounds|yen)\b", re.IGNORECASE)
_ZH_CURRENCY_AFTER = re.compile(r"\s?(万亿|亿|万|千)?\s?(美元|欧元|元人民币|人民币|元|英镑|日元)")

_MONTH_DAY_BEFORE = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+$")
_DAY_MONTH_BEFORE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+$")
_MONTH_BEFORE = re.compile(rf"\b({_MONTH}),?\s+$")
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|by|since|until|till|before|after|from|through|to|during|of|early|late|"
                                 r"mid-)\s*$")
_NOT_A_YEAR_AFTER = re.compile(r"\s*(?:percent|per cent|%)")
_ZH_DATE_AFTER = re.compile(r"年(?:(\d{1,2})月(?:(\d{1,2})日)?)?")


def find_patterns(view: str, *, zh: bool = True, en: bool = True) -> Iterator[PatternMatch]:
    """Pattern entities in ``view`` (the matching view of a text: same length, simplified characters)."""
    for number in _NUMBER_RUN.finditer(view):
        start, end = number.span()
        if start > 0 and (view[start - 1].isdigit() or view[start - 1] in ",." and start > 1
                          and view[start - 2].isdigit()):
            continue  # the tail of a longer number
        digits = number.group()
        before = view[max(0, start - 40):start]
        found = None
        if en:
            found = _money_en(view, before, start, end, digits) or _order_en(before, start, end, digits) \
                or _date_en(view, before, start, end, digits)
        if found is None and zh:
            found = _money_zh(view, start, end, digits) or _order_zh(view, start, end, digits) \
                or _date_zh(view, start, end, digits)
        if found is not None:
            yield found
    if en:
        yield from _five_year_plans_en(view)
    if zh:
        yield from _five_year_plans_zh(view)


def _order_en(before: str, start: int, end: int, digits: str) -> PatternMatch | None:
    match = _EO_BEFORE.search(before) if digits.isdigit() and len(digits) in (4, 5) else None
    if match is None:
        return None
    return PatternMatch(start - len(before) + match.start(), end, "LAW_POLICY", f"law:us_eo_{int(digits)}")


def _order_zh(view: str, start: int, end: int, digits: str) -> PatternMatch | None:
    if not (digits.isdigit() and len(digits) in (4, 5)):
        return None
    match = _EO_ZH_AFTER.match(view, end)
    if match is None:
        return None
    first = start - 1 if start > 0 and view[start - 1] == "第" else start
    return PatternMatch(first, match.end(), "LAW_POLICY", f"law:us_eo_{int(digits)}")


def _five_year_plans_zh(view: str) -> Iterator[PatternMatch]:
    for match in _FYP_ZH.finditer(view):
        before = view[max(0, match.start() - 3):match.start()]
        pattern = _FYP_ZH_LONG_BEFORE if match.group().startswith("个") else _FYP_ZH_SHORT_BEFORE
        found = pattern.search(before)
        number = _zh_ordinal(found.group(1)) if found else None
        if number:
            yield PatternMatch(match.start() - len(before) + found.start(), match.end(), "LAW_POLICY",
                               f"law:cn_fyp_{number}")


def _zh_ordinal(text: str) -> int | None:
    if len(text) == 1:
        return _ZH_ORDINAL.get(text)
    return 10 + _ZH_ORDINAL.get(text[1], 0) if text[0] == "十" else None


def _five_year_plans_en(view: str) -> Iterator[PatternMatch]:
    lowered = view.lower()
    position = lowered.find("five")
    while position >= 0:
        at = _FYP_EN_AT.match(view, position)
        if at is not None:
            before = view[max(0, position - 16):position]
            found = _FYP_EN_BEFORE.search(before)
            if found is not None:
                number = int(found.group(1)) if found.group(1) else _EN_ORDINALS.index(found.group(2).lower()) + 1
                if 1 <= number <= 15:
                    yield PatternMatch(position - len(before) + found.start(), at.end(), "LAW_POLICY",
                                       f"law:cn_fyp_{number}")
        position = lowered.find("five", position + 4)


def _amount(number: str, scale: int) -> int | None:
    try:
        return int((Decimal(number.replace(",", "")) * scale).to_integral_value())
    except InvalidOperation:
        return None


def _money_en(view: str, before: str, start: int, end: int, digits: str) -> PatternMatch | None:
    symbol = _SYMBOL_BEFORE.search(before)
    if symbol is not None:
        scale = _SCALE_AFTER.match(view, end)
        multiplier = _SCALE_EN[scale.group(1).lower()] if scale else 1
        amount = _amount(digits, multiplier)
        if amount is None:
            return None
        return PatternMatch(start - len(before) + symbol.start(), scale.end() if scale else end, "MONEY",
                            f"money:{_SYMBOL[symbol.group(1).lower()]}:{amount}")
    word = _WORD_CURRENCY_AFTER.match(view, end)
    if word is not None:
        amount = _amount(digits, _SCALE_EN.get((word.group(1) or "").lower(), 1))
        if amount is not None:
            return PatternMatch(start, word.end(), "MONEY", f"money:{_WORD_CURRENCY[word.group(2).lower()]}:{amount}")
    return None


def _money_zh(view: str, start: int, end: int, digits: str) -> PatternMatch | None:
    match = _ZH_CURRENCY_AFTER.match(view, end)
    if match is None:
        return None
    amount = _amount(digits, _SCALE_ZH.get(match.group(1) or "", 1))
    if amount is None:
        return None
    return PatternMatch(start, match.end(), "MONEY", f"money:{_ZH_CURRENCY[match.group(2)]}:{amount}")


def _month_number(text: str) -> int:
    return _MONTHS[text.rstrip(".").lower()]


def _date_id(year: str, month: int | None = None, day: int | None = None) -> str:
    if month is not None and not 1 <= month <= 12:
        return f"date:{year}"
    if day is not None and not 1 <= day <= 31:
        day = None
    parts = [year] + ([f"{month:02d}"] if month else []) + ([f"{day:02d}"] if month and day else [])
    return "date:" + "-".join(parts)


def _date_en(view: str, before: str, start: int, end: int, digits: str) -> PatternMatch | None:
    if not _YEAR_TEXT.fullmatch(digits) or (end < len(view) and view[end:end + 1].isalpha()):
        return None
    offset = start - len(before)
    match = _MONTH_DAY_BEFORE.search(before)
    if match is not None:
        return PatternMatch(offset + match.start(), end, "DATE",
                            _date_id(digits, _month_number(match.group(1)), int(match.group(2))))
    match = _DAY_MONTH_BEFORE.search(before)
    if match is not None:
        return PatternMatch(offset + match.start(), end, "DATE",
                            _date_id(digits, _month_number(match.group(2)), int(match.group(1))))
    match = _MONTH_BEFORE.search(before)
    if match is not None:
        return PatternMatch(offset + match.start(), end, "DATE", _date_id(digits, _month_number(match.group(1))))
    if _PREPOSITION_BEFORE.search(before) and not _NOT_A_YEAR_AFTER.match(view, end):
        return PatternMatch(start, end, "DATE", f"date:{digits}")
    return None


def _date_zh(view: str, start: int, end: int, digits: str) -> PatternMatch | None:
    if not _YEAR_TEXT.fullmatch(digits):
        return None
    match = _ZH_DATE_AFTER.match(view, end)
    if match is None:
        return None
    month = int(match.group(1)) if match.group(1) else None
    day = int(match.group(2)) if match.group(2) else None
    return PatternMatch(start, match.end(), "DATE", _date_id(digits, month, day))
