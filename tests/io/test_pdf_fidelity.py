"""A PDF's stored text is the document's text: wrapped English lines re-joined, CJK radicals read as the
ideographs they stand for. Built from real corpus text (../shared/corpora), never copied into the repo."""

from __future__ import annotations

import pytest

from pipeline.io import load_documents, normalize_text
from pipeline.segment import Segmenter
from pipeline.tag import FrameTagger
from tests.conftest import SHARED

ASCII = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "})


@pytest.fixture(scope="module")
def speech() -> str:
    """Paragraphs of the 2022 State of the Union speech (EU) around its IPCEI passage, as plain ASCII."""
    text = (SHARED / "corpora" / "eu_soteu" / "2022-09-14_von_der_Leyen.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in text.translate(ASCII).split("\n") if p.strip()]
    at = next(i for i, p in enumerate(paragraphs) if "Important Projects of Common European Interest" in p)
    chosen = paragraphs[max(0, at - 12):at + 12]
    return "\n\n".join(p.encode("latin-1", "ignore").decode("latin-1") for p in chosen)


def test_wrapped_english_pdf_lines_are_one_text_again(speech, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for paragraph in speech.split("\n\n"):
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")  # wraps every ~95 characters
        pdf.ln(4)
    (tmp_path / "speech.pdf").write_bytes(bytes(pdf.output()))
    (tmp_path / "speech.txt").write_text(speech, encoding="utf-8")
    documents = {d.source_format: d for d in load_documents([str(tmp_path)])}
    from_pdf, from_text = documents["pdf"], documents["txt"]
    segmenter = Segmenter()
    sentences_pdf = len(segmenter.segment(from_pdf).sentences)
    sentences_txt = len(segmenter.segment(from_text).sentences)
    assert abs(sentences_pdf - sentences_txt) <= max(1, 0.02 * sentences_txt), (sentences_pdf, sentences_txt)
    tagger = FrameTagger()
    concepts = sorted(m.concept for m in tagger.tag(from_pdf.text) if m.counted)
    assert concepts == sorted(m.concept for m in tagger.tag(from_text.text) if m.counted)
    assert "industrial_policy" in concepts  # the IPCEI phrase, once split across a line


def test_cjk_radicals_from_pdf_fonts_read_as_ideographs():
    """A work report as a PDF with a common CJK font comes out with radicals for 民, 长, 风, 食: simulated on
    the real text, the stored text and the counted mentions are those of the report itself."""
    report = (SHARED / "corpora" / "cn_gov_work_reports" / "2021.txt").read_text(encoding="utf-8")[:20_000]
    as_extracted = report.translate(str.maketrans({"民": "⺠", "长": "⻓", "风": "⻛", "食": "⻝", "人": "⼈"}))
    assert "人民" not in as_extracted
    stored = normalize_text(as_extracted)
    assert stored == normalize_text(report)
    tagger = FrameTagger()
    assert [m.concept for m in tagger.tag(stored) if m.counted] == [m.concept for m in tagger.tag(
        normalize_text(report)) if m.counted]


def test_a_file_whose_spaces_are_nul_bytes_is_read_as_text_with_a_warning(tmp_path):
    """Without the NUL-as-space check this real speech read as UTF-16 'Chinese', status ok, no warning."""
    raw = (SHARED / "corpora" / "us_sotu" / "2023-02-07_Biden.txt").read_bytes()[:20_000]
    (tmp_path / "broken.txt").write_bytes(raw.replace(b" ", b"\0"))
    [document] = load_documents([str(tmp_path / "broken.txt")])
    assert document.lang == "en" and "President" in document.text
    assert any(warning.startswith("nul_as_space") for warning in document.warnings)
    # Real UTF-16 (NULs on one parity) is still UTF-16.
    (tmp_path / "utf16.txt").write_bytes(raw.decode("utf-8", "ignore").encode("utf-16-le"))
    [utf16] = load_documents([str(tmp_path / "utf16.txt")])
    assert utf16.encoding.startswith("utf-16-le") and "President" in utf16.text


def test_a_chinese_report_printed_to_pdf_reads_back_whole(tmp_path):
    """The fidelity benchmark's check on one real report printed by chromium: headings stay apart from the
    text they head, page breaks do not cut sentences, and no character or mention is lost."""
    import sys

    from tests.conftest import REPO
    from tests.rendering import CHROMIUM

    assert CHROMIUM, "Debian chromium is needed (make test installs it)"
    sys.path.insert(0, str(REPO / "benchmarks"))
    from fidelity import kept_share, paragraphs, write_pdfs

    text = (SHARED / "corpora" / "cn_gov_work_reports" / "2021.txt").read_text(encoding="utf-8")
    paras = paragraphs(text)[:80]
    (tmp_path / "txt").mkdir()
    (tmp_path / "pdf").mkdir()
    (tmp_path / "txt" / "2021.txt").write_text("\n".join(paras), encoding="utf-8")
    write_pdfs([("zh", paras, tmp_path / "pdf" / "2021.pdf")])
    [source] = list(load_documents([str(tmp_path / "txt")]))
    [printed] = list(load_documents([str(tmp_path / "pdf")]))
    assert printed.ok and kept_share(source.text, printed.text) >= 0.99
    segmenter, tagger = Segmenter(), FrameTagger()
    n_source, n_printed = (len(segmenter.segment(d).sentences) for d in (source, printed))
    assert abs(n_printed - n_source) <= 0.02 * n_source, (n_source, n_printed)
    counted = [sorted(m.concept for m in tagger.tag(d.text, view=d.matching_text) if m.counted)
               for d in (source, printed)]
    assert counted[0] == counted[1]


def test_a_pdf_set_letter_by_letter_is_flagged(speech, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, speech.split("\n\n")[0], new_x="LMARGIN", new_y="NEXT")  # a few lines of prose
    for letter in "EUROPEANINTEREST" * 2:  # then one character per line, as vertical or spaced setting reads
        pdf.cell(0, 5, letter, new_x="LMARGIN", new_y="NEXT")
    (tmp_path / "spaced.pdf").write_bytes(bytes(pdf.output()))
    [document] = list(load_documents([str(tmp_path)]))
    assert document.ok and any(w.startswith("pdf_poor_text: page(s) 1") for w in document.warnings)
