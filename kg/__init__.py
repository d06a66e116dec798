"""BG Inclusion knowledge graph: curated records of EU-funded social-inclusion work -> RDF."""

from importlib.metadata import PackageNotFoundError, version

try:
    #: The version pyproject.toml states (its one home), as the installed package's metadata has it.
    __version__ = version("bg-inclusion-kg")
except PackageNotFoundError:  # a source tree that was never installed (`pip install -e .` fixes it)
    __version__ = "0+unknown"
