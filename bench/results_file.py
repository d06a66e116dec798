"""What every benchmark writes beside its figures, and how it puts them in RESULTS.md.

Each benchmark owns one section of bench/RESULTS.md between its own start and end markers, so
that a re-run replaces its table and leaves the others' as they were; and each names the machine
it ran on (figures from another machine are not comparable).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path


def machine(*packages: str) -> str:
    """CPU model, cores and RAM from /proc, the system, Python and the versions of ``packages``."""
    cpu, memory = "unknown CPU", "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    versions = ", ".join(f"{package} {version(package)}" for package in packages)
    return (f"{cpu}, {os.cpu_count()} cores, {memory} RAM; {platform.system()}; "
            f"Python {platform.python_version()}, {versions}")


def measured_line(*packages: str) -> str:
    """The line a section opens with: when, on which machine, and how busy it was at the end."""
    return (f"- measured {dt.date.today().isoformat()} on {machine(*packages)}; "
            f"load average {os.getloadavg()[0]:.1f} at the end")


def timing_cell(result: dict, size: bool = False) -> str:
    """A table cell for one timed figure: its error, ``p50 ms / p95 ms`` (and the answer's size in
    KiB with ``size``), or, for a query too slow to repeat (``once``), its one time in seconds."""
    if "error" in result:
        return result["error"]
    if result.get("once"):
        return f"{result['p50'] / 1000:.1f} s (one run)"
    cell = f"{result['p50']:.1f} ms / {result['p95']:.1f} ms"
    return cell + (f" ({result['bytes'] / 1024:.0f} KiB)" if size else "")


def builds_parser(description: str, runs_help: str, out: Path) -> argparse.ArgumentParser:
    """The options of a benchmark over built stores: ``--build`` (repeatable, smallest first),
    ``--runs`` and ``--out``; :func:`built_stores` checks the builds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--build", type=Path, action="append", required=True,
                        help="a build directory with its store (repeatable: smallest first)")
    parser.add_argument("--runs", type=int, default=11, help=runs_help)
    parser.add_argument("--out", default=str(out))
    return parser


def built_stores(parser: argparse.ArgumentParser, builds: list[Path]) -> list[Path]:
    """The builds, resolved; a usage error for one without a store."""
    for build in builds:
        if not (build / "store").is_dir():
            parser.error(f"{build / 'store'}: no store; run `kg build` first")
    return [build.resolve() for build in builds]


def replace_section(out: Path, text: str, start: str, end: str) -> None:
    """Put ``text`` (which begins with ``start`` and ends with ``end``) in place of the section
    between those markers in ``out``, or append it; the rest of the file stays."""
    existing = out.read_text(encoding="utf-8") if out.is_file() else "# Benchmarks\n\n"
    if start in existing and end in existing:
        before, rest = existing.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        updated = before + text + ("\n" + after if after else "")
    else:
        updated = existing.rstrip("\n") + "\n\n" + text
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(updated, encoding="utf-8")


def measure_and_write(parser: argparse.ArgumentParser, argv: list[str] | None,
                      measure: Callable[[Path, argparse.Namespace], dict],
                      section: Callable[[list[dict], int], str], start: str, end: str) -> int:
    """A benchmark over built stores from its command line to its section of RESULTS.md:
    ``measure(build, args)`` each build (smallest first), print the section and put it in
    ``--out`` between ``start`` and ``end``."""
    args = parser.parse_args(argv)
    results = [measure(build, args) for build in built_stores(parser, args.build)]
    text = section(results, args.runs)
    print(text)
    replace_section(Path(args.out), text, start, end)
    return 0
