"""Frame cues (``cues.yaml``): groups of words that signal a frame without being concept mentions, and the
group whose presence says the sentence has an economic subject. Loaded once per process, validated with
errors that name the entry (``groups.svc.en[3]``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipeline.lexicon.load import LexiconError, load_cached

DEFAULT_CUES = "cues.yaml"


@dataclass(frozen=True)
class CueGroup:
    name: str
    zh: re.Pattern  # escaped literals, longest first, so 利用外资 counts once and not as 外资 too
    en: re.Pattern  # whole-word alternation, case-insensitive


@dataclass(frozen=True)
class FrameCues:
    version: str
    content_hash: str
    source: str
    subject: str
    groups: tuple[CueGroup, ...]

    def counts(self, text: str, chinese: bool) -> dict[str, int]:
        """Non-overlapping matches of each group in ``text`` (its simplified view when Chinese)."""
        return {group.name: len((group.zh if chinese else group.en).findall(text)) for group in self.groups}

    def names_subject(self, text: str, chinese: bool) -> bool:
        """Whether ``text`` (its simplified view when Chinese) holds a word of the subject group: the
        sentence is about the economy, trade, technology, industry or supply chains."""
        group = next(group for group in self.groups if group.name == self.subject)
        return (group.zh if chinese else group.en).search(text) is not None


def default_cues_path() -> Path:
    return Path(str(resources.files("pipeline.classify") / DEFAULT_CUES))


def load_cues(path: str | Path | None = None) -> FrameCues:
    return load_cached(Path(path) if path else default_cues_path(), "frame cues", build_cues)


def build_cues(data: object, *, content_hash: str = "", source: str = "") -> FrameCues:
    if not isinstance(data, dict) or not isinstance(data.get("groups"), dict) or not data["groups"]:
        raise LexiconError([f"{source}: frame cues must be a mapping with 'version', 'subject' and 'groups'"])
    problems: list[str] = []
    groups: list[CueGroup] = []
    for name, entry in data["groups"].items():
        if not isinstance(entry, dict) or set(entry) != {"zh", "en"}:
            problems.append(f"groups.{name}: needs exactly the keys zh and en")
            continue
        patterns = {}
        for lang in ("zh", "en"):
            terms = entry[lang]
            if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
                problems.append(f"groups.{name}.{lang}: must be a non-empty list of strings")
                continue
            invalid = [f"groups.{name}.{lang}[{index}]: invalid pattern {term!r}: {error}"
                       for index, term in enumerate(terms if lang == "en" else ())  # Chinese cues are literal
                       if (error := _pattern_error(term))]
            problems.extend(invalid)
            if not invalid:
                literals = sorted(set(terms), key=len, reverse=True)
                patterns[lang] = (re.compile("|".join(map(re.escape, literals))) if lang == "zh" else
                                  re.compile(r"\b(?:" + "|".join(literals) + r")\b", re.IGNORECASE))
        if len(patterns) == 2:
            groups.append(CueGroup(str(name), patterns["zh"], patterns["en"]))
    subject = str(data.get("subject", ""))
    if subject not in data["groups"]:
        problems.append(f"subject: {subject!r} is not a group (groups: {', '.join(map(str, data['groups']))})")
    version = str(data.get("version", "")).strip()
    if not version:
        problems.append("version: missing")
    if problems:
        raise LexiconError([f"{source}: {problem}" for problem in problems])
    return FrameCues(version, content_hash, source, subject, tuple(groups))


def _pattern_error(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        return str(error)
    return ""
