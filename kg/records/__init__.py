"""Stage 1, the records: data/sources.yaml and data/records/*.yaml read and checked, their
verbatim values normalised (pure functions), the record schema and code lists, citations checked
against the source texts, and the only place IRIs are minted (:mod:`kg.records.iris`).
"""
