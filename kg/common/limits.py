"""Every default limit of the server and the command line, each named once.

The command line's defaults and help texts (kg/cli.py), the server's settings
(server/workers/limits.py, server/http/request_limits.py, server/process/launcher.py), the input checks
(kg/common/input_limits.py, kg/common/query_text.py) and validation read these names;
docs/security.md states them for people, and tests/test_limits.py checks its table against
this module. Why one home: the query time limit alone used to be written in three places, which
only agreed by care.

Each value is a default: ``kg serve`` options, the application's config or environment
variables change them where docs/security.md says so.
"""

from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB

# -- Queries (``kg serve``; server/workers/limits.py) ------------------------------------------

#: Seconds a query may run, sending a streamed answer included (``kg serve --timeout``).
QUERY_TIMEOUT_SECONDS = 10.0
#: The most a client's ``timeout=`` may ask for (``kg serve --max-timeout``). The same as the
#: default: a longer time limit holds a query worker longer, so only an operator grants it
#: (docs/decisions/0018).
MAX_QUERY_TIMEOUT_SECONDS = QUERY_TIMEOUT_SECONDS
#: Rows (solutions or triples) per answer; more are cut and the cut is announced (``--max-rows``).
MAX_ROWS = 10_000
#: The most of one answer the server holds: up to this it is sent whole, a longer one streams.
MAX_ANSWER_BYTES = 16 * MIB
#: About how much of a streamed answer each message from a query worker carries.
CHUNK_BYTES = 1 * MIB
#: Query worker processes per copy of the server (``kg serve --workers``).
QUERY_WORKERS = 2
#: Query workers one client may hold at once (``kg serve --client-workers``): half of them,
#: at least one, so that no client holds them all (docs/decisions/0018).
CLIENT_QUERY_WORKERS = max(1, QUERY_WORKERS // 2)
#: Query workers kept for the cheap lane (Linked Data pages, ``/api/queries/*``, ``/ontology``):
#: queries sent to ``/sparql`` never take the last one (when there are two or more).
LIGHT_LANE_WORKERS = 1
#: Bytes of memory (address space) per query worker (``kg serve --worker-memory``, MiB there):
#: a query that needs more is stopped with a 503 and its worker replaced. Two workers at the
#: cap still leave most of a 24 GB machine to the server, the page cache and the build.
WORKER_MEMORY_BYTES = 2 * 1024 * MIB
#: Bytes of whole answers each copy of the server keeps for repeated queries, until the next
#: publish (``kg serve --cache-memory``, MiB there; 0: no cache). A quarter of it is the
#: largest entry; 16 such answers at the read-ahead's 16 MiB fit (docs/decisions/0022).
RESULT_CACHE_BYTES = 256 * MIB
#: ``Retry-After`` (seconds) on the 503 of a query stopped at its time limit.
RETRY_AFTER_TIMEOUT_SECONDS = 5

# -- A query's text (kg/common/query_text.py), checked before any parser sees it -------------

#: Characters in a query.
MAX_QUERY_LENGTH = 100_000
#: Levels of bracket nesting (``{ ( [``): pyoxigraph's recursive parser overflows its stack
#: a few thousand levels deep and takes the whole process with it.
MAX_BRACKET_DEPTH = 64
#: Prefix operators (``! ^ + -``) in a row, for the same reason.
MAX_OPERATOR_RUN = 32
#: Query texts whose checks each process remembers (by SHA-256 digest, least recently used out).
QUERY_MEMO_SIZE = 1024

# -- HTTP requests (server/http/request_limits.py; the application's config keys in brackets) --------

#: Bytes of path and query string [KG_MAX_URL]; a longer URL gets 414 "use POST".
MAX_URL_BYTES = 8192
#: Bytes of a request body [KG_MAX_BODY]; more gets 413.
MAX_BODY_BYTES = 1 * MIB
#: Requests per second per client [KG_RATE_LIMIT] (``kg serve --rate-limit``; 0: no limit).
RATE_LIMIT_PER_SECOND = 50.0
#: Requests a client may send at once before the rate applies [KG_RATE_BURST].
RATE_BURST = 100
#: Threads ``/sparql`` queries never take, kept for the cheap lane (Linked Data pages, saved
#: queries, ``/healthz``) however many clients query at once (docs/decisions/0018).
RESERVED_THREADS = 4
#: Clients the rate limiter tracks before it forgets idle ones (bounds its memory).
TRACKED_CLIENTS = 10_000

# -- The HTTP server (waitress, server/process/launcher.py) -------------------------------------------

#: Threads answering requests per copy of the server (``kg serve --threads``). Most of them
#: only wait (for a query worker, or on a slow client), so they are cheap; 16 leave room for
#: the per-client and heavy-lane shares below.
SERVER_THREADS = 16
#: Requests in flight per client [KG_CLIENT_CONCURRENCY] (``kg serve --client-concurrency``):
#: a quarter of the threads, so that one client never fills them (at most the threads less
#: RESERVED_THREADS whatever is configured).
CLIENT_CONCURRENCY = SERVER_THREADS // 4
#: ``/sparql`` requests in flight from all clients together [KG_QUERY_CONCURRENCY]; the rest
#: of the threads stay for the cheap lane; beyond it, 503 with ``Retry-After``.
QUERY_CONCURRENCY = SERVER_THREADS - RESERVED_THREADS
#: Copies of the server on one socket (``kg serve --processes``).
SERVER_PROCESSES = 1
#: Seconds an idle connection is kept.
CHANNEL_TIMEOUT_SECONDS = 30
#: Connections open at once per copy of the server.
CONNECTION_LIMIT = 200
#: Bytes of a request's headers.
MAX_REQUEST_HEADER_BYTES = 64 * KIB

# -- Files other people give the command line (kg/common/input_limits.py) --------------------

#: Bytes per input file (environment KG_MAX_INPUT_BYTES).
MAX_INPUT_BYTES = 256 * MIB
#: Triples in all input files together (environment KG_MAX_INPUT_TRIPLES).
MAX_INPUT_TRIPLES = 5_000_000

# -- Validation and remote engines -----------------------------------------------------------

#: Seconds SHACL validation may take (``kg validate``/``kg publish --timeout``).
VALIDATION_TIMEOUT_SECONDS = 300.0
#: Seconds to wait for a remote SPARQL endpoint's answer (``kg serve --store URL``).
REMOTE_QUERY_TIMEOUT_SECONDS = 60.0
#: Seconds to wait for each request of ``kg publish --to`` (a whole graph is uploaded at once).
REMOTE_PUBLISH_TIMEOUT_SECONDS = 600.0

# -- Search (/api/search, kg/store/text_index.py) ----------------------------------------------

#: Characters of a search's text ``q``.
SEARCH_MAX_CHARACTERS = 200
#: Words of a search's text.
SEARCH_MAX_WORDS = 12
#: Hits one search may ask for (``limit``).
SEARCH_MAX_HITS = 100
