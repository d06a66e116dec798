"""The OpenAPI 3.1 document of the named-query API, generated from the ``#+`` query headers.

One source of truth: the saved queries' headers give each operation its summary (title),
description (en and bg), parameters (JSON Schema type, format, enum, default, example) and
the media types of its answer; nothing about a query is written twice.
"""

from __future__ import annotations

from collections.abc import Callable

from kg import __version__
from kg.query.catalogue import DECIMAL, MAX_VALUE_LENGTH, Parameter, SavedQuery
from server.http.formats import API_GRAPH_OFFERS, API_TABLE_KEYS, API_TABLE_OFFERS

#: The IRIs kg.query.catalogue accepts (IRI_FORBIDDEN and control characters excluded), as ECMA regex.
IRI_PATTERN = r'^https?://[^ <>"{}|^`\\\x00-\x1f\x7f]*$'

DESCRIPTION = """\
Every saved query of the BG Inclusion knowledge graph as a REST call: no SPARQL needed.
Parameters are checked against their type and allowed values and bound as RDF terms (never
pasted into the query); a wrong, unknown or repeated parameter gets 400 with the reason.
Answers are SPARQL JSON results by default (also for `Accept: */*`), CSV with
`Accept: text/csv`, SPARQL XML and TSV by content negotiation; `format=` overrides `Accept`.
An answer with more rows than the server's cap (10 000 by default) is refused with 422 and how
to page, unless the call asks for the first rows with `truncate=1` (or `Prefer: truncate`):
then it is 200 with the header `KG-Result-Truncated: rows=N`. A call repeated while the same
build is published is answered from the server's cache (`KG-Cache: hit`, the same bytes); every
answer has an `ETag`, and `If-None-Match` with it gets 304.

Всяка записана заявка към графа на знанието като REST извикване, без SPARQL. Параметрите се
проверяват по тип и допустими стойности и се свързват като RDF термини; грешен, непознат или
повторен параметър води до 400 с причината. Отговорът е SPARQL JSON по подразбиране, CSV с
`Accept: text/csv`, SPARQL XML и TSV чрез договаряне на съдържанието. Отговор с повече редове от
границата на сървъра (10 000 по подразбиране) се отказва с 422, освен ако извикването не поиска
първите редове с `truncate=1` (или `Prefer: truncate`)."""


#: What any request may meet from the server's limits (docs/security.md), whatever the query:
#: a URL over the length limit, a client over its share or rate, no worker free in time or a
#: query over its time or memory limit. Each is a JSON error, as every error of the server.
LIMITS = {
    "TooLong": "the URL is longer than the server accepts; send fewer or shorter parameters",
    "TooMany": "too many requests from your address at once or per second; retry later",
    "Unavailable": "no query worker was free in time, or the query hit its time or memory limit",
}
LIMIT_RESPONSES = {"414": {"$ref": "#/components/responses/TooLong"},
                   "429": {"$ref": "#/components/responses/TooMany"},
                   "503": {"$ref": "#/components/responses/Unavailable"}}

#: The headers of an answer (server/http/result_cache.py, server/http/request_limits.py).
HEADERS = {
    "KG-Cache": {"description": "`hit`: answered from the server's result cache (the same bytes "
                                "as the first answer, from the same published generation); "
                                "`miss`: the query ran / от кеша или не",
                 "schema": {"type": "string", "enum": ["hit", "miss"]}},
    "ETag": {"description": "the answer's validator: send it back in If-None-Match for a 304 "
                            "while the same generation is served",
             "schema": {"type": "string"}},
    "KG-Result-Truncated": {"description": "with `truncate=1`: the cap that cut the answer, "
                                           "`rows=N`", "schema": {"type": "string"}},
}


def operation_id(name: str) -> str:
    """``project-budget`` -> ``projectBudget``."""
    head, *rest = name.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def parameter_schema(parameter: Parameter) -> dict:
    """The JSON Schema of a parameter's value as the API checks it."""
    schema: dict = {"type": "string", "maxLength": MAX_VALUE_LENGTH}
    if parameter.type == "iri":
        schema.update(format="iri", pattern=IRI_PATTERN)
    elif parameter.type == "integer":
        schema = {"type": "integer"}
    elif parameter.type == "decimal":
        schema.update(pattern=f"^{DECIMAL.pattern}$")
    elif parameter.type == "date":
        schema.update(format="date")
    if parameter.allowed:
        schema["enum"] = [int(value) if parameter.type == "integer" else value
                          for value in parameter.allowed]
    if parameter.default is not None:
        schema["default"] = int(parameter.default) if parameter.type == "integer" \
            else parameter.default
    return schema


def _parameter(parameter: Parameter) -> dict:
    schema = parameter_schema(parameter)
    described = {
        "name": parameter.name, "in": "query", "required": parameter.default is None,
        "description": " — ".join(text for text in (parameter.description,
                                                     parameter.description_bg) if text)
        or parameter.name,
        "schema": schema,
        "x-rdf-type": parameter.type,
    }
    if parameter.default is not None:
        described["example"] = schema["default"]
    return described


def _responses(saved: SavedQuery) -> dict:
    if saved.form in ("CONSTRUCT", "DESCRIBE"):
        content = {media: {"schema": {"type": "string"}} for media in API_GRAPH_OFFERS}
    else:
        results = {"$ref": "#/components/schemas/SparqlResults"}
        content = {media: {"schema": results if "json" in media else {"type": "string"}}
                   for media in API_TABLE_OFFERS}
    return {
        "200": {"description": "the answer / отговорът", "content": content,
                "headers": {name: {"$ref": f"#/components/headers/{name}"} for name in HEADERS}},
        "304": {"description": "the answer is the one whose ETag the call sent in If-None-Match "
                               "(no body) / отговорът е непроменен",
                "headers": {name: {"$ref": f"#/components/headers/{name}"}
                            for name in ("KG-Cache", "ETag")}},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "406": {"$ref": "#/components/responses/NotAcceptable"},
        "422": {"$ref": "#/components/responses/TooManyRows"},
        **LIMIT_RESPONSES,
    }


def _operation(saved: SavedQuery, example: str) -> dict:
    description = "\n\n".join(text for text in (
        saved.description, f"{saved.title_bg}. {saved.description_bg}".strip(),
        f"Example / пример: `{example}`") if text)
    return {"get": {
        "operationId": operation_id(saved.name), "tags": ["queries"],
        "summary": saved.title, "description": description,
        "parameters": [_parameter(parameter) for parameter in saved.parameters]
        + [{"$ref": "#/components/parameters/format"}, {"$ref": "#/components/parameters/truncate"}],
        "responses": _responses(saved),
        "x-sparql-query": saved.text,
    }}


def _components() -> dict:
    error = {"type": "object", "required": ["error", "message"],
             "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}
    term = {"type": "object", "required": ["type", "value"], "properties": {
        "type": {"enum": ["uri", "literal", "bnode", "triple"]},
        "value": {}, "xml:lang": {"type": "string"}, "datatype": {"type": "string"}}}
    results = {
        "type": "object", "required": ["head"], "description": "SPARQL 1.1 Query Results JSON",
        "properties": {
            "head": {"type": "object", "properties": {
                "vars": {"type": "array", "items": {"type": "string"}},
                "link": {"type": "array", "items": {"type": "string"}}}},
            "results": {"type": "object", "required": ["bindings"], "properties": {
                "bindings": {"type": "array", "items": {
                    "type": "object",
                    "additionalProperties": {"$ref": "#/components/schemas/RdfTerm"}}}}},
            "boolean": {"type": "boolean"}}}
    catalogue = {"type": "object", "required": ["queries"], "properties": {
        "queries": {"type": "array", "items": {"type": "object", "required": [
            "name", "title", "title_bg", "description", "parameters", "url", "example"]}},
        "openapi": {"type": "string"}}}
    return {
        "headers": HEADERS,
        "schemas": {"Error": error, "RdfTerm": term, "SparqlResults": results,
                    "Catalogue": catalogue},
        "parameters": {"format": {
            "name": "format", "in": "query", "required": False,
            "description": "overrides the Accept header / замества заглавката Accept",
            "schema": {"type": "string", "enum": list(API_TABLE_KEYS)}},
            "truncate": {
                "name": "truncate", "in": "query", "required": False,
                "description": "1: an answer over the row cap comes cut to its first rows (200, "
                               "KG-Result-Truncated) instead of 422 / 1: отговор над границата "
                               "на редовете идва съкратен вместо 422",
                "schema": {"type": "string", "enum": ["0", "1", "false", "true"]}}},
        "responses": {
            "BadRequest": {"description": "a wrong, unknown or repeated parameter, with the reason",
                           "content": {"application/json": {
                               "schema": {"$ref": "#/components/schemas/Error"}}}},
            "TooManyRows": {"description": "the answer has more rows than the server's cap and "
                                           "`truncate=1` was not given; the message says how to "
                                           "page with ORDER BY, LIMIT and OFFSET",
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/Error"}}}},
            "NotAcceptable": {"description": "no offered media type is acceptable",
                              "content": {"application/json": {
                                  "schema": {"$ref": "#/components/schemas/Error"}}}},
            **{name: {"description": description, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}
               for name, description in LIMITS.items()},
        },
    }


def _ingest_operation() -> dict:
    """POST /api/ingest: off unless the operator turns it on (404 then)."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    draft = {"type": "object", "required": ["source", "records", "yaml"], "properties": {
        "source": {"type": "object"}, "known_source": {"type": "boolean"},
        "records": {"type": "array", "items": {"type": "object"}},
        "notes": {"type": "array", "items": {"type": "string"}},
        "yaml": {"type": "string"}, "source_yaml": {"type": "string"}}}
    return {"post": {
        "operationId": "ingestAnnouncement", "tags": ["ingest"],
        "summary": "Draft records from a grant announcement / Чернови записи от обявление",
        "description": "The text of a grant announcement (plain text or HTML) in, its draft "
                       "records (`curation: draft`, each value cited by line, doubtful ones with "
                       "a review reason) and draft source entry out, as JSON and as the YAML "
                       "`kg ingest` writes. Nothing is stored. Off unless the server's operator "
                       "turns it on (`kg serve --allow-ingest`): then 404.\n\nТекстът на "
                       "обявление влиза, черновите записи излизат; нищо не се записва.",
        "requestBody": {"required": True, "content": {
            "text/plain": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}}}},
        "responses": {
            "200": {"description": "the draft / черновата",
                    "content": {"application/json": {"schema": draft}}},
            "400": {"description": "a text that cannot be read (binary, not UTF-8 or cp1251, "
                                   "empty)", "content": error},
            "404": {"description": "ingest is not turned on on this server", "content": error},
            "413": {"description": "the body is over the server's limit", "content": error},
            "415": {"description": "not text/plain or text/html", "content": error},
            **LIMIT_RESPONSES,
        }}}


def openapi_document(queries: dict[str, SavedQuery],
                     example_call: Callable[[SavedQuery], str]) -> dict:
    """The whole OpenAPI 3.1 document for ``queries`` (name -> saved query), in name order."""
    paths: dict = {"/api/queries": {"get": {
        "operationId": "listQueries", "tags": ["catalogue"],
        "summary": "The catalogue of saved queries / Каталогът на записаните заявки",
        "responses": {"200": {"description": "the catalogue", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Catalogue"}}}}, **LIMIT_RESPONSES}}}}
    for name, saved in sorted(queries.items()):
        paths[f"/api/queries/{name}"] = _operation(saved, example_call(saved))
    paths["/api/ingest"] = _ingest_operation()
    return {
        "openapi": "3.1.0",
        "info": {"title": "BG Inclusion KG — named-query API", "version": __version__,
                 "description": DESCRIPTION,
                 "license": {"name": "CC BY 4.0 (data)",
                             "url": "https://creativecommons.org/licenses/by/4.0/"}},
        "servers": [{"url": "/"}],
        "tags": [{"name": "queries", "description": "saved queries / записани заявки"},
                 {"name": "ingest", "description": "draft records from a text / чернови записи"},
                 {"name": "catalogue", "description": "the list of queries / списъкът"}],
        "paths": paths,
        "components": _components(),
    }
