"""Does a shift survive other reasonable lexicon choices?

The strategic-shift difference between two periods of a jurisdiction (:func:`compare_shift`) is recomputed
from the stored mentions, never re-tagged, under each *variant*:

- ``concept``: every svc or gvc concept with mentions left out in turn;
- ``term``: each of the most frequent svc/gvc terms (surface forms, :func:`term_key`) left out in turn;
- ``profile``: the named lexicon profiles of ``pipeline/lexicon/profiles.yaml`` (``core``: only the
  taxonomy's core terms; ``no-reform-opening``; ``no-food-energy``) and a user's own (``trends.profiles``);
- ``stance``: ``own-voice``, the mentions of a frame ascribed to another actor left out
  (:mod:`pipeline.tag.attribution`; negated mentions are left out of every variant, as of the headline).

Every variant resamples with the same seeds as the headline, so differences between variants are the
lexicon choice, not resampling noise. The summary says the range of the difference, the variant that
moves it most, and whether its sign, and its significance (the interval excluding 0), hold under every
variant.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pipeline.aggregate.shift import compare_shift
from pipeline.aggregate.tables import RunTables, parse_period_range, resolve_name
from pipeline.aggregate.terms import term_key
from pipeline.config import TrendsConfig

PROFILES_FILE = Path(__file__).resolve().parents[1] / "lexicon" / "profiles.yaml"
_PROFILE_KEYS = {"description", "drop_concepts", "drop_terms", "core_only"}


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    drop_concepts: frozenset[str] = frozenset()
    drop_terms: dict[str, frozenset[str]] = field(default_factory=dict)
    core_only: bool = False

    def keep(self, mentions: pd.DataFrame, keys: pd.Series, core_terms: dict[str, frozenset[str]]) -> pd.Series:
        """Which ``mentions`` count under this profile (a boolean Series); ``keys`` are their terms
        (:func:`term_key` of their text, computed once by the caller)."""
        kept = ~mentions["concept"].isin(self.drop_concepts)
        for concept, terms in self.drop_terms.items():
            kept &= ~((mentions["concept"] == concept) & keys.isin(terms))
        if self.core_only:
            kept &= np.array([_is_core(key, core_terms.get(concept, frozenset()))
                              for key, concept in zip(keys, mentions["concept"], strict=True)], dtype=bool)
        return kept


def _is_core(key: str, core: frozenset[str]) -> bool:
    return key in core or (key.endswith("s") and key[:-1] in core) or (key.endswith("es") and key[:-2] in core)


def load_profiles(user_file: str | Path | None = None) -> tuple[dict[str, Profile], dict[str, frozenset[str]]]:
    """The shipped profiles and core terms, updated with those of ``user_file``: (profiles by name, core
    term keys by concept)."""
    profiles, core = _read_profiles(PROFILES_FILE)
    if user_file is not None:
        mine, my_core = _read_profiles(Path(user_file))
        profiles.update(mine)
        core.update(my_core)
    return profiles, core


def _read_profiles(path: Path) -> tuple[dict[str, Profile], dict[str, frozenset[str]]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ProfileError(f"{path}: cannot read the profiles: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("profiles", {}), dict):
        raise ProfileError(f"{path}: a profile file is a mapping with 'profiles' (name: settings)")
    profiles = {}
    for name, spec in (data.get("profiles") or {}).items():
        where = f"{path}: profiles.{name}"
        if not isinstance(spec, dict):
            raise ProfileError(f"{where}: a profile is a mapping ({', '.join(sorted(_PROFILE_KEYS))})")
        unknown = set(spec) - _PROFILE_KEYS
        if unknown:
            raise ProfileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} "
                               f"(valid: {', '.join(sorted(_PROFILE_KEYS))})")
        drop_terms = spec.get("drop_terms") or {}
        if not isinstance(drop_terms, dict) or not all(isinstance(v, list) for v in drop_terms.values()):
            raise ProfileError(f"{where}.drop_terms: a mapping of concept: [terms]")
        drop_concepts = spec.get("drop_concepts") or []
        if not isinstance(drop_concepts, list):
            raise ProfileError(f"{where}.drop_concepts: a list of concept ids")
        terms = {str(concept): frozenset(term_key(t) for t in listed) for concept, listed in drop_terms.items()}
        profiles[str(name)] = Profile(str(name), str(spec.get("description", "")), frozenset(map(str, drop_concepts)),
                                      terms, bool(spec.get("core_only", False)))
    core_terms = data.get("core_terms") or {}
    if not isinstance(core_terms, dict):
        raise ProfileError(f"{path}: core_terms is a mapping of concept: {{zh: [...], en: [...]}}")
    core = {str(concept): frozenset(term_key(term) for terms in (langs or {}).values() for term in terms or [])
            for concept, langs in core_terms.items()}
    return profiles, core


@dataclass
class Variant:
    kind: str  # baseline | concept | term | profile | stance
    name: str
    description: str
    a: float  # the SVC share of the first period
    b: float
    diff: float
    ci: tuple[float, float]
    n_svc: int  # svc and gvc mentions of both periods together
    n_gvc: int

    @property
    def significant(self) -> bool:
        return self.ci[0] > 0 or self.ci[1] < 0


@dataclass
class Robustness:
    jurisdiction: str
    periods: tuple[str, str]
    baseline: Variant
    variants: list[Variant]

    def summary(self) -> dict:
        """The range of the difference over every variant, the variant that moves it most, and whether the
        baseline's sign and significance hold under all of them."""
        defined = [v for v in self.variants if not math.isnan(v.diff)]
        base = self.baseline
        sign = math.copysign(1, base.diff) if base.diff else 0
        moved = max(defined, key=lambda v: abs(v.diff - base.diff), default=None)
        return {
            "diff": base.diff, "ci": list(base.ci), "significant": base.significant,
            "range": [min((v.diff for v in defined), default=math.nan), max((v.diff for v in defined),
                                                                            default=math.nan)],
            "most_moved_by": f"{moved.kind}:{moved.name}" if moved else None,
            "sign_holds": all(math.copysign(1, v.diff) == sign and v.diff != 0 for v in defined) and bool(sign),
            "significance_holds": base.significant and all(v.significant and math.copysign(1, v.diff) == sign
                                                          for v in defined),
            "n_variants": len(self.variants), "n_undefined": len(self.variants) - len(defined),
        }

    def as_dict(self) -> dict:
        return {"jurisdiction": self.jurisdiction, "periods": list(self.periods), "summary": self.summary(),
                "baseline": _variant_dict(self.baseline), "variants": [_variant_dict(v) for v in self.variants]}


def _variant_dict(variant: Variant) -> dict:
    return {**asdict(variant), "ci": list(variant.ci), "significant": variant.significant}


def robustness(tables: RunTables, concepts: dict[str, tuple[str, str]], jurisdiction: str, periods: tuple[str, str],
               config: TrendsConfig | None = None, *, profiles: dict[str, Profile] | None = None,
               core_terms: dict[str, frozenset[str]] | None = None, top_terms: int = 10,
               corpus: str | None = None) -> Robustness:
    """The shift of ``jurisdiction`` between ``periods`` under every variant (module docstring)."""
    config = config or TrendsConfig()
    jurisdiction = resolve_name(jurisdiction, tables.documents["jurisdiction"], "jurisdiction")
    if corpus is not None:
        corpus = resolve_name(corpus, tables.documents["corpus"], "corpus")
    if profiles is None or core_terms is None:
        shipped, shipped_core = load_profiles(config.profiles)
        profiles = shipped if profiles is None else profiles
        core_terms = shipped_core if core_terms is None else core_terms
    sides = ((jurisdiction, periods[0]), (jurisdiction, periods[1]))

    def variant(kind: str, name: str, description: str, kept: pd.Series | None) -> Variant:
        subset = tables if kept is None else replace(tables, mentions=tables.mentions[kept.to_numpy()])
        result = compare_shift(subset, concepts, *sides, config=config, corpus=corpus)
        return Variant(kind, name, description, result.a.share, result.b.share, result.diff, result.ci,
                       result.a.n_svc + result.b.n_svc, result.a.n_gvc + result.b.n_gvc)

    baseline = variant("baseline", "lexicon", "every counted mention", None)
    mentions = tables.mentions
    framing = mentions[mentions["family"].isin(("svc", "gvc")) & _in_sides(tables, jurisdiction, periods, corpus)]
    if not config.include_negated:
        framing = framing[~framing["negated"]]
    variants = []
    for concept in sorted(framing["concept"].unique()):
        variants.append(variant("concept", concept, f"{concept} left out", mentions["concept"] != concept))
    keys = mentions["text"].map(term_key)
    frequent = framing.assign(term=keys[framing.index]).groupby(["concept", "term"]).size()
    for (concept, term), count in frequent.sort_values(ascending=False, kind="stable").head(top_terms).items():
        variants.append(variant("term", f"{concept}:{term}", f"'{term}' ({count} mentions) left out",
                                ~((mentions["concept"] == concept) & (keys == term))))
    for name, profile in profiles.items():
        variants.append(variant("profile", name, profile.description, profile.keep(mentions, keys, core_terms)))
    # stance: only what the documents say in their own voice
    variants.append(variant("stance", "own-voice", "frames ascribed to another actor left out (negated ones are "
                            "left out by default)", ~mentions["attributed"].astype(bool)))
    return Robustness(jurisdiction, tuple(periods), baseline, variants)


def _in_sides(tables: RunTables, jurisdiction: str, periods: tuple[str, str], corpus: str | None) -> pd.Series:
    documents = tables.documents[tables.documents["jurisdiction"] == jurisdiction]
    if corpus is not None:
        documents = documents[documents["corpus"] == corpus]
    chosen = pd.Series(False, index=documents.index)
    for period in periods:
        first, last = parse_period_range(period)
        chosen |= documents["year"].between(first, last)
    return tables.mentions["doc_id"].isin(documents.loc[chosen, "doc_id"])


def jurisdictions_with_both(tables: RunTables, periods: tuple[str, str], corpus: str | None = None) -> list[str]:
    """The jurisdictions with documents in both periods (and in ``corpus``, if given), sorted."""
    documents = tables.documents if corpus is None else tables.documents[tables.documents["corpus"] == corpus]
    found = None
    for period in periods:
        first, last = parse_period_range(period)
        present = set(documents.loc[documents["year"].between(first, last), "jurisdiction"])
        found = present if found is None else found & present
    return sorted(found or ())
