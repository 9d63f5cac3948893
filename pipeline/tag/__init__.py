"""Framing-concept tagging: the lexicon's terms found in text, with offsets, rules and flags."""

from pipeline.tag.mention import Mention, NearMiss
from pipeline.tag.tagger import FrameTagger, sentence_spans, tag_segmented

__all__ = ["FrameTagger", "Mention", "NearMiss", "tag_segmented", "sentence_spans"]
