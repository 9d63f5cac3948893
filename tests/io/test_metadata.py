from __future__ import annotations

import pytest

from pipeline.io.metadata import date_from_name, date_from_text, parse_date, split_front_matter


@pytest.mark.parametrize(
    ("value", "iso", "year"),
    [
        ("2021-03-05", "2021-03-05", 2021),
        ("2021/3/5", "2021-03-05", 2021),
        ("20210305", "2021-03-05", 2021),
        ("1954", "1954", 1954),
        (1954, "1954", 1954),
        ("2021-03", "2021-03", 2021),
        ("2021年3月5日", "2021-03-05", 2021),
        ("二〇二一年三月五日", "2021-03-05", 2021),
        ("二〇二〇年十一月三日", "2020-11-03", 2020),
        ("March 5, 2021", "2021-03-05", 2021),
        ("5 March 2021", "2021-03-05", 2021),
        ("Sept. 9, 2015", "2015-09-09", 2015),
        ("2021-03-05T10:00:00", "2021-03-05", 2021),
    ],
)
def test_dates_are_parsed_at_their_precision(value, iso, year):
    parsed = parse_date(value)
    assert (parsed.iso, parsed.year, parsed.problem) == (iso, year, None)


@pytest.mark.parametrize(
    ("value", "iso", "problem"),
    [
        ("2023-02-30", "2023-02", "'2023-02-30' is not a calendar date"),
        ("2023-13-01", "2023", "'2023-13-01' is not a calendar date; kept the year only"),
        ("0999-01-01", None, "impossible year"),
        ("3021", None, "impossible year"),
        ("next Tuesday", None, "is not a date this pipeline can read"),
    ],
)
def test_impossible_dates_say_why(value, iso, problem):
    parsed = parse_date(value)
    assert parsed.iso == iso
    assert problem in parsed.problem


def test_dates_from_file_names_and_text():
    assert date_from_name("2021-03-05_remarks.txt").iso == "2021-03-05"
    assert date_from_name("20000111_Proclamations_WJC.txt").iso == "2000-01-11"
    assert date_from_name("1954.txt").iso == "1954"
    assert date_from_name("report_v2.txt").iso is None
    assert date_from_text("新华社北京11月3日电 ... 2020年11月3日").iso == "2020-11-03"
    assert date_from_text("THE WHITE HOUSE\nFebruary 24, 2021\nEXECUTIVE ORDER").iso == "2021-02-24"
    assert date_from_text("no dates here").iso is None


def test_front_matter_is_split_and_its_dates_stay_strings():
    meta, body, problem = split_front_matter("---\ntitle: A\ndate: 2023-02-30\ntags: [x]\n---\nBody text.\n")
    assert meta == {"title": "A", "date": "2023-02-30", "tags": ["x"]}
    assert body == "Body text.\n" and problem is None
    meta, body, problem = split_front_matter("---\ntitle: [unclosed\n---\nBody")
    assert meta == {} and body.startswith("---") and problem.startswith("front_matter_invalid")
