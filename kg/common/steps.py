"""How long each step of a long command took, said on stderr: at 100 000 contracts every step of
``kg build`` takes tens of seconds to minutes, and where the time goes is worth seeing."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed_step(progress: bool, what: str, action: Callable[[], T]) -> T:
    """``action()``; with ``progress``, "what …" before it and "  what: N s" after it."""
    started = time.monotonic()
    if progress:
        print(f"{what} …", file=sys.stderr, flush=True)
    result = action()
    if progress:
        print(f"  {what}: {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    return result
