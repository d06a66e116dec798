"""Every default limit has one home (kg/common/limits.py): the command line, the server and the
documentation state the same numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.cli import build_parser
from kg.common import limits
from kg.common.query_text import TextLimits
from server.http.request_limits import DEFAULTS as HTTP_DEFAULTS
from server.process.launcher import ServeLimits
from server.workers.limits import QueryLimits
from server.workers.local_lookups import SLOW_LOOKUP_SECONDS

SECURITY = Path(__file__).resolve().parent.parent / "docs" / "security.md"

#: Each row of docs/security.md's table "Limits and their defaults" (by the start of its first
#: cell) -> the constants its "default" cell states, in order. A new row needs an entry here.
DOCUMENTED = {
    "query time": [limits.QUERY_TIMEOUT_SECONDS],
    "a client's `timeout=` parameter": [limits.MAX_QUERY_TIMEOUT_SECONDS],
    "waiting for a free query worker": [],
    "a saved lookup answered without a worker": [round(SLOW_LOOKUP_SECONDS * 1000)],
    "query worker processes": [limits.QUERY_WORKERS],
    "query workers one client holds at once": [limits.CLIENT_QUERY_WORKERS],
    "query workers `/sparql` never takes (the cheap lane)": [limits.LIGHT_LANE_WORKERS],
    "memory (address space) of each query worker": [limits.WORKER_MEMORY_BYTES],
    "copies of the server on one port": [limits.SERVER_PROCESSES],
    "query length": [limits.MAX_QUERY_LENGTH],
    "bracket nesting": [limits.MAX_BRACKET_DEPTH],
    "chained prefix operators": [limits.MAX_OPERATOR_RUN],
    "request body": [limits.MAX_BODY_BYTES],
    "URL (path + query string)": [limits.MAX_URL_BYTES],
    "result rows": [limits.MAX_ROWS],
    "answer held whole": [limits.MAX_ANSWER_BYTES],
    "requests per second per client": [limits.RATE_LIMIT_PER_SECOND, limits.RATE_BURST],
    "requests in flight per client": [limits.CLIENT_CONCURRENCY, limits.RESERVED_THREADS],
    "`/sparql` requests in flight, all clients together": [limits.QUERY_CONCURRENCY,
                                                            limits.RESERVED_THREADS],
    "memory of the result cache": [limits.RESULT_CACHE_BYTES],
    "CLI input file": [limits.MAX_INPUT_BYTES],
    "CLI input triples": [limits.MAX_INPUT_TRIPLES],
    "`kg validate` / `kg publish` time": [limits.VALIDATION_TIMEOUT_SECONDS],
    "search text `q`": [limits.SEARCH_MAX_CHARACTERS, limits.SEARCH_MAX_WORDS],
    "search hits `limit`": [limits.SEARCH_MAX_HITS],
}
UNITS = {"KiB": limits.KIB, "MiB": limits.MIB}
#: A number as the documentation writes it: "100 000" (spaces between thousands), "1 MiB".
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?: \d{3})+|\d+)(?:\s*(KiB|MiB))?(?![\w.])")


def numbers_in(text: str) -> list[float]:
    """The numbers a cell of the documentation states, units applied."""
    return [int(digits.replace(" ", "")) * UNITS.get(unit or "", 1) for digits, unit in NUMBER.findall(text)]


def limits_table() -> dict[str, str]:
    """docs/security.md's limits table: first cell -> the "default" cell."""
    section = SECURITY.read_text(encoding="utf-8").split("## Limits and their defaults", 1)[1]
    table = next(block for block in section.split("\n\n") if block.startswith("|"))
    rows: dict[str, str] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] in ("limit", "---"):
            continue
        rows[cells[0]] = cells[1]
    return rows


def test_numbers_are_read_as_the_documentation_writes_them():
    assert numbers_in("100 000 characters") == [100_000]
    assert numbers_in("16 MiB") == [16 * 1024 * 1024]
    assert numbers_in("50, burst 100") == [50, 100]
    assert numbers_in("2 (per copy of the server)") == [2]
    assert numbers_in("`kg serve --max-rows`") == []


def test_the_documented_limits_table_states_the_defaults():
    table = limits_table()
    for row, default in table.items():
        documented = next((key for key in DOCUMENTED if row.startswith(key)), None)
        assert documented is not None, f"docs/security.md's row {row!r} has no constants in DOCUMENTED"
        assert numbers_in(default) == DOCUMENTED[documented], f"docs/security.md, row {row!r}"
    assert len(table) == len(DOCUMENTED)


def test_the_documentation_states_the_other_defaults_it_names():
    text = SECURITY.read_text(encoding="utf-8")
    assert re.search(r"at most ([\d ]+) texts per process", text).group(1).replace(" ", "") \
        == str(limits.QUERY_MEMO_SIZE)
    recipe = text.split("## Deployment recipe", 1)[1].split("\n## ", 1)[0]
    assert f"{limits.SERVER_THREADS} threads per copy" in recipe
    assert f"`channel_timeout={limits.CHANNEL_TIMEOUT_SECONDS}`" in recipe
    assert f"`connection_limit={limits.CONNECTION_LIMIT}`" in recipe
    assert f"request headers ≤ {limits.MAX_REQUEST_HEADER_BYTES // limits.KIB} KiB" in recipe


def _subcommand(name: str):
    parser = build_parser()
    [commands] = [action for action in parser._actions if action.dest == "command"]
    return commands.choices[name]


@pytest.mark.parametrize("command, option, default", [
    ("serve", "timeout", limits.QUERY_TIMEOUT_SECONDS),
    ("serve", "max_timeout", limits.MAX_QUERY_TIMEOUT_SECONDS),
    ("serve", "max_rows", limits.MAX_ROWS),
    ("serve", "workers", limits.QUERY_WORKERS),
    ("serve", "rate_limit", limits.RATE_LIMIT_PER_SECOND),
    ("serve", "client_concurrency", limits.CLIENT_CONCURRENCY),
    ("serve", "client_workers", limits.CLIENT_QUERY_WORKERS),
    ("serve", "cheap_lane_workers", limits.LIGHT_LANE_WORKERS),
    ("serve", "worker_memory", limits.WORKER_MEMORY_BYTES // limits.MIB),
    ("serve", "cache_memory", limits.RESULT_CACHE_BYTES // limits.MIB),
    ("serve", "threads", limits.SERVER_THREADS),
    ("serve", "processes", limits.SERVER_PROCESSES),
    ("validate", "timeout", limits.VALIDATION_TIMEOUT_SECONDS),
    ("publish", "timeout", limits.VALIDATION_TIMEOUT_SECONDS),
])
def test_the_command_line_defaults_and_says_the_limits(command, option, default):
    parser = _subcommand(command)
    [action] = [action for action in parser._actions if action.dest == option]
    assert action.default == default
    assert f"default {default:g}" in action.help


def test_the_server_defaults_to_the_same_limits_as_the_command_line():
    served, asked = QueryLimits(), ServeLimits()
    assert (served.timeout, served.max_timeout, served.max_rows, served.workers) \
        == (asked.timeout, asked.max_timeout, asked.max_rows, asked.workers) \
        == (limits.QUERY_TIMEOUT_SECONDS, limits.MAX_QUERY_TIMEOUT_SECONDS, limits.MAX_ROWS,
            limits.QUERY_WORKERS)
    assert (served.max_bytes, served.chunk_bytes) == (limits.MAX_ANSWER_BYTES, limits.CHUNK_BYTES)
    assert TextLimits() == TextLimits(limits.MAX_QUERY_LENGTH, limits.MAX_BRACKET_DEPTH,
                                      limits.MAX_OPERATOR_RUN)
    assert (HTTP_DEFAULTS["KG_RATE_LIMIT"], HTTP_DEFAULTS["KG_CLIENT_CONCURRENCY"]) \
        == (asked.rate_limit, asked.client_concurrency)
    assert (HTTP_DEFAULTS["KG_MAX_URL"], HTTP_DEFAULTS["KG_MAX_BODY"], HTTP_DEFAULTS["KG_RATE_BURST"]) \
        == (limits.MAX_URL_BYTES, limits.MAX_BODY_BYTES, limits.RATE_BURST)
