"""How SHACL validation fails, shared by both engines and by the commands that validate.

Both engines (pyshacl in :mod:`kg.validate.pyshacl_engine`, SPARQL in :mod:`kg.validate.sparql_engine`)
run in a child process killed at a timeout and raise the same error when it passes; ``kg build`` raises
the other one when the graph has violations. They live here, apart from the engines, so the
command line and the builds can name them without importing an engine, and the engines can
raise them without importing each other.
"""

from __future__ import annotations

from kg.common.errors import KgError
from kg.common.limits import VALIDATION_TIMEOUT_SECONDS

#: Seconds a validation may take before :class:`ValidationTimeoutError` (``--timeout``).
DEFAULT_TIMEOUT = VALIDATION_TIMEOUT_SECONDS


class ValidationTimeoutError(KgError):
    """Validation did not finish within the time allowed."""


class ValidationFailedError(KgError):
    """The graph has violations (raised by ``kg build``, which will not publish it)."""
