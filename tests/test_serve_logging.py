"""kg serve keeps waitress's queue warnings to one a minute: a signal of load, not a flood."""

from __future__ import annotations

import logging

from server.process import launcher as serve
from server.process.launcher import OncePerInterval


def _record(depth: int) -> logging.LogRecord:
    return logging.LogRecord("waitress.queue", logging.WARNING, __file__, 1, f"Task queue depth is {depth}",
                             None, None)


def test_one_warning_passes_per_interval_and_the_next_says_how_many_were_held_back(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(serve.time, "monotonic", lambda: clock[0])
    gate = OncePerInterval(interval=60)
    assert gate.filter(_record(1)) is True
    assert [gate.filter(_record(depth)) for depth in (2, 3, 4)] == [False, False, False]
    clock[0] += 59.9
    assert gate.filter(_record(5)) is False
    clock[0] += 0.2
    shown = _record(6)
    assert gate.filter(shown) is True
    assert shown.getMessage() == "Task queue depth is 6 (and 4 more such warnings since the last one shown)"
    clock[0] += 61
    quiet_then_one = _record(1)
    assert gate.filter(quiet_then_one) is True and quiet_then_one.getMessage() == "Task queue depth is 1"


def test_the_filter_is_installed_once_on_waitress_queue_logger():
    queue_logger = logging.getLogger("waitress.queue")
    serve.quiet_queue_warnings()
    serve.quiet_queue_warnings()
    assert sum(isinstance(existing, OncePerInterval) for existing in queue_logger.filters) == 1
