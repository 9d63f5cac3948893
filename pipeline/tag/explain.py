"""``lexicon explain``: which rule matched where in a text, and why near-misses did not count."""

from __future__ import annotations

from pipeline.config import PipelineConfig
from pipeline.io import normalize_text
from pipeline.io.chinese_script import traditional_share
from pipeline.io.document import Document
from pipeline.io.language import detect_language
from pipeline.segment import Segmenter
from pipeline.tag.mention import NearMiss
from pipeline.tag.tagger import tag_segmented, tagger_for


def explain(text: str, config: PipelineConfig | None = None) -> dict:
    """Mentions (with what they are nested in) and refused matches of ``text`` (normalised first)."""
    config = config or PipelineConfig()
    normalized = normalize_text(text)
    verdict = detect_language(normalized)
    lang = verdict.lang or "en"
    # Any traditional character makes matching go through the simplified view, as it always did here.
    script = "traditional" if traditional_share(normalized) > 0 else "simplified"
    document = Document("text", "explain", "-", normalized, lang, "", script=script,
                        language_spans=verdict.spans if lang == "mixed" else ())
    segmented = Segmenter(config.segment, lexicon_path=config.tag.lexicon).segment(document)
    tagger = tagger_for(config.tag)
    near_misses: list[NearMiss] = []
    mentions = tag_segmented(tagger, document, segmented, near_misses=near_misses)
    counted = [mention for mention in mentions if mention.counted]
    rows = []
    for mention in mentions:
        row = {**mention.as_dict(), "nested_in": None}
        if not mention.counted:
            container = next((other for other in counted
                              if other.start < mention.end and mention.start < other.end), None)
            row["nested_in"] = container.text if container else None
        rows.append(row)
    return {
        "text": normalized,
        "lang": lang,
        "lexicon_version": tagger.lexicon.version,
        "mentions": rows,
        "near_misses": [
            {"rule": miss.rule, "concept": miss.concept, "start": miss.start, "end": miss.end, "text": miss.text,
             "why": miss.why}
            for miss in near_misses
        ],
    }
