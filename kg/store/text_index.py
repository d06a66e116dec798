"""The text index: names, titles, labels and activity texts of a release in SQLite FTS5.

Written at build time beside the store it describes (:func:`index_path`: ``build/store`` ->
``build/store.search.sqlite``, a published generation ``build/stores/0003-ab12cd34`` ->
``build/stores/0003-ab12cd34.search.sqlite``), so each generation has its own index and a
server searches the one of the store it serves — never a file shared across generations.

What is indexed, per IRI of ours (``…/id/…`` and the ontology): its names (rdfs:label,
skos:prefLabel, skos:altLabel, bgi:officialName, bgi:nameAsWritten, dcterms:title) and its
texts (dcterms:description, skos:definition, bgi:expectedResult, bgi:targetDescription,
bgi:providesService), each in two forms:

* as written, which FTS5's ``unicode61`` tokenizer folds (Unicode case, diacritics: ``ѝ`` → ``и``,
  ``ё`` → ``е``, ``é`` → ``e``);
* in Latin: :func:`fold` then the official transliteration (kg.records.normalize.transliterate),
  so ``Kyustendil``, ``kyustendil`` and ``KYUSTENDIL`` find ``Кюстендил``.

A query is folded and transliterated the same way and matches either form. Its words are
ANDed, each quoted (no FTS5 syntax reaches the engine from a client), ``word*`` is a prefix and
the last word is a prefix unless the query ends in a space. Ranking: a name equal to the query
first, then a name starting with it, then FTS5's bm25 with names weighted over texts.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.common import limits
from kg.common.errors import KgError
from kg.records import iris
from kg.records.normalize import transliterate

SUFFIX = ".search.sqlite"
FORMAT_VERSION = "1"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
BGI = str(iris.BGI)

#: Names, in order of preference for the label a hit shows.
NAME_PREDICATES = (RDFS + "label", SKOS + "prefLabel", BGI + "officialName", DCTERMS + "title",
                   SKOS + "altLabel", BGI + "nameAsWritten")
TEXT_PREDICATES = (DCTERMS + "description", SKOS + "definition", BGI + "expectedResult",
                   BGI + "targetDescription", BGI + "providesService")
PREDICATES = frozenset(NAME_PREDICATES + TEXT_PREDICATES + (RDF_TYPE,))
#: bm25 weights of the columns name, text, name_latin, text_latin.
WEIGHTS = (10.0, 1.0, 8.0, 0.8)

#: The limits a query is held to (the API refuses more with 400).
MAX_QUERY_CHARS = limits.SEARCH_MAX_CHARACTERS
MAX_WORDS = limits.SEARCH_MAX_WORDS
MAX_LIMIT = limits.SEARCH_MAX_HITS
#: A prefix this short is not ranked by bm25 (see :func:`search`).
SHORT_PREFIX = 3
KIND = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")

#: Kinds left out: the line ranges sources are cited at have labels, but no one looks for them.
EXCLUDED_KINDS = frozenset({"SourceLocation"})
INFERRED = str(iris.INFERRED_GRAPH)
_OURS = (str(iris.ID), BGI, str(iris.ONTOLOGY))
#: What fold leaves as it is: ASCII and the Cyrillic letters а–я (й among them).
_MARKED = re.compile("[^\u0000-\u007f\u0430-\u044f]")
_WORD = re.compile(r"[^\W_]+\*?")
_SEGMENTS = re.compile(r"(\w+)")
#: Quotes and apostrophes of every kind, dashes: read as spaces.
_PUNCTUATION = re.compile("[\"'`´‘’‚‛“”„‟«»‹›\u2010-\u2015\u2212]")


class SearchUnavailableError(KgError):
    """No usable text index (not built, or SQLite without FTS5)."""


class SearchQueryError(ValueError):
    """A query the index cannot be asked (empty, too long, a bad kind or limit)."""


def index_path(store_dir: Path) -> Path:
    """Where the text index of the store in ``store_dir`` lives (beside it, one per store)."""
    return store_dir.with_name(store_dir.name + SUFFIX)


def check_fts5() -> None:
    """KgError unless this Python's SQLite has FTS5 (standard builds do)."""
    try:
        with sqlite3.connect(":memory:") as connection:
            connection.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.OperationalError as error:
        raise SearchUnavailableError(
            f"this Python's SQLite ({sqlite3.sqlite_version}) has no FTS5 ({error}); the text "
            "index needs it: use a Python built against SQLite with FTS5 (python.org, Debian and "
            "conda builds have it)") from None


def fold(text: str) -> str:
    """Lower case, Cyrillic kept (й stays й), diacritics of other letters and of ѝ/ё dropped,
    quotes and dashes as spaces, whitespace collapsed."""
    text = _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", text).casefold())
    return " ".join(_MARKED.sub(_unmarked, text).split())


def _unmarked(match: re.Match) -> str:
    return "".join(part for part in unicodedata.normalize("NFD", match.group())
                   if not unicodedata.combining(part))


def latin(text: str) -> str:
    """``text`` folded, then transliterated (Bulgarian official romanisation)."""
    return transliterate(fold(text))


def kind_of(iri: str) -> str:
    """A class IRI's local name: ``…ontology#Project`` -> ``Project``."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


# --- writing -------------------------------------------------------------------------------------


@dataclass
class _Entry:
    names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # predicate -> (text, lang)
    texts: list[str] = field(default_factory=list)
    asserted: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)


#: A whole line of N-Quads whose subject is an IRI and whose predicate is one :data:`PREDICATES`.
_RELEVANT_LINE = re.compile(rb"^<[^>\n]*> <(?:" + b"|".join(re.escape(predicate.encode())
                                                            for predicate in sorted(PREDICATES))
                            + rb")> [^\n]*\n", re.MULTILINE)
_BLOCK = 1 << 24


def _relevant_quads(nquads: Path) -> Iterator[ox.Quad]:
    """The quads of ``nquads`` with an indexed predicate: blocks of the file scanned by one
    regular expression (C speed: ~80 MB/s, where a Python test per line ran at 30), and only the
    lines it keeps handed to pyoxigraph's parser."""
    rest = b""
    with nquads.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK)
            data = rest + block
            if block:
                cut = data.rfind(b"\n") + 1  # whole lines only; the rest goes with the next block
            else:
                data += b"" if not data or data.endswith(b"\n") else b"\n"
                cut = len(data)
            rest = data[cut:]
            lines = _RELEVANT_LINE.findall(data, 0, cut)
            if lines:
                yield from ox.parse(b"".join(lines), ox.RdfFormat.N_QUADS)
            if not block:
                return


def _entries(quads: Iterable[ox.Quad]) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for quad in quads:
        subject = quad.subject
        if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(_OURS):
            continue
        entry = entries.setdefault(subject.value, _Entry())
        predicate, obj = quad.predicate.value, quad.object
        if predicate == RDF_TYPE:
            if isinstance(obj, ox.NamedNode):
                graph = quad.graph_name
                inferred = isinstance(graph, ox.NamedNode) and graph.value == INFERRED
                target = entry.inferred if inferred else entry.asserted
                if obj.value not in target:
                    target.append(obj.value)
            continue
        if not isinstance(obj, ox.Literal):
            continue
        if predicate in NAME_PREDICATES:
            pair = (obj.value, obj.language or "")
            values = entry.names.setdefault(predicate, [])
            if pair not in values:
                values.append(pair)
        elif obj.value not in entry.texts:
            entry.texts.append(obj.value)
    return entries


def _label(entry: _Entry) -> str:
    for language in ("bg", "", "en"):
        for predicate in NAME_PREDICATES:
            for text, lang in sorted(entry.names.get(predicate, [])):
                if lang == language:
                    return text
    for values in entry.names.values():
        return sorted(values)[0][0]
    return ""


def _kind(entry: _Entry) -> str:
    for types in (entry.asserted, entry.inferred):
        ours = sorted(kind_of(t) for t in types if t.startswith(BGI))
        if ours:
            return ours[0]
    for types in (entry.asserted, entry.inferred):
        if types:
            return sorted(kind_of(t) for t in types)[0]
    return "Resource"


def _distinct(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(text for text in texts if text.strip()))


SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entry (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, label TEXT NOT NULL,
                    kind TEXT NOT NULL, kinds TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE name_key (key TEXT NOT NULL, id INTEGER NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(name, text, name_latin, text_latin,
    tokenize = "unicode61 remove_diacritics 2", prefix = '2 3');
INSERT INTO meta VALUES ('format', '{FORMAT_VERSION}');
"""


def write_index(nquads: Path, target: Path) -> int:
    """The text index of the release ``nquads``, written to ``target`` atomically (a temporary
    file renamed over it once complete). Returns the number of resources indexed.

    A release's kg.nq is sorted, so the quads of one resource are adjacent: each resource's row
    is made as soon as its quads have passed and goes to SQLite in batches, and SQLite numbers
    the rows in IRI order at the end. Holding every resource's entry in Python until the end
    took 2.8 GB at 100 000 contracts (the build's peak, bench/RESULTS.md). An input that is not
    sorted so is indexed the old way, all in memory."""
    check_fts5()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA
                                     + STAGING)
            try:
                _stage(connection, _grouped_entries(_relevant_quads(nquads)))
            except _UnsortedError:
                connection.executescript("DELETE FROM staging; DELETE FROM staging_key;")
                entries = _entries(_relevant_quads(nquads))
                _stage(connection, ((iri, entries[iri]) for iri in sorted(entries)))
            count = _number_and_index(connection)
            connection.commit()
        finally:
            connection.close()
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


#: Where rows wait until SQLite numbers them in IRI order (temporary: gone with the connection).
STAGING = """
CREATE TEMP TABLE staging (iri TEXT NOT NULL, label TEXT NOT NULL, kind TEXT NOT NULL,
                           kinds TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL,
                           name_latin TEXT NOT NULL, text_latin TEXT NOT NULL);
CREATE TEMP TABLE staging_key (iri TEXT NOT NULL, key TEXT NOT NULL);
"""
_BATCH = 20_000


class _UnsortedError(Exception):
    """The quads of one resource are not adjacent in the input."""


def _grouped_entries(quads: Iterable[ox.Quad]) -> Iterator[tuple[str, _Entry]]:
    """(IRI, entry) of each resource, as soon as its quads have passed; _UnsortedError if a
    resource comes back after another (the input is not sorted by subject)."""
    current = ""
    previous_key = b""
    group: list[ox.Quad] = []
    for quad in quads:
        subject = quad.subject
        if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(_OURS):
            continue
        if subject.value != current:
            if group:
                yield current, _entries(group)[current]
            key = f"<{subject.value}> ".encode()
            if key < previous_key:
                raise _UnsortedError(subject.value)
            current, previous_key, group = subject.value, key, []
        group.append(quad)
    if group:
        yield current, _entries(group)[current]


def _stage(connection: sqlite3.Connection, entries: Iterable[tuple[str, _Entry]]) -> None:
    """Each resource's row and name keys into the staging tables, in batches."""
    rows: list[tuple] = []
    keys: list[tuple[str, str]] = []
    for iri, entry in entries:
        if _kind(entry) in EXCLUDED_KINDS:
            continue
        names = _distinct(text for language in ("bg", "", "en")
                          for predicate in NAME_PREDICATES
                          for text, lang in sorted(entry.names.get(predicate, []))
                          if lang == language or (language == "en" and lang not in ("bg", "")))
        texts = _distinct(entry.texts)
        if not names and not texts:
            continue
        # ours asserted or inferred (a Kindergarten is an Organisation too), others only
        # as asserted (every Project is a prov:Activity, which is not a bgi:Activity)
        kinds = " ".join(sorted({kind_of(t) for t in entry.asserted + entry.inferred
                                 if t.startswith(BGI)}
                                | {kind_of(t) for t in entry.asserted}))
        name, text = " · ".join(names), " · ".join(texts)
        rows.append((iri, _label(entry) or texts[0][:200], _kind(entry), kinds, name, text,
                     latin(name), latin(text)))
        keys.extend((iri, key) for key in dict.fromkeys(latin(n) for n in names) if key)
        if len(rows) >= _BATCH:
            _flush_staging(connection, rows, keys)
    _flush_staging(connection, rows, keys)


def _flush_staging(connection: sqlite3.Connection, rows: list[tuple], keys: list[tuple[str, str]]) -> None:
    connection.executemany("INSERT INTO staging VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    connection.executemany("INSERT INTO staging_key VALUES (?, ?)", keys)
    rows.clear()
    keys.clear()


def _number_and_index(connection: sqlite3.Connection) -> int:
    """The staged rows numbered in IRI order (SQLite's BINARY order: code points, as Python
    sorts), the name keys and the full-text index made from them; the number of rows."""
    connection.executescript("""
        CREATE TEMP TABLE numbered AS
            SELECT row_number() OVER (ORDER BY iri) AS id, * FROM staging;
        DROP TABLE staging;
        INSERT INTO entry SELECT id, iri, label, kind, kinds, name, text FROM numbered ORDER BY id;
        CREATE INDEX temp.numbered_iri ON numbered (iri);
        INSERT INTO name_key SELECT k.key, n.id FROM staging_key k JOIN numbered n ON n.iri = k.iri
            ORDER BY n.id;
        INSERT INTO fts (rowid, name, text, name_latin, text_latin)
            SELECT id, name, text, name_latin, text_latin FROM numbered ORDER BY id;
        CREATE INDEX name_key_key ON name_key (key);
        INSERT INTO fts (fts) VALUES ('optimize');
    """)
    count = connection.execute("SELECT count(*) FROM entry").fetchone()[0]
    connection.execute("INSERT INTO meta VALUES ('resources', ?)", (str(count),))
    return count


# --- searching -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    kind: str
    kinds: tuple[str, ...]
    segments: tuple[tuple[str, bool], ...]
    score: float
    exact: bool

    @property
    def snippet(self) -> str:
        """The matched part as plain text, each matched word in [brackets]."""
        return "".join(f"[{part}]" if flag else part for part, flag in self.segments)


@dataclass(frozen=True)
class Terms:
    """A query's words: as folded, in Latin, and which are prefixes."""

    words: tuple[str, ...]
    latin: tuple[str, ...]
    prefix: tuple[bool, ...]
    key: str  # the whole query in Latin, for the exact-name match


def parse_query(text: str) -> Terms:
    """The words of a client's query; SearchQueryError if there are none or too many."""
    if len(text) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"q is {len(text)} characters long; at most {MAX_QUERY_CHARS}")
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in text):
        raise SearchQueryError("q holds control characters")
    folded = fold(text)
    found = _WORD.findall(folded)
    words = [word.rstrip("*") for word in found]
    prefix = [word.endswith("*") for word in found]
    if found and not text.endswith((" ", "\t")):
        prefix[-1] = True  # the word being typed
    kept = [(word, star) for word, star in zip(words, prefix, strict=True) if word]
    if not kept:
        raise SearchQueryError("q has no word to search for (letters or digits)")
    if len(kept) > MAX_WORDS:
        raise SearchQueryError(f"q has {len(kept)} words; at most {MAX_WORDS}")
    words_, prefix_ = zip(*kept, strict=True)
    key = " ".join(transliterate(word) for word in words_)
    return Terms(tuple(words_), tuple(transliterate(word) for word in words_), tuple(prefix_), key)


def _match(words: Iterable[str], prefix: Iterable[bool]) -> str:
    return " ".join(f'"{word}"' + ("*" if star else "") for word, star in zip(words, prefix, strict=True))


def match_expression(terms: Terms) -> str:
    """The FTS5 MATCH text: every word in the written columns, or every word in the Latin ones."""
    return (f"{{name text}} : ({_match(terms.words, terms.prefix)}) OR "
            f"{{name_latin text_latin}} : ({_match(terms.latin, terms.prefix)})")


def open_index(path: Path) -> sqlite3.Connection:
    """A read-only connection to the index at ``path``; SearchUnavailableError if there is none."""
    if not path.is_file():
        raise SearchUnavailableError(f"no text index for this build ({path.name} is missing); "
                                     "`kg build` or `kg publish` writes it")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    except sqlite3.Error as error:
        raise SearchUnavailableError(f"the text index {path.name} cannot be read: {error}") from None
    return connection


def search(connection: sqlite3.Connection, text: str, limit: int = 20,
           kind: str | None = None) -> list[Hit]:
    """The resources whose names or texts hold every word of ``text``, best first."""
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchQueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if kind is not None and not KIND.match(kind):
        raise SearchQueryError("kind must be a class name such as Project or Organisation")
    terms = parse_query(text)
    kind_filter = "" if kind is None else " AND (' ' || e.kinds || ' ') LIKE ?"
    kind_args = [] if kind is None else [f"% {kind} %"]
    exact_ids = [row[0] for row in connection.execute(
        "SELECT DISTINCT n.id FROM name_key n JOIN entry e ON e.id = n.id WHERE n.key = ?"
        + kind_filter + " LIMIT ?", [terms.key, *kind_args, limit])]
    weights = ", ".join(str(weight) for weight in WEIGHTS)
    select = ("SELECT e.id, e.iri, e.label, e.kind, e.kinds, e.name, e.text, {rank} AS rank "
              "FROM fts JOIN entry e ON e.id = fts.rowid WHERE fts MATCH ?" + kind_filter)
    short = any(star and len(word) < SHORT_PREFIX for word, star in zip(terms.words, terms.prefix,
                                                                         strict=True))
    ranked = terms
    if short:
        # bm25 over every word that starts with one or two letters costs one step per match
        # (170 ms at 300 000 resources): whole words are ranked, the prefix fills up unranked
        ranked = Terms(terms.words, terms.latin, tuple(False for _ in terms.words), terms.key)
    rows = connection.execute(select.format(rank=f"bm25(fts, {weights})") + " ORDER BY rank LIMIT ?",
                              [match_expression(ranked), *kind_args, limit]).fetchall()
    if short and len(rows) < limit:
        seen = {row[0] for row in rows}
        rows += [row for row in connection.execute(
            select.format(rank="0.0") + " LIMIT ?",
            [match_expression(terms), *kind_args, limit + len(seen)]) if row[0] not in seen]
    by_id = {row[0]: row for row in rows}
    missing = [identifier for identifier in exact_ids if identifier not in by_id]
    if missing:  # an exact name past the bm25 cut: fetched on its own
        marks = ",".join("?" * len(missing))
        for row in connection.execute(
                f"SELECT id, iri, label, kind, kinds, name, text, 0.0 FROM entry WHERE id IN ({marks})",
                missing):
            by_id[row[0]] = row
    exact = set(exact_ids)
    starts = {row[0] for row in by_id.values()
              if any(_latin_name(name).startswith(terms.key) for name in row[5].split(" · "))}
    ordered = sorted(by_id.values(), key=lambda row: (row[0] not in exact, row[0] not in starts,
                                                      row[7], row[2]))
    return [Hit(iri, label, kind_, tuple(kinds.split()), tuple(snippet_segments(name, body, terms)),
                round(-rank, 4), identifier in exact)
            for identifier, iri, label, kind_, kinds, name, body, rank in ordered[:limit]]


@functools.lru_cache(maxsize=65536)
def _forms(word: str) -> tuple[str, str]:
    """A word as folded and in Latin (cached: the same words recur in every answer)."""
    folded = fold(word)
    return folded, transliterate(folded)


@functools.lru_cache(maxsize=16384)
def _latin_name(name: str) -> str:
    return latin(name)


def _word_matches(word: str, terms: Terms) -> bool:
    folded, translated = _forms(word)
    for written, roman, star in zip(terms.words, terms.latin, terms.prefix, strict=True):
        if star and (folded.startswith(written) or translated.startswith(roman)):
            return True
        if folded == written or translated == roman:
            return True
    return False


def highlighted(text: str, terms: Terms, width: int = 160) -> list[tuple[str, bool]]:
    """``text`` (cut to about ``width`` characters from a little before its first match) as
    segments, each with whether it is a matched word."""
    parts = _SEGMENTS.split(text)  # words at the odd places
    first = next((index for index in range(1, len(parts), 2) if _word_matches(parts[index], terms)),
                 None)
    begin = 0
    if first is not None and len(text) > width:
        target = max(0, sum(len(part) for part in parts[:first]) - width // 3)
        position = 0
        for index, part in enumerate(parts):
            if position >= target:
                begin = index
                break
            position += len(part)
    segments: list[tuple[str, bool]] = [("…", False)] if begin else []
    length = 0
    for index in range(begin, len(parts)):
        part = parts[index]
        if length >= width:
            segments.append(("…", False))
            break
        if part:
            segments.append((part, bool(index % 2) and _word_matches(part, terms)))
        length += len(part)
    return segments


def snippet_segments(name: str, body: str, terms: Terms) -> list[tuple[str, bool]]:
    """The part of a hit's names or texts that matched, as :func:`highlighted` segments."""
    for text in (name, body):
        segments = highlighted(text, terms)
        if any(flag for _, flag in segments):
            return segments
    return highlighted(name or body, terms)
