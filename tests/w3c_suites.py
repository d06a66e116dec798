"""Where the W3C test suites lie (beside the seeds, in ../shared) and their manifests' vocabulary."""

from __future__ import annotations

from rdflib import Namespace

from kg.common import paths

#: The SPARQL 1.1 query and update test suite (its README says how to use it).
SPARQL11 = paths.default_seeds_dir().parent / "w3c-sparql11"
#: The test-manifest vocabulary: mf:action, mf:result, the test types.
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
#: The query-test vocabulary: qt:query, qt:data.
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
