"""What every benchmark writes beside its figures, and how it puts them in RESULTS.md.

Each benchmark owns one section of bench/RESULTS.md between its own start and end markers, so
that a re-run replaces its table and leaves the others' as they were; and each names the machine
it ran on (figures from another machine are not comparable).
"""

from __future__ import annotations

import os
import platform
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
