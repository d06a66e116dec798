"""``kg export``: the release as files an open-data publisher puts online.

RDF in five syntaxes (:mod:`~kg.export.rdf_formats`), JSON-LD with a published context and
per-project framed documents (:mod:`~kg.export.jsonld_context`,
:mod:`~kg.export.jsonld_documents`), CSV tables for people who do not use RDF
(:mod:`~kg.export.csv_tables`), and the description of all of it: DCAT-AP 3
(:mod:`~kg.export.dcat`), VoID (:mod:`kg.export.void`) and SHA-256 sums
(:mod:`~kg.export.checksums`). :mod:`~kg.export.pipeline` puts them together, atomically.
"""
