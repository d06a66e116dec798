"""What every stage shares: errors with their place, where the bundled files are, step timing,
and the reading of RDF files other people give the command line (with their limits).
"""
