"""Segmentation: sentences for both languages, Chinese words (jieba dictionary), English tokens (spaCy)."""

from pipeline.segment.chinese import ChineseWordSegmenter, project_user_words
from pipeline.segment.english import EnglishTokenizer
from pipeline.segment.segmenter import SegmentedDocument, Segmenter, Sentence
from pipeline.segment.sentences import split_chinese, split_english

__all__ = [
    "ChineseWordSegmenter",
    "EnglishTokenizer",
    "SegmentedDocument",
    "Segmenter",
    "Sentence",
    "project_user_words",
    "split_chinese",
    "split_english",
]
