"""Stage 4, validation: SHACL shapes of shapes/ run by pyshacl (the reference) or compiled to
SPARQL on pyoxigraph (fast), for the build and for anyone's RDF files; one report model for both.
"""
