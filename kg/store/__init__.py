"""The stores the graph is queried in, behind one interface: pyoxigraph on disk (the default),
rdflib in memory, and a remote SPARQL endpoint.
"""
