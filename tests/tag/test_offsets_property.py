"""Offsets into the text as given hold for any whitespace and Unicode around the mentions (tag command)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.io import normalize_text
from pipeline.tag import FrameTagger
from pipeline.tag.records import tag_text

TAGGER = FrameTagger()
SPACES = st.sampled_from([" ", "\u00a0", "\u3000", "\t", "\u2009", "\u202f", "  ", " \n", "\u200b "])
NOISE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(before=NOISE, after=NOISE, gap=SPACES, lead=SPACES)
def test_a_term_among_any_unicode_is_found_at_its_place(before, after, gap, lead):
    text = f"{before}{lead}We need export{gap}controls now.{lead}{after}"
    _, mentions, _ = tag_text(TAGGER, text, "en")
    assert all(text[m.start:m.end] == m.text for m in mentions)
    found = [m for m in mentions if m.concept == "export_controls_sanctions"]
    assert found, text
    # The span in the text as given is the term itself, whatever space it holds.
    assert any(normalize_text(m.text).split() == ["export", "controls"] for m in found), [m.text for m in found]


@settings(max_examples=100, deadline=None)
@given(before=NOISE, after=NOISE, gap=st.sampled_from(["", "\u200b", "\u3000", " "]))
def test_chinese_terms_keep_their_place_too(before, after, gap):
    text = f"{before}加强出口{gap}管制。坚持供应链安全。{after}"
    _, mentions, _ = tag_text(TAGGER, text, "zh")
    assert all(text[m.start:m.end] == m.text for m in mentions)
    security = [m for m in mentions if m.concept == "supply_chain_security"]
    assert security and all(m.text == "供应链安全" for m in security)
