"""The shapes graph: which files hold the shapes, their union, and the shapes in it.

Both engines and the report read the same shapes graph, so loading it is done once, here: the
union of every ``*.ttl`` of shapes/ (or of the file or directory named), with the shapes'
SPARQL checked for SERVICE before anything runs it (kg/common/input_limits.py).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.common import paths
from kg.common.errors import KgError
from kg.common.input_limits import check_shapes_sparql
from kg.common.rdf_input import read_rdf_file
from kg.records import iris


def shape_files(location: Path | None = None) -> list[Path]:
    """The shape files: every ``*.ttl`` of a directory (sorted), or the one file named."""
    location = Path(location) if location else paths.shapes_dir()
    if location.is_dir():
        files = sorted(location.glob("*.ttl"))
        if not files:
            raise KgError(f"{location}: no shape files (*.ttl)")
        return files
    if not location.exists():
        raise KgError(f"{location}: no such shapes file or directory")
    return [location]


def load_shapes(location: Path | None = None) -> Graph:
    """The shapes graph: the union of the shape files."""
    shapes = Graph()
    for path in shape_files(location):
        for graph in read_rdf_file(path).values():
            for triple in graph:  # shapes are written with the default base
                shapes.add((iris.rebased_term(triple[0]), iris.rebased_term(triple[1]),
                            iris.rebased_term(triple[2])))
    check_shapes_sparql(shapes)  # no SERVICE in the shapes' SPARQL (kg/common/input_limits.py)
    return shapes


def named_shapes(shapes: Graph) -> set[URIRef | BNode]:
    """Every node and property shape of a shapes graph."""
    nodes = [*shapes.subjects(RDF.type, SH.NodeShape), *shapes.subjects(RDF.type, SH.PropertyShape),
             *shapes.objects(None, SH.property)]
    return {node for node in nodes if isinstance(node, URIRef | BNode)}
