"""Tagging: framing concepts (the lexicon's terms) and entities (the gazetteer's names and patterns), with
offsets, rules and flags."""

from pipeline.tag.entities import EntityMention, EntityTagger
from pipeline.tag.mention import Mention, NearMiss
from pipeline.tag.tagger import FrameTagger, sentence_spans, tag_segmented, tagger_for

__all__ = ["EntityMention", "EntityTagger", "FrameTagger", "Mention", "NearMiss", "tag_segmented", "tagger_for",
           "sentence_spans"]
