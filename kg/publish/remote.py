"""``kg publish --to URL``: the release into an external engine, graph by graph, atomically.

The SPARQL 1.1 Graph Store Protocol has no transactions across requests, so the switch is
made by SPARQL 1.1 Update, which engines run one request at a time:

1. every named graph of the build is PUT (N-Triples, streamed from the build's store through a
   temporary file) into a *staging* graph ``urn:kg-publish:<token>:<n>``; readers see nothing
   of it, since nothing queries those names;
   The default graph (the union of the named graphs, a set, as the embedded store holds it)
   is staged the same way, so the engine answers exactly as the embedded store does without
   a "union default graph" mode (which would count a triple two sources state twice);
2. one Update request then ``MOVE``s each staging graph onto its real name (and onto the
   default graph) and ``DROP``s the project's graphs the release no longer has. Oxigraph and
   Fuseki (TDB2) run an Update request in one transaction, so readers see the old release or
   the new one, never a mix;
3. if an upload or the switch fails, the staging graphs are deleted (by the GSP) and the served
   graphs are untouched.

The Update endpoint defaults to the GSP URL with ``/store`` → ``/update`` (Oxigraph) or
``/data`` → ``/update`` (Fuseki); give ``--update`` for other engines.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.common.errors import KgError
from kg.common.formats import by_key
from kg.common.limits import REMOTE_PUBLISH_TIMEOUT_SECONDS
from kg.records import iris
from kg.store.remote import RemoteStore

#: Each graph is sent as N-Triples: one triple a line, so its lines count its triples.
UPLOAD = by_key("ntriples")


@dataclass
class RemotePublication:
    """What was published where."""

    graphs: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    def summary(self, url: str) -> str:
        lines = [f"published {len(self.graphs)} graphs ({sum(self.graphs.values())} triples) to {url}"]
        lines += [f"  dropped {name} (not in this release)" for name in self.dropped]
        return "\n".join(lines)


def sibling_url(gsp_url: str, service: str) -> str:
    """The ``service`` (update, query) endpoint beside a GSP endpoint, for engines whose layout is
    known: Oxigraph (``/store``) and Fuseki (``/<dataset>/data``)."""
    for suffix in ("/store", "/data"):
        if gsp_url.rstrip("/").endswith(suffix):
            return gsp_url.rstrip("/")[: -len(suffix)] + "/" + service
    raise KgError(f"--to {gsp_url}: cannot tell this engine's SPARQL {service} endpoint; "
                  f"give --{service} URL")


def publish_to(build_dir: Path, gsp_url: str, update_url: str | None = None,
               timeout: float = REMOTE_PUBLISH_TIMEOUT_SECONDS, progress: bool = False) -> RemotePublication:
    """Load every named graph of ``build_dir``'s store into the engine at ``gsp_url``, then switch."""
    store_dir = build_dir / "store"
    if not (store_dir / "CURRENT").is_file():
        raise KgError(f"{store_dir}: no store found; run `kg build` first")
    update_url = update_url or sibling_url(gsp_url, "update")
    store = ox.Store.read_only(str(store_dir))
    names = sorted(node.value for node in store.named_graphs())
    token = secrets.token_hex(8)
    staging = {name: f"urn:kg-publish:{token}:{number}" for number, name in enumerate(names)}
    publication = RemotePublication()
    try:
        for name in names:
            if progress:
                print(f"uploading {name} …", file=sys.stderr, flush=True)
            publication.graphs[name] = _put_graph(store, name, gsp_url, staging[name], timeout)
        existing = _remote_graphs(gsp_url, timeout)
        publication.dropped = sorted(name for name in existing
                                     if name.startswith(str(iris.GRAPH)) and name not in staging)
        default_staging = f"urn:kg-publish:{token}:default"
        staging[""] = default_staging
        _put_graph(store, "", gsp_url, default_staging, timeout)
        operations = [f"MOVE SILENT GRAPH <{temporary}> TO GRAPH <{name}>"
                      for name, temporary in staging.items() if name]
        operations.append(f"MOVE SILENT GRAPH <{default_staging}> TO DEFAULT")
        operations += [f"DROP SILENT GRAPH <{name}>" for name in publication.dropped]
        _post_update(update_url, " ;\n".join(operations), timeout)
    except BaseException:
        for temporary in staging.values():  # by the GSP: the Update endpoint may be what failed
            request = urllib.request.Request(f"{gsp_url}?{urllib.parse.urlencode({'graph': temporary})}",
                                             method="DELETE")
            with contextlib.suppress(KgError):  # never uploaded (404), or the engine is gone
                _send(request, timeout, gsp_url)
        raise
    return publication


def _put_graph(store: ox.Store, name: str, gsp_url: str, target: str, timeout: float) -> int:
    handle, temporary = tempfile.mkstemp(suffix=UPLOAD.extension)
    os.close(handle)
    try:
        graph = ox.NamedNode(name) if name else ox.DefaultGraph()
        store.dump(temporary, format=UPLOAD.rdf_format, from_graph=graph)
        with open(temporary, "rb") as lines:
            triples = sum(1 for _ in lines)
        size = os.path.getsize(temporary)
        url = f"{gsp_url}?{urllib.parse.urlencode({'graph': target})}"
        with open(temporary, "rb") as body:
            request = urllib.request.Request(url, data=body, method="PUT", headers={
                "Content-Type": UPLOAD.media_type, "Content-Length": str(size)})
            _send(request, timeout, gsp_url)
        return triples
    finally:
        Path(temporary).unlink(missing_ok=True)


def _remote_graphs(gsp_url: str, timeout: float) -> list[str]:
    """The named graphs the engine holds now (asked at the query endpoint beside the GSP one)."""
    return RemoteStore(sibling_url(gsp_url, "query"), timeout=timeout).graph_names()


def _post_update(update_url: str, text: str, timeout: float) -> None:
    request = urllib.request.Request(update_url, data=urllib.parse.urlencode({"update": text}).encode(),
                                     method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    _send(request, timeout, update_url)


def _send(request: urllib.request.Request, timeout: float, url: str) -> None:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        message = error.read().decode("utf-8", "replace").strip()[:500]
        raise KgError(f"{url}: the engine answered {error.code}: {message or error.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise KgError(f"{url}: cannot reach the engine: {error}") from None
