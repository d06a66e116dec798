"""BG Inclusion knowledge graph: curated records of EU-funded social-inclusion work -> RDF."""

__version__ = "0.1.0"
