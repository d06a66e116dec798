"""Limits and safety headers on every HTTP request, installed by :func:`install` in create_app.

* URL longer than ``KG_MAX_URL`` → 414 "use POST"; body larger than ``KG_MAX_BODY`` → 413.
* Per client (the remote address; behind a proxy, waitress's ``trusted_proxy`` sets it): a
  token bucket of ``KG_RATE_LIMIT`` requests per second (burst ``KG_RATE_BURST``) and at most
  ``KG_CLIENT_CONCURRENCY`` requests in flight → 429 with ``Retry-After``. That cap is below the
  server's thread count, so one client never fills every thread (docs/decisions/0018).
  ``/healthz`` and static files are exempt, so a monitor always gets through.
* All clients together: at most ``KG_QUERY_CONCURRENCY`` ``/sparql`` requests in flight → 503
  with ``Retry-After``; the other threads stay for the cheap lane (Linked Data pages, saved
  queries, ``/healthz``). Each request's :class:`server.workers.limits.Asker` (its client, and
  whether it is a ``/sparql`` query) tells the worker pool whose share a query counts against.
* Every response: ``X-Content-Type-Options: nosniff``, a Content-Security-Policy (scripts only
  from this server or an inline block carrying this response's nonce), no framing, no referrer;
  a cut answer gets ``KG-Result-Truncated``.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from dataclasses import dataclass

from flask import Flask, Response, g, request

from kg.common import limits
from server.http.errors import error_response
from server.workers.limits import ASKER, TRUNCATION_HEADER, Asker

#: The application's config keys and their defaults (kg/common/limits.py).
DEFAULTS = {
    "KG_MAX_URL": limits.MAX_URL_BYTES,
    "KG_MAX_BODY": limits.MAX_BODY_BYTES,
    "KG_RATE_LIMIT": limits.RATE_LIMIT_PER_SECOND,
    "KG_RATE_BURST": limits.RATE_BURST,
    "KG_CLIENT_CONCURRENCY": limits.CLIENT_CONCURRENCY,
    "KG_QUERY_CONCURRENCY": limits.QUERY_CONCURRENCY,
}
EXEMPT_PREFIXES = ("/healthz", "/static/")
#: The heavy lane: client-written queries, which may run to the time limit.
HEAVY_PREFIXES = ("/sparql",)
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


@dataclass
class _Bucket:
    tokens: float
    updated: float
    in_flight: int = 0


class ServerBusyError(Exception):
    """Every thread of the heavy lane is taken (by several clients, each within its share)."""


class ClientLimiter:
    """Token bucket and in-flight count per client key, and the heavy lane's in-flight count
    over all clients (thread-safe)."""

    def __init__(self, rate: float, burst: int, concurrency: int, heavy_concurrency: int = 0) -> None:
        self.rate, self.burst, self.concurrency = rate, burst, concurrency
        self.heavy_concurrency = heavy_concurrency
        self.heavy_in_flight = 0
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def enter(self, key: str, heavy: bool = False) -> float | None:
        """None if the request may proceed (and is counted), else seconds to wait before
        retrying; ServerBusyError if the heavy lane is full."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) > limits.TRACKED_CLIENTS:
                    self._forget_idle(now)
                bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            if self.concurrency and bucket.in_flight >= self.concurrency:
                return 1.0
            if self.rate > 0:
                bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
                bucket.updated = now
                if bucket.tokens < 1.0:
                    return (1.0 - bucket.tokens) / self.rate
                bucket.tokens -= 1.0
            if heavy and self.heavy_concurrency and self.heavy_in_flight >= self.heavy_concurrency:
                raise ServerBusyError
            bucket.in_flight += 1
            self.heavy_in_flight += heavy
            return None

    def leave(self, key: str, heavy: bool = False) -> None:
        with self._lock:
            self.heavy_in_flight -= heavy
            bucket = self._buckets.get(key)
            if bucket is not None and bucket.in_flight:
                bucket.in_flight -= 1

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, bucket in self._buckets.items()
                    if not bucket.in_flight and now - bucket.updated > 60]:
            del self._buckets[key]


def install(app: Flask) -> None:
    """Register the limit checks and the safety headers on ``app``."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config["MAX_CONTENT_LENGTH"] = app.config["KG_MAX_BODY"]
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.debug = False
    limiter = ClientLimiter(app.config["KG_RATE_LIMIT"], app.config["KG_RATE_BURST"],
                            app.config["KG_CLIENT_CONCURRENCY"], app.config["KG_QUERY_CONCURRENCY"])
    app.extensions["kg_client_limiter"] = limiter
    @app.before_request
    def check_limits() -> Response | None:
        g.csp_nonce = secrets.token_urlsafe(16)
        ASKER.set(None)  # this thread's last request is not this one's asker
        url_length = len(request.path) + len(request.query_string) + 1
        if url_length > app.config["KG_MAX_URL"]:
            return error_response(414, f"the URL is {url_length} bytes long; the limit is "
                                       f"{app.config['KG_MAX_URL']}: use POST (the query in the "
                                       "body as application/sparql-query or a form)")
        length = request.content_length
        if length is not None and length > app.config["KG_MAX_BODY"]:
            return error_response(413, f"the request body is {length} bytes; the limit is "
                                       f"{app.config['KG_MAX_BODY']}")
        if request.path.startswith(EXEMPT_PREFIXES):
            return None
        key = request.remote_addr or "unknown"
        heavy = request.path.startswith(HEAVY_PREFIXES)
        try:
            wait = limiter.enter(key, heavy)
        except ServerBusyError:
            response = error_response(503, "every query slot is taken by other clients' queries; "
                                           f"retry after {limits.RETRY_AFTER_TIMEOUT_SECONDS} s")
            response.headers["Retry-After"] = str(limits.RETRY_AFTER_TIMEOUT_SECONDS)
            return response
        if wait is not None:
            response = error_response(429, "too many requests from your address; slow down and "
                                           f"retry after {math.ceil(wait)} s")
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        g.kg_client_key, g.kg_heavy = key, heavy
        ASKER.set(Asker(key, heavy))
        return None

    @app.teardown_request
    def release(_error: BaseException | None) -> None:
        key = g.pop("kg_client_key", None)
        if key is not None:
            limiter.leave(key, g.pop("kg_heavy", False))

    @app.after_request
    def safety_headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = CSP.format(nonce=g.get("csp_nonce", "none"))
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        truncated = g.get("kg_truncated")
        if truncated:
            response.headers[TRUNCATION_HEADER] = truncated
        return response

    @app.context_processor
    def nonce() -> dict:
        return {"csp_nonce": g.get("csp_nonce", "")}
