"""Every RDF syntax and SPARQL results format the project reads or writes, in one table.

A :class:`Format` holds all that the code needs to know about one syntax: its key, its media
type, the names a client or the command line may call it by (``format=``/``output=``,
``--format-in``), its file extensions, rdflib's parser/serializer name, pyoxigraph's
``RdfFormat``/``QueryResultsFormat``, whether it is a SPARQL results format or an RDF syntax
and whether it keeps named graphs. Content negotiation (server/http/formats.py), the stores'
serialisations (kg/store), the export's files (kg/export), the command line's input files
(kg/common/rdf_input.py) and the service description all read :data:`FORMATS`.

Why one table: this knowledge used to be written out in some fifteen modules, which could
disagree (``kg serve FILE`` and ``kg validate FILE`` accepted different extensions). A format
is now added or corrected with one edit, and tests/test_formats.py checks every row against
rdflib and pyoxigraph.

Every syntax here is UTF-8 text, so every media type the server sends from this table is sent
with ``; charset=utf-8`` (:func:`content_type`).

The module imports only the standard library (pyoxigraph when a format's pyoxigraph object is
first asked for), so that the command line can name formats in its help before anything else
is installed (``python -m kg assets``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pyoxigraph as ox

FormatKind = Literal["results", "graph"]
#: A SPARQL results format: the answer to SELECT and ASK.
RESULTS: FormatKind = "results"
#: An RDF syntax: the answer to CONSTRUCT and DESCRIBE, a file of triples or quads.
GRAPH: FormatKind = "graph"

#: The namespace of the W3C's format IRIs, as the SPARQL service description names them.
W3C_FORMATS = "http://www.w3.org/ns/formats/"
#: The character set of every format here (they are all text).
CHARSET = "utf-8"


@dataclass(frozen=True)
class Format:
    """One syntax and every name it goes by."""

    #: The project's own name for it: the key the stores' ``serialize(key)`` take.
    key: str
    kind: FormatKind
    title: str
    #: Its registered media type, the one the server sends.
    media_type: str
    #: File extensions, lower-case with the dot; the first is the one the project writes.
    extensions: tuple[str, ...]
    #: rdflib's parser name (``Graph.parse``, ``Result.parse``), also its serializer's where
    #: rdflib writes the format (it writes no TSV results).
    rdflib_name: str
    #: The name of pyoxigraph's ``RdfFormat`` (RDF syntaxes) or ``QueryResultsFormat`` (results),
    #: None where pyoxigraph has none (TriX).
    oxigraph_name: str | None
    #: The values of ``format=``/``output=``/``results=`` that ask for it. A name may stand for one
    #: results format and one RDF syntax ("json": SPARQL JSON for a table, JSON-LD for a graph).
    names: tuple[str, ...] = ()
    #: Holds named graphs (a dataset), not only triples.
    keeps_graphs: bool = False
    #: An XML document (DOCTYPE and entities must be refused in input: kg/common/input_limits.py).
    xml_based: bool = False
    #: Its local name in http://www.w3.org/ns/formats/ (the service description's sd:resultFormat).
    w3c_name: str | None = None
    #: The EU Publications Office file-type code (the export's DCAT-AP description).
    eu_file_type: str | None = None
    #: How a comment is written in it (``{}`` is the text), None if the syntax has none.
    comment: str | None = None
    #: The server writes it (conneg, ``format=``); False for syntaxes only read (N3, TriX).
    served: bool = True

    @property
    def extension(self) -> str:
        """The extension the project writes files of this format with (``.ttl``)."""
        return self.extensions[0]

    @property
    def is_results(self) -> bool:
        return self.kind == RESULTS

    @property
    def is_graph(self) -> bool:
        return self.kind == GRAPH

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """pyoxigraph's RDF format for this syntax (ValueError for a results format, or TriX)."""
        import pyoxigraph  # deferred: `python -m kg assets` reads this module before pip installs it

        if not self.is_graph or self.oxigraph_name is None:
            raise ValueError(f"{self.title} is not an RDF syntax pyoxigraph reads or writes")
        return getattr(pyoxigraph.RdfFormat, self.oxigraph_name)

    @property
    def results_format(self) -> ox.QueryResultsFormat:
        """pyoxigraph's results format for this one (ValueError for an RDF syntax)."""
        import pyoxigraph  # deferred: `python -m kg assets` reads this module before pip installs it

        if not self.is_results or self.oxigraph_name is None:
            raise ValueError(f"{self.title} is not a SPARQL results format")
        return getattr(pyoxigraph.QueryResultsFormat, self.oxigraph_name)

    @property
    def oxigraph(self) -> ox.RdfFormat | ox.QueryResultsFormat | None:
        """pyoxigraph's format, whichever kind; None where pyoxigraph has none."""
        if self.oxigraph_name is None:
            return None
        return self.results_format if self.is_results else self.rdf_format

    @property
    def w3c_iri(self) -> str | None:
        return W3C_FORMATS + self.w3c_name if self.w3c_name else None


_HASH_COMMENT = "# {}\n"
_XML_COMMENT = "\n<!-- {} -->\n"

#: Every format, in the server's order of preference within each kind (conneg ties go to the
#: earlier one, and ``*/*`` gets the first).
FORMATS: tuple[Format, ...] = (
    Format("json", RESULTS, "SPARQL 1.1 Query Results JSON", "application/sparql-results+json",
           (".srj",), "json", "JSON", names=("json", "srj"),
           w3c_name="SPARQL_Results_JSON"),
    Format("xml", RESULTS, "SPARQL Query Results XML", "application/sparql-results+xml",
           (".srx",), "xml", "XML", names=("xml", "srx"), xml_based=True,
           w3c_name="SPARQL_Results_XML", comment=_XML_COMMENT),
    Format("csv", RESULTS, "SPARQL 1.1 Query Results CSV", "text/csv", (".csv",), "csv",
           "CSV", names=("csv",), w3c_name="SPARQL_Results_CSV", eu_file_type="CSV"),
    Format("tsv", RESULTS, "SPARQL 1.1 Query Results TSV", "text/tab-separated-values", (".tsv",), "tsv",
           "TSV", names=("tsv",), w3c_name="SPARQL_Results_TSV"),
    Format("turtle", GRAPH, "Turtle", "text/turtle", (".ttl",), "turtle", "TURTLE",
           names=("turtle", "ttl", "n3"), w3c_name="Turtle", eu_file_type="RDF_TURTLE",
           comment=_HASH_COMMENT),
    Format("jsonld", GRAPH, "JSON-LD", "application/ld+json", (".jsonld", ".json", ".json-ld"), "json-ld",
           "JSON_LD", names=("jsonld", "json-ld", "json", "srj"), keeps_graphs=True,
           w3c_name="JSON-LD", eu_file_type="JSON_LD"),
    Format("ntriples", GRAPH, "N-Triples", "application/n-triples", (".nt", ".ntriples"), "nt",
           "N_TRIPLES", names=("nt", "ntriples", "n-triples"), w3c_name="N-Triples",
           eu_file_type="RDF_N_TRIPLES", comment=_HASH_COMMENT),
    Format("rdfxml", GRAPH, "RDF/XML", "application/rdf+xml", (".rdf", ".owl", ".xml"), "xml",
           "RDF_XML", names=("rdfxml", "rdf/xml", "rdf", "rdf+xml", "xml", "srx"),
           xml_based=True, w3c_name="RDF_XML", eu_file_type="RDF_XML", comment=_XML_COMMENT),
    Format("trig", GRAPH, "TriG", "application/trig", (".trig",), "trig", "TRIG",
           names=("trig",), keeps_graphs=True, w3c_name="TriG", eu_file_type="RDF_TRIG",
           comment=_HASH_COMMENT),
    Format("nquads", GRAPH, "N-Quads", "application/n-quads", (".nq", ".nquads"), "nquads",
           "N_QUADS", names=("nquads", "n-quads"), keeps_graphs=True, w3c_name="N-Quads",
           eu_file_type="RDF_N_QUADS", comment=_HASH_COMMENT),
    # Read only: files a user names (`kg serve FILE`, `kg validate FILE`). Asked for N3, the
    # server answers Turtle, which is N3 too.
    Format("n3", GRAPH, "Notation3", "text/n3", (".n3",), "n3", "N3", w3c_name="N3",
           comment=_HASH_COMMENT, served=False),
    Format("trix", GRAPH, "TriX", "application/trix", (".trix",), "trix", None, keeps_graphs=True,
           xml_based=True, comment=_XML_COMMENT, served=False),
)


@dataclass(frozen=True)
class MediaTypeAlias:
    """A media type that is no format's own but that clients send, and what it stands for."""

    media_type: str
    results_key: str | None
    graph_key: str | None


#: In the server's order of preference, offered after the formats' own media types.
MEDIA_TYPE_ALIASES: tuple[MediaTypeAlias, ...] = (
    MediaTypeAlias("application/json", "json", "jsonld"),
    MediaTypeAlias("application/xml", "xml", "rdfxml"),
    MediaTypeAlias("text/xml", "xml", None),
    MediaTypeAlias("text/plain", "tsv", "ntriples"),
    MediaTypeAlias("application/x-turtle", None, "turtle"),
    MediaTypeAlias("text/n3", None, "turtle"),
)

_BY_KEY = {fmt.key: fmt for fmt in FORMATS}


def by_key(key: str) -> Format:
    """The format of key ``key`` (KeyError if there is none: keys are the code's own names)."""
    return _BY_KEY[key]


def served(kind: FormatKind) -> tuple[Format, ...]:
    """The formats of ``kind`` the server writes, in its order of preference."""
    return tuple(fmt for fmt in FORMATS if fmt.kind == kind and fmt.served)


def media_types(*keys: str) -> list[str]:
    """The media types of the formats ``keys``, in that order (an endpoint's offers)."""
    return [by_key(key).media_type for key in keys]


def offer_keys(kind: FormatKind) -> dict[str, str]:
    """Every media type the server answers ``kind`` in -> the key of the format it stands for,
    in the server's order of preference: the formats' own media types, then the aliases."""
    keys = {fmt.media_type: fmt.key for fmt in served(kind)}
    for alias in MEDIA_TYPE_ALIASES:
        key = alias.results_key if kind == RESULTS else alias.graph_key
        if key is not None:
            keys.setdefault(alias.media_type, key)
    return keys


def offers(kind: FormatKind) -> list[str]:
    """Every media type the server answers ``kind`` in, in its order of preference."""
    return list(offer_keys(kind))


def for_media_type(media_type: str, kind: FormatKind) -> Format | None:
    """The served format of ``kind`` that ``media_type`` (its own or an alias) asks for."""
    key = offer_keys(kind).get(media_type)
    return by_key(key) if key is not None else None


def override_table() -> dict[str, tuple[str | None, str | None]]:
    """Each value ``format=``/``output=``/``results=`` may take -> (results key, graph key):
    every name of a served format and every media type the server offers."""
    table: dict[str, tuple[str | None, str | None]] = {}
    values = [name for fmt in FORMATS if fmt.served for name in fmt.names]
    values += offers(RESULTS) + offers(GRAPH)
    for value in dict.fromkeys(values):
        table[value] = (_named(value, RESULTS), _named(value, GRAPH))
    return table


def content_type(media_type: str) -> str:
    """The Content-Type header for an answer in ``media_type`` (all the formats are UTF-8 text)."""
    return f"{media_type}; charset={CHARSET}"


def for_extension(path: str | PurePath) -> Format | None:
    """The RDF syntax of a file, by its extension (any case); None if the extension is not one."""
    suffix = PurePath(path).suffix.lower()
    return next((fmt for fmt in FORMATS if fmt.is_graph and suffix in fmt.extensions), None)


def rdf_extensions(pyoxigraph_only: bool = False) -> list[str]:
    """The file extensions of the RDF syntaxes (those pyoxigraph reads, if asked), sorted."""
    return sorted(extension for fmt in FORMATS if fmt.is_graph
                  and (not pyoxigraph_only or fmt.oxigraph_name is not None)
                  for extension in fmt.extensions)


def input_format(name: str) -> Format | None:
    """The RDF syntax a user names (``--format-in``): by key, rdflib name, extension (with or
    without the dot) or ``format=`` name, in that order of precedence; None if none fits."""
    wanted = name.strip().lower()
    graphs = [fmt for fmt in FORMATS if fmt.is_graph]
    for matches in (lambda fmt: fmt.key == wanted,
                    lambda fmt: fmt.rdflib_name == wanted,
                    lambda fmt: "." + wanted.lstrip(".") in fmt.extensions,
                    lambda fmt: wanted in fmt.names):
        found = next((fmt for fmt in graphs if matches(fmt)), None)
        if found is not None:
            return found
    return None


def input_names() -> list[str]:
    """The keys of the RDF syntaxes that can be read (for messages and ``--format-in``'s help)."""
    return [fmt.key for fmt in FORMATS if fmt.is_graph]


def _named(value: str, kind: FormatKind) -> str | None:
    """The key of the served format of ``kind`` that a name or media type asks for, or None."""
    for fmt in served(kind):
        if value in fmt.names:
            return fmt.key
    found = for_media_type(value, kind)
    return found.key if found is not None else None
