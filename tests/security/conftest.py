"""Fixtures of the attack suite: the bundled build behind the real guarded store, a canary
HTTP server that must never be called, and the fingerprint that proves nothing was lost."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store.oxigraph import OxigraphStore
from server import create_app
from server.workers.limits import QueryLimits


@dataclass(frozen=True)
class Fingerprint:
    """What "nothing lost" means: the store's quad count and a hash of its sorted quads."""

    quads: int
    sha256: str


def fingerprint(store_dir: Path) -> Fingerprint:
    store = ox.Store.read_only(str(store_dir))
    lines = sorted(str(quad) for quad in store)
    return Fingerprint(len(lines), hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest())


class Canary:
    """A local HTTP server that records every request made to it; the suite expects none."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.requests.append(f"{self.command} {self.path}")
                body = b'{"@context": {}, "@id": "urn:x-kg-test:fetched"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/graph"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.close()


@pytest.fixture(scope="session")
def store_dir(built: Path) -> Path:
    return built / "store"


@pytest.fixture(scope="session")
def original(store_dir: Path) -> Fingerprint:
    return fingerprint(store_dir)


@pytest.fixture(scope="module")
def guarded_app(built: Path):
    """The application as kg serve makes it, with small caps so the suite can reach them."""
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built, config={
        "KG_LIMITS": QueryLimits(timeout=2.0, max_timeout=3.0, max_rows=50, max_bytes=64 * 1024,
                                 workers=2),
        "KG_RATE_LIMIT": 0, "KG_CLIENT_CONCURRENCY": 0})
    yield app
    app.config["KG_STORE"].close()
