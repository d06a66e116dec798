"""Limits on RDF files other people give the command line (``kg validate FILES``, ``kg serve FILES``).

Checked before a parser sees the bytes:

* size: at most ``KG_MAX_INPUT_BYTES`` (default :data:`~kg.common.limits.MAX_INPUT_BYTES`, 256 MiB)
  per file;
* XML (RDF/XML, TriX): no ``<!DOCTYPE`` or ``<!ENTITY`` at all — entity expansion makes a few
  kilobytes cost minutes (rdflib's RDF/XML parser) and external entities read files;
* JSON-LD: every ``@context`` must be inline. A context given by reference (a URL, or a relative
  name that resolves to a file) would be fetched; that needs the explicit
  ``--allow-remote-contexts`` (:func:`remote_contexts_allowed`).

And after parsing, at most ``KG_MAX_INPUT_TRIPLES`` (default
:data:`~kg.common.limits.MAX_INPUT_TRIPLES`, 5,000,000) triples in all. A file
over a limit is a :class:`~kg.common.errors.KgError` naming the file and the limit (exit code 2).
owl:imports are never followed (pyshacl runs with ``do_owl_imports=False``), and shapes whose
SPARQL uses SERVICE are refused (:func:`check_shapes_sparql`).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.common import formats
from kg.common.errors import KgError
from kg.common.formats import Format
from kg.common.limits import MAX_INPUT_BYTES, MAX_INPUT_TRIPLES
from kg.common.query_text import uses_service

_state = threading.local()


def max_input_bytes() -> int:
    return int(os.environ.get("KG_MAX_INPUT_BYTES", MAX_INPUT_BYTES))


def max_input_triples() -> int:
    return int(os.environ.get("KG_MAX_INPUT_TRIPLES", MAX_INPUT_TRIPLES))


@contextlib.contextmanager
def remote_contexts_allowed(allowed: bool = True) -> Iterator[None]:
    """Within this block, JSON-LD files may name remote contexts (the user asked for it)."""
    previous = getattr(_state, "allowed", False)
    _state.allowed = allowed
    try:
        yield
    finally:
        _state.allowed = previous


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > max_input_bytes():
        raise KgError(f"{path}: {size} bytes; the limit is {max_input_bytes()} "
                      "(set KG_MAX_INPUT_BYTES to raise it)")


def check_input(path: Path, data: bytes, rdf_format: Format | None) -> None:
    """Refuse ``data`` (the bytes of ``path``, to be read as ``rdf_format``; None: not known) if
    it breaks a limit above. The XML checks also apply when the extension says XML."""
    if len(data) > max_input_bytes():
        raise KgError(f"{path}: {len(data)} bytes; the limit is {max_input_bytes()} "
                      "(set KG_MAX_INPUT_BYTES to raise it)")
    by_extension = formats.for_extension(path)
    if any(fmt is not None and fmt.xml_based for fmt in (rdf_format, by_extension)):
        text = _xml_text(data)
        for marker in ("<!DOCTYPE", "<!ENTITY"):
            position = text.upper().find(marker)
            if position >= 0:
                line = text.count("\n", 0, position) + 1
                raise KgError(f"{path}:{line}: {marker} is not accepted in RDF/XML input (entity "
                              "expansion can take minutes or read local files); remove it")
    if rdf_format is not None and rdf_format.key == "jsonld" and not getattr(_state, "allowed", False):
        reference = _context_reference(data)
        if reference is not None:
            raise KgError(f"{path}: the JSON-LD @context {reference[:80]!r} would be fetched; "
                          "inline the context, or allow it with --allow-remote-contexts")


def check_shapes_sparql(shapes: Any) -> None:
    """Refuse shapes whose SPARQL (sh:select, sh:ask, …) uses SERVICE: both validators would run
    it and fetch from the address it names. Same parse-tree check as the endpoint's."""
    # deferred: rdflib (~0.3 s) only where shapes are checked; kg serve imports this module
    # before it starts its worker server (server/process/launcher.py), and stays light that way
    from rdflib.namespace import SH

    for predicate in (SH.select, SH.ask, SH.construct, SH.update):
        for subject, text in shapes.subject_objects(predicate):
            if uses_service(str(text)):
                raise KgError(f"the shapes' SPARQL at {subject} uses SERVICE; validation never fetches "
                              "from other servers: remove the SERVICE clause")


def check_triples(count: int, what: str) -> None:
    if count > max_input_triples():
        raise KgError(f"{what}: {count} triples; the limit is {max_input_triples()} "
                      "(set KG_MAX_INPUT_TRIPLES to raise it)")


def _xml_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def _context_reference(data: bytes) -> str | None:
    """The first ``@context`` (or ``@import``) given by reference, not inline; None if all inline."""
    try:
        document = json.loads(data)
    except ValueError:
        return None  # the parser reports the syntax error with its place
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            return item
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return None
