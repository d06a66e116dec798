"""Time and peak memory of ``kg validate`` on the bundled graph at 1×, 10× and 100× its size.

    python bench/validate_scale.py [--scales 1,10,100] [--timeout 300] [--out bench/RESULTS.md]

Issue 3 asks whether SHACL validation stays within its 5-minute budget as the graph grows. There
is no bigger real data yet, so the N× dataset is synthetic but shaped like the real one: every
resource under ``<base>id/`` is cloned N-1 times, with ids that still match the canonical patterns
and in the same named graphs (how each kind of id is changed: bench/graph_cloning.py). Each scale
is validated by ``python -m kg validate FILE --timeout T`` in a child process, its wall time and
peak RSS taken from ``os.wait4`` (bench/validate_measurement.py). The section between this
script's markers in bench/RESULTS.md is replaced; other sections are kept
(bench/validate_scale_report.py). Nothing here asserts a timing.

This file is the command line and the loop over scales and engines; the modules named above do
the work, each importable on its own (tests/test_bench_validate_scale.py uses the cloning).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path[:0] = [str(BENCH)]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bundled_quads import bundled_nquads, parse_quads  # noqa: E402
from graph_cloning import write_scaled  # noqa: E402
from results_file import replace_section  # noqa: E402
from validate_measurement import Measurement, run_validate  # noqa: E402
from validate_scale_report import END, START, result_cell, results_section, seconds_cell  # noqa: E402

from kg.common.limits import VALIDATION_TIMEOUT_SECONDS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Clone, validate and measure at each scale with each engine, then write the RESULTS.md section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="comma-separated multiples (default 1,10,100)")
    parser.add_argument("--timeout", type=float, default=VALIDATION_TIMEOUT_SECONDS,
                        help=f"kg validate --timeout (default {VALIDATION_TIMEOUT_SECONDS:g})")
    parser.add_argument("--nq", default=None, help="a build's kg.nq (default: assemble data/ now)")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--keep", default=None, help="write the N× files into this directory and keep them")
    parser.add_argument("--engines", default="sparql,pyshacl",
                        help="kg validate engines (default sparql,pyshacl)")
    parser.add_argument("--pyshacl-max-scale", type=int, default=10,
                        help="largest scale pyshacl is run at (default 10; 100× takes over 5 minutes)")
    args = parser.parse_args(argv)
    scales = [int(value) for value in args.scales.split(",") if value.strip()]
    quads = parse_quads(bundled_nquads(Path(args.nq) if args.nq else None))
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(args.keep or scratch)
        directory.mkdir(parents=True, exist_ok=True)
        for scale in scales:
            path = directory / f"kg-{scale}x.nq"
            count = write_scaled(quads, scale, path)
            for engine in [name.strip() for name in args.engines.split(",") if name.strip()]:
                if engine == "pyshacl" and scale > args.pyshacl_max_scale:
                    continue
                print(f"{scale}×: {count} quads in {path}; validating with {engine} …", file=sys.stderr)
                measurement = run_validate(path, args.timeout, scale, count, engine)
                print(f"{scale}× {engine}: {seconds_cell(measurement)}, "
                      f"{measurement.peak_rss_mib:.0f} MiB, {result_cell(measurement)}", file=sys.stderr)
                measurements.append(measurement)
            if not args.keep:
                path.unlink()
    replace_section(Path(args.out), results_section(measurements, len(quads)), START, END)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
