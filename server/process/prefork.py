"""``kg serve --processes N``: N copies of the server accepting from one listening socket.

One Python process answers HTTP under one GIL: at 100 000 contracts ``kg serve`` spends 1.5–2 ms
of that process's CPU per lookup and tops out near one core whatever the number of query
workers (bench/RESULTS.md). Forking the whole server after the socket is bound, as gunicorn's
arbiter does, lets each core run HTTP; each copy keeps its own query workers, time limit, caps
and reload watcher, so every answer is still wholly from one build and a runaway query still
costs only its worker.

The parent binds the socket, forks the copies and then only supervises: SIGTERM and SIGINT stop
every copy (SIGKILL after a grace period), SIGHUP is passed on (each copy re-reads the published
pointer), and a copy that dies is replaced. Copies that die within seconds of starting, over
and over, mean the server cannot start (a store that does not open, say): the parent stops
rather than fork forever, and says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

#: A copy that dies sooner than this after its start counts as failing to start.
EARLY_DEATH_SECONDS = 5.0
#: After this many early deaths in a row the supervisor gives up.
MAX_EARLY_DEATHS = 3
#: How long stopped copies get to finish before they are killed.
STOP_GRACE_SECONDS = 10.0


def bound_listener(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (IPv4 or IPv6 by the host's form), for the
    copies to accept from. Raises OSError as the kernel does (port in use, no such address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(backlog)
    return listener


class Supervisor:
    """Keeps ``count`` forked copies running ``serve_copy`` until told to stop."""

    def __init__(self, count: int, serve_copy: Callable[[], object]) -> None:
        self.count, self.serve_copy = count, serve_copy
        self.copies: dict[int, float] = {}  # pid → when it started
        self.stopping = False
        self.early_deaths = 0

    def run(self) -> int:
        """Start the copies and supervise them; the exit status for ``kg serve``."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGHUP, self._pass_on)
        for _ in range(self.count):
            self._start_copy()
        while self.copies:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries os.wait itself
                continue
            started = self.copies.pop(pid, None)
            if started is None or self.stopping:
                continue
            lived = time.monotonic() - started
            print(f"kg serve: process {pid} ended ({_how(status)}) after {lived:.1f} s; starting "
                  "another", file=sys.stderr, flush=True)
            self.early_deaths = self.early_deaths + 1 if lived < EARLY_DEATH_SECONDS else 0
            if self.early_deaths >= MAX_EARLY_DEATHS:
                print(f"kg serve: {self.early_deaths} processes in a row ended within "
                      f"{EARLY_DEATH_SECONDS:g} s of starting; stopping (see the errors above)",
                      file=sys.stderr, flush=True)
                self._stop()
                self._reap()
                return 1
            self._start_copy()
        return 0

    def _start_copy(self) -> None:
        pid = os.fork()
        if pid == 0:  # the copy: default signal handling, then the server until it ends
            for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(number, signal.SIG_DFL)
            code = 1
            try:
                self.serve_copy()
                code = 0
            except BaseException as error:
                print(f"kg serve: process {os.getpid()} failed: {error}", file=sys.stderr, flush=True)
            finally:
                os._exit(code)
        self.copies[pid] = time.monotonic()

    def _pass_on(self, number: int, _frame: object = None) -> None:
        for pid in list(self.copies):
            _signal(pid, number)

    def _stop(self, _number: int = 0, _frame: object = None) -> None:
        if self.stopping:
            return
        self.stopping = True
        for pid in list(self.copies):
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while self.copies and time.monotonic() < deadline:
            self._reap(block=False)
            time.sleep(0.05)
        for pid in list(self.copies):
            _signal(pid, signal.SIGKILL)

    def _reap(self, block: bool = True) -> None:
        for pid in list(self.copies):
            try:
                done, _status = os.waitpid(pid, 0 if block else os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                self.copies.pop(pid, None)


def _signal(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, number)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
