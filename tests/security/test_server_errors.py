"""Every error a real ``kg serve`` answers is JSON, those waitress writes itself included:
a header block or body over its limit, a malformed request (issue 19, point 8)."""

from __future__ import annotations

import json
import socket

import pytest
from server_process import running_server

from kg.common.limits import MAX_BODY_BYTES, MAX_REQUEST_HEADER_BYTES


@pytest.fixture(scope="module")
def address(built):
    with running_server(["--build", str(built), "--rate-limit", "0"]) as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        yield host, int(port)


def exchange(address: tuple[str, int], request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read the whole answer (the server closes after an error).

    Each request below ends at the byte where waitress gives up, so that it has read all of it:
    a server that closes a connection with unread bytes resets it, and the client's kernel then
    drops the answer it had received (an artefact of the test, not of the server)."""
    with socket.create_connection(address, timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in
               (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, body


def assert_json_error(answer: tuple[int, dict[str, str], bytes], status: int, error: str) -> None:
    code, headers, body = answer
    assert code == status
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"] == error


def test_a_header_block_over_the_limit_gets_a_json_431(address):
    start = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: "
    request = start + b"a" * (MAX_REQUEST_HEADER_BYTES - len(start))
    assert_json_error(exchange(address, request), 431, "request header fields too large")


def test_a_body_over_the_limit_gets_a_json_413(address):
    request = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Content-Length: " + str(MAX_BODY_BYTES + 1).encode() + b"\r\n\r\n")
    assert_json_error(exchange(address, request), 413, "payload too large")


def test_a_chunked_body_over_the_limit_gets_a_json_413(address):
    chunk = b"a" * (MAX_BODY_BYTES // 16)
    chunks = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(16))
    request = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
    assert_json_error(exchange(address, request), 413, "payload too large")


def test_a_malformed_request_gets_a_json_400(address):
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"
    assert_json_error(exchange(address, request), 400, "bad request")
