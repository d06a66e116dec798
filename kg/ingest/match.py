"""Reuse what the graph knows: match a name read from a text to a record already in data/.

Organisations, programmes, procedures and places of the curated corpus are indexed by their
registry id (ЕИК/БУЛСТАТ), codes, abbreviations and normalised names (every wording the corpus
holds: ``name``, ``official_name``, ``abbreviation``, ``names_as_written`` and the participations'
``name_as_written``). A name is matched by registry id first, then by its normalised form
(case, quotes, legal-form words and Bulgarian definite articles left out:
"Агенцията по заетостта" is "Агенция по заетостта"), then with :mod:`rapidfuzz`:

* a score of at least :data:`SURE` reuses the existing id;
* a score between :data:`DOUBTFUL` and :data:`SURE` is a *doubtful* match: the draft keeps a new
  id and names both candidates in its review reason (a curator decides; nothing is merged
  silently);
* below, the thing is new and gets a new id (docs/records-format.md).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from kg.records.model import Record, Verbatim
from kg.records.normalize import parse_registry_id, slugify

#: At or above: the same thing. Between DOUBTFUL and SURE: flagged with both candidates.
SURE = 93.0
DOUBTFUL = 80.0

_QUOTES = "„“”\"«»'`’‘"
_LEGAL_WORDS = {"сдружение", "фондация", "ад", "еад", "оод", "еоод", "ет", "сдружението",
                "фондацията", "association", "foundation", "нчи", "гр", "с"}
_TYPES = ("Organisation", "Programme", "Procedure", "Place")


def strip_article(word: str) -> str:
    """A Bulgarian word without its definite article (-ът, -ят, -та, -то, -те after a long stem)."""
    if len(word) > 5:
        for ending in ("ът", "ят", "та", "то"):
            if word.endswith(ending):
                return word[:-2]
    return word


def normalise_name(name: str) -> str:
    """The form names are compared in: lower case, no quotes or punctuation, no legal-form
    words, no definite articles."""
    text = name.lower()
    for char in _QUOTES:
        text = text.replace(char, " ")
    text = re.sub(r"[.,;:()\-–—/]+", " ", text)
    words = [strip_article(word) for word in text.split() if word not in _LEGAL_WORDS]
    return " ".join(words)


@dataclass(frozen=True)
class Match:
    """What a name matched: an existing id (``existing``), or a new id with maybe a doubtful
    candidate (``candidate``, its name and score) for the reviewer."""

    id: str
    existing: bool
    candidate: str | None = None
    candidate_name: str | None = None
    score: float = 0.0

    @property
    def doubtful(self) -> bool:
        return self.candidate is not None and not self.existing

    def reason(self, written: str) -> str | None:
        if not self.doubtful:
            return None
        return (f"doubtful match: {written!r} may be {self.candidate} ({self.candidate_name!r}, "
                f"score {self.score:.0f}); the draft gives it the new id {self.id}: keep one of "
                "the two ids")


@dataclass
class _Entry:
    id: str
    type: str
    kind: str | None = None
    names: set[str] = field(default_factory=set)


class GraphIndex:
    """The organisations, programmes, procedures and places of the corpus, for matching."""

    def __init__(self, records: list[Record] | None = None) -> None:
        self.entries: dict[str, _Entry] = {}
        self.registry: dict[str, str] = {}
        self.codes: dict[str, str] = {}
        self._names: dict[str, list[tuple[str, str]]] = {name: [] for name in _TYPES}
        for record in records or []:
            self._add(record)
        for record in records or []:
            if record.type.name == "Participation" and "name_as_written" in record.values:
                agent = record.values["agent"]
                if agent in self.entries:
                    self._name(agent, "Organisation", record.values["name_as_written"].text)

    @classmethod
    def of_data(cls, data_dir: Path) -> GraphIndex:
        # deferred: the corpus is read only when matching is asked for
        from kg.records.corpus import load_corpus

        return cls(load_corpus(data_dir).records)

    def _name(self, record_id: str, type_name: str, name: str) -> None:
        normal = normalise_name(name)
        if normal and (normal, record_id) not in self._names[type_name]:
            self._names[type_name].append((normal, record_id))
            self.entries[record_id].names.add(name)

    def _add(self, record: Record) -> None:
        type_name = record.type.name
        if type_name not in _TYPES:
            return
        entry = self.entries.setdefault(record.id, _Entry(record.id, type_name))
        entry.kind = entry.kind or record.values.get("kind")
        for key in ("name", "official_name", "abbreviation", "names_as_written", "title"):
            value = record.values.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Verbatim):
                    self._name(record.id, type_name, item.text)
                elif isinstance(item, str):
                    self._name(record.id, type_name, item)
        if "registry_id" in record.values:
            with contextlib.suppress(ValueError):
                self.registry[parse_registry_id(record.values["registry_id"].text)] = record.id
        code = record.values.get("code")
        if isinstance(code, Verbatim):
            self.codes[re.sub(r"\s", "", code.text).upper()] = record.id

    def has(self, record_id: str) -> bool:
        return record_id in self.entries

    def match(self, type_name: str, name: str, new_id: str, *, registry_id: str | None = None,
              kind: str | None = None) -> Match:
        """The record ``name`` (of ``type_name``) refers to, or ``new_id`` if it is new."""
        if registry_id and registry_id in self.registry:
            return Match(self.registry[registry_id], True)
        if new_id in self.entries and self.entries[new_id].type == type_name:
            return Match(new_id, True)
        normal = normalise_name(name)
        names = self._names.get(type_name, [])
        if not normal or not names:
            return Match(new_id, False)
        for known, record_id in names:
            if known == normal and self._kind_agrees(record_id, kind):
                return Match(record_id, True)
        choices = [known for known, _ in names]
        best = process.extractOne(normal, choices, scorer=fuzz.token_sort_ratio)
        if best is None:
            return Match(new_id, False)
        _, score, position = best
        record_id = names[position][1]
        if not self._kind_agrees(record_id, kind):
            score = min(score, SURE - 1)
        if score >= SURE:
            return Match(record_id, True)
        if score >= DOUBTFUL:
            shown = sorted(self.entries[record_id].names)[0]
            return Match(new_id, False, record_id, shown, score)
        return Match(new_id, False)

    def _kind_agrees(self, record_id: str, kind: str | None) -> bool:
        known = self.entries[record_id].kind
        return kind is None or known is None or known == kind


def organisation_id(name: str, kind: str | None) -> str:
    """The id docs/records-format.md gives a new organisation (municipalities by convention)."""
    words = name.split()
    if kind == "municipality" and words and words[0].lower() in ("община", "общината"):
        return "org/obshtina-" + slugify(" ".join(words[1:]))
    if kind == "municipality" and name.lower().startswith("municipality of "):
        return "org/obshtina-" + slugify(name[len("municipality of "):])
    if kind == "municipality" and len(words) <= 2 and not any(
            word.lower() in ("municipality", "общинска", "общински") for word in words):
        return "org/obshtina-" + slugify(name)  # a municipality named by its town alone
    if kind == "municipal-council" and name.lower().startswith("общински съвет"):
        return "org/obshtinski-savet-" + slugify(name[len("общински съвет"):])
    return "org/" + (slugify(name) or "unnamed")
