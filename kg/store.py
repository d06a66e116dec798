"""Open the built graph for querying.

For now the store is rdflib's in-memory Dataset read from build/kg.nq, with the default graph
the union of all named graphs (so a query without GRAPH sees every source, the ontology and the
inferred triples). The endpoint issue adds the pyoxigraph on-disk store behind the same call.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset

from kg.errors import KgError


def open_dataset(build_dir: Path) -> Dataset:
    """The release in ``build_dir`` as a Dataset whose default graph is the union of all graphs."""
    path = build_dir / "kg.nq"
    if not path.is_file():
        raise KgError(f"{path}: no build found; run `kg build` first")
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    return dataset
