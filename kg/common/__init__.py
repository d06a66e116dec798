"""What every stage shares: errors with their place, where the bundled files are, step timing,
the table of RDF and SPARQL results formats (:mod:`~kg.common.formats`), every default limit
(:mod:`~kg.common.limits`), and the reading of RDF files other people give the command line
(with their limits).
"""
