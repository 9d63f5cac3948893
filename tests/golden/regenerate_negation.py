"""Write tests/golden/negation.tsv: real corpus sentences where an English negation cue stands near a
mention, and whether the cue negates it (read by a linguist, not by the tagger). The table holds places
(file, offsets, a hash), never the text: the test reads the sentences from ../shared/corpora.

Run from the repository root: .venv/bin/python tests/golden/regenerate_negation.py
"""

from __future__ import annotations

from pathlib import Path

from common import find_sentence, write_golden

# (corpus, a passage that occurs in it, the concept of the mention, negated?, why)
CASES = [
    ("us_sotu", "I make no excuses for it—we're going to buy American", "industrial_policy", False,
     "'no' determines 'excuses'; buying American is affirmed"),
    ("us_wh_fact_sheets", "we are not a leader in the supply chain", "supply_chain", False,
     "'not' negates 'leader'; the chain is inside its modifier"),
    ("eu_soteu", "We did not get rid of our dependency on oil", "strategic_dependency", False,
     "a negated removal: the dependency remains"),
    ("us_nss", "not only for market access but also", "free_trade_openness", False,
     "'not only ... but also' adds, it does not deny"),
    ("us_wh_fact_sheets", "protect against threats to our national security", "national_security", False,
     "the object of 'against' is 'threats'; national security is defended"),
    ("us_presidential_speeches_millercenter", "We have resisted protectionism", "deglobalization", True,
     "the object of 'resist'"),
    ("us_nss", "by resisting protectionism and promoting trade", "deglobalization", True, "the object of 'resist'"),
    ("us_presidential_speeches_millercenter", "the trend is bad against protectionism", "deglobalization", True,
     "the object of 'against'"),
    ("us_wh_presidential_remarks", "But we’re not looking to decouple from China", "decoupling_derisking", True,
     "the complement of a negated predicate"),
    ("us_wh_presidential_remarks", "hold him accountable without sanctions", "export_controls_sanctions", True,
     "the object of 'without'"),
    ("us_sotu", "should no longer remain dependent upon foreign energy", "strategic_dependency", True,
     "'no longer' negates the predicate whose complement the mention is"),
    ("us_sotu", "We remain opposed as ever to protectionism", "deglobalization", True, "the object of 'opposed to'"),
    ("us_sotu", "not trade wars that would close doors", "deglobalization", True,
     "constituent negation: 'not' right before the noun phrase"),
    ("us_sotu", "Without sacrificing any of our security interests", "national_security", False,
     "the object of 'without' is 'sacrificing': the interests are kept"),
    ("us_sotu", "No one is seeking a tariff war", "deglobalization", True, "'no one' denies the predicate"),
    ("us_sotu", "resist the demands for self-defeating protectionism", "deglobalization", True,
     "'resist' sees through 'the demands for'"),
    # a negated harm keeps what it would harm; litotes affirms; "whether or not" asks; "not only" without "also"
    ("us_presidential_actions", "so that such imports will not threaten to impair the national security of the United",
     "national_security", False, "a negated harm: national security is what the tariff protects"),
    ("us_nss", "do not weaken our national security", "national_security", False,
     "a negated harm: security is to be kept"),
    ("us_sotu", "that does not violate any trade agreement", "free_trade_openness", False,
     "a negated violation keeps the agreement"),
    ("us_wh_presidential_remarks", "I have not hesitated to use my power under the Defense Production Act",
     "industrial_policy", False, "litotes: not hesitating to use it is using it"),
    ("us_presidential_speeches_millercenter", "whether or not we should lift the arms embargo",
     "export_controls_sanctions", False, "'whether or not' asks; it negates nothing"),
    ("us_presidential_speeches_millercenter", "will seek not only American energy independence", "self_reliance",
     False, "'not only ... but' adds, with or without 'also'"),
    ("us_wh_presidential_remarks", "This is not in our national security interest", "national_security", True,
     "a denied claim about the interest: the negation stays"),
    ("us_presidential_speeches_millercenter", "It will not put America's national security at risk",
     "national_security", False, "a negated harm said with 'put ... at risk': the security is kept"),
    ("eu_eurlex_legal_acts", "will not put at risk the security of energy supply to the Union",
     "supply_chain_security", False, "the certification formula: a negated 'put at risk' keeps the security"),
    # a negated benefit, relation or sufficiency keeps its goal; 'without' that affirms; a target, not an opposition
    ("us_nss", "rigid export controls increasingly would not protect our national security", "national_security",
     False, "a negated benefit: the controls fail the goal, the goal stands"),
    ("us_presidential_actions", "Basic scientific research information not clearly related to the national security",
     "national_security", False, "a negated relation says what the information is not about"),
    ("us_sotu", "12 years of education is not enough to win the economic competition", "geopolitical_competition",
     False, "'not enough' denies sufficiency; the competition is to be won"),
    ("us_presidential_actions", "do not continue to threaten to impair the national security", "national_security",
     False, "a harm reached through a chain of verbs ('continue to threaten to impair')"),
    ("us_wh_presidential_remarks", "No, I’m not going to ease the sanctions", "export_controls_sanctions", False,
     "a negated removal through 'going to': the sanctions stay"),
    ("us_presidential_actions", "and without compromising national security, each agency shall strive",
     "national_security", False, "'without' before a harm: the security is kept"),
    ("us_nss", "would hurt U.S. companies without benefiting our national security", "national_security", False,
     "'without' before a benefit: the goal stands"),
    ("us_sotu", "true individual freedom cannot exist without economic security", "national_security", False,
     "two denials affirm: economic security is needed"),
    ("us_presidential_actions", "Without a secure domestic supply chain for critical MHDVPs", "supply_chain_security",
     False, "a fronted 'without' is a condition: the secure chain is needed"),
    ("us_wh_fact_sheets", "these were FAA-authorized flights, not a national security threat", "national_security",
     False, "the mention only says what kind of threat is denied"),
    # an opposition reported of someone else; a world without the thing, to credit it; a condition; a removal
    ("us_wh_presidential_remarks", "Every single Republican voted against the Inflation Reduction Act",
     "industrial_policy", False, "reported opposition: the Republicans' vote, not the speaker's stance"),
    ("us_wh_presidential_remarks", "They oppose the CHIPS and Science Act", "industrial_policy", False,
     "reported opposition by 'they'"),
    ("us_wh_presidential_remarks", "MAGA Republicans who voted against the Inflation Reduction Act",
     "industrial_policy", False, "reported opposition, its subject through 'who'"),
    ("us_wh_fact_sheets", "relative to a scenario without the Inflation Reduction Act", "industrial_policy", False,
     "a counterfactual 'without' credits the Act"),
    ("us_wh_fact_sheets", "as there would have been without the Inflation Reduction Act", "industrial_policy",
     False, "'would have been without': the Act made the difference"),
    ("us_wh_presidential_remarks", "If we don’t move against him now with these significant sanctions",
     "export_controls_sanctions", False, "a denied condition says the sanctions are needed"),
    ("us_presidential_speeches_millercenter", "we will not lift sanctions on the Cuban government",
     "export_controls_sanctions", False, "a negated removal: the sanctions stay"),
    # an intensifier, a reported opposition by 'those', a rule's scope, what people knew
    ("us_sotu", "depends as never before on opening up new markets", "free_trade_openness", False,
     "'as never before' intensifies"),
    ("us_presidential_speeches_millercenter", "I ask those who opposed NAFTA", "free_trade_openness", False,
     "reported opposition of 'those who'"),
    ("us_presidential_actions", "do not qualify as originating under USMCA", "free_trade_openness", False,
     "whether goods qualify under the agreement: its scope, not a rejection"),
    ("eu_eurlex_legal_acts", "not yet subject to export controls", "export_controls_sanctions", False,
     "not yet subject to controls: their scope"),
    ("us_wh_presidential_remarks", "never talked about a supply chain", "supply_chain", False,
     "what people talked about, not a rejection"),
    ("us_nss", "has never been more interdependent", "economic_interdependence", False,
     "'never been more' says more than ever"),
    ("eu_eurlex_legal_acts", "which do not constrain economies of scale", "efficiency_comparative_advantage", False,
     "a negated constraint keeps the economies of scale"),
    # Chinese cues keep the window; a harm verb between the cue and the mention keeps what it would harm
    ("cn_laws_regulations", "公开后不会损害国家安全和利益", "national_security", False,
     "a denied harm: national security is what secrecy protects"),
    ("cn_laws_regulations", "不会继续实施危害国家安全行为", "national_security", False,
     "a denied harmful act keeps the security"),
    ("cn_gov_work_reports", "反对各种形式的保护主义，妥善处理贸易摩擦", "deglobalization", True,
     "反对 before the mention"),
]


def main() -> None:
    rows = [{**find_sentence(corpus, passage), "concept": concept, "negated": str(negated).lower(), "why": why}
            for corpus, passage, concept, negated, why in CASES]
    write_golden(Path(__file__).with_name("negation.tsv"), rows)


if __name__ == "__main__":
    main()
