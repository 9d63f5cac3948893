from __future__ import annotations

from pipeline.io import normalize_text
from pipeline.io.chinese_script import to_simplified, traditional_share
from pipeline.io.language import detect_language


def test_normalisation_folds_width_invisibles_and_whitespace():
    raw = "\ufeffＧＤＰ增长５％，\u200b就业\u3000稳定。\r\n\r\n\r\n\r\n  Next\t\tline  \n"
    assert normalize_text(raw) == "GDP增长5%,就业 稳定。\n\nNext line"


def test_simplified_view_keeps_offsets():
    traditional = "推動產業鏈供應鏈安全穩定，維護國家經濟安全。"
    view = to_simplified(traditional)
    assert view == "推动产业链供应链安全稳定，维护国家经济安全。"
    assert len(view) == len(traditional)
    assert traditional_share(traditional) > 0.3
    assert traditional_share(view) == 0.0


def test_real_documents_get_their_language(work_report_2021, sotu_2023):
    assert detect_language(normalize_text(work_report_2021)).lang == "zh"
    assert detect_language(normalize_text(sotu_2023)).lang == "en"


def test_mixed_documents_get_paragraph_spans(work_report_2021, sotu_2023):
    zh_part = normalize_text(work_report_2021)[:3000]
    en_part = normalize_text(sotu_2023)[:3000]
    text = zh_part + "\n\n" + en_part
    verdict = detect_language(text)
    assert verdict.lang == "mixed"
    assert [span.lang for span in verdict.spans] == ["zh", "en"]
    assert verdict.spans[0].start == 0 and verdict.spans[-1].end == len(text)
    boundary = verdict.spans[1].start
    assert text[boundary:].startswith(en_part[:20])


def test_a_short_english_title_does_not_make_a_chinese_report_mixed(work_report_2021):
    text = "Government Work Report (official translation pending)\n\n" + normalize_text(work_report_2021)
    assert detect_language(text).lang == "zh"


def test_other_languages_are_unsupported():
    french = ("Le gouvernement a présenté une nouvelle stratégie pour la souveraineté économique de l'Union "
              "européenne, avec des chaînes d'approvisionnement plus résilientes et moins de dépendances.")
    assert detect_language(french).lang is None
    japanese = "経済安全保障推進法に基づき、サプライチェーンの強靱化を図る。特定重要物資の安定供給を確保する。"
    assert detect_language(japanese).lang is None
