"""The ontology reference: one HTML page (``kg docs``, and ``/ontology`` for browsers).

Rendered with Jinja from kg.ontology_docs.model's values and kg.ontology_docs.diagram's SVG: bg and en
labels and definitions, the class hierarchy, properties with domain and range, the alignments
to standard vocabularies, the SKOS code lists and a diagram of the main classes. The page is
self-contained (inline CSS and SVG, no script, nothing from elsewhere), so the file ``kg docs``
writes reads the same offline as the page the server sends. The server renders it on first
request and keeps it until an ontology file changes; ``kg docs`` need not have been run.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from kg.ontology_docs.diagram import diagram_svg, main_arrows
from kg.ontology_docs.model import Ontology, Term, ontology_files, read_ontology

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE = "ontology_reference.html"


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def _uses(ontology: Ontology) -> dict[str, dict[str, list[Term]]]:
    """For each class, the properties whose domain or range names it."""
    uses: dict[str, dict[str, list[Term]]] = {}
    for term in ontology.terms.values():
        if term.kind == "class":
            continue
        for side, unions in (("domain", term.domain), ("range", term.range)):
            for union in unions:
                for ref in union:
                    uses.setdefault(ref.iri, {"domain": [], "range": []})[side].append(term)
    return uses


def render_page(ontology: Ontology, served: bool = False) -> str:
    """The reference as HTML; ``served`` adds the site's navigation and RDF download links."""
    arrows = main_arrows(ontology)
    alignments = [(term, relation, external) for term in ontology.terms.values()
                  for relation, external in term.alignments]
    return _environment().get_template(PAGE).render(
        ontology=ontology, served=served, diagram=diagram_svg(ontology), arrows=arrows,
        classes=ontology.of_kind("class"), object_properties=ontology.of_kind("object-property"),
        datatype_properties=ontology.of_kind("datatype-property"), roots=ontology.roots(),
        terms=ontology.terms, uses=_uses(ontology), alignments=alignments,
        code_lists=ontology.code_lists)


@lru_cache(maxsize=4)
def _cached(served: bool, stamp: tuple[tuple[str, int, int], ...]) -> str:
    return render_page(read_ontology([Path(name) for name, _, _ in stamp]), served=served)


def reference_html(served: bool = True) -> str:
    """The page for the bundled ontology, rendered once per version of the ontology files."""
    files = ontology_files()
    stamp = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    return _cached(served, stamp)


def write_docs(out: Path) -> list[Path]:
    """``kg docs``: index.html and diagram.svg in ``out``, each written atomically."""
    ontology = read_ontology()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("index.html", render_page(ontology, served=False)),
                       ("diagram.svg", diagram_svg(ontology))):
        target = out / name
        handle, staging = tempfile.mkstemp(prefix=f".{name}.", dir=out)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.chmod(staging, 0o644)  # mkstemp makes it private; the docs are for everyone
            os.replace(staging, target)
        except BaseException:
            Path(staging).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
