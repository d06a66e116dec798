"""Whether a request asks for a cut answer rather than an error, and how a refusal looks.

An answer over the row cap is refused (422) unless the request opts in, with the parameter
``truncate=1`` (GET query string or POST form, as ``timeout``) or the header
``Prefer: truncate`` (RFC 7240; an opted-in response says ``Preference-Applied: truncate``).
Why: docs/decisions/0019-cut-answers-are-refused-unless-asked.md.
"""

from __future__ import annotations

from flask import Flask, Request, Response, g

from server.http.errors import error_response
from server.workers.limits import CUT_PARAMETER, CUT_PREFERENCE, AnswerCutError

YES = ("1", "true")
NO = ("0", "false")
PREFERENCE_APPLIED = "Preference-Applied"


class OptInError(ValueError):
    """A ``truncate`` parameter that is repeated or not one of :data:`YES` / :data:`NO`."""


def prefers_cut(request: Request) -> bool:
    """True if a ``Prefer`` header of ``request`` names the ``truncate`` preference."""
    for header in request.headers.getlist("Prefer"):
        for preference in header.split(","):
            token = preference.split(";", 1)[0].split("=", 1)[0].strip().lower()
            if token == CUT_PREFERENCE:
                return True
    return False


def cut_allowed(values: list[str], request: Request) -> bool:
    """Whether the client opted in: ``values`` are its ``truncate`` parameters; OptInError if
    they are malformed. Remembers a ``Prefer`` opt-in, for :func:`install`'s response header."""
    if len(values) > 1:
        raise OptInError(f"give the '{CUT_PARAMETER}' parameter once")
    if values and values[0].strip().lower() not in YES + NO:
        raise OptInError(f"'{CUT_PARAMETER}' must be 1 or 0 (true or false), not {values[0][:20]!r}")
    g.kg_cut_checked = True  # the answer depends on Prefer: caches must know
    if prefers_cut(request):
        g.kg_prefers_cut = True
        return True
    return bool(values) and values[0].strip().lower() in YES


def reason_phrase(max_rows: int) -> str:
    """The status line's reason phrase of a refusal: what clients that show only the status
    line (urllib's HTTPError, so rdflib's SPARQLStore and SPARQLWrapper) still show."""
    return (f"Answer Over {max_rows} Rows; Page With ORDER BY + LIMIT/OFFSET "
            f"Or Ask {CUT_PARAMETER}=1")


def install(app: Flask) -> None:
    @app.errorhandler(AnswerCutError)
    def refused(error: AnswerCutError) -> Response:
        response = error_response(422, str(error))
        response.status = f"422 {reason_phrase(error.max_rows)}"
        return response

    @app.after_request
    def preference_applied(response: Response) -> Response:
        if g.pop("kg_cut_checked", False):
            response.vary.add("Prefer")
        if g.pop("kg_prefers_cut", False) and response.status_code < 400:
            response.headers[PREFERENCE_APPLIED] = CUT_PREFERENCE
        return response
