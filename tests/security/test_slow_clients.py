"""Slow clients (slowloris: many sockets sending headers a byte at a time) do not starve
``/healthz`` behind the documented reverse proxy (docs/deploy/nginx.conf, nginx from Debian).

nginx must be installed in CI (.ci/run installs it); elsewhere the test skips without it
(tests/tools.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import tools
from server_process import free_port, running_server

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "docs" / "deploy" / "nginx.conf"
SLOW_SOCKETS = 300


def proxy_config(prefix: Path, listen_port: int, upstream_port: int) -> Path:
    text = CONFIG.read_text(encoding="utf-8")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    text = text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    temp = "".join(f"    {name}_temp_path {prefix / name};\n"
                   for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = text.replace("http {\n", "http {\n" + temp, 1)
    path = prefix / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


def slow_client(port: int, stop: threading.Event) -> None:
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        while not stop.is_set():
            sock.sendall(b"X")
            stop.wait(0.5)
        sock.close()
    except OSError:
        pass  # nginx dropped us: what it should do to a slow client


def healthz_seconds(port: int) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
        assert response.status == 200
    return time.monotonic() - started


@pytest.mark.needs("nginx")
def test_healthz_answers_promptly_while_slow_clients_hold_hundreds_of_sockets(built, tmp_path):
    binary = tools.require("nginx")
    with running_server(["--build", str(built), "--trusted-proxy", "127.0.0.1"]) as base_url:
        upstream = int(base_url.rsplit(":", 1)[1])
        port = free_port()
        config = proxy_config(tmp_path, port, upstream)
        directives = f"daemon off; pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};"
        if os.geteuid() == 0:
            directives += " user root;"
        nginx = subprocess.Popen([binary, "-p", str(tmp_path), "-c", str(config), "-g", directives],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    healthz_seconds(port)
                    break
                except OSError:
                    assert nginx.poll() is None and time.monotonic() < deadline, \
                        (tmp_path / "error.log").read_text() if (tmp_path / "error.log").exists() else ""
                    time.sleep(0.2)
            stop = threading.Event()
            slow = [threading.Thread(target=slow_client, args=(port, stop), daemon=True)
                    for _ in range(SLOW_SOCKETS)]
            for thread in slow:
                thread.start()
            time.sleep(2)
            timings = [healthz_seconds(port) for _ in range(10)]
            query = urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=10)
            assert query.status == 200
            stop.set()
            for thread in slow:
                thread.join(timeout=5)
            assert max(timings) < 2.0, timings
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
