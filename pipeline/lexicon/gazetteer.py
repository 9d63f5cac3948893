"""The entity gazetteer (``entities.yaml``): canonical entities with their names in both languages,
validated at load. Errors point to the entry: ``entities[12].en[3]``."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipeline.lexicon.load import LexiconError, load_cached

DEFAULT_GAZETTEER = "entities.yaml"
_ENTRY_KEYS = {"id", "label", "zh", "en", "note"}
_ALIAS_KEYS = {"text", "case", "preceded_by", "not_preceded_by", "not_followed_by", "requires", "excludes", "note"}
_ID = re.compile(r"[a-z]+:[A-Za-z0-9_\-]+")
_LATIN = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class Alias:
    """One name of an entity and the rules that decide whether a match of it counts."""

    text: str
    entity_id: str
    lang: str
    case_exact: bool  # compare the characters exactly, not only case-insensitively
    has_latin: bool  # Latin letters or digits: the match must be a whole word
    preceded_by: re.Pattern | None = None  # on the characters right before (欧盟《 before 芯片法案)
    not_preceded_by: re.Pattern | None = None
    not_followed_by: re.Pattern | None = None
    requires: re.Pattern | None = None  # must occur in the same sentence
    excludes: re.Pattern | None = None  # must not occur in the same sentence

    @property
    def conditional(self) -> bool:
        return any(rule is not None for rule in (self.preceded_by, self.not_preceded_by, self.not_followed_by,
                                                 self.requires, self.excludes))


@dataclass(frozen=True, slots=True)
class Entity:
    entity_id: str
    label: str
    name: str  # the first English alias, else the first Chinese one: how reports show the id
    zh: tuple[str, ...]
    en: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    version: str
    content_hash: str
    labels: dict[str, str]
    entities: dict[str, Entity]
    aliases: tuple[Alias, ...]
    source: str = ""

    def lookup(self, text: str) -> Entity | None:
        """The entity a whole name refers to (for mapping a model's entities), ignoring case and a
        leading article: "the European Commission" -> org:european_commission."""
        key = re.sub(r"^(?:the|The|THE)\s+", "", text.strip())
        entity_id = self._by_text.get(key) or self._by_folded.get(key.casefold())
        return self.entities.get(entity_id) if entity_id else None

    def __post_init__(self) -> None:
        by_text: dict[str, str] = {}
        by_folded: dict[str, str] = {}
        for alias in self.aliases:
            if not alias.conditional:
                by_text.setdefault(alias.text, alias.entity_id)
                if not alias.case_exact:
                    by_folded.setdefault(alias.text.casefold(), alias.entity_id)
        object.__setattr__(self, "_by_text", by_text)
        object.__setattr__(self, "_by_folded", by_folded)


def default_gazetteer_path() -> Path:
    return Path(str(resources.files("pipeline.lexicon") / DEFAULT_GAZETTEER))


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Load and validate a gazetteer file (default: the one shipped in the package); cached per file
    while it is unchanged."""
    return load_cached(Path(path) if path else default_gazetteer_path(), "gazetteer", build_gazetteer)


def build_gazetteer(data: object, *, content_hash: str = "", source: str = "") -> Gazetteer:
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        raise LexiconError([f"{source}: a gazetteer is a mapping with 'version', 'labels' and 'entities'"])
    problems: list[str] = []
    version = str(data.get("version", "")).strip()
    if not version:
        problems.append("version: missing")
    labels = data.get("labels") or {}
    if not isinstance(labels, dict) or not labels:
        problems.append("labels: a mapping of label -> description is required")
        labels = {}
    entities: dict[str, Entity] = {}
    aliases: list[Alias] = []
    # Two entities may share a name if both spell it with exact case ("CHIPS Act" vs "Chips Act"), or if
    # the later one has a context rule (欧盟《芯片法案》 is the EU act; 芯片法案 alone is the US act).
    claimed: dict[str, tuple[str, bool, str]] = {}
    for position, entry in enumerate(data["entities"]):
        where = f"entities[{position}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        entity_id = str(entry.get("id", ""))
        where = f"entities[{position}] ({entity_id or 'no id'})"
        for key in set(entry) - _ENTRY_KEYS:
            problems.append(f"{where}.{key}: unknown key (valid: {', '.join(sorted(_ENTRY_KEYS))})")
        if not _ID.fullmatch(entity_id):
            problems.append(f"{where}.id: ids look like kind:slug (org:european_commission), got {entity_id!r}")
            continue
        if entity_id in entities:
            problems.append(f"{where}.id: {entity_id} is defined twice")
            continue
        label = entry.get("label")
        if label not in labels:
            problems.append(f"{where}.label: {label!r} is not one of the labels ({', '.join(labels)})")
        names: dict[str, list[str]] = {"zh": [], "en": []}
        for lang in ("zh", "en"):
            for index, raw in enumerate(entry.get(lang) or []):
                alias = _build_alias(raw, entity_id, lang, f"{where}.{lang}[{index}]", problems)
                if alias is None:
                    continue
                key = alias.text.casefold()
                previous = claimed.get(key)
                shared = (previous[1] and alias.case_exact and previous[2] != alias.text) if previous else True
                if previous and previous[0] != entity_id and not shared and not alias.conditional:
                    problems.append(f"{where}.{lang}[{index}]: {alias.text!r} already names {previous[0]}")
                    continue
                claimed.setdefault(key, (entity_id, alias.case_exact, alias.text))
                names[lang].append(alias.text)
                aliases.append(alias)
        if not names["zh"] and not names["en"]:
            problems.append(f"{where}: an entity needs at least one zh or en name")
            continue
        entities[entity_id] = Entity(entity_id, str(label), (names["en"] or names["zh"])[0], tuple(names["zh"]),
                                     tuple(names["en"]))
    # After every declared name is known: a variant never takes a name another entity declares.
    for alias in list(aliases):
        for variant in _chinese_variants(alias.text) if alias.lang == "zh" else _english_variants(alias.text):
            if variant.casefold() not in claimed:
                claimed[variant.casefold()] = (alias.entity_id, alias.case_exact, variant)
                aliases.append(dataclasses.replace(alias, text=variant))
    if problems:
        raise LexiconError(problems)
    return Gazetteer(version, content_hash, {str(k): str(v) for k, v in labels.items()}, entities, tuple(aliases),
                     source)


# Chinese names of one body alternate in these characters (美国外国投资委员会 / 美国外商投资委员会,
# 工业与安全局 / 工业和安全局), and a US body's name may shorten 美国 to 美: every declared Chinese name also
# matches its variants, unless a variant is another entity's declared name. Variants are generated, not
# declared: Entity.zh lists the declared names.
CHINESE_ALTERNATIONS = (("外国", "外商"), ("外商", "外国"), ("与", "和"), ("和", "与"), ("及", "和"))


def _chinese_variants(text: str) -> list[str]:
    variants = []
    for old, new in CHINESE_ALTERNATIONS:
        if old in text:
            variants.append(text.replace(old, new))
    # A US body is also named with 美 for 美国 (美商务部, 美财政部, 美贸易代表办公室), never the country alone.
    if text.startswith("美国") and len(text) >= 5:
        variants.append("美" + text[2:])
    return [variant for variant in dict.fromkeys(variants) if variant != text]


# English names of one body are spelt with and without the stops of "U.S.", with "&" for "and", and in
# American or British spelling ("US Trade Representative", "Bureau of Industry & Security", "World Trade
# Organisation"): every declared English name also matches these variants, on the same terms.
# (American, British, whole word only): "Labor" must not turn "Laboratory" into "Labouratory", nor
# "Program" turn "Programme" into "Programmeme".
SPELLINGS = (("Organization", "Organisation", False), ("Defense", "Defence", False), ("Center", "Centre", True),
             ("Labor", "Labour", True), ("Program", "Programme", True))
ENGLISH_ALTERNATIONS = ((re.compile(r"\bU\.S\.(?= )"), "US"), (re.compile(r"\bUS\b(?= )"), "U.S."),
                        (re.compile(r" and "), " & "),
                        *((re.compile(old + (r"\b" if whole_word else "")), new)
                          for american, british, whole_word in SPELLINGS
                          for old, new in ((american, british), (british, american))))


def _english_variants(text: str) -> list[str]:
    variants = [pattern.sub(new, text) for pattern, new in ENGLISH_ALTERNATIONS]
    return [variant for variant in dict.fromkeys(variants) if variant != text]


def _build_alias(raw: object, entity_id: str, lang: str, where: str, problems: list[str]) -> Alias | None:
    spec = {"text": raw} if isinstance(raw, str | int) else raw
    if not isinstance(spec, dict) or not str(spec.get("text", "")).strip():
        problems.append(f"{where}: an alias is a string or a mapping with a 'text' string")
        return None
    for key in set(spec) - _ALIAS_KEYS:
        problems.append(f"{where}.{key}: unknown key (valid: {', '.join(sorted(_ALIAS_KEYS))})")
    text = str(spec["text"]).strip()
    case = spec.get("case")
    if case not in (None, "exact", "any"):
        problems.append(f"{where}.case: {case!r} is not one of exact, any")
    # Names with a capital are proper names: "US" is not "us", "Intel" not "intel".
    case_exact = case == "exact" or (case is None and text != text.lower())
    compiled = {}
    for key, prefix, suffix in (("preceded_by", "", "$"), ("not_preceded_by", "", "$"), ("not_followed_by", "^", ""),
                                ("requires", "", ""), ("excludes", "", "")):
        pattern = spec.get(key)
        if pattern in (None, ""):
            compiled[key] = None
            continue
        try:
            compiled[key] = re.compile(f"{prefix}(?:{pattern}){suffix}")
        except re.error as error:
            problems.append(f"{where}.{key}: invalid pattern {pattern!r}: {error}")
            return None
    return Alias(text, entity_id, lang, case_exact, bool(_LATIN.search(text)), **compiled)
