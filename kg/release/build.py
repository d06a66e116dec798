"""``kg build``: records -> named graphs -> entailments -> SHACL -> release, in bounded memory.

One engine (decision 0016): the streaming build of :mod:`kg.release.build_stream`, which scales
to every contract in Bulgaria and writes, for the bundled records, the same kg.nq byte for byte
as the in-memory rdflib + owlrl reference (:func:`kg.reason.owlrl_reference.reference_graphs`;
tests/test_reason_fast.py). Everything that can fail on bad input happens before anything is
published: the release files and the store are swapped into place only once the graph is
mapped and conforms to the shapes, so a bad record or a violation leaves the previous build as
it was. One build at a time writes to an output directory (:mod:`kg.release.lock`).
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from kg.release.build_stream import build_streaming, check_release_shapes
from kg.release.lock import exclusive_build
from kg.release.report import BuildReport


def build(data_dir: Path, out_dir: Path, reason: bool = True, progress: bool = False,
          store: bool = True, validate: bool = True, workers: int | None = None,
          include_drafts: bool = False) -> BuildReport:
    """Build the release into ``out_dir`` (kg.nq, kg.trig and the pyoxigraph store), atomically.

    With ``validate`` (the default) the graph is checked against the shapes first, and a graph
    with violations is not published. A build first clears what a killed build left in
    ``out_dir``. Draft records (``curation: draft``) are left out unless ``include_drafts``.
    """
    with exclusive_build(out_dir) as removed:
        if removed and progress:
            print(f"removed what a stopped build left in {out_dir}: {', '.join(removed)}",
                  file=sys.stderr, flush=True)
        check = partial(check_release_shapes, progress=progress) if validate else None
        return build_streaming(data_dir, out_dir, reason=reason, progress=progress, store=store,
                               validate=check, workers=workers, include_drafts=include_drafts)
