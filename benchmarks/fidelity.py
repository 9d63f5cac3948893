"""Ingestion fidelity: real corpus documents turned into the formats researchers hold, read back.

    .venv/bin/python benchmarks/fidelity.py [--json]

Each document of DOCUMENTS is written as a web page (a gov.cn / whitehouse.gov style article page with its
breadcrumbs, source, editor and share lines), a Word file (python-docx; a table in the middle), and a PDF
printed by Debian chromium (what "Save as PDF" gives a user; Noto CJK fonts). Each is read by the
pipeline as a user's file would be and compared with the same document read from its ``.txt``:

- characters: the share of the source's characters found, in order, in the format's text (both
  normalised, white space ignored), by ``difflib`` over the two character sequences;
- mentions: the share of the ``.txt`` run's counted mentions found, concept by concept (min of the two
  counts over the .txt count);
- sentences: the difference in sentence count, relative to the ``.txt`` run.

Targets (issue 17): characters >= 99 %, mentions >= 98 %, sentences within 2 %, per format and language.
Nothing here is copied into the repository: the documents are read from ../shared/corpora when it runs.
"""

from __future__ import annotations

import argparse
import difflib
import html
import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CORPORA, REPO  # noqa: E402

sys.path.insert(0, str(REPO))

DOCUMENTS = [
    ("zh", "cn_gov_work_reports", "2019.txt"),
    ("zh", "cn_gov_work_reports", "2021.txt"),
    ("zh", "cn_gov_work_reports", "2024.txt"),
    ("en", "us_sotu", "2022-03-01_Biden.txt"),
    ("en", "us_sotu", "2023-02-07_Biden.txt"),
    ("en", "eu_soteu", "2022-09-14_von_der_Leyen.txt"),
]
FORMATS = ("html", "docx", "pdf")
FURNITURE = {
    "zh": ("<div class='crumbs'>首页 &gt; 滚动新闻</div><div>2021-03-12 22:45 来源： 新华社</div>",
           "<div>【我要纠错】 责任编辑：陈悦</div><div>【字体：大 中 小】打印</div>"),
    "en": ("<div>Briefing Room</div><div>Speeches and Remarks</div>",
           "<div>Share on Facebook</div><div>Print</div><div>Next Post</div>"),
}


def paragraphs(text: str) -> list[str]:
    """The paragraphs a reader sees: the corpus files of the work reports are hard-wrapped inside
    sentences (a line ending in a character, not a punctuation mark, goes on in the next line), so such
    lines are joined first; the formats and the .txt reference are all written from these paragraphs."""
    out: list[str] = []
    for line in (line.strip().strip("\u200b\ufeff").strip() for line in text.split("\n")):  # ZWSP lines
        if not line:
            continue
        if out and re.search(r"[\u3400-\u9fff,，、]$", out[-1]) and re.match(r"[\u3400-\u9fff0-9]", line):
            out[-1] += line
        else:
            out.append(line)
    return out


def write_html(lang: str, title: str, paras: list[str], path: Path) -> None:
    top, bottom = FURNITURE[lang]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    path.write_text(f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(title)}"
                    f"</title></head><body><nav><a href='#'>Home</a></nav>{top}<article><h1>{html.escape(title)}</h1>"
                    f"{body}</article>{bottom}<footer>Copyright</footer></body></html>", encoding="utf-8")


def write_docx(paras: list[str], path: Path) -> None:
    import docx

    document = docx.Document()
    middle = len(paras) // 2
    for number, paragraph in enumerate(paras):
        document.add_paragraph(paragraph)
        if number == middle:  # a table in the middle: it must come out where it stands
            table = document.add_table(rows=1, cols=2)
            table.cell(0, 0).text, table.cell(0, 1).text = paras[0][:20], paras[-1][:20]
    document.save(path)


def write_pdfs(jobs: list[tuple[str, list[str], Path]]) -> None:
    """Print each document to PDF with Debian chromium (as a user's "Save as PDF" does)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Debian chromium is needed to print the PDFs (make browser installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        for lang, paras, path in jobs:
            font = "'Noto Serif CJK SC', 'Noto Sans CJK SC', serif" if lang == "zh" else "'DejaVu Serif', serif"
            body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
            page.set_content(f"<!doctype html><html><head><meta charset='utf-8'><style>body {{ font-family: {font};"
                             f" font-size: 11pt; }} p {{ margin: 0 0 8pt; text-align: justify; }}</style></head>"
                             f"<body>{body}</body></html>")
            page.pdf(path=str(path), format="A4", margin={"top": "2cm", "bottom": "2cm", "left": "2cm",
                                                           "right": "2cm"})
        browser.close()


def kept_share(source: str, found: str) -> float:
    """Share of ``source``'s characters found in order in ``found`` (white space ignored)."""
    a, b = "".join(source.split()), "".join(found.split())
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(a))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()

    from pipeline.io import load_documents
    from pipeline.segment import Segmenter
    from pipeline.tag import FrameTagger

    segmenter, tagger = Segmenter(), FrameTagger()
    work = Path(tempfile.mkdtemp(prefix="fidelity-"))
    pdf_jobs = []
    for lang, corpus, name in DOCUMENTS:
        text = (CORPORA / corpus / name).read_text(encoding="utf-8")
        paras, stem = paragraphs(text), Path(name).stem
        for fmt in ("txt", *FORMATS):
            (work / fmt).mkdir(exist_ok=True)
        (work / "txt" / name).write_text("\n".join(paras), encoding="utf-8")
        write_html(lang, paras[0][:60], paras, work / "html" / f"{stem}.html")
        write_docx(paras, work / "docx" / f"{stem}.docx")
        pdf_jobs.append((lang, paras, work / "pdf" / f"{stem}.pdf"))
    write_pdfs(pdf_jobs)

    def read(fmt: str) -> dict:
        return {d.doc_id: d for d in load_documents([str(work / fmt)]) if d.ok}

    def mentions(document) -> Counter:
        return Counter(m.concept for m in tagger.tag(document.text, view=document.matching_text) if m.counted)

    base = read("txt")
    rows = []
    for fmt in FORMATS:
        found = read(fmt)
        for lang, _, name in DOCUMENTS:
            stem = Path(name).stem
            source, document = base[stem], found.get(stem)
            if document is None:
                rows.append({"format": fmt, "lang": lang, "document": stem, "read": False})
                continue
            expected, got = mentions(source), mentions(document)
            n_source, n_found = len(segmenter.segment(source).sentences), len(segmenter.segment(document).sentences)
            rows.append({"format": fmt, "lang": lang, "document": stem, "read": True,
                         "chars": kept_share(source.text, document.text),
                         "mentions": sum(min(n, got[c]) for c, n in expected.items()) / max(1, sum(expected.values())),
                         "mentions_txt": sum(expected.values()), "mentions_format": sum(got.values()),
                         "sentences_txt": n_source, "sentences_format": n_found,
                         "sentence_diff": (n_found - n_source) / max(1, n_source),
                         "warnings": [w.split(":")[0] for w in document.warnings]})
    shutil.rmtree(work, ignore_errors=True)
    if arguments.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    print("format lang document                     chars  mentions (txt/format)   sentences (txt/format)")
    for row in rows:
        if not row["read"]:
            print(f"{row['format']:<6} {row['lang']:<4} {row['document']:<28} NOT READ")
            continue
        print(f"{row['format']:<6} {row['lang']:<4} {row['document']:<28} {row['chars']:6.1%}  {row['mentions']:6.1%} "
              f"({row['mentions_txt']}/{row['mentions_format']})   {row['sentence_diff']:+6.1%} "
              f"({row['sentences_txt']}/{row['sentences_format']})")
    print("\nper format and language (worst document):")
    for fmt in FORMATS:
        for lang in ("zh", "en"):
            chosen = [r for r in rows if r["format"] == fmt and r["lang"] == lang and r["read"]]
            if chosen:
                print(f"{fmt:<6} {lang}: characters {min(r['chars'] for r in chosen):.1%}, mentions "
                      f"{min(r['mentions'] for r in chosen):.1%}, sentences within "
                      f"{max(abs(r['sentence_diff']) for r in chosen):.1%}")


if __name__ == "__main__":
    main()
