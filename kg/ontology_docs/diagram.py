"""The diagram of the main classes: an SVG drawn in pure Python (grandalf's Sugiyama layout).

The main classes are the ``bgi:`` classes that ``bgi:`` object properties connect (a domain and
a range, or members of a union, both ``bgi:`` classes). Each pair of classes gets one arrow,
labelled with its properties; of an owl:inverseOf pair only one is drawn. No Graphviz binary is
needed, so the page renders the same from a clone, a wheel or CI; the output is deterministic
(inputs sorted, coordinates rounded).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

from grandalf.graphs import Edge, Vertex, graph_core
from grandalf.layouts import SugiyamaLayout

from kg.ontology_docs.model import Ontology, Ref

CHAR_WIDTH = 7.0      # px per character at the 12 px font the SVG uses (an estimate)
LINE_HEIGHT = 14.0
WRAP = 26             # characters per line of a Bulgarian label in a box
GAP = 60.0            # between the laid-out components


@dataclass(frozen=True)
class Arrow:
    source: Ref
    target: Ref
    labels: tuple[str, ...]


class _Box:
    """The size grandalf lays out for a vertex; it writes the centre into ``xy``."""

    def __init__(self, width: float, height: float) -> None:
        self.w, self.h = width, height
        self.xy = (0.0, 0.0)


class _Route:
    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points) -> None:
        self.points = [tuple(point) for point in points]


def main_arrows(ontology: Ontology) -> list[Arrow]:
    """One arrow per connected pair of bgi: classes, labelled with the properties between them."""
    drawn: set[str] = set()
    pairs: dict[tuple[str, str], tuple[Ref, Ref, list[str]]] = {}
    for term in ontology.of_kind("object-property"):
        if term.inverse is not None and term.inverse.iri in drawn:
            continue
        found = False
        for domain in term.domain:
            for range_ in term.range:
                for source in domain:
                    for target in range_:
                        if not (source.local and target.local) or source == target:
                            continue
                        key = (source.iri, target.iri)
                        back = (target.iri, source.iri)
                        if back in pairs:
                            pairs[back][2].append(term.ref.curie + " ⁻¹")
                        else:
                            pairs.setdefault(key, (source, target, []))[2].append(term.ref.curie)
                        found = True
        if found:
            drawn.add(term.ref.iri)
    return [Arrow(source, target, tuple(sorted(labels)))
            for (source, target, labels) in (pairs[key] for key in sorted(pairs))]


def _label(ontology: Ontology, ref: Ref) -> tuple[str, list[str]]:
    """The box's name and its Bulgarian label, wrapped to lines of at most WRAP characters."""
    term = ontology.terms.get(ref.iri)
    return ref.curie, textwrap.wrap(term.label_bg, WRAP) if term and term.label_bg else []


def _box_size(name: str, lines: list[str]) -> tuple[float, float]:
    return CHAR_WIDTH * max([len(name), *map(len, lines)]) + 20, LINE_HEIGHT * (len(lines) + 1) + 12


def diagram_svg(ontology: Ontology) -> str:
    """The SVG (a string, no XML declaration) of the main classes and the arrows between them."""
    arrows = main_arrows(ontology)
    refs = sorted({arrow.source for arrow in arrows} | {arrow.target for arrow in arrows},
                  key=lambda ref: ref.curie)
    vertices = {}
    for ref in refs:
        vertex = Vertex(ref)
        vertex.view = _Box(*_box_size(*_label(ontology, ref)))
        vertices[ref.iri] = vertex
    edges = []
    for arrow in arrows:
        edge = Edge(vertices[arrow.source.iri], vertices[arrow.target.iri], data=arrow)
        edge.view = _Route()
        edges.append(edge)
    offset = 0.0
    placed: list[tuple[Vertex, float]] = []
    for component in _components(refs, arrows, vertices, edges):
        layout = SugiyamaLayout(component)
        layout.xspace, layout.yspace = 16, 60
        layout.init_all()
        layout.draw()
        left = min(v.view.xy[0] - v.view.w / 2 for v in component.sV)
        right = max(v.view.xy[0] + v.view.w / 2 for v in component.sV)
        for vertex in component.sV:
            placed.append((vertex, offset - left))
        for edge in component.sE:
            edge.view.points = [(x + offset - left, y) for x, y in edge.view.points]
        offset += right - left + GAP
    return _svg(ontology, placed, edges)


def _components(refs: list[Ref], arrows: list[Arrow], vertices: dict, edges: list[Edge]) -> list:
    """The connected parts, biggest first, each with its vertices and edges in sorted order.

    grandalf's own Graph collects a component's edges in a set (ordered by object id), which
    would make the layout differ from run to run.
    """
    group = {ref.iri: ref.iri for ref in refs}

    def find(iri: str) -> str:
        while group[iri] != iri:
            iri = group[iri]
        return iri

    for arrow in arrows:
        group[find(arrow.source.iri)] = find(arrow.target.iri)
    members: dict[str, list[str]] = {}
    for ref in refs:
        members.setdefault(find(ref.iri), []).append(ref.iri)
    parts = sorted(members.values(), key=lambda iris: (-len(iris), iris[0]))
    components = []
    for iris in parts:
        inside = set(iris)
        component_edges = [edge for edge in edges if edge.data.source.iri in inside]
        components.append(graph_core([vertices[iri] for iri in iris], component_edges))
    return components


def _centre(vertex: Vertex, shift: dict[int, float]) -> tuple[float, float]:
    return vertex.view.xy[0] + shift[id(vertex)], vertex.view.xy[1]


def _border(centre: tuple[float, float], towards: tuple[float, float], vertex: Vertex) -> tuple[float, float]:
    """Where the line from a box's centre towards a point leaves the box."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    if dx == 0 and dy == 0:
        return centre
    scale = min(vertex.view.w / 2 / abs(dx) if dx else float("inf"),
                vertex.view.h / 2 / abs(dy) if dy else float("inf"))
    return centre[0] + dx * scale, centre[1] + dy * scale


def _clipped(edge: Edge, shift: dict[int, float]) -> list[tuple[float, float]]:
    """The edge's route from its source's border to its target's border (arrowheads show)."""
    source, target = edge.v
    start, end = _centre(source, shift), _centre(target, shift)
    points = list(edge.view.points) or [start, end]
    if len(points) < 2:
        points = [start, end]
    # grandalf may route an edge it reversed (to break a cycle) from the target's end
    def distance_to_end(point: tuple[float, float]) -> float:
        return (point[0] - end[0]) ** 2 + (point[1] - end[1]) ** 2

    if distance_to_end(points[0]) < distance_to_end(points[-1]):
        points.reverse()
    inner = points[1:-1]
    after_start = inner[0] if inner else end
    before_end = inner[-1] if inner else start
    return [_border(start, after_start, source), *inner, _border(end, before_end, target)]


def _svg(ontology: Ontology, placed: list[tuple[Vertex, float]], edges: list[Edge]) -> str:
    shift = {id(vertex): dx for vertex, dx in placed}
    top = min(vertex.view.xy[1] - vertex.view.h / 2 for vertex, _ in placed) - 10
    bottom = max(vertex.view.xy[1] + vertex.view.h / 2 for vertex, _ in placed) + 10
    width = max(vertex.view.xy[0] + shift[id(vertex)] + vertex.view.w / 2 for vertex, _ in placed) + 10

    def y(value: float) -> float:
        return round(value - top, 1)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="class-diagram" role="img" '
             f'viewBox="-10 0 {round(width + 10, 1)} {y(bottom)}" width="{round(width + 20)}" '
             f'height="{round(y(bottom))}" font-family="system-ui, sans-serif" font-size="12">',
             "<title>Основни класове / Main classes</title>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
             'fill="#52606d"/></marker></defs>']
    for edge in sorted(edges, key=lambda e: (e.data.source.curie, e.data.target.curie)):
        points = _clipped(edge, shift)
        path = " ".join(f"{round(x, 1)},{y(py)}" for x, py in points)
        parts.append(f'<polyline class="property" points="{path}" fill="none" stroke="#52606d" '
                     f'stroke-width="1.2" marker-end="url(#arrow)"/>')
        middle = points[len(points) // 2] if len(points) > 2 else \
            ((points[0][0] + points[-1][0]) / 2, (points[0][1] + points[-1][1]) / 2)
        label = escape(", ".join(edge.data.labels))
        parts.append(f'<text class="property-label" x="{round(middle[0] + 4, 1)}" '
                     f'y="{y(middle[1])}" fill="#7b3f00" font-size="10">{label}</text>')
    for vertex, dx in sorted(placed, key=lambda item: item[0].data.curie):
        ref: Ref = vertex.data
        name, lines = _label(ontology, ref)
        cx, cy = vertex.view.xy[0] + dx, vertex.view.xy[1]
        w, h = vertex.view.w, vertex.view.h
        first = cy - h / 2 + 6 + LINE_HEIGHT - 2
        texts = [f'<text x="{round(cx, 1)}" y="{y(first)}" text-anchor="middle" font-weight="600" '
                 f'fill="#0b3d59">{escape(name)}</text>']
        texts += [f'<text x="{round(cx, 1)}" y="{y(first + LINE_HEIGHT * (number + 1))}" '
                  f'text-anchor="middle" fill="#333" lang="bg">{escape(line)}</text>'
                  for number, line in enumerate(lines)]
        parts.append(f'<a href="#{escape(ref.anchor)}" class="class-box"><rect x="{round(cx - w / 2, 1)}" '
                     f'y="{y(cy - h / 2)}" width="{round(w, 1)}" height="{h}" rx="5" fill="#e8f1f8" '
                     f'stroke="#0b3d59"/>{"".join(texts)}</a>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
