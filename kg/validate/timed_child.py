"""Work in a child process that is killed at a time limit: what both validation engines need.

Neither pyshacl nor a pyoxigraph query can be interrupted from a thread, so a validation with a
time limit runs in a child process; the parent waits for its one message and kills it at the
limit, so ``kg validate --timeout`` really stops the work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kg.common.errors import KgError
from kg.validate.errors import ValidationTimeoutError


def child_message(context: Any, target: Callable[..., None], args: tuple, timeout: float) -> Any:
    """Run ``target(sender, *args)`` in a child of the multiprocessing ``context`` and return the
    one message it sends; ValidationTimeoutError after ``timeout`` seconds (the child killed),
    KgError if it died without sending anything."""
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=target, args=(sender, *args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise ValidationTimeoutError(f"validation did not finish within {timeout:g} seconds "
                                         "(raise it with --timeout)")
        try:
            return receiver.recv()
        except EOFError:
            child.join(5)
            raise KgError(f"the validator stopped without a report (exit code {child.exitcode})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
