"""The bilingual framing lexicon: data in ``concepts.yaml``, versioned, validated at load."""

from pipeline.lexicon.load import LexiconError, build_lexicon, default_lexicon_path, load_lexicon
from pipeline.lexicon.model import Concept, ContextRule, Family, Lexicon, Term

__all__ = ["Concept", "ContextRule", "Family", "Lexicon", "LexiconError", "Term", "build_lexicon",
           "default_lexicon_path", "load_lexicon"]
