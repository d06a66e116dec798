"""Whole answers of ``/sparql`` and ``/api/queries/NAME`` kept in memory until the next publish.

A query asked again with the same text, dataset, bindings, format, cut opt-in, row cap and time
limit is answered from :class:`ResultCache` without a query worker: the key holds the generation
the store serves (:func:`generation_of`), so an entry never outlives it: when ``kg publish``
makes a new generation current and the server switches to it, the next request finds the
generation changed and drops every entry. The cache is bounded in bytes (``kg serve
--cache-memory``, 0 turns it off) and forgets the least recently used entries first.

Only whole 200 answers are kept: not a streamed answer (longer than the read-ahead), not an
error, not a cut answer unless the opt-in is part of the key (it is), not an answer of a store
with no generation (a remote endpoint, a store made in code: it may change under the server).

Every answer of a cacheable request says ``KG-Cache: hit`` or ``miss`` and carries a strong
``ETag``; a GET or HEAD with a matching ``If-None-Match`` gets 304 without a body. A hit still
passes the request limits (server/http/request_limits.py: it counts against its client's rate
and in-flight share) but needs no worker. Each copy of the server (``kg serve --processes N``)
has its own cache. Why and what was left out: docs/decisions/0022-result-cache-by-generation.md.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Request, Response, current_app, g, request

from kg.common import limits

#: The response header that says whether the answer came from the cache.
CACHE_HEADER = "KG-Cache"
#: The headers of an answer the cache keeps with its body (the rest are set per request).
KEPT_HEADERS = ("Content-Type", "Content-Disposition")
#: What an entry costs beyond its body and key (the objects around them), for the byte bound.
ENTRY_OVERHEAD = 600
#: An entry larger than this share of the cache is not kept: one answer never empties it.
LARGEST_SHARE = 4


@dataclass(frozen=True)
class Entry:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    truncated: str | None
    size: int
    stored: float


def generation_of(store: Any) -> Hashable | None:
    """The generation ``store`` serves, or None if its answers must not be cached: only a store
    that switches builds by :meth:`~server.workers.guarded_store.GuardedStore.reload` knows
    when its data change."""
    if not hasattr(store, "reload"):
        return None
    source = getattr(store, "source", None)
    return (getattr(store, "generation", None), getattr(source, "label", None))


class ResultCache:
    """Bounded in bytes, least recently used out, emptied when the generation changes
    (thread-safe)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, int(max_bytes))
        self.bytes = 0
        self.hits = self.misses = self.evictions = self.dropped = 0
        self.generation: Hashable | None = None
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def _follow(self, generation: Hashable) -> None:
        """Drop every entry if ``generation`` is not the one they were made from (lock held)."""
        if generation != self.generation:
            self.dropped += len(self._entries)
            self._entries.clear()
            self.bytes = 0
            self.generation = generation

    def get(self, key: Hashable, generation: Hashable) -> Entry | None:
        with self._lock:
            self._follow(generation)
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: Hashable, generation: Hashable, entry: Entry, current: Hashable) -> bool:
        """Keep ``entry``, made from ``generation``, if that is still ``current`` and it fits."""
        if entry.size > self.max_bytes // LARGEST_SHARE:
            return False
        with self._lock:
            self._follow(current)
            if generation != current:  # a publish came while the query ran
                return False
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self.bytes -= evicted.size
                self.evictions += 1
            return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def status(self, current: Hashable | None = None) -> dict:
        with self._lock:
            if current is not None:
                self._follow(current)
            return {"max_bytes": self.max_bytes, "bytes": self.bytes, "entries": len(self._entries),
                    "hits": self.hits, "misses": self.misses, "evictions": self.evictions,
                    "dropped_on_publish": self.dropped}


def _size_of(key: Hashable) -> int:
    if isinstance(key, (str, bytes)):
        return len(key) * (1 if isinstance(key, bytes) else 4)
    if isinstance(key, tuple):
        return sum(_size_of(part) for part in key) + 8 * len(key)
    return 32


def _etag(body: bytes, media: str) -> str:
    digest = hashlib.blake2b(media.encode("utf-8"), digest_size=16)
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


def _matches(incoming: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (also as flask-compress marks it, ``etag:gzip``)."""
    if incoming.method not in ("GET", "HEAD"):
        return False
    header = incoming.headers.get("If-None-Match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    for tag in header.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag.split(":", 1)[0] == etag:
            return True
    return False


def _not_modified(etag: str, hit: bool) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    response.headers[CACHE_HEADER] = "hit" if hit else "miss"
    return response


class Lookup:
    """One request's use of the cache: :meth:`answer` before the query, :meth:`keep` after."""

    def __init__(self, cache: ResultCache | None, store: Any, key: Hashable) -> None:
        self.cache = cache
        self.store = store
        self.generation = generation_of(store) if cache is not None and cache.enabled else None
        self.key = key

    def answer(self) -> Response | None:
        """The cached answer (or 304), or None: the query must run."""
        cache = self.cache
        if cache is None or self.generation is None:
            return None
        entry = cache.get(self.key, self.generation)
        if entry is None:
            g.kg_cache = "miss"  # said on whatever answers this request, errors included
            return None
        if entry.truncated:
            g.kg_truncated = entry.truncated  # KG-Result-Truncated, as on the first answer
        if _matches(request, entry.etag):
            return _not_modified(entry.etag, hit=True)
        response = Response(entry.body, status=200)
        for name, value in entry.headers:
            response.headers[name] = value
        response.headers["Vary"] = "Accept"
        response.set_etag(entry.etag)
        response.headers[CACHE_HEADER] = "hit"
        return response

    def keep(self, response: Response, result: Any = None) -> Response:
        """``response`` kept if it is a whole 200 answer, marked ``KG-Cache: miss`` either way."""
        cache = self.cache
        if cache is None or self.generation is None:
            return response
        response.headers[CACHE_HEADER] = "miss"
        if response.status_code != 200 or response.is_streamed or getattr(result, "streamed", False):
            return response
        body = response.get_data()
        media = response.headers.get("Content-Type", "")
        etag = _etag(body, media)
        response.set_etag(etag)
        headers = tuple((name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers)
        entry = Entry(body, headers, etag, getattr(result, "truncated", None),
                      len(body) + _size_of(self.key) + ENTRY_OVERHEAD, time.time())
        cache.put(self.key, self.generation, entry, generation_of(self.store))
        if _matches(request, etag):
            return _not_modified(etag, hit=False)
        return response


def lookup(key: Hashable) -> Lookup:
    """The current application's cache, for the request whose answer depends on ``key``."""
    app = current_app
    return Lookup(app.extensions.get("kg_result_cache"), app.config["KG_STORE"], key)


def install(app: Flask) -> None:
    """Give ``app`` its cache of ``KG_CACHE_BYTES`` (default :data:`kg.common.limits.RESULT_CACHE_BYTES`)."""
    app.config.setdefault("KG_CACHE_BYTES", limits.RESULT_CACHE_BYTES)
    app.extensions["kg_result_cache"] = ResultCache(app.config["KG_CACHE_BYTES"])

    @app.after_request
    def say_miss(response: Response) -> Response:
        state = g.pop("kg_cache", None)
        if state and CACHE_HEADER not in response.headers:
            response.headers[CACHE_HEADER] = state
        return response


def status(app: Flask) -> dict:
    """The cache's figures for ``/healthz`` (entries of a generation no longer served dropped)."""
    cache = app.extensions.get("kg_result_cache")
    if cache is None:
        return {"max_bytes": 0}
    return cache.status(generation_of(app.config["KG_STORE"]))
