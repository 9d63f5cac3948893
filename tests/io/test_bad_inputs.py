"""The bad-input matrix: one folder with one file of each bad kind, built from real text at test time.

Every file must give exactly one documents row with the right status and a specific reason, and the
good files must be processed.
"""

from __future__ import annotations

import difflib
import json
import os

import pandas as pd
import pytest

from pipeline.batch import read_table, run_pipeline
from pipeline.config import PipelineConfig
from pipeline.io import normalize_text
from pipeline.io.chinese_script import to_simplified


def _traditional_big5(text: str) -> str:
    """Traditional-script (Taiwan standard) version of ``text``, keeping only Big5 characters."""
    import opencc

    def in_big5(char: str) -> bool:
        try:
            char.encode("big5")
            return True
        except UnicodeEncodeError:
            return False

    return "".join(char for char in opencc.OpenCC("s2tw").convert(text) if in_big5(char))


def _pdf(text_lines: list[str] | None, *, encrypt: bool = False) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.add_page()
    if text_lines is None:
        pdf.rect(20, 20, 100, 60, style="F")  # a "scan": graphics, no text layer
    else:
        pdf.set_font("helvetica", size=11)
        for line in text_lines:
            pdf.multi_cell(0, 6, line.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret", encryption_method=EncryptionMethod.RC4)
    return bytes(pdf.output())


def _docx(paragraphs: list[str], path) -> None:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(path)


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory, corpora):
    folder = tmp_path_factory.mktemp("bad_inputs")
    zh = normalize_text((corpora / "cn_gov_work_reports" / "2019.txt").read_text(encoding="utf-8"))
    zh_other = normalize_text((corpora / "cn_gov_work_reports" / "2018.txt").read_text(encoding="utf-8"))
    en = (corpora / "us_sotu" / "2022-03-01_Biden.txt").read_text(encoding="utf-8")
    en_paragraphs = [p for p in en.split("\n") if len(p) > 200][:12]

    (folder / "good_zh.txt").write_text(zh, encoding="utf-8")
    (folder / "good_en.md").write_text("---\ntitle: SOTU 2022\ndate: 2022-03-01\njurisdiction: US\n---\n" + en,
                                       encoding="utf-8")
    (folder / "gbk.txt").write_bytes(zh_other[:6000].encode("gbk"))
    (folder / "big5.txt").write_bytes(_traditional_big5(zh[6000:12000]).encode("big5"))
    (folder / "utf16.txt").write_bytes(zh[12000:15000].encode("utf-16"))
    (folder / "utf8_bom.txt").write_bytes(b"\xef\xbb\xbf" + zh[15000:18000].encode("utf-8"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\n\t \n", encoding="utf-8")
    (folder / "junk.txt").write_bytes(os.urandom(20000))
    (folder / "undecodable.txt").write_bytes(en[:3000].encode() + b"\x81\xff\x8d\xfe\x81\xff" + en[3000:4000].encode())
    ends_in_han = zh[18000:21000].rstrip("。,;:!?\n 0123456789")
    truncated = ends_in_han.encode("utf-8")
    (folder / "truncated.txt").write_bytes(truncated[: len(truncated) - 1])  # cut inside the last character
    (folder / "good_zh_copy_in_gb18030.txt").write_bytes(zh.encode("gb18030"))  # same text, other encoding
    (folder / "no_text_layer.pdf").write_bytes(_pdf(None))
    (folder / "encrypted.pdf").write_bytes(_pdf(en_paragraphs[:3], encrypt=True))
    good_pdf = _pdf(en_paragraphs[3:8])
    (folder / "good.pdf").write_bytes(good_pdf)
    (folder / "corrupt.pdf").write_bytes(good_pdf[: len(good_pdf) // 3])
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    _docx(en_paragraphs[8:12], folder / "good.docx")
    article = "".join(f"<p>{p}</p>" for p in en_paragraphs[:6])
    (folder / "page.html").write_text(
        "<html><head><title>Remarks on the economy</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/briefing'>Briefing Room</a> NAVIGATION-MARKER</nav>"
        "<header>SITE-HEADER-MARKER The White House</header>"
        f"<main><article><h1>Remarks on the economy</h1>{article}</article></main>"
        "<footer>FOOTER-MARKER Privacy policy. Copyright notice.</footer></body></html>",
        encoding="utf-8",
    )
    (folder / "french.txt").write_text(
        "Le gouvernement a présenté aujourd'hui une nouvelle stratégie pour la souveraineté économique "
        "de l'Union. Les chaînes d'approvisionnement doivent être plus résilientes face aux crises, "
        "et les dépendances stratégiques seront réduites dans les secteurs clés comme les semi-conducteurs.",
        encoding="utf-8",
    )
    (folder / "unsupported.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "images_only.txt").write_text(
        '<figure><img src="https://example.gov/wp-content/uploads/2023/03/page-1.jpg" width="602" /></figure>\n\n'
        '<figure><img src="https://example.gov/wp-content/uploads/2023/03/page-2.jpg" width="603" /></figure>\n###\n',
        encoding="utf-8")
    (folder / "impossible_date_2023-02-30.txt").write_text(
        "---\ndate: 2023-02-30\n---\n" + zh_other[8000:10000], encoding="utf-8")
    (folder / "no_date.txt").write_text(en[5000:8000], encoding="utf-8")
    # A 50 MB file on a single line: processed, flagged, memory bounded.
    one_line = zh.replace("\n", "")
    big = (one_line * (50 * 2**20 // len(one_line.encode()) + 1)).encode()[: 50 * 2**20]
    (folder / "huge_single_line.txt").write_bytes(big[: len(big) - len(big) % 3])
    jsonl = [
        json.dumps({"id": "jsonl-ok", "text": en[9000:12000], "date": "2022-03-01", "jurisdiction": "US"}),
        "{not json",
        json.dumps({"id": "jsonl-no-text", "body": "oops"}),
    ]
    (folder / "docs.jsonl").write_text("\n".join(jsonl) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bad_run(bad_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("bad_out")
    summary = run_pipeline([str(bad_folder)], out, PipelineConfig.from_dict({"run": {"workers": 2}}))
    documents = read_table(out, "documents").set_index("path", drop=False)
    return summary, documents


def _row(documents, bad_folder, name):
    return documents.loc[str(bad_folder / name)]


def test_every_file_gives_exactly_one_row(bad_folder, bad_run):
    summary, documents = bad_run
    files = sorted(path.name for path in bad_folder.iterdir())
    jsonl_lines = 3
    assert len(documents) == len(files) - 1 + jsonl_lines
    assert documents["doc_id"].is_unique
    assert summary.n_ok > 0 and summary.n_rejected > 0


@pytest.mark.parametrize(
    ("name", "reason_start"),
    [
        ("empty.txt", "empty file (0 bytes)"),
        ("blank.txt", "no text"),
        ("junk.txt", "binary data, not text"),
        ("undecodable.txt", "undecodable bytes: not valid UTF-8 (byte 0x81 at offset"),
        ("no_text_layer.pdf", "PDF has no text layer"),
        ("encrypted.pdf", "encrypted PDF"),
        ("corrupt.pdf", "corrupt PDF"),
        ("corrupt.docx", "corrupt DOCX"),
        ("french.txt", "unsupported language"),
        ("unsupported.xlsx", "unsupported file type '.xlsx'"),
        ("images_only.txt", "no text: only markup, links or numbers"),
        ("good_zh_copy_in_gb18030.txt", "duplicate: same text as good_zh"),
    ],
)
def test_bad_files_are_rejected_with_a_specific_reason(bad_folder, bad_run, name, reason_start):
    _, documents = bad_run
    row = _row(documents, bad_folder, name)
    assert row["status"] == "rejected"
    assert row["reason"].startswith(reason_start), row["reason"]
    assert pd.isna(row["text"])


@pytest.mark.parametrize(
    ("name", "encoding", "lang", "script"),
    [
        ("good_zh.txt", "utf-8", "zh", "simplified"),
        ("gbk.txt", "gb18030", "zh", "simplified"),
        ("big5.txt", "big5", "zh", "traditional"),
        ("utf16.txt", "utf-16-le (byte-order mark)", "zh", "simplified"),
        ("utf8_bom.txt", "utf-8 (byte-order mark)", "zh", "simplified"),
        ("good_en.md", "utf-8", "en", "latin"),
        ("good.pdf", None, "en", "latin"),
        ("good.docx", None, "en", "latin"),
        ("page.html", "utf-8", "en", "latin"),
    ],
)
def test_good_files_in_any_encoding_are_read(bad_folder, bad_run, name, encoding, lang, script):
    _, documents = bad_run
    row = _row(documents, bad_folder, name)
    assert row["status"] == "ok", row["reason"]
    assert row["encoding"] == encoding or (encoding is None and pd.isna(row["encoding"]))
    assert (row["lang"], row["script"]) == (lang, script)
    assert row["n_tokens"] > 100 and row["n_sentences"] > 3


def test_encodings_round_trip_to_the_same_text(bad_folder, bad_run, corpora):
    _, documents = bad_run
    zh = normalize_text((corpora / "cn_gov_work_reports" / "2019.txt").read_text(encoding="utf-8"))
    assert _row(documents, bad_folder, "utf16.txt")["text"] == zh[12000:15000].strip()
    # Traditional text is stored as written; its simplified view has the same offsets and reads like
    # the simplified original.
    big5 = _row(documents, bad_folder, "big5.txt")["text"]
    assert big5 == normalize_text(_traditional_big5(zh[6000:12000]))
    view = to_simplified(big5)
    assert len(view) == len(big5) and view != big5
    assert difflib.SequenceMatcher(None, view, zh[6000:12000], autojunk=False).ratio() > 0.97


def test_html_keeps_the_article_and_drops_navigation(bad_folder, bad_run):
    _, documents = bad_run
    row = _row(documents, bad_folder, "page.html")
    for marker in ("NAVIGATION-MARKER", "SITE-HEADER-MARKER", "FOOTER-MARKER", "Briefing Room"):
        assert marker not in row["text"]
    assert row["title"] == "Remarks on the economy"
    assert len(row["text"]) > 2000


def test_truncated_file_is_kept_and_flagged(bad_folder, bad_run):
    _, documents = bad_run
    row = _row(documents, bad_folder, "truncated.txt")
    assert row["status"] == "ok"
    assert any(warning.startswith("truncated") for warning in row["warnings"])


def test_dates_missing_or_impossible_are_flagged_not_fatal(bad_folder, bad_run):
    _, documents = bad_run
    impossible = _row(documents, bad_folder, "impossible_date_2023-02-30.txt")
    assert impossible["status"] == "ok"
    assert impossible["date"] == "2023-02" and impossible["year"] == 2023
    assert any(w.startswith("date_invalid: '2023-02-30' is not a calendar date") for w in impossible["warnings"])
    front_matter = _row(documents, bad_folder, "good_en.md")
    assert (front_matter["date"], front_matter["date_source"], front_matter["jurisdiction"]) == (
        "2022-03-01", "front_matter", "US")
    undated = _row(documents, bad_folder, "no_date.txt")
    assert undated["status"] == "ok"
    assert pd.isna(undated["date"]) and "date_missing" in undated["warnings"][0]


def test_huge_single_line_file_is_processed_and_flagged(bad_folder, bad_run):
    _, documents = bad_run
    row = _row(documents, bad_folder, "huge_single_line.txt")
    assert row["status"] == "ok", row["reason"]
    assert row["n_chars"] > 15_000_000
    assert any(warning.startswith("no_line_breaks") for warning in row["warnings"])


def test_jsonl_lines_are_documents_and_bad_lines_are_rejected(bad_folder, bad_run):
    _, documents = bad_run
    by_id = documents.set_index("doc_id")
    assert by_id.loc["jsonl-ok", "status"] == "ok"
    assert by_id.loc["jsonl-ok", "jurisdiction"] == "US"
    assert by_id.loc["jsonl-no-text", "reason"] == "line 3: no 'text' field with a string"
    bad_line = documents.loc[f"{bad_folder / 'docs.jsonl'}:2"]
    assert bad_line["reason"].startswith("line 2: invalid JSON")
