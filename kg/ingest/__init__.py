"""``kg ingest``: a grant announcement's text -> facts with their lines, for draft records.

A pipeline stage above :mod:`kg.records` (whose parsers it reuses): :mod:`kg.ingest.text`
reads the input, :mod:`kg.ingest.extract` finds the facts, :mod:`kg.ingest.score` compares
them with a gold set.
"""
