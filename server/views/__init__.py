"""The views: the SPARQL 1.1 Protocol endpoint and its service description, Linked Data pages,
the query page, the named-query API and its OpenAPI document, and the JSON-LD context.
"""
