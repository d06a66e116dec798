"""pyshacl, the reference SHACL engine, run where it fetches nothing and is stopped at a timeout.

pyshacl runs in a child process that is killed at the timeout. It is given graphs, never
addresses, and ``do_owl_imports=False``, so it fetches nothing. pyshacl itself is imported only
when it runs: the default engine is the SPARQL one (:mod:`kg.validate.sparql_engine`), which never needs it.
"""

from __future__ import annotations

import functools
import multiprocessing

from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery

from kg.common.errors import KgError
from kg.validate.errors import DEFAULT_TIMEOUT
from kg.validate.report import with_report_prefixes
from kg.validate.timed_child import child_message


class QueryCachingGraph(Graph):
    """A Graph that parses each SPARQL text once.

    pyshacl runs every SPARQL-based constraint once per focus node with the same text; rdflib
    would parse it every time, which is most of the cost (25 s instead of 3 s on the build).
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=1024)
def _prepared(text: str):
    return prepareQuery(text)


def run_pyshacl(data: Graph, shapes: Graph, inference: str = "none",
                timeout: float | None = DEFAULT_TIMEOUT) -> Graph:
    """pyshacl's report graph, computed in a child process killed after ``timeout`` seconds.

    With ``timeout=None`` pyshacl runs in this process (no time limit; parsed SPARQL is reused
    across calls, which makes many small validations fast, as in the tests).
    """
    if timeout is None:
        return with_report_prefixes(_pyshacl_report(data, shapes, inference))
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    payload: Graph | bytes = data
    shapes_payload: Graph | bytes = shapes
    if context.get_start_method() != "fork":  # a spawned child gets the graphs as N-Triples
        payload = data.serialize(format="nt", encoding="utf-8")
        shapes_payload = shapes.serialize(format="nt", encoding="utf-8")
    status, body = child_message(context, _pyshacl_child, (payload, shapes_payload, inference), timeout)
    if status != "ok":
        raise KgError(f"the SHACL validator failed: {body}")
    return with_report_prefixes(Graph().parse(data=body, format="nt"))


def _pyshacl_report(data: Graph, shapes: Graph, inference: str) -> Graph:
    import pyshacl  # deferred: only the pyshacl engine needs it (the default SPARQL one does not)

    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference=None if inference == "none" else inference,
        advanced=False, allow_warnings=True, allow_infos=True, do_owl_imports=False,
        inplace=True, abort_on_first=False)
    return report


def _pyshacl_child(sender, data: Graph | bytes, shapes: Graph | bytes, inference: str) -> None:
    try:
        if isinstance(data, bytes):
            data = QueryCachingGraph().parse(data=data, format="nt")
        if isinstance(shapes, bytes):
            shapes = Graph().parse(data=shapes, format="nt")
        report = _pyshacl_report(data, shapes, inference)
        sender.send(("ok", report.serialize(format="nt", encoding="utf-8")))
    except Exception as error:  # reported by the parent as a KgError
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()
