"""Loading and validating the lexicon file. Errors point to the entry: ``concepts.resilience.en[2]``."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from pipeline.lexicon.model import AttributionCues, Concept, ContextRule, Family, FlagCues, Lexicon, Term

DEFAULT_LEXICON = "concepts.yaml"
_TERM_KEYS = {"term", "regex", "case_sensitive", "not_preceded_by", "not_followed_by", "requires", "excludes",
              "align_to_tokens", "note"}
_CONCEPT_KEYS = {"family", "dimension", "definition", "zh", "en", "subconcepts"}
_RULE_KEYS = {"pattern", "window", "side"}
# A named part of a pattern, written once under `fragments:` and used inside patterns as {{name}} (YAML
# anchors can share a whole string, not part of one).
_FRAGMENT_REF = re.compile(r"\{\{([^{}]*)\}\}")
# The literal start of an English pattern: letters and digits, single spaces, hyphens, apostrophes and
# escaped dots ("u\.s\.-made" starts with "u.s.-made").
_ANCHOR = re.compile(r"^(?:[a-z0-9]|\\\.)+(?:(?: \+|')(?:[a-z0-9]|\\\.)+)*", re.IGNORECASE)


class LexiconError(ValueError):
    """The lexicon file is invalid; ``problems`` lists every error with the entry it belongs to."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def default_lexicon_path() -> Path:
    return Path(str(resources.files("pipeline.lexicon") / DEFAULT_LEXICON))


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load and validate a lexicon file (default: the one shipped in the package). Loaded once per
    process while the file is unchanged (parsing and validating takes a few hundred milliseconds)."""
    return load_cached(Path(path) if path else default_lexicon_path(), "lexicon", build_lexicon)


def load_cached(path: Path, kind: str, build):
    """``build(data, content_hash=, source=)`` of a YAML file, once per process while the file is unchanged
    (keyed by its path, modification time and size). The lexicon and the gazetteer load this way."""
    try:
        stat = path.stat()
    except OSError as error:
        raise LexiconError([f"{path}: cannot read {kind}: {error}"]) from None
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, kind, build)


@lru_cache(maxsize=16)
def _load_cached(path_text: str, mtime_ns: int, size: int, kind: str, build):
    path = Path(path_text)
    try:
        raw_bytes = path.read_bytes()
        data = yaml.safe_load(raw_bytes.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise LexiconError([f"{path}: cannot read {kind}: {error}"]) from None
    return build(data, content_hash=hashlib.sha256(raw_bytes).hexdigest(), source=str(path))


def build_lexicon(data: object, *, content_hash: str = "", source: str = "") -> Lexicon:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise LexiconError([f"{source}: the lexicon must be a mapping with 'version' and 'concepts'"])
    version = str(data.get("version", "")).strip()
    if not version:
        problems.append("version: missing")
    raw_concepts = data.get("concepts")
    if not isinstance(raw_concepts, dict) or not raw_concepts:
        raise LexiconError([*problems, "concepts: missing or empty"])

    fragments = _fragments(data.get("fragments"), problems)
    concepts: dict[str, Concept] = {}
    terms: list[Term] = []
    seen: dict[tuple[str, str], str] = {}  # (lang, normalised pattern) -> where it was first defined
    for concept_id, entry in raw_concepts.items():
        where = f"concepts.{concept_id}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(concept_id)):
            problems.append(f"{where}: concept ids are lower_snake_case")
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        for key in set(entry) - _CONCEPT_KEYS:
            problems.append(f"{where}.{key}: unknown key (valid: {', '.join(sorted(_CONCEPT_KEYS))})")
        try:
            family = Family(entry.get("family"))
        except ValueError:
            problems.append(f"{where}.family: {entry.get('family')!r} is not one of gvc, svc, topic")
            continue
        concepts[concept_id] = Concept(concept_id, family, str(entry.get("dimension", "")),
                                       str(entry.get("definition", "")).strip(),
                                       _subconcepts(entry.get("subconcepts"), f"{where}.subconcepts", problems))
        for lang in ("zh", "en"):
            for index, raw_term in enumerate(entry.get(lang) or []):
                term_where = f"{where}.{lang}[{index}]"
                raw_term = _with_fragments(raw_term, fragments, term_where, problems)
                term = _build_term(raw_term, concept_id, lang, index, term_where, problems)
                if term is None:
                    continue
                key = (lang, term.pattern if lang == "zh" else term.pattern.lower())
                if key in seen:
                    problems.append(f"{term_where}: {term.pattern!r} is already defined at {seen[key]}")
                    continue
                seen[key] = term_where
                terms.append(term)

    cues = _build_cues(data.get("flags") or {}, problems)
    attribution = _build_attribution((data.get("flags") or {}).get("attribution"), concepts, problems)
    if problems:
        raise LexiconError(problems)
    return Lexicon(
        version=version,
        content_hash=content_hash,
        concepts=concepts,
        terms=tuple(terms),
        cues=cues,
        source=source,
        zh_terms=tuple(term for term in terms if term.lang == "zh"),
        en_terms=tuple(term for term in terms if term.lang == "en"),
        attribution=attribution,
    )


def _fragments(raw: object, problems: list[str]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append("fragments: must be a mapping of names to parts of patterns")
        return {}
    fragments: dict[str, str] = {}
    for name, part in raw.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(name)):
            problems.append(f"fragments.{name}: fragment names are lower_snake_case")
        elif not isinstance(part, str) or not part:
            problems.append(f"fragments.{name}: must be a non-empty string")
        elif _FRAGMENT_REF.search(part):
            problems.append(f"fragments.{name}: a fragment cannot use another fragment")
        else:
            fragments[str(name)] = part
    return fragments


def _with_fragments(raw: object, fragments: dict[str, str], where: str, problems: list[str]) -> object:
    """``raw`` (a term, or any part of one but its note) with every {{name}} replaced by its fragment."""
    if isinstance(raw, str):
        def part(reference: re.Match) -> str:
            name = reference.group(1)
            if name not in fragments:
                known = ", ".join(sorted(fragments)) or "none"
                problems.append(f"{where}: unknown fragment {{{{{name}}}}} (defined under 'fragments': {known})")
                return reference.group()
            return fragments[name]

        return _FRAGMENT_REF.sub(part, raw)
    if isinstance(raw, list):
        return [_with_fragments(item, fragments, where, problems) for item in raw]
    if isinstance(raw, dict):
        return {key: value if key == "note" else _with_fragments(value, fragments, f"{where}.{key}", problems)
                for key, value in raw.items()}
    return raw


def _build_term(raw: object, concept_id: str, lang: str, index: int, where: str, problems: list[str]) -> Term | None:
    spec = {"term": raw} if isinstance(raw, str) else raw
    if not isinstance(spec, dict) or not isinstance(spec.get("term"), str) or not spec["term"].strip():
        problems.append(f"{where}: a term is a string or a mapping with a 'term' string")
        return None
    for key in set(spec) - _TERM_KEYS:
        problems.append(f"{where}.{key}: unknown key (valid: {', '.join(sorted(_TERM_KEYS))})")
    pattern = spec["term"].strip()
    options = {
        "case_sensitive": bool(spec.get("case_sensitive", False)),
        "align_to_tokens": bool(spec.get("align_to_tokens", False)),
        "note": str(spec.get("note", "")),
        "not_preceded_by": _compile(spec.get("not_preceded_by"), f"{where}.not_preceded_by", problems,
                                    suffix="$"),
        "not_followed_by": _compile(spec.get("not_followed_by"), f"{where}.not_followed_by", problems,
                                    prefix="^"),
        "requires": _rules(spec.get("requires"), f"{where}.requires", problems, english=lang == "en"),
        "excludes": _rules(spec.get("excludes"), f"{where}.excludes", problems, english=lang == "en"),
    }
    term_id = f"{concept_id}/{lang}/{index}"
    if lang == "zh":
        metachar = re.search(r"[\\^$.*+?()\[\]{}|]", pattern)
        if not spec.get("regex"):
            if metachar:
                problems.append(f"{where}: {pattern!r} looks like a pattern; add 'regex: true' or remove the symbols")
                return None
            return Term(term_id, concept_id, lang, pattern, anchor=pattern, **options)
        # A Chinese pattern is found through its literal start, like English ones.
        anchor = pattern[: metachar.start()] if metachar else pattern
        if metachar and pattern[metachar.start()] in "?*{":
            anchor = anchor[:-1]
        if len(anchor) < 2 or _has_top_level_alternation(pattern):
            problems.append(f"{where}: a Chinese pattern must start with 2 or more literal characters and have "
                            f"no top-level '|': {pattern!r}")
            return None
        regex = _compile(pattern, where, problems)
        if regex is None:
            return None
        return Term(term_id, concept_id, lang, pattern, anchor=anchor, regex=regex, **options)
    if _has_top_level_alternation(pattern):
        problems.append(f"{where}: write alternatives as separate terms (top-level '|' in {pattern!r})")
        return None
    # The match must end a word, so the regex backtracks to the alternative that does ("decoupled",
    # not "decouple" + "d").
    flags = 0 if options["case_sensitive"] else re.IGNORECASE
    matched = loose_separators(pattern)
    regex = _compile(matched, where, problems, suffix=r"(?!\w)", flags=flags)
    anchor_match = _ANCHOR.match(matched)
    if regex is None:
        return None
    if not anchor_match or sum(char.isalnum() for char in anchor_match.group()) < 3:
        problems.append(f"{where}: an English pattern must start with 3 or more literal letters "
                        f"(its anchor): {pattern!r}")
        return None
    anchor = anchor_match.group()
    # A quantifier right after the anchor makes its last letter optional: anchor on the letters before.
    if re.match(r"[?*{]", matched[len(anchor) :]):
        anchor = anchor[:-2] if anchor.endswith("\\.") else anchor[:-1]
    # The automaton finds the anchor in the spaced view, where a separator is one space.
    anchor = anchor.replace(" +", " ").replace("\\.", ".").lower()
    return Term(term_id, concept_id, lang, pattern, anchor=anchor, regex=regex, **options)


def _subconcepts(raw: object, where: str, problems: list[str]) -> tuple[tuple[str, re.Pattern], ...]:
    """``subconcepts: {name: pattern}``: each pattern searched (case-insensitively) in a mention's text."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{where}: a mapping of sub-concept name: pattern")
        return ()
    parts = []
    for name, pattern in raw.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(name)) or not isinstance(pattern, str) or not pattern:
            problems.append(f"{where}.{name}: a lower_snake_case name with a pattern string")
            continue
        regex = _compile(pattern, f"{where}.{name}", problems)
        if regex is not None:
            parts.append((str(name), regex))
    return tuple(parts)


def loose_separators(pattern: str) -> str:
    """An English pattern as the tagger matches it: a literal space or hyphen between words (outside
    character classes) becomes one or more separators. The tagger matches English on a view of the text
    whose hyphens and white space (line breaks, no-break spaces) are spaces, so "national security" also
    finds "national-security" and a phrase wrapped across a line; the stored offsets and text are unchanged."""
    out, in_class, escaped = [], False, False
    for at, char in enumerate(pattern):
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
        elif char in " -":
            # An optional separator ("choke ?points?") stays one optional space.
            optional = pattern[at + 1 : at + 2] in ("?", "*")
            out.append(" " if optional else (" +" if not out or out[-1] != " +" else ""))
        else:
            out.append(char)
    return "".join(out)


def _has_top_level_alternation(pattern: str) -> bool:
    return len(_top_level_alternatives(pattern)) > 1


def _compile(pattern: object, where: str, problems: list[str], *, prefix: str = "", suffix: str = "",
             flags: int = re.IGNORECASE) -> re.Pattern | None:
    if pattern in (None, ""):
        return None
    if isinstance(pattern, list):
        pattern = "|".join(str(part) for part in pattern)
    try:
        return re.compile(f"{prefix}(?:{pattern}){suffix}", flags)
    except re.error as error:
        problems.append(f"{where}: invalid pattern {pattern!r}: {error}")
        return None


def _top_level_alternatives(pattern: str) -> list[str]:
    """The pattern split at each '|' outside groups and character classes."""
    parts, current, depth, escaped, in_class = [], "", 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def _at_word_starts(pattern: str) -> str:
    """An English context word is a word or a word's stem, so it is looked for at the start of a word:
    "ports" is not the end of "support", nor "rival" of "unrivaled". Each top-level alternative that starts
    with a letter gets the guard; a stem still takes any ending ("manufactur" finds "manufacturing"), so a
    pattern that must not find a longer word says so ("imports?\\b")."""
    return "|".join(f"(?<![A-Za-z]){part}" if part[:1].isalpha() else part
                    for part in _top_level_alternatives(pattern))


def _rules(raw: object, where: str, problems: list[str], *, english: bool = False) -> tuple[ContextRule, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    rules = []
    for index, item in enumerate(items):
        rule_where = f"{where}[{index}]" if isinstance(raw, list) else where
        if not isinstance(item, dict) or "pattern" not in item:
            problems.append(f"{rule_where}: a rule is a mapping with 'pattern' (and 'window', 'side')")
            continue
        for key in set(item) - _RULE_KEYS:
            problems.append(f"{rule_where}.{key}: unknown key (valid: pattern, side, window)")
        side = item.get("side", "around")
        if side not in ("before", "after", "around"):
            problems.append(f"{rule_where}.side: {side!r} is not one of before, after, around")
        window = item.get("window", 30)
        if not isinstance(window, int) or window <= 0:
            problems.append(f"{rule_where}.window: must be a positive integer, got {window!r}")
            continue
        pattern = item["pattern"]
        if isinstance(pattern, list):  # a list is alternatives, as one pattern
            pattern = "|".join(str(part) for part in pattern)
        if english and isinstance(pattern, str):
            pattern = _at_word_starts(pattern)
        compiled = _compile(pattern, f"{rule_where}.pattern", problems)
        if compiled is not None:
            rules.append(ContextRule(compiled, window, side))
    return tuple(rules)


_ATTRIBUTION_KEYS = {"zh_verbs", "zh_actors", "en_actors", "en_adjective_concepts", "en_possessive_concepts",
                     "actor_names"}


def _build_attribution(raw: object, concepts: dict, problems: list[str]) -> AttributionCues:
    where = "flags.attribution"
    if raw is None:
        return AttributionCues()
    if not isinstance(raw, dict):
        problems.append(f"{where}: a mapping ({', '.join(sorted(_ATTRIBUTION_KEYS))})")
        return AttributionCues()
    for key in set(raw) - _ATTRIBUTION_KEYS:
        problems.append(f"{where}.{key}: unknown key (valid: {', '.join(sorted(_ATTRIBUTION_KEYS))})")
    patterns = {key: _compile(raw.get(key), f"{where}.{key}", problems, flags=0 if key.startswith("zh") else
                              re.IGNORECASE) for key in ("zh_verbs", "zh_actors", "en_actors")}
    lists = {}
    for key in ("en_adjective_concepts", "en_possessive_concepts"):
        listed = raw.get(key) or []
        if not isinstance(listed, list) or any(concept not in concepts for concept in listed):
            problems.append(f"{where}.{key}: a list of concept ids of this lexicon")
            listed = []
        lists[key] = frozenset(listed)
    names = raw.get("actor_names") or {}
    if not isinstance(names, dict) or not all(isinstance(v, str) and ":" in v for v in names.values()):
        problems.append(f"{where}.actor_names: a mapping of English actor word: entity id (Beijing: gpe:CN)")
        names = {}
    return AttributionCues(patterns["zh_verbs"], patterns["zh_actors"], patterns["en_actors"],
                           lists["en_adjective_concepts"], lists["en_possessive_concepts"],
                           {str(name): value for name, value in names.items()})


def _build_cues(raw: dict, problems: list[str]) -> FlagCues:
    cues: dict[str, dict] = {"negation": {}, "hedge": {}, "clause_break": {}}
    window = {}
    for lang in ("zh", "en"):
        section = raw.get(lang) or {}
        for kind, found in cues.items():
            where = f"flags.{lang}.{kind}"
            # A hedge qualifies the expression right after it ("so-called X", 所谓“X”), quotes allowed.
            suffix = "[\\s\"'“”‘’「」『』《》]*$" if kind == "hedge" else ""
            compiled = _compile(section.get(kind) or "(?!)", where, problems, suffix=suffix)
            if compiled is not None and compiled.search(""):
                problems.append(f"{where}: the pattern matches empty text (a stray '|'?)")
            found[lang] = compiled
        window[lang] = int(section.get("window", 12 if lang == "zh" else 40))
    return FlagCues(cues["negation"], cues["hedge"], window, cues["clause_break"])


def check_against_taxonomy(lexicon: Lexicon, taxonomy_path: str | Path) -> None:
    """Raise :class:`LexiconError` when concept ids, families or dimensions differ from a taxonomy TSV
    (columns ``concept_id, family, dimension, ...``, as ``../shared/spec/concepts.tsv``)."""
    import csv

    with open(taxonomy_path, encoding="utf-8") as handle:
        rows = {row["concept_id"]: row for row in csv.DictReader(handle, delimiter="\t")}
    problems = [f"concepts.{concept_id}: unknown concept id (not in {taxonomy_path})"
                for concept_id in lexicon.concepts if concept_id not in rows]
    problems += [f"concepts: {concept_id} of the taxonomy is missing" for concept_id in rows
                 if concept_id not in lexicon.concepts]
    for concept_id, concept in lexicon.concepts.items():
        row = rows.get(concept_id)
        if row and (concept.family.value, concept.dimension) != (row["family"], row["dimension"]):
            problems.append(f"concepts.{concept_id}: family/dimension {concept.family.value}/{concept.dimension} "
                            f"differ from the taxonomy's {row['family']}/{row['dimension']}")
    if problems:
        raise LexiconError(problems)
