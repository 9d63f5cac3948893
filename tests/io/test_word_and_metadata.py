"""Word files read in body order with their properties, and metadata that is missing said so; built from
real corpus text (../shared/corpora) at test time, never copied into the repo."""

from __future__ import annotations

import datetime as dt

from pipeline.io import load_documents, normalize_text
from tests.conftest import SHARED


def _paragraphs(corpus: str, name: str) -> list[str]:
    text = (SHARED / "corpora" / corpus / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.split("\n") if line.strip()]


def test_a_word_file_keeps_tables_where_they_stand_and_reads_its_date(tmp_path):
    import docx

    paragraphs = _paragraphs("cn_gov_work_reports", "2021.txt")[:40]
    document = docx.Document()
    for number, paragraph in enumerate(paragraphs):
        document.add_paragraph(paragraph)
        if number == 30:  # a table after paragraph 31, as in the reported file
            table = document.add_table(rows=2, cols=2)
            for row, (left, right) in enumerate([("指标", "2020年"), ("国内生产总值增长", "2.3%")]):
                table.cell(row, 0).text, table.cell(row, 1).text = left, right
    document.core_properties.created = dt.datetime(2021, 3, 5, 9, 0)
    document.core_properties.title = "政府工作报告"
    document.save(tmp_path / "report.docx")
    [read] = [d for d in load_documents([str(tmp_path)]) if d.ok]
    lines = read.text.split("\n")
    table_at = lines.index("指标 | 2020年")
    assert lines[table_at - 1] == normalize_text(paragraphs[30])
    assert lines[table_at + 2] == normalize_text(paragraphs[31])
    assert lines[table_at + 1] == "国内生产总值增长 | 2.3%"
    assert read.title == "政府工作报告" and read.date == "2021-03-05" and read.date_source == "file_metadata"


def test_missing_jurisdiction_is_a_warning_and_long_first_lines_make_short_titles(tmp_path):
    paragraph = max(_paragraphs("us_sotu", "2023-02-07_Biden.txt"), key=len)  # a long first line, no title
    (tmp_path / "speech.txt").write_text(paragraph + "\n\nMore text follows here.", encoding="utf-8")
    [document] = list(load_documents([str(tmp_path)]))
    assert document.jurisdiction is None
    assert any(w.startswith("jurisdiction_missing") for w in document.warnings)
    assert len(document.title) <= 101 and document.title.endswith("…")
    assert normalize_text(paragraph).startswith(document.title[:-1].rstrip())


def _page(body: str, furniture: bool = True) -> str:
    crumbs = ('<div class="crumbs">首页 &gt; 滚动新闻</div><div>2021-03-12 22:45 来源： 新华社</div>'
              if furniture else "")
    tail = '<div>【我要纠错】 责任编辑：陈悦</div><div>【字体：大 中 小】打印</div>' if furniture else ""
    return f"<html><head><title>政府工作报告</title></head><body>{crumbs}<div>{body}</div>{tail}</body></html>"


def test_web_pages_lose_site_furniture_and_never_their_text(tmp_path):
    paragraphs = _paragraphs("cn_gov_work_reports", "2021.txt")[2:32]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    (tmp_path / "govcn.html").write_text(_page(body), encoding="utf-8")
    (tmp_path / "deep.html").write_text(_page("<div>" * 300 + body + "</div>" * 300, False), encoding="utf-8")
    image = "<img src='data:image/png;base64," + "A" * 11_000_000 + "'/>"
    (tmp_path / "huge.html").write_text(_page(image + body, False), encoding="utf-8")
    documents = {d.doc_id: d for d in load_documents([str(tmp_path)])}
    assert all(d.ok for d in documents.values())
    for name, document in documents.items():
        for paragraph in (paragraphs[0], paragraphs[15], paragraphs[-1]):  # beginning, middle and end are there
            assert normalize_text(paragraph) in document.text, name
    page = documents["govcn"]
    assert "来源" not in page.text and "责任编辑" not in page.text and "首页" not in page.text
    assert any(w.startswith("html_boilerplate_removed") for w in page.warnings)
    assert "【我要纠错】" not in page.text and "字体" not in page.text
    assert any(w.startswith("html_streaming_extraction") for w in documents["deep"].warnings)
    assert any(w.startswith("html_huge_attributes_dropped") for w in documents["huge"].warnings)


def test_a_utf8_title_line_before_a_gbk_body_reads_whole(tmp_path):
    body = (SHARED / "corpora" / "cn_gov_work_reports" / "2019.txt").read_text(encoding="utf-8")[:4000]
    title = "2019年政府工作报告（全文）"
    (tmp_path / "report.txt").write_bytes(f"{title}\n".encode() + body.encode("gb18030"))
    (tmp_path / "plain.txt").write_bytes(body.encode("gb18030"))
    documents = {d.doc_id: d for d in load_documents([str(tmp_path)])}
    mixed = documents["report"]
    assert mixed.text.startswith(normalize_text(title)) and normalize_text(body[:200]) in mixed.text
    assert any(w.startswith("mixed_encoding: the first 1 line(s) are UTF-8, the rest gb18030") for w in mixed.warnings)
    assert documents["plain"].encoding == "gb18030" and not any("mixed" in w for w in documents["plain"].warnings)


def test_a_jsonl_file_in_a_folder_is_its_own_corpus(tmp_path):
    import json

    lines = _paragraphs("eu_soteu", "2022-09-14_von_der_Leyen.txt")[:2]
    (tmp_path / "speeches.jsonl").write_text("\n".join(json.dumps({"id": f"s{i}", "text": line, "jurisdiction": "EU"})
                                                       for i, line in enumerate(lines)), encoding="utf-8")
    documents = [d for d in load_documents([str(tmp_path)]) if d.ok]
    assert len(documents) == 2 and {d.corpus for d in documents} == {"speeches"}
